"""The tasks an officer in charge completed in a year, read by the annual evaluation's work log (Decree 335/2025)."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.tasks import selectors
from coso.tasks.tests.helpers import completed_task

pytestmark = pytest.mark.django_db


def test_person_completed_tasks_lists_the_year_s_completed_tasks_of_the_officer_in_charge(users, commune):
    me, leader = users["specialist"], users["leader"]
    on_time = completed_task(leader=leader, commune_code=commune.code, title="Niêm yết thủ tục", assigned=dt.date(2026, 1, 5),
                             due=dt.date(2026, 2, 10), completed=dt.date(2026, 2, 9), assignee=me, issuer="UBND Thành phố")
    late = completed_task(leader=leader, commune_code=commune.code, title="Đối thoại với dân", assigned=dt.date(2026, 3, 2),
                          due=dt.date(2026, 3, 20), completed=dt.date(2026, 4, 1), assignee=me)
    completed_task(leader=leader, commune_code=commune.code, title="Việc năm trước", assigned=dt.date(2025, 11, 3),
                   due=dt.date(2025, 12, 1), completed=dt.date(2025, 11, 28), assignee=me)
    completed_task(leader=leader, commune_code=commune.code, title="Việc người khác", assigned=dt.date(2026, 1, 5),
                   due=dt.date(2026, 2, 10), completed=dt.date(2026, 2, 2), assignee=users["home_affairs"])
    completed_task(leader=leader, commune_code=commune.code, title="Việc đang làm", assigned=dt.date(2026, 1, 5),
                   due=dt.date(2026, 2, 10), completed=None, assignee=me)

    got = selectors.person_completed_tasks(fetched_by=leader, user_id=me.pk, year=2026, commune_code=commune.code)
    assert [(r["task_id"], r["on_time"]) for r in got] == [(on_time.pk, True), (late.pk, False)]
    first = got[0]
    assert first["source_ref"] == f"task:{on_time.pk}" and first["title"] == "Niêm yết thủ tục"
    assert (first["assigned_by"], first["due"], first["completed_on"]) == ("UBND Thành phố", dt.date(2026, 2, 10), dt.date(2026, 2, 9))
    assert got[1]["status"] == "completed_late" and got[1]["completed_on"] == dt.date(2026, 4, 1)
    assert [r["title"] for r in selectors.person_completed_tasks(fetched_by=leader, user_id=me.pk, year=2025, commune_code=commune.code)] == [
        "Việc năm trước"
    ]
    # Another commune's scope sees none of them, nor does asking for another commune.
    assert selectors.person_completed_tasks(fetched_by=users["other_leader"], user_id=me.pk, year=2026, commune_code=commune.code) == []
    assert selectors.person_completed_tasks(fetched_by=leader, user_id=me.pk, year=2026, commune_code="26737") == []
