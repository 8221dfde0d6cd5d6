"""The job that applies decided reorganisations on their effective date (see coso.units.services.reorganisation_apply)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job("reorganisations_apply", title=_("Thực hiện sắp xếp đơn vị đến ngày hiệu lực"), schedule=crontab(hour="0", minute="5"),
              schedule_text=_("Hằng ngày lúc 00:05"),
              description=_("Chuyển thôn, cán bộ, hồ sơ, phản ánh, kinh phí, quy hoạch, nhiệm vụ sang đơn vị mới theo quyết định sắp xếp."),
              result_labels={"applied": _("Đã thực hiện"), "failed": _("Lỗi")},
              # A province-wide reorganisation moves every app's records in one transaction: longer than the default limit.
              time_limit=dt.timedelta(hours=6))
def reorganisations_apply(ctx):  # type: ignore[no-untyped-def]
    from coso.units.services import reorganisations_apply_due

    result = reorganisations_apply_due(today=ctx.today)
    for key, n in result.items():
        ctx.count(key, n)
