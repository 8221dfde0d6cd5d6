"""Appointment dates and the on-time rule, as pure functions over the working-day calendar."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from coso.dossiers.constants import Timeliness
from coso.workcalendar import services as cal

END_OF_DAY = dt.time(17, 0)
HOURS_PER_DAY = 8


@dataclass(frozen=True)
class Appointment:
    start_date: dt.date
    due_at: dt.datetime
    due_date: dt.date
    working_days: int  # length of the limit in working days (for the near-deadline threshold)


def _aware(day: dt.date, at: dt.time = END_OF_DAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


def compute_appointment(received_at: dt.datetime, *, time_limit: Decimal | float | int, time_unit: str, cutoff: dt.time | None = None) -> Appointment:
    """The return date promised on the receipt (Mẫu 01).

    - working_days: counting starts on the effective start day (a dossier received on a day
      off, or after the cut-off, counts from the next working day); due = the n-th working day after it.
      A fractional limit (0.5 day) is converted to working hours.
    - working_hours: office hours on working days.
    - calendar_days: start + n days; a due date on a day off moves to the next working day.
    - same_day: the same day, or the next working day when received after the cut-off (15:00 by default).
    """
    limit = Decimal(str(time_limit))
    local = timezone.localtime(received_at) if timezone.is_aware(received_at) else received_at
    if time_unit == "same_day":
        start = cal.effective_start(received_at, cutoff=cutoff or dt.time(15, 0))
        return Appointment(start, _aware(start), start, 0)
    if time_unit == "working_hours" or (time_unit == "working_days" and limit != limit.to_integral_value()):
        hours = float(limit) * (HOURS_PER_DAY if time_unit == "working_days" else 1)
        start = cal.effective_start(received_at, cutoff=None)
        due_at = cal.add_working_hours(received_at, hours)
        due_local = timezone.localtime(due_at) if timezone.is_aware(due_at) else due_at
        return Appointment(start, due_at, due_local.date(), max(0, math.ceil(hours / HOURS_PER_DAY)))
    n = int(limit)
    if time_unit == "calendar_days":
        start = local.date()
        if cutoff is not None and local.time() > cutoff:
            start = start + dt.timedelta(days=1)
        due = cal.next_working_day(start + dt.timedelta(days=n))
        return Appointment(start, _aware(due), due, max(0, cal.working_days_between(start, due)))
    start = cal.effective_start(received_at, cutoff=cutoff)
    due = cal.add_working_days(start, n) if n > 0 else start
    return Appointment(start, _aware(due), due, n)


def near_date(start: dt.date, due: dt.date, working_days: int, percent: int) -> dt.date:
    """First day of the "near the deadline" window: the last ``percent`` % of the working days."""
    if working_days <= 1:
        return start
    keep = working_days - math.ceil(working_days * percent / 100)
    return min(due, cal.add_working_days(start, keep)) if keep > 0 else start


def shift_due(due_date: dt.date, paused_days: int) -> dt.date:
    """Move the appointment by the working days the clock was paused (supplement)."""
    return cal.add_working_days(due_date, paused_days) if paused_days > 0 else due_date


def paused_working_days(paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    a = timezone.localtime(paused_at).date()
    b = timezone.localtime(resumed_at).date()
    return max(0, cal.working_days_between(a, b))


def classify(*, end_at: dt.datetime, due_at: dt.datetime | None, due_date: dt.date | None, supplement_count: int) -> str:
    """National rule (DOMAIN §3.4): more than one supplement request ⇒ late; otherwise compare the
    end of processing with the appointment, which already excludes the paused (supplement) time."""
    if supplement_count > 1:
        return Timeliness.LATE
    if due_date is None or due_at is None:
        return Timeliness.ON_TIME
    end_local = timezone.localtime(end_at)
    # Day-based limits count the whole due day; hour-based limits compare the exact time.
    if end_at > due_at and end_local.date() >= due_date and (end_local.date() > due_date or timezone.localtime(due_at).time() != END_OF_DAY):
        return Timeliness.LATE
    if end_local.date() < due_date:
        return Timeliness.EARLY
    return Timeliness.ON_TIME
