"""Jobs of the workforce app: retirement notices, and the standards review (PDF/Excel) as an export job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.accounts.roles import Role
from coso.core.text import format_date
from coso.jobs.registry import ExportFile, Prepared, export_kind, periodic_job
from coso.rules.lookup import rule
from coso.workforce import errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def people_retiring(*, today: dt.date, months: int) -> list[tuple[Any, dt.date]]:
    """Active cadres and civil servants whose retirement date falls in (today, today + months]."""
    from coso.workforce import rules
    from coso.workforce.models import Person
    from coso.workforce.policy import Policy
    from coso.workforce.selectors import active_q

    policy = Policy(today)
    horizon = rules.add_months(today, months)
    # Nobody retires younger than the roadmap's lowest age: narrow in SQL, decide exactly in Python.
    qs = (Person.objects.filter(active_q(today), kind__in=[Person.Kind.CADRE, Person.Kind.CIVIL_SERVANT],
                                birth_date__lte=policy.earliest_birth_retiring_by(horizon)).select_related("user").order_by("id"))
    out = []
    for person in qs.iterator(chunk_size=1000):
        when = policy.retirement_date(person.birth_date, person.gender)
        if today < when <= horizon:
            out.append((person, when))
    return out


@periodic_job("retirement_notices", title=_("Thông báo nghỉ hưu"), schedule=crontab(hour="6", minute="30"), schedule_text=_("Hằng ngày lúc 06:30"),
              description=_("Báo cán bộ nội vụ xã (và chính người đó, nếu có tài khoản) về người đến tuổi nghỉ hưu trong số tháng đã cấu hình; "
                            "mỗi người một lần cho mỗi ngày nghỉ hưu."))
def retirement_notices(ctx: Any) -> None:
    from coso.accounts.models import User
    from coso.jobs.services import remind_once

    months = int(rule("workforce.retirement.notice_months", on=ctx.today))
    home_affairs: dict[str, list[Any]] = {}
    for person, when in people_retiring(today=ctx.today, months=months):
        if person.commune_code not in home_affairs:
            home_affairs[person.commune_code] = list(User.objects.filter(is_active=True, commune_code=person.commune_code,
                                                                          role=Role.COMMUNE_HOME_AFFAIRS)) if person.commune_code else []
        position = f" ({person.position_name})" if person.position_code else ""
        key = f"retirement:{person.pk}:{when:%Y-%m-%d}"
        staff_text = f"Coso: {person.full_name}{position} đến tuổi nghỉ hưu từ ngày {format_date(when)}. Đề nghị thông báo và chuẩn bị người thay thế."
        recipients = [(u, staff_text) for u in home_affairs[person.commune_code]]
        if person.user_id and person.user.is_active:
            recipients.append((person.user, f"Coso: ông/bà {person.full_name} đến tuổi nghỉ hưu từ ngày {format_date(when)} "
                                            "(Luật Cán bộ, công chức 2008, Điều 60)."))
        for user, text in recipients:
            sent = remind_once(key=key, recipient=user, text=text, kind="retirement", subject="Thông báo nghỉ hưu", obj=person,
                               province_code=person.province_code, commune_code=person.commune_code, run=ctx.run)
            ctx.count("sent" if sent else "already_sent", province_code=person.province_code)
        ctx.count("people", province_code=person.province_code)


# ---------------------------------------------------------------- the review as an export job
def _on(value: Any) -> dt.date:
    from coso.workforce.services import parse_vn_date

    if not value:
        from django.utils import timezone

        return timezone.localdate()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        pass
    try:
        return parse_vn_date(value)
    except ValueError as exc:
        raise errors.INVALID_DATE(field="on") from exc


@export_kind("workforce.review", title=_("Rà soát đội ngũ theo tiêu chuẩn (PDF/Excel)"))
class ReviewExport:
    def prepare(self, user: Any, params: dict[str, Any]) -> Prepared:
        from coso.core.scoping import can_see_unit
        from coso.workforce import selectors

        if not selectors.can_use_register(user):
            raise errors.PREPARE_FORBIDDEN()
        fmt = params.get("format") or "xlsx"
        if fmt not in ("pdf", "xlsx"):
            raise errors.INVALID_FORMAT(field="format")
        on = _on(params.get("on"))
        commune = str(params.get("commune") or "") if fmt == "xlsx" else ""
        if commune:
            from coso.units.selectors import commune_in_force

            unit = commune_in_force(commune)
            if unit is None or not can_see_unit(user, province_code=unit["province_code"], commune_code=unit["code"]):
                raise errors.PREPARE_NOT_FOUND()
        label = "PDF" if fmt == "pdf" else "Excel"
        args = {"date": format_date(on), "commune": commune, "format": label}
        return Prepared(params={"format": fmt, "on": on.isoformat(), "commune": commune}, title=self.title(args), title_args=args,
                        province_code=user.province_code or "", commune_code=commune or user.commune_code or "")

    def title(self, args: dict[str, Any]) -> str:
        """The name of the export in the current language."""
        if args.get("commune"):
            return gettext("Rà soát đội ngũ ngày %(date)s – %(commune)s (%(format)s)") % args
        return gettext("Rà soát đội ngũ ngày %(date)s (%(format)s)") % args

    def build(self, user: Any, params: dict[str, Any], progress: Callable[[int], None]) -> ExportFile:
        from coso.workforce import exports

        on = dt.date.fromisoformat(params["on"])
        progress(5)
        if params["format"] == "pdf":
            return ExportFile(exports.review_pdf(user, on=on, progress=progress), f"ra-soat-doi-ngu-{on:%Y%m%d}.pdf", "application/pdf")
        return ExportFile(exports.review_xlsx(user, on=on, commune=params["commune"], progress=progress), f"ra-soat-doi-ngu-{on:%Y%m%d}.xlsx", XLSX)
