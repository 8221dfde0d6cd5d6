import time

from django.core.management.base import BaseCommand

from coso.core.bulk import refresh_statistics
from coso.core.progress import ProgressBar
from coso.units.models import AdministrativeUnit, UnitSuccession
from coso.units.services import units_import_lineage_2025, units_import_official


class Command(BaseCommand):
    help = (
        "Import the 34 provinces and 3,321 communes from vietnam-provinces, then the units before 1/7/2025 "
        "and their lineage from vietnamadminunits (idempotent; no download)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--skip-lineage", action="store_true", help="Only the current units.")
        parser.add_argument("--province", action="append", dest="provinces", help="Limit to these current province codes (repeatable).")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        provinces = options.get("provinces")
        bar = ProgressBar("Đơn vị hành chính", stream=self.stdout)
        result = units_import_official(progress=bar.update, province_codes=provinces)
        bar.finish()
        self.stdout.write(
            f"{result['provinces']} tỉnh/thành, {result['communes']} xã/phường/đặc khu "
            f"(tạo mới {result['created']}, cập nhật {result['updated']})."
        )
        if options.get("skip_lineage"):
            refresh_statistics(AdministrativeUnit)
            return
        started = time.monotonic()
        bar = ProgressBar("Đơn vị trước 1/7/2025", stream=self.stdout)
        lineage = units_import_lineage_2025(progress=bar.update, province_codes=provinces)
        bar.finish()
        self.stdout.write(
            f"Trước 1/7/2025: {lineage['provinces']} tỉnh, {lineage['districts']} huyện, {lineage['communes']} xã; "
            f"{lineage['successions']} quan hệ kế thừa (tạo mới {lineage['units_created']} đơn vị, {lineage['successions_created']} quan hệ; "
            f"cập nhật {lineage['units_updated'] + lineage['successions_updated']}; bỏ {lineage['successions_removed']}) "
            f"trong {time.monotonic() - started:.1f} s."
        )
        if lineage["skipped"] or lineage["unmatched"]:
            self.stdout.write(
                self.style.WARNING(f"{lineage['skipped']} quan hệ không khớp được với xã hiện hành ({lineage['unmatched']} xã mới không khớp tên).")
            )
        refresh_statistics(AdministrativeUnit, UnitSuccession)
