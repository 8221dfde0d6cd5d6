"""Bounded types for numbers that API clients send in query strings and bodies.

Python integers have no upper bound; dates, the working-day calendar and the database do. An
endpoint that takes a year, a month or a number of days declares it with one of these types so
that an impossible value is refused with 422 and the one error shape (never a 500 deeper down).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Query
from pydantic import Field

# Years a commune works with: records back to 1900, plans up to 2200 (datetime.date needs 1–9999).
FIRST_YEAR, LAST_YEAR = 1900, 2200
# The same span as days, for a date a computation starts from (a review date): dates near 9999 have no years after them.
FIRST_DAY, LAST_DAY = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Month = Annotated[int, Field(ge=1, le=12)]
Quarter = Annotated[int, Field(ge=1, le=4)]
# A span of working days in a filter ("due within N working days"): at most one year's worth.
WorkingDays = Annotated[int, Field(ge=0, le=366)]
# A span of calendar years in a filter (e.g. "retiring within N years").
Years = Annotated[int, Field(ge=0, le=100)]
# Any other count or identifier a client sends: what a PostgreSQL integer column holds.
INT_MAX = 2**31 - 1
SmallCount = Annotated[int, Field(ge=0, le=INT_MAX)]


# The same bounds for query parameters of view functions. (An ``Annotated`` alias in a view's
# signature is not resolvable under ``@paginate``, whose wrapper lives in another module, so the
# bounds are given on the parameter itself.)
def year_query(default: Any = ..., **kwargs: Any) -> Any:
    return Query(default, ge=FIRST_YEAR, le=LAST_YEAR, **kwargs)


def month_query(default: Any = ..., **kwargs: Any) -> Any:
    return Query(default, ge=1, le=12, **kwargs)


def working_days_query(default: Any = ..., **kwargs: Any) -> Any:
    return Query(default, ge=0, le=366, **kwargs)


def years_query(default: Any = ..., **kwargs: Any) -> Any:
    return Query(default, ge=0, le=100, **kwargs)


# The same span for a date typed in a page's form (Django form field validator): a date outside it is refused on its
# field with one message, before a computation (day after, a year earlier, the working-day calendar) runs off the end of
# datetime.date or of the calendar.
def validate_day(value: dt.date) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(gettext("Ngày phải trong khoảng %(first)s–%(last)s."), code="date-out-of-range",
                              params={"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")})


def last_day_of_years(start: dt.date, years: int) -> dt.date:
    """The last day of a span of ``years`` years from ``start`` by the calendar: the day before the same date ``years``
    years later (from 29/02, the day before 01/03), so that 01/01/2024–31/12/2026 is three years and 01/01/2027 is not.
    A count of days (3 × 366) let a span run a day or two over."""
    import calendar

    y = start.year + years
    if y > dt.MAXYEAR:
        return dt.date.max
    if start.month == 2 and start.day == 29 and not calendar.isleap(y):
        return dt.date(y, 2, 28)
    return start.replace(year=y) - dt.timedelta(days=1)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def iso_day(text: str) -> dt.date:
    """A day written YYYY-MM-DD in ASCII digits; ValueError otherwise. ``date.fromisoformat`` alone also reads
    "20261201", "2026-W49" (a week) and full-width or other scripts' digits, which no form sends and which then
    showed as another period than the one typed."""
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"not a YYYY-MM-DD day: {text!r}")
    return dt.date.fromisoformat(text)
