"""Property-based tests of the working-day arithmetic (pure WorkCalendar and the services)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.workcalendar.calendar import WorkCalendar

FIRST, LAST = 2015, 2040
# Keep starts and results well inside the calendar years.
starts = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2038, 12, 31))
counts = st.integers(min_value=1, max_value=400)

HOURS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))
CAL = WorkCalendar(first_year=FIRST, last_year=LAST, working_hours=HOURS)

# A calendar with overrides: extra days off on weekdays, make-up Saturdays.
OFF = [dt.date(2026, 1, 2), dt.date(2027, 3, 10), dt.date(2030, 6, 14)]
WORK = [dt.date(2026, 1, 10), dt.date(2027, 3, 13), dt.date(2030, 6, 22)]
CAL_OVR = WorkCalendar(first_year=FIRST, last_year=LAST, days_off=OFF, working_days=WORK, working_hours=HOURS)


@given(a=starts, n=counts)
def test_between_inverts_add(a, n):
    assert CAL.working_days_between(a, CAL.add_working_days(a, n)) == n
    assert CAL_OVR.working_days_between(a, CAL_OVR.add_working_days(a, n)) == n


@given(a=starts, n=counts)
def test_results_are_working_days_after_start(a, n):
    for cal in (CAL, CAL_OVR):
        r = cal.add_working_days(a, n)
        assert r > a
        assert cal.is_working_day(r)


@settings(max_examples=30)
@given(pairs=st.lists(st.tuples(starts, counts), min_size=1, max_size=50))
def test_many_equals_one_by_one(pairs):
    got = CAL_OVR.add_working_days_many([a for a, _ in pairs], [n for _, n in pairs])
    assert got == [CAL_OVR.add_working_days(a, n) for a, n in pairs]


def test_many_rejects_bad_input():
    from coso.workcalendar.calendar import CalendarRangeError

    assert CAL.add_working_days_many([], []) == []
    with pytest.raises(ValueError):
        CAL.add_working_days_many([dt.date(2026, 1, 5)], [0])
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days_many([dt.date(2040, 12, 20)], [30])


def _numpy_calendar(cal: WorkCalendar):  # type: ignore[no-untyped-def]
    """numpy's business-day calendar equal to ``cal``: every day a candidate (weekmask 1111111,
    so that make-up Saturdays can work) minus every non-working day of ``cal`` as a holiday."""
    import numpy as np

    working = set(cal.working_day_ordinals())
    lo, hi = dt.date(cal.first_year, 1, 1).toordinal(), dt.date(cal.last_year, 12, 31).toordinal()
    off = [dt.date.fromordinal(o) for o in range(lo, hi + 1) if o not in working]
    return np.busdaycalendar(weekmask="1111111", holidays=np.array(off, dtype="datetime64[D]"))


NP_CAL = _numpy_calendar(CAL)
NP_CAL_OVR = _numpy_calendar(CAL_OVR)


@settings(max_examples=40)
@given(pairs=st.lists(st.tuples(starts, counts), min_size=1, max_size=200))
def test_same_results_as_numpy_busday_offset(pairs):
    """One call, many (dates) and array (datetime64) give numpy.busday_offset's days, with and without overrides."""
    import numpy as np

    s64 = np.array([a for a, _ in pairs], dtype="datetime64[D]")
    n64 = np.array([n for _, n in pairs], dtype=np.int64)
    for cal, bdc in ((CAL, NP_CAL), (CAL_OVR, NP_CAL_OVR)):
        expected = np.busday_offset(s64, n64, roll="backward", busdaycal=bdc)
        one = [cal.add_working_days(a, n) for a, n in pairs]
        assert np.array_equal(np.array(one, dtype="datetime64[D]"), expected)
        assert cal.add_working_days_many([a for a, _ in pairs], [n for _, n in pairs]) == one
        assert np.array_equal(cal.add_working_days_array(s64, n64), expected)


@given(a=starts, b=starts)
def test_between_same_as_numpy_busday_count(a, b):
    import numpy as np

    lo, hi = np.datetime64(min(a, b), "D"), np.datetime64(max(a, b), "D")
    expected = int(np.busday_count(lo + 1, hi + 1, busdaycal=NP_CAL_OVR))
    assert CAL_OVR.working_days_between(min(a, b), max(a, b)) == expected
    assert CAL_OVR.working_days_between(max(a, b), min(a, b)) == -expected


def test_array_rejects_bad_input():
    import numpy as np

    from coso.workcalendar.calendar import CalendarRangeError

    empty = CAL.add_working_days_array(np.array([], dtype="datetime64[D]"), np.array([], dtype=np.int64))
    assert empty.size == 0 and empty.dtype == np.dtype("datetime64[D]")
    with pytest.raises(ValueError):
        CAL.add_working_days_array(np.array(["2026-01-05"], dtype="datetime64[D]"), np.array([0]))
    with pytest.raises(ValueError):
        CAL.add_working_days_array(np.array(["2026-01-05"], dtype="datetime64[D]"), np.array([1, 2]))
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days_array(np.array(["2040-12-20"], dtype="datetime64[D]"), np.array([30]))
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days_array(np.array(["2014-12-31"], dtype="datetime64[D]"), np.array([1]))


def test_out_of_range_dates_raise():
    from coso.workcalendar.calendar import CalendarRangeError

    for call in (
        lambda: CAL.add_working_days(dt.date(2014, 12, 31), 1),
        lambda: CAL.add_working_days(dt.date(2041, 1, 1), -1),
        lambda: CAL.add_working_days(dt.date(2040, 12, 28), 10),
        lambda: CAL.add_working_days(dt.date(2015, 1, 5), -10),
        lambda: CAL.is_working_day(dt.date(2041, 1, 1)),
        lambda: CAL.next_working_day(dt.date(2014, 1, 1)),
        lambda: CAL.working_days_between(dt.date(2026, 1, 1), dt.date(2041, 1, 1)),
    ):
        with pytest.raises(CalendarRangeError):
            call()


@given(a=starts, n=st.integers(min_value=-400, max_value=-1))
def test_backwards_lands_on_working_day_before_start(a, n):
    r = CAL.add_working_days(a, n)
    assert r < a and CAL.is_working_day(r)
    if CAL.is_working_day(a):
        assert CAL.working_days_between(a, r) == n


@given(a=starts, n=st.integers(min_value=0, max_value=300), k=st.integers(min_value=1, max_value=50))
def test_monotonic_in_n(a, n, k):
    # strictly increasing from n = 1; n = 0 on a non-working day equals n = 1 (next working day)
    lo, hi = CAL_OVR.add_working_days(a, n), CAL_OVR.add_working_days(a, n + k)
    assert lo < hi if n >= 1 or CAL_OVR.is_working_day(a) else lo <= hi


@given(a=starts)
def test_zero_is_start_or_next_working_day(a):
    r = CAL.add_working_days(a, 0)
    assert CAL.is_working_day(r) and r >= a
    assert CAL.working_days_between(a, r) == (0 if CAL.is_working_day(a) else 1)


@given(a=starts, b=starts)
def test_between_is_antisymmetric_and_counts_days(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days <= 120:
        brute = sum(1 for i in range(1, (hi - lo).days + 1) if CAL.is_working_day(lo + dt.timedelta(days=i)))
        assert CAL.working_days_between(lo, hi) == brute


@given(a=starts, n=counts)
def test_overrides_respected(a, n):
    r = CAL_OVR.add_working_days(a, n)
    assert r not in OFF
    # every override falling inside (a, r] shifts the count by exactly one
    inside_off = sum(1 for d in OFF if a < d <= r)
    inside_work = sum(1 for d in WORK if a < d <= r)
    assert CAL.working_days_between(a, r) == n + inside_off - inside_work


def test_override_days_themselves():
    for d in OFF:
        assert d.weekday() < 5 and not CAL_OVR.is_working_day(d)
    for d in WORK:
        assert d.weekday() == 5 and CAL_OVR.is_working_day(d)
    # Friday 2/1/2026 off: the working day after Wed 31/12/2025 is Mon 5/1/2026
    assert CAL_OVR.add_working_days(dt.date(2025, 12, 31), 1) == dt.date(2026, 1, 5)
    # Saturday 10/1/2026 worked: one working day after Fri 9/1 is Sat 10/1
    assert CAL_OVR.add_working_days(dt.date(2026, 1, 9), 1) == dt.date(2026, 1, 10)


times = st.times()


@given(day=starts, t=times)
def test_effective_start_with_cutoff(day, t):
    received = dt.datetime.combine(day, t)
    start = CAL.effective_start(received, cutoff=dt.time(15, 0))
    assert CAL.is_working_day(start)
    if CAL.is_working_day(day) and t <= dt.time(15, 0):
        assert start == day
    else:
        assert start > day
        assert CAL.working_days_between(day, start) == 1
    # without a cutoff only non-working days move
    assert CAL.effective_start(received) == (day if CAL.is_working_day(day) else CAL.next_working_day(day))


def _in_office_hours(cal: WorkCalendar, moment: dt.datetime) -> bool:
    if not cal.is_working_day(moment.date()):
        return False
    return any(dt.datetime.combine(moment.date(), b) <= moment <= dt.datetime.combine(moment.date(), e) for b, e in cal.working_hours)


def _worked_between(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    total = dt.timedelta()
    d = a.date()
    while d <= b.date():
        if cal.is_working_day(d):
            for begin, end in cal.working_hours:
                lo = max(a, dt.datetime.combine(d, begin))
                hi = min(b, dt.datetime.combine(d, end))
                if hi > lo:
                    total += hi - lo
        d += dt.timedelta(days=1)
    return total


@given(day=starts, t=times, minutes=st.integers(min_value=1, max_value=60 * 40))
def test_add_working_hours_stays_in_office_hours(day, t, minutes):
    start = dt.datetime.combine(day, t.replace(microsecond=0))
    end = CAL_OVR.add_working_hours(start, minutes / 60)
    assert end > start
    assert _in_office_hours(CAL_OVR, end)
    assert abs(_worked_between(CAL_OVR, start, end) - dt.timedelta(minutes=minutes)) < dt.timedelta(seconds=1)


def test_add_working_hours_rejects_negative():
    with pytest.raises(ValueError):
        CAL.add_working_hours(dt.datetime(2026, 3, 2, 9), -1)


# --- the services, with overrides stored in the database -----------------------------------


@pytest.mark.django_db
def test_services_respect_stored_overrides(users):
    from coso.workcalendar import services

    admin = users["sysadmin"]
    services.override_create(actor=admin, date=dt.date(2027, 3, 10), kind="day_off", reason="Nghỉ thử")
    services.override_create(actor=admin, date=dt.date(2027, 3, 13), kind="working_day", reason="Làm bù thử")
    assert not services.is_working_day(dt.date(2027, 3, 10))
    assert services.is_working_day(dt.date(2027, 3, 13))

    @settings(max_examples=60, deadline=None)
    @given(a=st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2027, 6, 30)), n=st.integers(min_value=1, max_value=60))
    def check(a, n):
        r = services.add_working_days(a, n)
        assert services.working_days_between(a, r) == n
        assert services.is_working_day(r)
        assert r != dt.date(2027, 3, 10)
        # against the calendar without overrides: the day off adds one, the Saturday counts one
        off_inside = int(a < dt.date(2027, 3, 10) <= r)
        work_inside = int(a < dt.date(2027, 3, 13) <= r)
        assert services.base_calendar().working_days_between(a, r) == n + off_inside - work_inside

    check()
    # the bulk service gives the same days (dates in and out, or datetime64 arrays)
    import numpy as np

    days = [dt.date(2027, 3, 9), dt.date(2027, 3, 12), dt.date(2027, 3, 13)]
    one = [services.add_working_days(d, 2) for d in days]
    assert services.add_working_days_many(days, [2, 2, 2]) == one
    got = services.add_working_days_many(np.array(days, dtype="datetime64[D]"), np.array([2, 2, 2]))
    assert got.tolist() == one
