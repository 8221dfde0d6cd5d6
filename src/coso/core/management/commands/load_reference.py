"""Load every app's shipped reference data: the rule book first, then each app's ``reference.load()``."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def reference_modules() -> list[str]:
    """``coso.<app>.reference`` modules, the rule book's first."""
    found = []
    for cfg in apps.get_app_configs():
        if not cfg.name.startswith("coso."):
            continue
        try:
            importlib.import_module(f"{cfg.name}.reference")
        except ModuleNotFoundError as exc:
            if exc.name != f"{cfg.name}.reference":
                raise
            continue
        found.append(f"{cfg.name}.reference")
    found.sort(key=lambda m: (m != "coso.rules.reference", m))
    return found


class Command(BaseCommand):
    help = "Load shipped reference data (rules, categories, templates…) idempotently; values edited by units are kept."

    def handle(self, *args, **options):
        for path in reference_modules():
            with transaction.atomic():
                summary = importlib.import_module(path).load()
            self.stdout.write(f"{path.split('.')[1]}: {summary}")
