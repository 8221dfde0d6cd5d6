"""The Vietnamese working-day calendar as a pure object.

Working day = Monday–Friday, minus statutory holidays and substituted days off from the
`holidays` package (country VN), plus its make-up Saturdays, with administrator
overrides (extra day off / make-up working day) taking precedence over all of these.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import holidays


class CalendarRangeError(ValueError):
    """A date (or a result) outside the years the calendar was built for."""


class WorkCalendar:
    def __init__(
        self,
        *,
        first_year: int = 2015,
        last_year: int = 2040,
        days_off: Iterable[dt.date] = (),
        working_days: Iterable[dt.date] = (),
        reasons: Mapping[dt.date, str] | None = None,
        working_hours: tuple[tuple[dt.time, dt.time], ...] = (),
    ):
        self.first_year = first_year
        self.last_year = last_year
        self.working_hours = working_hours
        years = list(range(first_year, last_year + 1))
        # Vietnamese names whatever the process locale is (the default follows $LANG).
        vn = holidays.country_holidays("VN", years=years, language="vi")
        self.holidays: dict[dt.date, str] = dict(vn.items())
        self.makeup_days: set[dt.date] = {
            d for d in (getattr(vn, "weekend_workdays", set()) or set()) if first_year <= d.year <= last_year
        }
        self.extra_off = set(days_off)
        self.extra_work = set(working_days)
        self.reasons: dict[dt.date, str] = dict(reasons or {})
        start = dt.date(first_year, 1, 1)
        end = dt.date(last_year, 12, 31)
        ordinals = []
        d = start
        one = dt.timedelta(days=1)
        while d <= end:
            if self._compute_is_working(d):
                ordinals.append(d.toordinal())
            d += one
        self._working = ordinals  # sorted ordinals of working days
        self._min = start.toordinal()
        self._max = end.toordinal()

    def _compute_is_working(self, d: dt.date) -> bool:
        if d in self.extra_work:
            return True
        if d in self.extra_off:
            return False
        if d in self.makeup_days:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def _check(self, d: dt.date) -> None:
        if not (self._min <= d.toordinal() <= self._max):
            raise CalendarRangeError(f"{d} is outside the calendar ({self.first_year}–{self.last_year})")

    def covers(self, d: dt.date) -> bool:
        return self._min <= d.toordinal() <= self._max

    def is_working_day(self, d: dt.date) -> bool:
        self._check(d)
        i = bisect.bisect_left(self._working, d.toordinal())
        return i < len(self._working) and self._working[i] == d.toordinal()

    def day_name(self, d: dt.date) -> str:
        """Why a day is not worked (holiday name, 'Thứ Bảy', …), or '' for a working day."""
        if self.is_working_day(d):
            return ""
        if d in self.extra_off:
            return self.reasons.get(d) or "Nghỉ theo thông báo"
        if d in self.holidays:
            return self.holidays[d]
        return "Thứ Bảy" if d.weekday() == 5 else "Chủ nhật"

    def day_reason(self, d: dt.date) -> str:
        """Like :meth:`day_name`, but also explains working days that are unusual
        (a make-up Saturday, an override); '' for an ordinary weekday."""
        if not self.is_working_day(d):
            return self.day_name(d)
        if d in self.extra_work:
            return self.reasons.get(d) or "Làm việc theo thông báo"
        if d in self.makeup_days:
            return "Làm bù"
        return ""

    def day_source(self, d: dt.date) -> str:
        """Where the status of ``d`` comes from: override, holidays package or weekday rule."""
        if d in self.extra_work or d in self.extra_off:
            return "override"
        if d in self.makeup_days or d in self.holidays:
            return "holidays"
        return "weekday"

    def next_working_day(self, d: dt.date, *, include_self: bool = True) -> dt.date:
        self._check(d)
        o = d.toordinal()
        i = bisect.bisect_left(self._working, o) if include_self else bisect.bisect_right(self._working, o)
        if i >= len(self._working):
            raise CalendarRangeError("beyond calendar range")
        return dt.date.fromordinal(self._working[i])

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (start itself not counted); n ≤ 0 goes backwards.

        n = 0 returns ``start`` if it is a working day, else the next working day.
        """
        self._check(start)
        o = start.toordinal()
        if n == 0:
            return self.next_working_day(start)
        if n > 0:
            i = bisect.bisect_right(self._working, o) + n - 1
        else:
            i = bisect.bisect_left(self._working, o) + n
        if i < 0 or i >= len(self._working):
            raise CalendarRangeError("beyond calendar range")
        return dt.date.fromordinal(self._working[i])

    def add_working_days_many(self, starts: Sequence[dt.date], ns: Sequence[int]) -> list[dt.date]:
        """``add_working_days`` for many (start, n ≥ 1) pairs at once (numpy, for bulk recomputes)."""
        import numpy as np

        if len(starts) != len(ns):
            raise ValueError("starts and ns must have the same length")
        if not len(starts):
            return []
        n = np.asarray(ns, dtype=np.int64)
        if (n < 1).any():
            raise ValueError("add_working_days_many needs n ≥ 1")
        o = np.fromiter((d.toordinal() for d in starts), dtype=np.int64, count=len(starts))
        if o.min() < self._min or o.max() > self._max:
            raise CalendarRangeError(f"a start date is outside the calendar ({self.first_year}–{self.last_year})")
        table = self._working_array()
        idx = np.searchsorted(table, o, side="right") + n - 1
        if idx.max() >= len(table):
            raise CalendarRangeError("beyond calendar range")
        return [dt.date.fromordinal(int(x)) for x in table[idx]]

    def _working_array(self):  # type: ignore[no-untyped-def]
        import numpy as np

        arr = getattr(self, "_working_np", None)
        if arr is None:
            arr = self._working_np = np.asarray(self._working, dtype=np.int64)
        return arr

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b < a. add_working_days(a, n) → n."""
        self._check(a)
        self._check(b)
        if b < a:
            return -self.working_days_between(b, a)
        return bisect.bisect_right(self._working, b.toordinal()) - bisect.bisect_right(self._working, a.toordinal())

    def effective_start(self, received: dt.datetime, *, cutoff: dt.time | None = None) -> dt.date:
        """The day counting starts from: received on a non-working day, or after ``cutoff``
        (e.g. 15:00), counts as received on the next working day."""
        day = received.date()
        if not self.is_working_day(day):
            return self.next_working_day(day)
        if cutoff is not None and received.time() > cutoff:
            return self.next_working_day(day, include_self=False)
        return day

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """Add working hours inside the office hours of working days (naive local datetimes).

        A start outside office hours counts from the next opening; the result of a
        positive duration is never outside office hours (it may be a closing time).
        """
        if hours < 0:
            raise ValueError("hours must not be negative")
        if not self.working_hours:
            raise ValueError("no office hours: pass working_hours (the rule calendar.office_hours)")
        remaining = dt.timedelta(hours=hours)
        current = start
        while True:
            day = current.date()
            if self.is_working_day(day):
                for begin, end in self.working_hours:
                    b = dt.datetime.combine(day, begin)
                    e = dt.datetime.combine(day, end)
                    if current >= e:
                        continue
                    if current < b:
                        current = b
                    available = e - current
                    if remaining <= available:
                        return current + remaining
                    remaining -= available
                    current = e
            current = dt.datetime.combine(self.next_working_day(day, include_self=False), dt.time(0, 0))

    def working_day_ordinals(self) -> list[int]:
        return list(self._working)
