"""This app's own periodic job: delete export files past their keeping time."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from huey import crontab

from coso.jobs.registry import periodic_job


@periodic_job("exports_expire", title=_("Xoá tệp xuất đã hết hạn"), schedule=crontab(minute="*/15"), schedule_text=_("15 phút một lần"))
def exports_expire(ctx):  # type: ignore[no-untyped-def]
    from coso.jobs.services import exports_expire as expire

    ctx.count("expired", expire())
