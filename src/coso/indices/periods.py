"""Reporting periods: a month, a quarter, a year or any date range, and the period before it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext

from coso.core.params import FIRST_DAY, FIRST_YEAR, LAST_DAY, LAST_YEAR, iso_day, last_day_of_years
from coso.indices import errors

MAX_YEARS = 3  # a date range spans at most 3 years by the calendar


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | range
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        """The period's name in the reader's language (pages)."""
        if self.kind == "month":
            return gettext("Tháng %(month)s/%(year)s") % {"month": f"{self.start.month:02d}", "year": self.start.year}
        if self.kind == "quarter":
            return gettext("Quý %(quarter)s/%(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        if self.kind == "year":
            return gettext("Năm %(year)s") % {"year": self.start.year}
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def label_vi(self) -> str:
        """The period's name in Vietnamese, whoever reads: the exported report is a Vietnamese document."""
        with translation.override("vi"):
            return self.label

    @property
    def value(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def query(self) -> dict[str, str]:
        if self.kind == "range":
            return {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.value}

    def previous(self) -> Period:
        if self.kind == "month":
            return month(*_shift_month(self.start.year, self.start.month, -1))
        if self.kind == "quarter":
            y, m = _shift_month(self.start.year, self.start.month, -3)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        length = (self.end - self.start).days + 1
        return Period("range", self.start - dt.timedelta(days=length), self.start - dt.timedelta(days=1))

    def whole_months(self) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
        """The calendar months wholly inside the period (the first days of the first and the last of them, or None) and
        the spans of days outside them (none, one or two; the whole period when no month fits in it)."""
        first = self.start if self.start.day == 1 else _month_end(self.start) + dt.timedelta(days=1)
        end = self.end if self.end == _month_end(self.end) else self.end.replace(day=1) - dt.timedelta(days=1)
        if first > end:
            return None, [(self.start, self.end)]
        edges = []
        if self.start < first:
            edges.append((self.start, first - dt.timedelta(days=1)))
        if end < self.end:
            edges.append((end + dt.timedelta(days=1), self.end))
        return (first, end.replace(day=1)), edges


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _shift_month(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def month(y: int, m: int) -> Period:
    return Period("month", dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))


def quarter(y: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period("quarter", dt.date(y, first, 1), month(y, first + 2).end)


def year(y: int) -> Period:
    return Period("year", dt.date(y, 1, 1), dt.date(y, 12, 31))


def date_range(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise errors.END_BEFORE_START()
    last = last_day_of_range(start)
    if end > last:
        raise errors.DATE_RANGE_BAD_PERIOD(years=MAX_YEARS, last=f"{last:%d/%m/%Y}")
    return Period("range", start, end)


def last_day_of_range(start: dt.date) -> dt.date:
    """The last day a range from ``start`` may end on: ``MAX_YEARS`` years by the calendar (``core.params.last_day_of_years``)."""
    return last_day_of_years(start, MAX_YEARS)


def current_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return month(today.year, today.month)


def parse(params: Any, today: dt.date | None = None) -> Period:
    """From ?period=2026-11 | 2026-Q4 | 2026, or ?start=YYYY-MM-DD&end=YYYY-MM-DD (both given: the dates, unless the
    period form's ``shown`` says the period box was changed); default: this month. A period outside
    the years a commune works with (``coso.core.params``) is refused, and so is one whose previous period (the comparison
    of every page) starts before them: year 0 and the day after 31/12/9999 do not exist."""
    period = _parse(params, today)
    if period.end > LAST_DAY or period.start.year <= FIRST_YEAR or period.previous().start < FIRST_DAY:
        raise errors.PERIOD_OUT_OF_RANGE(first=FIRST_YEAR + 1, last=LAST_YEAR)
    return period


def _parse(params: Any, today: dt.date | None) -> Period:
    raw = (params.get("period") or "").strip()
    start, end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    # The period form sends back the period it showed (``shown``) with both boxes: after a date range its dates are
    # still filled in, so a period typed in the period box (not the one shown) replaces the range; otherwise dates win.
    shown = (params.get("shown") or "").strip()
    if raw and (start or end) and shown and raw != shown:
        start = end = ""
    try:
        if start or end:
            return date_range(iso_day(start), iso_day(end))
        if not raw:
            return current_month(today)
        if m := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", raw):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"([0-9]{4})-[Qq]([1-4])", raw):
            return quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"([0-9]{4})", raw):
            return year(int(m[1]))
    except ValueError:
        pass
    raise errors.BAD_PERIOD()
