"""Appointment arithmetic (hypothesis) and the on-time classification rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.dossiers import deadlines
from coso.dossiers.constants import Timeliness
from coso.workcalendar import services as cal

pytestmark = pytest.mark.django_db

moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 1)).map(lambda d: timezone.make_aware(d.replace(microsecond=0)))
limits = st.integers(min_value=1, max_value=60)


@settings(max_examples=200, deadline=None)
@given(received=moments, n=limits)
def test_working_days_due_is_nth_working_day_after_start(received, n):
    a = deadlines.compute_appointment(received, time_limit=n, time_unit="working_days")
    assert cal.is_working_day(a.due_date) and cal.is_working_day(a.start_date)
    assert cal.working_days_between(a.start_date, a.due_date) == n
    assert a.start_date >= timezone.localdate(received)
    near = deadlines.near_date(a.start_date, a.due_date, a.working_days, 40)
    assert a.start_date <= near <= a.due_date


@settings(max_examples=200, deadline=None)
@given(received=moments, cutoff_h=st.integers(min_value=8, max_value=17))
def test_same_day_rule(received, cutoff_h):
    cutoff = dt.time(cutoff_h, 0)
    a = deadlines.compute_appointment(received, time_limit=0, time_unit="same_day", cutoff=cutoff)
    local = timezone.localtime(received)
    if cal.is_working_day(local.date()) and local.time() <= cutoff:
        assert a.due_date == local.date()
    else:
        assert a.due_date > local.date() and cal.is_working_day(a.due_date)
        assert cal.working_days_between(local.date(), a.due_date) == 1


@settings(max_examples=200, deadline=None)
@given(received=moments, n=limits)
def test_calendar_days_land_on_first_working_day_on_or_after(received, n):
    a = deadlines.compute_appointment(received, time_limit=n, time_unit="calendar_days")
    target = timezone.localdate(received) + dt.timedelta(days=n)
    assert a.due_date >= target and cal.is_working_day(a.due_date)
    d = target
    while d < a.due_date:
        assert not cal.is_working_day(d)
        d += dt.timedelta(days=1)


@settings(max_examples=150, deadline=None)
@given(received=moments, hours=st.integers(min_value=1, max_value=80))
def test_working_hours_monotonic_and_inside_office_hours(received, hours):
    a = deadlines.compute_appointment(received, time_limit=hours, time_unit="working_hours")
    b = deadlines.compute_appointment(received, time_limit=hours + 1, time_unit="working_hours")
    assert a.due_at > received and b.due_at > a.due_at
    local = timezone.localtime(a.due_at)
    assert cal.is_working_day(local.date()) and dt.time(7, 30) < local.time() <= dt.time(17, 0)


@settings(max_examples=150, deadline=None)
@given(received=moments, n=limits, paused=st.integers(min_value=0, max_value=30))
def test_supplement_shift_adds_exactly_the_paused_working_days(received, n, paused):
    a = deadlines.compute_appointment(received, time_limit=n, time_unit="working_days")
    shifted = deadlines.shift_due(a.due_date, paused)
    assert cal.working_days_between(a.due_date, shifted) == paused


def test_half_day_limit_uses_hours():
    # A working day is the office hours of the rule book (7:30–11:30, 13:00–17:00: 8 h); half a day is 4 h:
    # 8:00 → 11:30 (3.5 h), then 13:00 → 13:30.
    received = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))
    a = deadlines.compute_appointment(received, time_limit=Decimal("0.5"), time_unit="working_days")
    assert timezone.localtime(a.due_at).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 13, 30)


def test_half_day_follows_the_province_office_hours(province):
    from coso.rules.testing import set_rule

    set_rule("calendar.office_hours", [["07:00", "11:00"], ["13:30", "16:30"]], valid_from=dt.date(2020, 1, 1), province_code=province.code)
    received = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))
    a = deadlines.compute_appointment(received, time_limit=Decimal("0.5"), time_unit="working_days", province_code=province.code)
    # 7 h a day → 3.5 h: 8:00 → 11:00 (3 h), then 13:30 → 14:00.
    assert timezone.localtime(a.due_at).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 14, 0)


def test_tet_2026_is_skipped():
    received = timezone.make_aware(dt.datetime(2026, 2, 12, 10, 0))  # Thu before the 9-day Tết break
    a = deadlines.compute_appointment(received, time_limit=3, time_unit="working_days")
    assert a.due_date > dt.date(2026, 2, 22)


def _dt(y, m, d, h=10):  # type: ignore[no-untyped-def]
    return timezone.make_aware(dt.datetime(y, m, d, h))


@pytest.mark.parametrize(("end", "supplements", "expected"), [
    (_dt(2026, 3, 4), 0, Timeliness.EARLY),
    (_dt(2026, 3, 5, 10), 0, Timeliness.ON_TIME),
    (_dt(2026, 3, 5, 19), 0, Timeliness.ON_TIME),
    (_dt(2026, 3, 6), 0, Timeliness.LATE),
    (_dt(2026, 3, 4), 1, Timeliness.EARLY),
    (_dt(2026, 3, 4), 2, Timeliness.LATE),
])
def test_classification(end, supplements, expected):
    due = dt.date(2026, 3, 5)
    assert deadlines.classify(end_at=end, due_at=deadlines.end_of_day(due), due_date=due, supplement_count=supplements,
                              max_supplements_on_time=1, closing=dt.time(17, 0)) == expected
