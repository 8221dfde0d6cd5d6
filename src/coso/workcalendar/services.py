"""Calendar look-ups for every module: add_working_days, working_days_between, is_working_day…

The calendar is built once per process and rebuilt when an override changes here, or at
most ``REFRESH_SECONDS`` after another process changed one.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import get_language

from coso.core.audit import audited_create, audited_delete, audited_update
from coso.core.exceptions import ApplicationError
from coso.rules.lookup import rule
from coso.workcalendar import errors
from coso.workcalendar.calendar import WorkCalendar
from coso.workcalendar.models import CalendarOverride
from coso.workcalendar.shipped import read_overrides_csv

REFRESH_SECONDS = 30
_lock = threading.Lock()
_cache: dict[str, Any] = {"calendars": {}, "stamp": None, "checked": float("-inf")}


def _stamp() -> tuple[Any, ...]:
    agg = CalendarOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (agg["n"], agg["last"])


def office_hours(province_code: str = "", on: dt.date | None = None) -> tuple[tuple[dt.time, dt.time], ...]:
    """Office hours of a working day in a province (rule ``calendar.office_hours``)."""
    spans = rule("calendar.office_hours", on=on, province_code=province_code)
    return tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in spans)


def hours_per_day(province_code: str = "", on: dt.date | None = None) -> float:
    """Length of a working day in hours: the sum of the office hours."""
    return sum((dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)).total_seconds() for a, b in office_hours(province_code, on)) / 3600


def closing_time(province_code: str = "", on: dt.date | None = None) -> dt.time:
    return office_hours(province_code, on)[-1][1]


def _build(province_code: str, hours: tuple[tuple[dt.time, dt.time], ...]) -> WorkCalendar:
    """National overrides, then the province's own (which win on the same date)."""
    rows = CalendarOverride.objects.filter(province_code__in=["", province_code] if province_code else [""]).order_by("province_code")
    kinds: dict[dt.date, str] = {}
    reasons: dict[dt.date, str] = {}
    for day, kind, reason, _prov in rows.values_list("date", "kind", "reason", "province_code"):
        kinds[day] = kind
        reasons[day] = reason
    return WorkCalendar(
        days_off=[d for d, k in kinds.items() if k == CalendarOverride.Kind.DAY_OFF],
        working_days=[d for d, k in kinds.items() if k == CalendarOverride.Kind.WORKING_DAY],
        reasons=reasons,
        working_hours=hours,
    )


def get_calendar(province_code: str = "") -> WorkCalendar:
    """The working-day calendar of a province (national days plus the province's own), cached per process."""
    province_code = province_code or ""
    hours = office_hours(province_code)
    key = (province_code, hours)
    now = time.monotonic()
    cal = _cache["calendars"].get(key)
    if cal is not None and now - _cache["checked"] < REFRESH_SECONDS:
        return cal
    with _lock:
        stamp = _stamp()
        if stamp != _cache["stamp"]:
            _cache["calendars"] = {}
            _cache["stamp"] = stamp
        _cache["checked"] = now
        cal = _cache["calendars"].get(key)
        if cal is None:
            cal = _cache["calendars"][key] = _build(province_code, hours)
        return cal


def calendar_invalidate() -> None:
    with _lock:
        _cache["calendars"] = {}
        _cache["stamp"] = None
        _days.clear()


# The day arithmetic below (no office hours involved) is called once per deadline, often a
# million times in a bulk recompute: per province, the calendar and the moment its freshness
# must be checked again (the same REFRESH_SECONDS as get_calendar), so that a call is one dict
# look-up, one clock read and the calendar's table arithmetic.
_days: dict[str, tuple[float, WorkCalendar]] = {}


def _days_calendar(province_code: str) -> tuple[float, WorkCalendar]:
    cal = get_calendar(province_code)
    entry = _days[province_code] = (_cache["checked"] + REFRESH_SECONDS, cal)
    return entry


def is_working_day(d: dt.date, *, province_code: str = "") -> bool:
    entry = _days.get(province_code)
    if entry is None or time.monotonic() >= entry[0]:
        entry = _days_calendar(province_code)
    return entry[1].is_working_day(d)


def add_working_days(start: dt.date, n: int, *, province_code: str = "") -> dt.date:
    entry = _days.get(province_code)
    if entry is None or time.monotonic() >= entry[0]:
        entry = _days_calendar(province_code)
    return entry[1].add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date, *, province_code: str = "") -> int:
    entry = _days.get(province_code)
    if entry is None or time.monotonic() >= entry[0]:
        entry = _days_calendar(province_code)
    return entry[1].working_days_between(a, b)


def next_working_day(d: dt.date, *, include_self: bool = True, province_code: str = "") -> dt.date:
    entry = _days.get(province_code)
    if entry is None or time.monotonic() >= entry[0]:
        entry = _days_calendar(province_code)
    return entry[1].next_working_day(d, include_self=include_self)


def add_working_days_many(starts: Any, ns: Any, *, province_code: str = "") -> Any:
    """``add_working_days`` for many (start, n ≥ 1) pairs in one call: a list of dates for a
    sequence of dates, a ``datetime64[D]`` array for a numpy array."""
    cal = get_calendar(province_code)
    if hasattr(starts, "dtype"):
        return cal.add_working_days_array(starts, ns)
    return cal.add_working_days_many(starts, ns)


def effective_start(received: dt.datetime, *, cutoff: dt.time | None = None, province_code: str = "") -> dt.date:
    """Local date counting starts from (aware datetimes are converted to Asia/Ho_Chi_Minh)."""
    if timezone.is_aware(received):
        received = timezone.localtime(received).replace(tzinfo=None)
    return get_calendar(province_code).effective_start(received, cutoff=cutoff)


def add_working_hours(start: dt.datetime, hours: float, *, province_code: str = "") -> dt.datetime:
    """Aware in → aware out (local office hours of the province)."""
    aware = timezone.is_aware(start)
    local = timezone.localtime(start).replace(tzinfo=None) if aware else start
    result = get_calendar(province_code).add_working_hours(local, hours)
    return timezone.make_aware(result) if aware else result


def base_calendar() -> WorkCalendar:
    """The calendar without any override (the `holidays` package and weekends only)."""
    cal = _cache.get("base")
    if cal is None:
        cal = _cache["base"] = WorkCalendar()
    return cal


def _is_system_admin(actor: Any) -> bool:
    from coso.accounts.roles import Role

    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "role", "") == Role.SYSTEM_ADMIN)


def override_province_for(actor: Any, province_code: str | None) -> str:
    """The province an administrator's override applies to: system administrators choose (empty: nationwide);
    a province administrator only ever changes the calendar of their own province."""
    from coso.accounts.roles import Role

    if actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "role", "") == Role.SYSTEM_ADMIN:
        return (province_code or "").strip()
    if getattr(actor, "role", "") == Role.PROVINCE_ADMIN and getattr(actor, "province_code", ""):
        if province_code == "":  # nationwide, asked for explicitly: not quietly turned into the administrator's province
            raise errors.OVERRIDE_NATIONAL_FORBIDDEN()
        if province_code and province_code != actor.province_code:
            raise errors.OVERRIDE_FORBIDDEN()
        return actor.province_code
    from coso.core.exceptions import PermissionDeniedError

    raise PermissionDeniedError()


def _check_not_past(actor: Any, *, current: dt.date | None = None, new: dt.date | None = None) -> None:
    """A person never rewrites a day gone by (deadlines and statistics were counted with its calendar): an override
    they add, change or delete is dated today or later, and a change does not move it to a past day.

    Only the loaders of official calendars (``actor=None``: the migration, ``load_calendar_overrides``) write the past.
    """
    if actor is None:
        return
    today = timezone.localdate()
    if current is not None and current < today:
        raise errors.OVERRIDE_PAST_LOCKED(date=f"{current:%d/%m/%Y}")
    if new is not None and new < today:
        raise errors.OVERRIDE_PAST(today=f"{today:%d/%m/%Y}")


def _validate_override(*, date: dt.date, kind: str, reason: str, exclude_pk: int | None = None, province_code: str = "") -> None:
    """Every problem of the form at once, each at its field; the code is that of the first problem."""
    # A province's override is checked against the national calendar (with its overrides); a national one against the package.
    base = get_calendar() if province_code else base_calendar()
    found: list[ApplicationError] = []
    if kind not in CalendarOverride.Kind.values:
        found.append(errors.BAD_KIND())
    if not (reason or "").strip():
        found.append(errors.REASON_REQUIRED())
    day = f"{date:%d/%m/%Y}"
    if not base.covers(date):
        found.append(errors.DATE_NOT_COVERED(first=base.first_year, last=base.last_year))
    elif kind == CalendarOverride.Kind.DAY_OFF and not base.is_working_day(date):
        found.append(errors.ALREADY_DAY_OFF(date=day, name=base.day_name(date, get_language())))
    elif kind == CalendarOverride.Kind.WORKING_DAY and base.is_working_day(date):
        found.append(errors.ALREADY_WORKING(date=day))
    elif kind == CalendarOverride.Kind.WORKING_DAY and province_code and (date in base.holidays or date in base.extra_off):
        found.append(errors.WORKING_ON_HOLIDAY(date=day, name=base.day_name(date, get_language())))
    else:
        clash = CalendarOverride.objects.filter(date=date, province_code=province_code)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            found.append(errors.OVERRIDE_EXISTS(date=day))
    if found:
        first = next((e for e in found if e.code == "override-exists"), found[0])
        fields: dict[str, list[str]] = {}
        for e in found:
            for name, messages in e.details.get("fields", {}).items():
                fields.setdefault(name, []).extend(messages)
        code = first.code if first.code == "override-exists" else "invalid-override"
        raise ApplicationError(first.message, code=code, details={"fields": fields})


def override_create(*, actor: Any, date: dt.date, kind: str, reason: str, source: str = "", province_code: str | None = None) -> CalendarOverride:
    """Add an override (an extra day off, or a make-up working day): nationwide, or for one province only."""
    province_code = override_province_for(actor, province_code)
    if province_code and actor is not None and _is_system_admin(actor):  # a province administrator's is always their own
        from coso.units.selectors import unit_list

        if not unit_list(fetched_by=actor, level="province").filter(code=province_code).exists():
            raise errors.PROVINCE_UNKNOWN(code=province_code)
    reason = (reason or "").strip()
    source = (source or "").strip()
    _check_not_past(actor, new=date)
    _validate_override(date=date, kind=kind, reason=reason, province_code=province_code)
    obj = CalendarOverride(date=date, kind=kind, reason=reason, source=source, province_code=province_code,
                           created_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            audited_create(obj, actor=actor)
    except IntegrityError:  # a concurrent request added the same day first
        raise errors.OVERRIDE_EXISTS(date=f"{date:%d/%m/%Y}") from None
    calendar_invalidate()
    return obj


def override_update(*, actor: Any, override: CalendarOverride, **changes: Any) -> CalendarOverride:
    """Change date, kind, reason or source of an override (only the keys given)."""
    if override_province_for(actor, override.province_code) != override.province_code:
        from coso.core.exceptions import PermissionDeniedError

        raise PermissionDeniedError()
    allowed = {"date", "kind", "reason", "source"}
    changes = {k: v for k, v in changes.items() if k in allowed and v is not None}
    for key in ("reason", "source"):
        if key in changes:
            changes[key] = (changes[key] or "").strip()
    _check_not_past(actor, current=override.date, new=changes.get("date"))
    _validate_override(
        date=changes.get("date", override.date),
        kind=changes.get("kind", override.kind),
        reason=changes.get("reason", override.reason),
        exclude_pk=override.pk,
        province_code=override.province_code,
    )
    try:
        with transaction.atomic():
            locked = CalendarOverride.objects.select_for_update().get(pk=override.pk)
            audited_update(locked, actor=actor, changes=changes)
    except IntegrityError:
        raise errors.OVERRIDE_EXISTS(date=f"{changes.get('date', override.date):%d/%m/%Y}") from None
    calendar_invalidate()
    return locked


def override_delete(*, actor: Any, override: CalendarOverride) -> None:
    if override_province_for(actor, override.province_code) != override.province_code:
        from coso.core.exceptions import PermissionDeniedError

        raise PermissionDeniedError()
    _check_not_past(actor, current=override.date)
    with transaction.atomic():
        audited_delete(override, actor=actor)
    calendar_invalidate()


def overrides_load_shipped(*, actor: Any = None, path: Any = None) -> dict[str, int]:
    """Load data/overrides.csv (or ``path``): insert missing days, update changed ones. Idempotent.

    Everything is applied or nothing (one transaction); every write is audited.
    """
    rows = read_overrides_csv(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            obj = CalendarOverride.objects.select_for_update().filter(date=row["date"], province_code="").first()
            if obj is None:
                audited_create(CalendarOverride(province_code="", **row), actor=actor, verb="load_calendar_overrides")
                counts["created"] += 1
            elif any(getattr(obj, k) != row[k] for k in ("kind", "reason", "source")):
                audited_update(obj, actor=actor, changes={k: row[k] for k in ("kind", "reason", "source")}, verb="load_calendar_overrides")
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    calendar_invalidate()
    return counts

