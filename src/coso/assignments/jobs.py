"""Jobs of the assignments app: decisions applied on their effective date."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job("assignments_apply_due", title=_("Cập nhật hồ sơ theo quyết định bổ nhiệm đến ngày hiệu lực"),
              schedule=crontab(hour="0", minute="20"), schedule_text=_("Hằng ngày lúc 00:20"),
              description=_("Quyết định bổ nhiệm, điều động có hiệu lực từ hôm nay: cập nhật quá trình công tác trong hồ sơ, "
                            "đóng quy hoạch chức danh đã được bổ nhiệm, vị trí trống cập nhật theo."))
def assignments_apply_due(ctx: Any) -> None:
    from coso.assignments.services import apply_due

    for key, value in apply_due(on=ctx.today).items():
        ctx.count(key, value)
