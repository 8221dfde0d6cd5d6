"""Periodic job of the accounts app: delete the sessions that have expired (Django's ``clearsessions``, counted)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job("sessions_clear_expired", title=_("Xoá phiên đăng nhập đã hết hạn"), schedule=crontab(hour="3", minute="20"),
              schedule_text=_("Hằng ngày lúc 03:20"),
              description=_("Xoá khỏi cơ sở dữ liệu các phiên đăng nhập đã hết hạn (trình duyệt đã đăng xuất hoặc bỏ dở); "
                            "phiên còn hạn không bị ảnh hưởng."),
              result_labels={"deleted": _("Số phiên đã xoá")})
def sessions_clear_expired(ctx: Any) -> None:
    from coso.accounts.services import sessions_clear_expired as clear

    ctx.count("deleted", clear())
