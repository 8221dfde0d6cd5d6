from __future__ import annotations

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coso.core.bulk import refresh_statistics
from coso.core.demo import DemoContext
from coso.core.models import DemoMarker
from coso.units.models import AdministrativeUnit


class Command(BaseCommand):
    """`manage.py demo`: lives in units because it picks the demo province and its communes; each app builds its own
    part (`<app>/demo.py: build(ctx)`, listed in COSO_DEMO_MODULES) on the framework in `coso.core.demo`."""

    help = "Build deterministic demo data (default: one province) or national-scale data for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--province", default=settings.COSO_DEMO_PROVINCE, help="Province code (default from COSO_DEMO_PROVINCE).")
        parser.add_argument("--scale", choices=["province", "national"], default="province")
        parser.add_argument("--only", nargs="*", help="Run only these modules (e.g. coso.funding.demo).")
        parser.add_argument("--force", action="store_true", help="Run builders even if they ran before.")

    def handle(self, *args, **options):
        if not AdministrativeUnit.objects.filter(level="province").exists():
            raise CommandError("Chưa có đơn vị hành chính: chạy `manage.py load_units` trước.")
        scale = options["scale"]
        if scale == "national":
            province = AdministrativeUnit.objects.get(code=options["province"])
            communes = list(AdministrativeUnit.objects.filter(level="commune").order_by("code"))
        else:
            province = AdministrativeUnit.objects.get(code=options["province"], level="province")
            communes = list(AdministrativeUnit.objects.filter(level="commune", parent=province).order_by("code"))
        ctx = DemoContext(province=province, communes=communes, scale=scale, stdout=self.stdout)
        modules = options["only"] or settings.COSO_DEMO_MODULES
        for path in modules:
            module = importlib.import_module(path)
            done = DemoMarker.objects.filter(module=path, scale=scale, province_code=province.code).exists()
            if done and not options["force"]:
                # Still let the builder re-attach existing objects (e.g. demo users) to the context.
                if hasattr(module, "attach"):
                    module.attach(ctx)
                continue
            with transaction.atomic():
                module.build(ctx)
                DemoMarker.objects.get_or_create(module=path, scale=scale, province_code=province.code)
        refresh_statistics()  # the planner's statistics of every table the builders filled
        if ctx.accounts:
            self.stdout.write(f"\nTài khoản demo (mật khẩu: {settings.COSO_DEMO_PASSWORD}):")
            for label, username, unit in ctx.accounts:
                self.stdout.write(f"  {label:<34} {username:<28} {unit}")
        for note in ctx.notes:
            self.stdout.write(note)
