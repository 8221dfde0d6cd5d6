"""Mark overdue feedback late and notify the responsible unit's leader.

The job scheduler runs this daily (periodic job ``feedback_escalate_overdue``); the command runs the
same job by hand, with the same run record and lock.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coso.jobs.models import JobRun
from coso.jobs.services import run_periodic


class Command(BaseCommand):
    help = "Escalate overdue feedback to the unit's leader (once per item)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--today", help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        run = run_periodic("feedback_escalate_overdue", trigger=JobRun.Trigger.COMMAND, today=today)
        if run.status == JobRun.Status.FAILED:
            raise CommandError(run.error.strip().splitlines()[-1] if run.error else "failed")
        if run.status == JobRun.Status.SKIPPED:
            self.stdout.write("Tác vụ đang chạy ở nơi khác; lần này bỏ qua.")
            return
        self.stdout.write(f"{run.result.get('escalated', 0)} phản ánh quá hạn đã được báo lãnh đạo.")
        self.stdout.write(f"{run.result.get('forward_escalated', 0)} phản ánh chưa phân loại sau hạn chuyển cơ quan có thẩm quyền đã được báo lãnh đạo.")
