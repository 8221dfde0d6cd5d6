"""Calendar look-ups for every module: add_working_days, working_days_between, is_working_day…

The calendar is built once per process and rebuilt when an override changes here, or at
most ``REFRESH_SECONDS`` after another process changed one.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from coso.core.audit import audited_create, audited_delete
from coso.core.exceptions import ApplicationError
from coso.workcalendar.calendar import WorkCalendar
from coso.workcalendar.models import CalendarOverride

REFRESH_SECONDS = 30
_lock = threading.Lock()
_cache: dict[str, Any] = {"calendar": None, "stamp": None, "checked": 0.0}


def _stamp() -> tuple[Any, ...]:
    agg = CalendarOverride.objects.filter(province_code="").aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def get_calendar() -> WorkCalendar:
    now = time.monotonic()
    cal = _cache["calendar"]
    if cal is not None and now - _cache["checked"] < REFRESH_SECONDS:
        return cal
    with _lock:
        stamp = _stamp()
        if _cache["calendar"] is None or stamp != _cache["stamp"]:
            overrides = list(CalendarOverride.objects.filter(province_code="").values_list("date", "kind"))
            _cache["calendar"] = WorkCalendar(
                days_off=[d for d, k in overrides if k == CalendarOverride.Kind.DAY_OFF],
                working_days=[d for d, k in overrides if k == CalendarOverride.Kind.WORKING_DAY],
            )
            _cache["stamp"] = stamp
        _cache["checked"] = now
        return _cache["calendar"]


def calendar_invalidate() -> None:
    with _lock:
        _cache["calendar"] = None
        _cache["stamp"] = None


def is_working_day(d: dt.date) -> bool:
    return get_calendar().is_working_day(d)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return get_calendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return get_calendar().working_days_between(a, b)


def next_working_day(d: dt.date, *, include_self: bool = True) -> dt.date:
    return get_calendar().next_working_day(d, include_self=include_self)


def effective_start(received: dt.datetime, *, cutoff: dt.time | None = None) -> dt.date:
    """Local date counting starts from (aware datetimes are converted to Asia/Ho_Chi_Minh)."""
    if timezone.is_aware(received):
        received = timezone.localtime(received).replace(tzinfo=None)
    return get_calendar().effective_start(received, cutoff=cutoff)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """Aware in → aware out (local office hours)."""
    aware = timezone.is_aware(start)
    local = timezone.localtime(start).replace(tzinfo=None) if aware else start
    result = get_calendar().add_working_hours(local, hours)
    return timezone.make_aware(result) if aware else result


def override_create(*, actor: Any, date: dt.date, kind: str, reason: str, source: str = "") -> CalendarOverride:
    if CalendarOverride.objects.filter(date=date, province_code="").exists():
        raise ApplicationError("Ngày này đã có điều chỉnh; hãy sửa hoặc xoá điều chỉnh cũ.", code="override-exists", details={"fields": {"date": ["exists"]}})
    with transaction.atomic():
        obj = audited_create(CalendarOverride(date=date, kind=kind, reason=reason, source=source, created_by=actor if getattr(actor, "pk", None) else None), actor=actor)
    calendar_invalidate()
    return obj


def override_delete(*, actor: Any, override: CalendarOverride) -> None:
    with transaction.atomic():
        audited_delete(override, actor=actor)
    calendar_invalidate()
