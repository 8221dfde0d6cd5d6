"""The province funding allocation export (Excel/PDF) as an export job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coso.funding import errors
from coso.jobs.registry import ExportFile, Prepared, export_kind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@export_kind("funding.allocation", title=_("Phân bổ kinh phí (Excel/PDF)"))
class AllocationExport:
    def prepare(self, user: Any, params: dict[str, Any]) -> Prepared:
        from coso.funding import selectors
        from coso.funding.engine import Period

        selectors.require_reader(user)
        fmt = params.get("format") or "xlsx"
        if fmt not in ("pdf", "xlsx"):
            raise errors.INVALID_FORMAT(field="format")
        period = Period.parse(str(params.get("period") or ""))
        commune_code = str(params.get("commune") or "")
        if not selectors.is_province_user(user):
            commune_code = commune_code or user.commune_code
        if commune_code:
            commune = selectors.commune_get(fetched_by=user, code=commune_code)
            province_code, unit_name = commune.province_code, commune.name
        else:
            from coso.units.models import AdministrativeUnit

            province_code = selectors.province_for(user, str(params.get("province") or "") or None)
            province = AdministrativeUnit.objects.filter(code=province_code).first()
            unit_name = province.name if province else province_code
        label = "PDF" if fmt == "pdf" else "Excel"
        args = {"unit": unit_name, "period": period.code, "format": label}
        return Prepared(params={"format": fmt, "period": period.code, "province": province_code, "commune": commune_code},
                        title=self.title(args), title_args=args, province_code=province_code, commune_code=commune_code)

    def title(self, args: dict[str, Any]) -> str:
        """The name of the export in the current language (the unit's name as it is written)."""
        return gettext("Phân bổ kinh phí %(unit)s – %(period)s (%(format)s)") % args

    def build(self, user: Any, params: dict[str, Any], progress: Callable[[int], None]) -> ExportFile:
        from coso.funding import selectors
        from coso.funding.engine import Period
        from coso.funding.exports import allocation_pdf, allocation_xlsx
        from coso.units.models import AdministrativeUnit

        period = Period.parse(params["period"])
        province_code, commune_code = params["province"], params["commune"]
        progress(5)
        with translation.override("vi"):  # the official table: Vietnamese layout, lines' texts in Vietnamese too
            alloc = selectors.allocation_get(fetched_by=user, period=period, province_code=province_code, commune_code=commune_code or None,
                                             detail=bool(commune_code) or params["format"] == "xlsx")
        progress(60)
        province = AdministrativeUnit.objects.filter(code=province_code).first()
        commune = AdministrativeUnit.objects.filter(code=commune_code).first() if commune_code else None
        unit_name = commune.name if commune else (province.name if province else province_code)
        stem = f"phan-bo-kinh-phi-{commune_code or province_code}-{period.code}"
        if params["format"] == "pdf":
            return ExportFile(allocation_pdf(alloc, unit_name=unit_name, province_name=province.name if province else ""), f"{stem}.pdf", "application/pdf")
        return ExportFile(allocation_xlsx(alloc, unit_name=unit_name), f"{stem}.xlsx", XLSX)
