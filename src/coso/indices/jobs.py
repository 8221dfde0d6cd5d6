"""Periodic job: keep the Decision 766 rollups up to date."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job(
    "indices_rollups",
    title=_("Cập nhật số liệu chỉ số 766"),
    schedule=crontab(minute="*/10"),
    schedule_text=_("10 phút một lần"),
    description=_(
        "Đếm lại số liệu theo ngày của các xã có hồ sơ, phản ánh thay đổi từ lần cập nhật trước "
        "(lần đầu: tính lại toàn bộ). Chỉ số toàn quốc, cấp tỉnh được đọc từ số liệu này."
    ),
    result_labels={"communes": _("Số xã được tính lại")},
)
def indices_rollups(ctx: Any) -> None:
    from coso.indices.services import rollups_refresh

    n = rollups_refresh(today=ctx.today)
    ctx.count("communes", max(n, 0))
