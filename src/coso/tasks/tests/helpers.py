"""Tasks carried out through the tasks services, for the tests of this app and of the apps that read it (workforce)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=VN), tick=False)


def completed_task(*, leader: Any, commune_code: str, title: str, assigned: dt.date, due: dt.date, completed: dt.date | None,
                   assignee: Any, issuer: str = "UBND tỉnh") -> Any:
    """A task the commune's leader registers and assigns on ``assigned`` (due ``due``, officer in charge ``assignee``), whose
    result the officer reports on ``completed`` (None: left open)."""
    from coso.tasks import services

    with _on(assigned):
        d = services.directive_create(actor=leader, number=f"{title[:20]}/UBND", issued_on=assigned, issuer=issuer, level="commune",
                                      summary=title)
        task = services.tasks_assign(actor=leader, directive=d, title=title, commune_codes=[commune_code], assigned_on=assigned,
                                     due_on=due, assignee=assignee)[0]
    if completed is not None:
        with _on(completed):
            services.task_report(actor=assignee, task=task, kind="result", content="Đã hoàn thành")
    task.refresh_from_db()
    return task
