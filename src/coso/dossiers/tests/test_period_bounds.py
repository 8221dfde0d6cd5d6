"""period_bounds: the instants of a period of days, for any valid date (an open-ended caller passes date.min or date.max)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.core.params import FIRST_DAY, LAST_DAY
from coso.dossiers import selectors

MIN, MAX = dt.date.min, dt.date.max
ENDS = [MIN, dt.date(1, 1, 2), dt.date(1899, 12, 31), FIRST_DAY, dt.date(2026, 5, 1), LAST_DAY, dt.date(2201, 1, 1),
        dt.date(9999, 12, 30), MAX]


def _local(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize("start", ENDS)
@pytest.mark.parametrize("end", ENDS)
def test_any_dates_give_an_ordered_range_without_overflow(start, end):
    """31/12/9999 has no day after it: end + 1 day raised OverflowError (a 500 for the page or the job that asked)."""
    a, b = selectors.period_bounds(start, end)
    assert a <= b
    # Both instants can be taken to UTC (what the database drivers do): the midnight of 1/1/0001 at +07:00 cannot.
    a.astimezone(dt.UTC), b.astimezone(dt.UTC)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=FIRST_DAY, max_value=LAST_DAY), end=st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
def test_within_the_span_the_range_is_the_periods_own(start, end):
    a, b = selectors.period_bounds(start, end)
    if start <= end:
        assert (a, b) == (_local(start), _local(end + dt.timedelta(days=1)))
    else:
        assert a >= b  # a reversed period holds no instant


@settings(max_examples=300, deadline=None)
@given(start=st.dates(), end=st.dates())
def test_a_day_is_in_the_range_exactly_when_it_is_in_the_period(start, end):
    a, b = selectors.period_bounds(start, end)
    for day in (start, end, FIRST_DAY, LAST_DAY):
        if FIRST_DAY <= day <= LAST_DAY:
            assert (a <= _local(day) < b) == (start <= day <= end)


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), [(MIN, MAX), (FIRST_DAY, MAX), (MIN, dt.date(2026, 12, 31)), (dt.date(9999, 12, 31), MAX),
                                            (MIN, MIN)])
def test_statistics_over_unbounded_dates_count_on_the_database(users, receive, start, end):
    receive()
    inside = start <= timezone.localdate() <= end
    result = selectors.stats(fetched_by=users["leader"], start=start, end=end)
    assert result["total"]["received"] == int(inside)
    assert bool(selectors.index_facts(day_from=start, day_to=end, by_day=False)) == inside
    assert list(selectors.index_usage_query(day_from=start, day_to=end, by_day=False)) is not None
