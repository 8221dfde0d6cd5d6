"""Official vocabulary, the government's denominator and the published figures (Báo cáo 1270/BC-TCTTTg)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as s

from coso.tasks import periods
from coso.tasks import status as st

D = dt.date


def _fig(on_time: int, late: int, in_term: int, overdue: int, method: str = "truncate_complement") -> st.Figures:
    f = st.Figures(method=method)
    f.add(st.ON_TIME, on_time)
    f.add(st.LATE, late)
    f.add(st.IN_TERM, in_term)
    f.add(st.OVERDUE, overdue)
    return f


def test_21914_tasks_give_the_published_98_62_and_1_38():
    f = _fig(14_068, 1_983, 5_640, 223)
    assert f.total == 21_914
    assert f.completed == 16_051 and f.not_completed == 5_863
    assert f.due == 16_274  # completed + overdue not completed
    assert f.completion_rate == Decimal("98.62")
    assert f.overdue_rate == Decimal("1.38")


def test_plain_rounding_would_not_give_the_published_figures():
    f = _fig(14_068, 1_983, 5_640, 223, method="round_half_up")
    assert (f.completion_rate, f.overdue_rate) == (Decimal("98.63"), Decimal("1.37"))


def test_second_fixture_2016():
    f = _fig(1_310, 429, 1_812, 175)
    assert f.total == 3_726 and f.due == 1_914
    assert f.completion_rate == Decimal("90.85") and f.overdue_rate == Decimal("9.15")


def test_nothing_due_has_no_rate():
    f = _fig(0, 0, 7, 0)
    assert f.completion_rate is None and f.overdue_rate is None


@given(s.integers(0, 10**6), s.integers(0, 10**6))
def test_rates_add_up_to_100(done, overdue):
    a, b = st.rates(done, overdue)
    if done + overdue == 0:
        assert a is None
    else:
        assert a + b == 100
        assert Decimal(0) <= a <= 100


DUE = D(2026, 3, 10)
DAY = D(2026, 3, 2)


def _status(state="open", completed=None, cancelled=None, due=DUE, eff=None, on=DAY, counts=True):
    return st.official_status(
        state=state,
        assigned_on=D(2026, 2, 1),
        due_on=due,
        effective_due=eff or due,
        completed_on=completed,
        cancelled_on=cancelled,
        on=on,
        extension_counts=counts,
    )


def test_status_vocabulary():
    assert _status() == st.IN_TERM
    assert _status(on=D(2026, 3, 10)) == st.IN_TERM  # the deadline day is still within term
    assert _status(on=D(2026, 3, 11)) == st.OVERDUE
    assert _status(state="completed", completed=D(2026, 3, 10), on=D(2026, 4, 1)) == st.ON_TIME
    assert _status(state="completed", completed=D(2026, 3, 11), on=D(2026, 4, 1)) == st.LATE
    assert _status(state="cancelled", cancelled=D(2026, 3, 1)) == st.STOPPED
    # looked at before completion or cancellation: what it was then
    assert _status(state="completed", completed=D(2026, 3, 20), on=D(2026, 3, 15)) == st.OVERDUE
    assert _status(state="cancelled", cancelled=D(2026, 3, 5), on=D(2026, 3, 3)) == st.IN_TERM
    assert _status(on=D(2026, 1, 1)) == st.NOT_YET


def test_extension_counts_on_time_is_the_rule():
    kw = {"state": "completed", "completed": D(2026, 3, 15), "due": D(2026, 3, 10), "eff": D(2026, 3, 20), "on": D(2026, 4, 1)}
    assert _status(**kw, counts=True) == st.ON_TIME
    assert _status(**kw, counts=False) == st.LATE
    assert _status(due=D(2026, 3, 1), eff=D(2026, 3, 20), counts=True) == st.IN_TERM
    assert _status(due=D(2026, 3, 1), eff=D(2026, 3, 20), counts=False) == st.OVERDUE


def test_periods_with_cutoff_day_14():
    p = periods.period("month", 2026, 3, cutoff_day=14)
    assert (p.start, p.end) == (D(2026, 2, 15), D(2026, 3, 14))
    p = periods.period("month", 2026, 1, cutoff_day=14)
    assert (p.start, p.end) == (D(2025, 12, 15), D(2026, 1, 14))
    p = periods.period("quarter", 2026, 2, cutoff_day=14)
    assert (p.start, p.end) == (D(2026, 3, 15), D(2026, 6, 14))
    p = periods.period("half", 2026, 1, cutoff_day=14)
    assert (p.start, p.end) == (D(2025, 12, 15), D(2026, 6, 14))
    p = periods.period("year", 2026, 1, cutoff_day=14)
    assert (p.start, p.end) == (D(2025, 12, 15), D(2026, 12, 14))


def test_periods_calendar_months():
    p = periods.period("month", 2024, 2, cutoff_day=0)
    assert (p.start, p.end) == (D(2024, 2, 1), D(2024, 2, 29))
    p = periods.period("half", 2026, 2, cutoff_day=0)
    assert (p.start, p.end) == (D(2026, 7, 1), D(2026, 12, 31))
    assert p.label == "6 tháng cuối năm 2026"


@given(s.sampled_from(["month", "quarter", "half", "year"]), s.integers(2000, 2100), s.integers(0, 28))
def test_consecutive_periods_tile_the_year(kind, year, cutoff):
    n = periods.MAX_NUMBER[kind]
    ps = [periods.period(kind, year, i, cutoff_day=cutoff) for i in range(1, n + 1)]
    for a, b in zip(ps, ps[1:], strict=False):
        assert b.start == a.end + dt.timedelta(days=1)
    nxt = periods.period(kind, year + 1, 1, cutoff_day=cutoff)
    assert nxt.start == ps[-1].end + dt.timedelta(days=1)


def test_period_containing_a_day():
    assert periods.period_containing("month", D(2026, 3, 14), cutoff_day=14).number == 3
    p = periods.period_containing("month", D(2026, 12, 20), cutoff_day=14)
    assert (p.year, p.number, p.start) == (2027, 1, D(2026, 12, 15))
    assert periods.period_containing("quarter", D(2026, 6, 15), cutoff_day=14).number == 3
    assert periods.period_containing("month", D(2026, 6, 30), cutoff_day=0).number == 6


@given(s.dates(dt.date(2001, 1, 1), dt.date(2099, 12, 31)), s.sampled_from(["month", "quarter", "half", "year"]), s.integers(0, 28))
def test_period_containing_contains_the_day(day, kind, cutoff):
    p = periods.period_containing(kind, day, cutoff_day=cutoff)
    assert p.start <= day <= p.end
