"""Periodic job of the core app: recount the words of the search index (coso.core.search)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job("search_stats", title=_("Đếm lại từ của chỉ mục tìm kiếm"), schedule=crontab(hour="3", minute="10"),
              schedule_text=_("Hằng ngày lúc 03:10"),
              description=_("Đếm lại số mục của mỗi từ trong chỉ mục tìm kiếm, để tìm kiếm chọn cách chạy nhanh nhất "
                            "(kết quả tìm kiếm không phụ thuộc vào số đếm)."),
              result_labels={"words": _("Số từ đã đếm")})
def search_stats(ctx: Any) -> None:
    from coso.core.search import search_stats_refresh

    ctx.count("words", search_stats_refresh())
