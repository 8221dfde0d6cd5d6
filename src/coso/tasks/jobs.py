"""Periodic job of the tasks app: reminders before a task's deadline and when it is overdue (idempotent)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job(
    "task_deadline_reminders",
    title=_("Nhắc hạn nhiệm vụ được giao"),
    schedule=crontab(hour="7", minute="40"),
    schedule_text=_("Hằng ngày lúc 07:40 (ngày làm việc)"),
    description=_("Nhắc xã, phường nhiệm vụ sắp đến hạn và nhiệm vụ đã quá hạn (báo cả người giao); mỗi thời hạn nhắc một lần."),
)
def task_deadline_reminders(ctx: Any) -> None:
    from coso.tasks.services import task_reminders_send

    for (kind, province_code), n in task_reminders_send(today=ctx.today, run=ctx.run).items():
        ctx.count(kind, n, province_code=province_code)
