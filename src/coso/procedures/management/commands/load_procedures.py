from django.core.management.base import BaseCommand

from coso.core.progress import ProgressBar
from coso.procedures.services import load_procedures


class Command(BaseCommand):
    help = "Load the shipped catalogue of commune-level procedures (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None, help="Catalogue JSON (default: procedures/data/procedures.json)")

    def handle(self, *args, **options):
        bar = ProgressBar("Thủ tục hành chính", stream=self.stdout)
        result = load_procedures(path=options["file"], progress=bar.update)
        bar.finish()
        self.stdout.write(
            f"{result['rows']} thủ tục: tạo mới {result['procedures_created']} thủ tục, "
            f"{result['versions_created']} phiên bản; không đổi {result['unchanged']}; giữ bản đã sửa {result['kept']}."
        )
