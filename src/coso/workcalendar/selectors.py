"""Reads for the calendar pages and API."""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import ADMIN_ROLES
from coso.core.exceptions import PermissionDeniedError
from coso.workcalendar import errors
from coso.workcalendar.models import CalendarOverride
from coso.workcalendar.services import get_calendar

WEEKDAYS = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))


def weekday_label(day: dt.date) -> str:
    """The day of the week in the reader's language ("Thứ Hai", "Monday")."""
    return str(WEEKDAYS[day.weekday()])


def can_manage_overrides(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in ADMIN_ROLES))


def require_override_admin(user: Any) -> None:
    if not can_manage_overrides(user):
        raise PermissionDeniedError()


def viewer_province(user: Any) -> str:
    """The province whose calendar a user works with ('' for system administrators and citizens)."""
    from coso.accounts.roles import Role

    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "role", "") in (Role.SYSTEM_ADMIN, Role.CITIZEN):
        return ""
    return getattr(user, "province_code", "") or ""


def override_list(*, fetched_by: Any, year: int | None = None) -> QuerySet[CalendarOverride]:
    """Overrides that apply to the administrator (nationwide ones and their province's; all for system
    administrators), optionally of one year."""
    require_override_admin(fetched_by)
    qs = CalendarOverride.objects.select_related("created_by").order_by("date", "province_code")
    province = viewer_province(fetched_by)
    if province:
        qs = qs.filter(province_code__in=["", province])
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def override_get(*, fetched_by: Any, pk: int) -> CalendarOverride:
    require_override_admin(fetched_by)
    from django.shortcuts import get_object_or_404

    province = viewer_province(fetched_by)
    if province:
        return get_object_or_404(CalendarOverride, pk=pk, province_code__in=["", province])
    return get_object_or_404(CalendarOverride, pk=pk)


def check_month(year: int, month: int) -> None:
    cal = get_calendar()
    if not (1 <= month <= 12) or not (cal.first_year <= year <= cal.last_year):
        # on the field at fault: the month when it is no month, else the year the calendar does not cover
        raise errors.MONTH_OUT_OF_RANGE(first=cal.first_year, last=cal.last_year, field="month" if not 1 <= month <= 12 else "year")


def month_days(*, year: int, month: int, province_code: str = "") -> list[dict[str, Any]]:
    """Every day of a month in a province's calendar: date, weekday label, working or not, and why."""
    check_month(year, month)
    cal = get_calendar(province_code)
    overrides = {o.date: o for o in CalendarOverride.objects.filter(province_code__in=["", province_code] if province_code else [""],
                                                                      date__year=year, date__month=month).order_by("province_code")}
    days = []
    for day in range(1, _stdcal.monthrange(year, month)[1] + 1):
        d = dt.date(year, month, day)
        days.append(
            {
                "date": d,
                "weekday": d.weekday(),
                "weekday_label": weekday_label(d),
                "working": cal.is_working_day(d),
                "reason": cal.day_reason(d, get_language()),
                "origin": cal.day_source(d),
                "override": overrides.get(d),
            }
        )
    return days


def month_grid(*, year: int, month: int, province_code: str = "") -> list[list[dict[str, Any] | None]]:
    """The month as weeks (Monday first) for a calendar table; None pads the first and last week."""
    days = month_days(year=year, month=month, province_code=province_code)
    weeks: list[list[dict[str, Any] | None]] = []
    week: list[dict[str, Any] | None] = [None] * days[0]["weekday"]
    for d in days:
        week.append(d)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks
