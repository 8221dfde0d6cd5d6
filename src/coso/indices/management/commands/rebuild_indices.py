"""Rebuild the Decision 766 rollups from scratch and check them against a full recomputation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Rebuild the Decision 766 rollups (unit × day × indicator) and compare them with a full recomputation. --check: compare only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Do not rebuild: compare the stored rollups with a full recomputation.")

    def handle(self, *args: Any, **options: Any) -> None:
        from coso.indices.services import rollups_check, rollups_rebuild

        if not options["check"]:
            n = rollups_rebuild()
            self.stdout.write(f"Rebuilt {n} rollup rows.")
        mismatches = rollups_check()
        for m in mismatches[:50]:
            self.stdout.write(f"  {m.commune_code} {m.indicator}: rollups {m.rollup[0]}/{m.rollup[1]} ≠ records {m.records[0]}/{m.records[1]}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} (commune, indicator) totals differ from the records.")
        self.stdout.write(self.style.SUCCESS("Rollups match a full recomputation."))
