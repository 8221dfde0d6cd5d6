from __future__ import annotations

from django.core.management.base import BaseCommand

from coso.rules.reference import load


class Command(BaseCommand):
    help = "Load the shipped rule book (every app's data/rules.json): idempotent; values edited by a unit are kept."

    def handle(self, *args, **options):
        self.stdout.write(load())
