"""The province report's grouped query (each official status a filtered count over day numbers) gives exactly the figures of the status
function applied task by task, on random tasks with every edge: assigned after the day looked at, completed or
cancelled after it, completed on the deadline, extended deadlines, both readings of an approved extension, short and
long periods."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from coso.tasks import selectors
from coso.tasks.models import Directive, Task
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _tasks(province, communes, rng: random.Random, n: int = 400) -> None:
    d = Directive.objects.create(number="1/KH-UBND", issued_on=TODAY - dt.timedelta(days=400), issuer="UBND tỉnh", level="province",
                                 summary="Kiểm thử", province_code=province.code)
    rows = []
    for _ in range(n):
        assigned = TODAY - dt.timedelta(days=rng.randint(0, 400))
        due = assigned + dt.timedelta(days=rng.randint(0, 60))
        effective = due + dt.timedelta(days=rng.choice([0, 0, 0, 5, 20]))
        t = Task(directive=d, title="Nhiệm vụ", lead_unit="UBND", assigned_on=assigned, due_on=due, effective_due=effective,
                 province_code=province.code, commune_code=rng.choice(communes).code)
        r = rng.random()
        if r < 0.55:
            t.state = Task.State.COMPLETED
            t.completed_on = min(TODAY, assigned + dt.timedelta(days=rng.choice([0, due.toordinal() - assigned.toordinal(),
                                                                                   effective.toordinal() - assigned.toordinal(),
                                                                                   rng.randint(0, 90)])))
        elif r < 0.65:
            t.state = Task.State.CANCELLED
            t.cancelled_on = min(TODAY, assigned + dt.timedelta(days=rng.randint(0, 60)))
        rows.append(t)
    Task.objects.bulk_create(rows)


@pytest.mark.parametrize("counts", [True, False])
def test_grouped_query_equals_the_status_function_on_random_tasks(province, commune, other_commune, users, today, counts):
    from coso.rules.testing import set_rule

    _tasks(province, [commune, other_commune], random.Random(5))
    set_rule("tasks.extension.counts_on_time", counts, valid_from=dt.date(2020, 1, 1))
    officer = users["province_home_affairs"]
    periods = [(TODAY - dt.timedelta(days=400), TODAY), (TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=30)),
               (TODAY - dt.timedelta(days=60), TODAY - dt.timedelta(days=31)), (TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=40)),
               (TODAY - dt.timedelta(days=200), TODAY - dt.timedelta(days=100))]
    for start, end in periods:
        kw = {"fetched_by": officer, "start": start, "end": end}
        grouped, ref = (selectors.task_report_figures(**kw, engine=e) for e in ("sql", "python"))
        assert ref["total"].total > 0
        assert [f.as_dict() for f in grouped["rows"]] == [f.as_dict() for f in ref["rows"]], (start, end)
        assert grouped["total"].as_dict() == ref["total"].as_dict(), (start, end)
