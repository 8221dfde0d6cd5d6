from django.core.management.base import BaseCommand

from coso.funding.services import norms_load_defaults


class Command(BaseCommand):
    help = "Load the shipped national funding norms (funding/data/norms.json). Idempotent; province edits are kept."

    def handle(self, *args, **options):
        created, updated = norms_load_defaults()
        self.stdout.write(f"Định mức kinh phí: {created} tạo mới, {updated} cập nhật.")
