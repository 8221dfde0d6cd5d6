"""Jobs of the dossiers app: deadline reminders, closing dossiers not supplemented in time, and the register (Mẫu 07 of Circular
03/2025 from 1/7/2025, Mẫu 06 of Circular 01/2018 before) as an export job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.dossiers import errors
from coso.dossiers.constants import Status
from coso.jobs.registry import ExportFile, Prepared, export_kind, periodic_job

REGISTER_MAX_ROWS = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _recipients(d: Any, *, overdue: bool) -> list[Any]:
    from coso.accounts.models import User

    people: list[Any] = []
    if d.assignee_id and d.assignee.is_active:
        people.append(d.assignee)
    elif d.waiting_role:
        people += list(User.objects.filter(is_active=True, commune_code=d.commune_code, role=d.waiting_role))
    if overdue:  # an overdue dossier is also brought to the commune leader's attention
        people += [u for u in User.objects.filter(is_active=True, commune_code=d.commune_code, role=Role.COMMUNE_LEADER) if u not in people]
    return people


@periodic_job("dossier_deadline_reminders", title=_("Nhắc hạn giải quyết hồ sơ"), schedule=crontab(hour="7", minute="30"),
              schedule_text=_("Hằng ngày lúc 07:30 (ngày làm việc)"),
              description=_("Nhắc người đang giữ hồ sơ sắp đến hạn trả (trong số ngày làm việc đã cấu hình) và hồ sơ quá hạn "
                            "(kèm lãnh đạo UBND xã); mỗi ngày hẹn nhắc một lần."))
def deadline_reminders(ctx: Any) -> None:
    from coso.dossiers.models import Dossier
    from coso.jobs.services import remind_once
    from coso.units import lineage
    from coso.workcalendar.services import add_working_days, is_working_day

    # The clock does not run while the citizen supplements, nor before an online dossier is received.
    running = (Dossier.objects.filter(is_open=True, due_date__isnull=False).exclude(status__in=[Status.SUPPLEMENT_REQUESTED, Status.ONLINE_SUBMITTED])
               .select_related("assignee"))
    # Each province's own calendar decides whether today is a working day and where the window ends.
    for province_code in running.order_by().values_list("province_code", flat=True).distinct():
        if not is_working_day(ctx.today, province_code=province_code):
            ctx.count("skipped_non_working_day", province_code=province_code)
            continue
        horizon = add_working_days(ctx.today, settings.COSO_REMINDER_WORKING_DAYS_BEFORE, province_code=province_code)
        mine = running.filter(province_code=province_code)
        for kind, qs in (("near", mine.filter(due_date__gte=ctx.today, due_date__lte=horizon)), ("overdue", mine.filter(due_date__lt=ctx.today))):
            for d in qs.annotate(holder_since=lineage.holder_since_expression()).order_by("due_date", "id").iterator(chunk_size=500):
                if lineage.belongs_to_another_holder(d.commune_code, d.submitted_at, d.holder_since):
                    continue  # submitted while an old commune of another lineage carried the code: not the holder's staff's to handle
                if kind == "near":
                    text = f"Coso: hồ sơ {d.code} ({d.applicant_name}) sắp đến hạn trả kết quả ({d.due_date:%d/%m/%Y})."
                else:
                    text = f"Coso: hồ sơ {d.code} ({d.applicant_name}) đã quá hạn trả kết quả ({d.due_date:%d/%m/%Y})."
                for user in _recipients(d, overdue=kind == "overdue"):
                    sent = remind_once(key=f"dossier:{d.pk}:{kind}:{d.due_date:%Y-%m-%d}", recipient=user, text=text, kind=f"dossier_{kind}",
                                       subject="Nhắc hạn hồ sơ", obj=d, province_code=d.province_code, commune_code=d.commune_code, run=ctx.run)
                    ctx.count(f"{kind}_sent" if sent else f"{kind}_already_sent", province_code=d.province_code)


# ---------------------------------------------------------------- the register as an export job
def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in COMMUNE_ROLES or user.role in PROVINCE_ROLES or user.role == Role.SYSTEM_ADMIN))


def _date(value: Any, name: str) -> dt.date:
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not FIRST_DAY <= day <= LAST_DAY:  # 31/12/9999 has no day after it to end the period with
            raise errors.DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"), field=name)
        return day
    raise errors.INVALID_DATE(value=text or gettext("(trống)"), field=name)


@export_kind("dossiers.register", title=_("Sổ theo dõi hồ sơ"))
class RegisterExport:
    def prepare(self, user: Any, params: dict[str, Any]) -> Prepared:
        from coso.dossiers import selectors

        if not _is_staff(user):
            raise errors.PREPARE_FORBIDDEN()
        fmt = params.get("format") or "pdf"
        if fmt not in ("pdf", "xlsx"):
            raise errors.INVALID_FORMAT(field="format")
        start, end = _date(params.get("start"), "start"), _date(params.get("end"), "end")
        selectors.check_register_period(start, end)
        n = selectors.register_rows(fetched_by=user, start=start, end=end).count()
        if n > REGISTER_MAX_ROWS:
            raise errors.TOO_MANY_ROWS(details={"rows": n, "max": REGISTER_MAX_ROWS})
        label = "PDF" if fmt == "pdf" else "Excel"
        from coso.dossiers.documents import register_form

        args = {"form": register_form(end)[0], "start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}", "format": label}
        return Prepared(params={"format": fmt, "start": start.isoformat(), "end": end.isoformat()}, title=self.title(args), title_args=args,
                        province_code=user.province_code or "", commune_code=user.commune_code or "")

    def title(self, args: dict[str, Any]) -> str:
        """The name of the export in the current language (the file itself is the legal form, in Vietnamese)."""
        return gettext("Sổ theo dõi hồ sơ (Mẫu %(form)s) %(start)s–%(end)s (%(format)s)") % args

    def build(self, user: Any, params: dict[str, Any], progress: Callable[[int], None]) -> ExportFile:
        from coso.dossiers import documents, selectors
        from coso.dossiers.views import _unit_label
        from coso.jobs.services import track

        start, end = dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"])
        qs = selectors.register_rows(fetched_by=user, start=start, end=end)
        total = qs.count()
        progress(3)
        rows = track(qs.iterator(chunk_size=2000), total=total, progress=progress, start=5, end=80)
        label = _unit_label(user)
        if params["format"] == "pdf":
            data = documents.register_pdf(rows, title_unit=label, start=start, end=end)
            return ExportFile(data, documents.register_filename(start, end, "pdf"), "application/pdf")
        data = documents.register_xlsx(rows, title_unit=label, start=start, end=end)
        return ExportFile(data, documents.register_filename(start, end, "xlsx"), XLSX)


# ---------------------------------------------------------------- "đóng hồ sơ" (Decree 118/2025 Art. 19(5))
@periodic_job("dossier_close_unsupplemented", title=_("Đóng hồ sơ không được bổ sung"), schedule=crontab(hour="6", minute="15"),
              schedule_text=_("Hằng ngày lúc 06:15"),
              description=_("Đóng các hồ sơ chờ bổ sung đã quá thời hạn hoàn thiện (15 ngày kể từ khi thông báo, Nghị định 118/2025/NĐ-CP "
                            "Điều 19 khoản 5) và thông báo cho người nộp; chạy lại không đóng lần hai."),
              result_labels={"closed": _("Đã đóng hồ sơ")})
def close_unsupplemented(ctx: Any) -> None:
    from coso.dossiers import services

    for d in services.close_unsupplemented(today=ctx.today):
        ctx.count("closed", province_code=d.province_code)
