"""Run one periodic job now, in this process (the same run record and lock as the scheduler's runs)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coso.jobs.models import JobRun
from coso.jobs.registry import PERIODIC
from coso.jobs.services import run_periodic


class Command(BaseCommand):
    help = "Run a periodic job now (--list shows them)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("name", nargs="?", help="Job name.")
        parser.add_argument("--today", help="Treat this date (YYYY-MM-DD) as today.")
        parser.add_argument("--list", action="store_true", help="List the registered periodic jobs.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["list"] or not options["name"]:
            for name, job in sorted(PERIODIC.items()):
                self.stdout.write(f"{name:32} {job.schedule_text}  {job.title}")
            return
        if options["name"] not in PERIODIC:
            raise CommandError(f"Unknown job {options['name']!r}; see --list.")
        try:
            today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        except ValueError:
            raise CommandError(f"--today {options['today']!r} is not a date (YYYY-MM-DD).") from None
        run = run_periodic(options["name"], trigger=JobRun.Trigger.COMMAND, today=today)
        self.stdout.write(f"{run.name}: {run.status} {run.result}")
        if run.status == JobRun.Status.FAILED:
            raise CommandError(run.error.strip().splitlines()[-1] if run.error else "failed")
