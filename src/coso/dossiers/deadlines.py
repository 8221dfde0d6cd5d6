"""Appointment dates and the on-time rule over the working-day calendar of the dossier's province.

Every legal number comes from the rule book: the same-day cut-off (``onestop.same_day_cutoff``), the
office hours that make a working day (``calendar.office_hours``), the number of supplement requests
still counted on time (``onestop.supplement.max_requests_on_time``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from coso.dossiers.constants import Timeliness
from coso.rules.lookup import rule
from coso.workcalendar import services as cal


@dataclass(frozen=True)
class Appointment:
    start_date: dt.date
    due_at: dt.datetime
    due_date: dt.date
    working_days: int  # length of the limit in working days (for the near-deadline threshold)


def _local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at) if timezone.is_aware(at) else at


def end_of_day(day: dt.date, province_code: str = "") -> dt.datetime:
    """The closing time of a working day in the province, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, cal.closing_time(province_code, day)))


def compute_appointment(received_at: dt.datetime, *, time_limit: Decimal | float | int, time_unit: str, cutoff: dt.time | None = None,
                        province_code: str = "", commune_code: str = "") -> Appointment:
    """The return date promised on the receipt (Mẫu 01).

    - working_days: counting starts on the effective start day (a dossier received on a day
      off, or after the cut-off, counts from the next working day); due = the n-th working day after it.
      A fractional limit (0.5 day) is converted to working hours (a day = the province's office hours).
    - working_hours: office hours on working days.
    - calendar_days: start + n days; a due date on a day off moves to the next working day.
    - same_day: the same day, or the next working day when received after the cut-off.
    """
    limit = Decimal(str(time_limit))
    local = _local(received_at)
    day = local.date()
    p = province_code
    if time_unit == "same_day":
        cut = cutoff or rule("onestop.same_day_cutoff", on=day, province_code=p, commune_code=commune_code)
        start = cal.effective_start(received_at, cutoff=cut, province_code=p)
        return Appointment(start, end_of_day(start, p), start, 0)
    if time_unit == "working_hours" or (time_unit == "working_days" and limit != limit.to_integral_value()):
        per_day = cal.hours_per_day(p, day)
        hours = float(limit) * (per_day if time_unit == "working_days" else 1)
        start = cal.effective_start(received_at, cutoff=None, province_code=p)
        due_at = cal.add_working_hours(received_at, hours, province_code=p)
        return Appointment(start, due_at, _local(due_at).date(), max(0, math.ceil(hours / per_day)))
    n = int(limit)
    if time_unit == "calendar_days":
        start = day
        if cutoff is not None and local.time() > cutoff:
            start = start + dt.timedelta(days=1)
        due = cal.next_working_day(start + dt.timedelta(days=n), province_code=p)
        return Appointment(start, end_of_day(due, p), due, max(0, cal.working_days_between(start, due, province_code=p)))
    start = cal.effective_start(received_at, cutoff=cutoff, province_code=p)
    due = cal.add_working_days(start, n, province_code=p) if n > 0 else start
    return Appointment(start, end_of_day(due, p), due, n)


def near_date(start: dt.date, due: dt.date, working_days: int, percent: int | Decimal, *, province_code: str = "") -> dt.date:
    """First day of the "near the deadline" window: the last ``percent`` % of the working days."""
    if working_days <= 1:
        return start
    keep = working_days - math.ceil(working_days * float(percent) / 100)
    return min(due, cal.add_working_days(start, keep, province_code=province_code)) if keep > 0 else start


def shift_due(due_date: dt.date, paused_days: int, *, province_code: str = "") -> dt.date:
    """Move the appointment by the working days the clock was paused (supplement)."""
    return cal.add_working_days(due_date, paused_days, province_code=province_code) if paused_days > 0 else due_date


def paused_working_days(paused_at: dt.datetime, resumed_at: dt.datetime, *, province_code: str = "") -> int:
    a = timezone.localtime(paused_at).date()
    b = timezone.localtime(resumed_at).date()
    return max(0, cal.working_days_between(a, b, province_code=province_code))


def classify(*, end_at: dt.datetime, due_at: dt.datetime | None, due_date: dt.date | None, supplement_count: int,
             max_supplements_on_time: int, closing: dt.time) -> str:
    """More supplement requests than ``max_supplements_on_time`` ⇒ late (the national portal's rule); otherwise
    compare the end of processing with the appointment. Day-based limits count the whole due day
    (``due_at`` at the closing time ``closing``); hour-based limits compare the exact time."""
    if supplement_count > max_supplements_on_time:
        return Timeliness.LATE
    if due_date is None or due_at is None:
        return Timeliness.ON_TIME
    end_local = timezone.localtime(end_at)
    if end_at > due_at and end_local.date() >= due_date and (end_local.date() > due_date or timezone.localtime(due_at).time() != closing):
        return Timeliness.LATE
    if end_local.date() < due_date:
        return Timeliness.EARLY
    return Timeliness.ON_TIME
