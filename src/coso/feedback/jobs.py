"""Periodic jobs of the feedback app: escalation of overdue items and deadline reminders to handlers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.accounts.roles import Role
from coso.jobs.registry import periodic_job


@periodic_job("feedback_escalate_overdue", title=_("Báo lãnh đạo phản ánh quá hạn"), schedule=crontab(hour="6", minute="0"),
              schedule_text=_("Hằng ngày lúc 06:00"),
              description=_("Đánh dấu phản ánh quá hạn xử lý hoặc quá hạn công khai, và phản ánh chưa phân loại sau hạn chuyển cơ quan có "
                            "thẩm quyền; báo lãnh đạo đơn vị (mỗi phản ánh, mỗi hạn một lần)."))
def escalate_overdue(ctx: Any) -> None:
    from coso.feedback.models import Feedback
    from coso.feedback.services import feedback_escalate_forwarding, feedback_escalate_overdue

    n = feedback_escalate_overdue(today=ctx.today)
    ctx.count("escalated", n)
    if n:  # the same count per province (for province administrators)
        for row in Feedback.objects.filter(escalated_at__gte=ctx.run.started_at).values("province_code").annotate(n=Count("id")):
            ctx.by_province[row["province_code"]]["escalated"] += row["n"]
    n = feedback_escalate_forwarding(today=ctx.today)
    ctx.count("forward_escalated", n)
    if n:
        for row in Feedback.objects.filter(forward_escalated_at__gte=ctx.run.started_at).values("province_code").annotate(n=Count("id")):
            ctx.by_province[row["province_code"]]["forward_escalated"] += row["n"]


def _handlers(fb: Any) -> list[Any]:
    from coso.accounts.models import User

    if fb.assigned_to_id and fb.assigned_to.is_active:
        return [fb.assigned_to]
    roles = {fb.handler_role} if fb.handler_role else {Role.ONESTOP_OFFICER, Role.SPECIALIST}
    return list(User.objects.filter(is_active=True, commune_code=fb.commune_code, role__in=roles))


@periodic_job("feedback_deadline_reminders", title=_("Nhắc hạn xử lý phản ánh"), schedule=crontab(hour="7", minute="30"),
              schedule_text=_("Hằng ngày lúc 07:30 (ngày làm việc)"),
              description=_("Nhắc người xử lý phản ánh sắp đến hạn (trong số ngày làm việc đã cấu hình) và đã quá hạn; mỗi hạn nhắc một lần."))
def deadline_reminders(ctx: Any) -> None:
    from coso.feedback.models import Feedback
    from coso.jobs.services import remind_once
    from coso.units import lineage
    from coso.workcalendar.services import add_working_days, is_working_day

    open_items = Feedback.objects.filter(status__in=Feedback.OPEN_STATUSES, hidden=False).select_related("assigned_to")
    # Each province's own calendar decides whether today is a working day and where the window ends.
    for province_code in open_items.order_by().values_list("province_code", flat=True).distinct():
        if not is_working_day(ctx.today, province_code=province_code):
            ctx.count("skipped_non_working_day", province_code=province_code)
            continue
        horizon = add_working_days(ctx.today, settings.COSO_REMINDER_WORKING_DAYS_BEFORE, province_code=province_code)
        mine = open_items.filter(province_code=province_code)
        for kind, qs in (("near", mine.filter(answer_due__gte=ctx.today, answer_due__lte=horizon)), ("overdue", mine.filter(answer_due__lt=ctx.today))):
            for fb in qs.annotate(holder_since=lineage.holder_since_expression()).order_by("answer_due", "id").iterator(chunk_size=500):
                if lineage.belongs_to_another_holder(fb.commune_code, fb.submitted_at, fb.holder_since):
                    continue  # sent while an old commune of another lineage carried the code: not the holder's staff's to handle
                if kind == "near":
                    text = f"Coso: phản ánh {fb.code} “{fb.title[:60]}” sắp đến hạn xử lý ({fb.answer_due:%d/%m/%Y})."
                else:
                    text = f"Coso: phản ánh {fb.code} “{fb.title[:60]}” đã quá hạn xử lý ({fb.answer_due:%d/%m/%Y})."
                for user in _handlers(fb):
                    sent = remind_once(key=f"feedback:{fb.pk}:{kind}:{fb.answer_due:%Y-%m-%d}", recipient=user, text=text, kind=f"feedback_{kind}",
                                       subject="Nhắc hạn phản ánh", obj=fb, province_code=fb.province_code, commune_code=fb.commune_code, run=ctx.run)
                    ctx.count(f"{kind}_sent" if sent else f"{kind}_already_sent", province_code=fb.province_code)
