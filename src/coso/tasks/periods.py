"""Periodic report periods (month, quarter, half-year, year) with the province's cut-off day.

With cut-off day ``d`` (rule ``tasks.report.cutoff_day``; Decree 09/2019/NĐ-CP Art. 12 uses 14) a period
runs from day ``d + 1`` of the month before its first month to day ``d`` of its last month; ``d = 0`` means
calendar months.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

KINDS = {"month": _("Tháng"), "quarter": _("Quý"), "half": _("6 tháng"), "year": _("Năm")}
MAX_NUMBER = {"month": 12, "quarter": 4, "half": 2, "year": 1}
# The years a periodic report may be asked for, on the page and in the API alike: the rules a report reads
# (coso.tasks.rule_keys) apply from 10/9/2014 (Decision 42/2014/QĐ-TTg), so 2015 is the first whole year.
FIRST_YEAR, LAST_YEAR = 2015, 2100


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date
    cutoff_day: int

    @property
    def label(self) -> str:
        """The period's name in the reader's language (the page, the API)."""
        if self.kind == "month":
            return gettext("Tháng %(month)s/%(year)s") % {"month": self.number, "year": self.year}
        if self.kind == "quarter":
            return gettext("Quý %(quarter)s năm %(year)s") % {"quarter": ["I", "II", "III", "IV"][self.number - 1], "year": self.year}
        if self.kind == "half":
            half = gettext("6 tháng đầu năm %(year)s") if self.number == 1 else gettext("6 tháng cuối năm %(year)s")
            return half % {"year": self.year}
        return gettext("Năm %(year)s") % {"year": self.year}

    @property
    def label_vi(self) -> str:
        """The period's name in Vietnamese, whoever reads: the exported report is a Vietnamese document."""
        with translation.override("vi"):
            return self.label


def _months(kind: str, number: int) -> tuple[int, int]:
    if kind == "month":
        return number, number
    if kind == "quarter":
        return 3 * number - 2, 3 * number
    if kind == "half":
        return 6 * number - 5, 6 * number
    return 1, 12


def last_month(kind: str, number: int) -> int:
    """The calendar month a period of ``kind`` number ``number`` ends in (its cut-off day is the one in force then)."""
    return _months(kind, number)[1]


def period(kind: str, year: int, number: int, *, cutoff_day: int) -> Period:
    if kind not in MAX_NUMBER:
        raise ValueError(f"unknown period kind {kind!r}")
    if not 1 <= number <= MAX_NUMBER[kind]:
        raise ValueError(f"period number out of range: {number}")
    first, last = _months(kind, number)
    if cutoff_day <= 0:
        start = dt.date(year, first, 1)
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
    else:
        prev_year, prev_month = (year - 1, 12) if first == 1 else (year, first - 1)
        start = dt.date(prev_year, prev_month, cutoff_day) + dt.timedelta(days=1)
        end = dt.date(year, last, cutoff_day)
    return Period(kind, year, number, start, end, cutoff_day)


def current_number(kind: str, day: dt.date) -> int:
    """The number of the period of ``kind`` that holds ``day`` by calendar month (the default shown)."""
    if kind == "month":
        return day.month
    if kind == "quarter":
        return (day.month - 1) // 3 + 1
    if kind == "half":
        return 1 if day.month <= 6 else 2
    return 1


def period_containing(kind: str, day: dt.date, *, cutoff_day: int) -> Period:
    """The period of ``kind`` that holds ``day`` (with a cut-off day, the 20th of March is in April's month)."""
    year, month = day.year, day.month
    if 0 < cutoff_day < day.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return period(kind, year, current_number(kind, dt.date(year, month, 1)), cutoff_day=cutoff_day)
