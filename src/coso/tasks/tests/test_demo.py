from __future__ import annotations

from django.db.models import Max

import pytest

from coso.core.demo import DemoContext
from coso.tasks import demo, selectors
from coso.tasks import status as st
from coso.tasks.models import Directive, Extension, Task, TaskReport
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_demo_has_every_status_and_nothing_in_the_future(province, commune, other_commune, users, today):
    ctx = DemoContext(
        province=province,
        communes=[commune, other_commune],
        users={"noivu.tinh": users["province_home_affairs"], "lanhdao": users["leader"], "chuyenvien": users["specialist"]},
    )
    demo.build(ctx)
    assert Task.objects.count() == len(demo.DIRECTIVES) * 2 + 2
    for model, fields in (
        (Directive, ["issued_on", "received_on"]),
        (Task, ["assigned_on", "completed_on", "cancelled_on"]),
        (TaskReport, ["reported_on"]),
        (Extension, ["requested_on", "decided_on"]),
    ):
        for f in fields:
            latest = model.objects.aggregate(m=Max(f))["m"]
            assert latest is None or latest <= TODAY, (model, f)
    statuses = {selectors.task_status(t) for t in Task.objects.all()}
    assert {st.ON_TIME, st.IN_TERM} <= statuses
    items = selectors.person_work_items(
        fetched_by=users["leader"], user_ids=[users["specialist"].pk], start=TODAY.replace(day=1).replace(month=1), end=TODAY
    )
    assert len(items[users["specialist"].pk]) == 2


@pytest.mark.parametrize("counts", [True, False])
def test_grouped_query_agrees_with_the_status_function(province, commune, other_commune, users, today, counts):
    import datetime as dt

    from coso.rules.testing import set_rule

    ctx = DemoContext(province=province, communes=[commune, other_commune], users={"noivu.tinh": users["province_home_affairs"]})
    demo.build(ctx)
    if not counts:
        set_rule("tasks.extension.counts_on_time", False, valid_from=dt.date(2020, 1, 1))
    for end in (TODAY - dt.timedelta(days=200), TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=20), TODAY):
        kw = {"fetched_by": users["province_home_affairs"], "start": TODAY - dt.timedelta(days=400), "end": end}
        sql, py = selectors.task_report_figures(**kw), selectors.task_report_figures(**kw, engine="python")
        assert [f.as_dict() for f in sql["rows"]] == [f.as_dict() for f in py["rows"]]
        assert sql["total"].as_dict() == py["total"].as_dict()
