from django.core.management.base import BaseCommand

from coso.core.progress import ProgressBar
from coso.units.services import units_import_official


class Command(BaseCommand):
    help = "Import the 34 provinces and 3,321 communes from vietnam-provinces (idempotent)."

    def handle(self, *args, **options):
        bar = ProgressBar("Đơn vị hành chính", stream=self.stdout)
        result = units_import_official(progress=bar.update)
        bar.finish()
        self.stdout.write(
            f"{result['provinces']} tỉnh/thành, {result['communes']} xã/phường/đặc khu "
            f"(tạo mới {result['created']}, cập nhật {result['updated']})."
        )
