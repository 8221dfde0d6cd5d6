"""Mark overdue feedback late and notify the responsible unit's leader (run daily, e.g. from cron)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from coso.feedback.services import feedback_escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue feedback to the unit's leader (once per item)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--today", help="Treat this date (YYYY-MM-DD) as today.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        n = feedback_escalate_overdue(today=today)
        self.stdout.write(f"{n} phản ánh quá hạn đã được báo lãnh đạo.")
