"""Jobs of the planning app: the yearly review of planning lists (proposals only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job("planning_review", title=_("Rà soát quy hoạch cán bộ hằng năm"), schedule=crontab(month="1", day="15", hour="5", minute="0"),
              schedule_text=_("Ngày 15/1 hằng năm lúc 05:00"),
              description=_("Đề xuất đưa ra khỏi quy hoạch những người không còn đủ điều kiện (quá tuổi, đang trong thời gian chờ sau kỷ luật, "
                            "xếp loại năm trước thấp hơn mức tối thiểu, không còn đạt tiêu chuẩn); cán bộ có thẩm quyền quyết định. "
                            "Tác vụ không đưa ai ra khỏi quy hoạch."))
def planning_review(ctx: Any) -> None:
    from coso.planning.services import review_run

    counts = review_run(on=ctx.today)
    for key, value in counts.items():
        ctx.count(key, value)
