"""Re-load the shipped calendar overrides (data/overrides.csv). Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coso.core.exceptions import ApplicationError
from coso.workcalendar.services import overrides_load_shipped


class Command(BaseCommand):
    help = "Load the announced calendar overrides from src/coso/workcalendar/data/overrides.csv (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=None, help="Another CSV with the same columns (date,kind,reason,source).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = overrides_load_shipped(actor=None, path=options["file"])
        except (OSError, ValueError, ValidationError, ApplicationError) as exc:  # nothing was changed
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Calendar overrides: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged."
        )
