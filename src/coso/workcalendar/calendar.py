"""The Vietnamese working-day calendar as a pure object.

Working day = Monday–Friday, minus statutory holidays and substituted days off from the
`holidays` package (country VN), plus its make-up Saturdays, with administrator
overrides (extra day off / make-up working day) taking precedence over all of these.

Names of days come in Vietnamese unless a ``language`` is given ("en": the package's English names of the
statutory holidays and English for the phrases below); the reasons administrators typed for their overrides
are returned as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext_noop

import holidays

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()  # datetime64[D] 0 as a date ordinal


# Languages of the `holidays` package for the languages of the interface.
_HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}
SATURDAY, SUNDAY = gettext_noop("Thứ Bảy"), gettext_noop("Chủ nhật")
DAY_OFF_ANNOUNCED, WORKING_DAY_ANNOUNCED = gettext_noop("Nghỉ theo thông báo"), gettext_noop("Làm việc theo thông báo")
MAKEUP_DAY = gettext_noop("Làm bù")
# The package's US English writes dates month first ("substituted from 08/22/2026"); Coso writes them day first in every
# language (coso/formats: d/m/Y), as Vietnamese documents do.
_US_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def _day_first(name: str) -> str:
    return _US_DATE.sub(r"\2/\1/\3", name)


def _base_language(language: str | None) -> str:
    return (language or "vi").split("-")[0].split("_")[0].lower()


def _phrase(text: str, language: str) -> str:
    """One of the phrases above in ``language`` (the translation catalogue; Vietnamese is the text itself)."""
    if language == "vi":
        return text
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)


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
        self._holiday_names: dict[str, dict[dt.date, str]] = {"vi": self.holidays}  # other languages: built when first asked
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
        # Look-up tables for plain int arithmetic (no bisect) on every call, k = ordinal - _min:
        # _after[k] = working days ≤ that day (bisect_right), _upto[k] = working days < it
        # (bisect_left); _dates[i] = the i-th working day as a date object (shared, immutable).
        after: list[int] = []
        upto: list[int] = []
        working = set(ordinals)
        count = 0
        for o in range(self._min, self._max + 1):
            upto.append(count)
            if o in working:
                count += 1
            after.append(count)
        self._after = after
        self._upto = upto
        self._dates = [dt.date.fromordinal(o) for o in ordinals]
        self._count = len(ordinals)
        self._size = len(after)  # days in the calendar

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
        k = d.toordinal() - self._min
        if not 0 <= k < self._size:
            self._check(d)
        return self._after[k] != self._upto[k]

    def holiday_name(self, d: dt.date, language: str = "vi") -> str:
        """The name of the statutory holiday (or substituted day off) on ``d`` from the `holidays` package, in
        ``language`` when the package has it (else Vietnamese); '' when ``d`` is none."""
        if d not in self.holidays:
            return ""
        lang = _base_language(language)
        names = self._holiday_names.get(lang)
        if names is None:
            package_language = _HOLIDAY_LANGUAGES.get(lang)
            if package_language is None:
                return self.holidays[d]
            years = list(range(self.first_year, self.last_year + 1))
            named = holidays.country_holidays("VN", years=years, language=package_language).items()
            names = self._holiday_names[lang] = {d: _day_first(n) if package_language == "en_US" else n for d, n in named}
        return names.get(d) or self.holidays[d]

    def day_name(self, d: dt.date, language: str = "vi") -> str:
        """Why a day is not worked (holiday name, 'Thứ Bảy', …), or '' for a working day; in ``language``
        except the reason typed for an override."""
        if self.is_working_day(d):
            return ""
        lang = _base_language(language)
        if d in self.extra_off:
            return self.reasons.get(d) or _phrase(DAY_OFF_ANNOUNCED, lang)
        if d in self.holidays:
            return self.holiday_name(d, lang)
        return _phrase(SATURDAY if d.weekday() == 5 else SUNDAY, lang)

    def day_reason(self, d: dt.date, language: str = "vi") -> str:
        """Like :meth:`day_name`, but also explains working days that are unusual
        (a make-up Saturday, an override); '' for an ordinary weekday."""
        if not self.is_working_day(d):
            return self.day_name(d, language)
        lang = _base_language(language)
        if d in self.extra_work:
            return self.reasons.get(d) or _phrase(WORKING_DAY_ANNOUNCED, lang)
        if d in self.makeup_days:
            return _phrase(MAKEUP_DAY, lang)
        return ""

    def day_source(self, d: dt.date) -> str:
        """Where the status of ``d`` comes from: override, holidays package or weekday rule."""
        if d in self.extra_work or d in self.extra_off:
            return "override"
        if d in self.makeup_days or d in self.holidays:
            return "holidays"
        return "weekday"

    def next_working_day(self, d: dt.date, *, include_self: bool = True) -> dt.date:
        k = d.toordinal() - self._min
        if not 0 <= k < self._size:
            self._check(d)
        i = self._upto[k] if include_self else self._after[k]
        if i >= self._count:
            raise CalendarRangeError("beyond calendar range")
        return self._dates[i]

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (start itself not counted); n ≤ 0 goes backwards.

        n = 0 returns ``start`` if it is a working day, else the next working day.
        """
        # Plain int arithmetic over the precomputed tables (called once per deadline, often in bulk).
        k = start.toordinal() - self._min
        if not 0 <= k < self._size:
            self._check(start)
        if n > 0:
            i = self._after[k] + n - 1
        elif n == 0:
            i = self._upto[k]
        else:
            i = self._upto[k] + n
        if 0 <= i < self._count:
            return self._dates[i]
        raise CalendarRangeError("beyond calendar range")

    def add_working_days_many(self, starts: Sequence[dt.date], ns: Sequence[int]) -> list[dt.date]:
        """``add_working_days`` for many (start, n ≥ 1) pairs at once (numpy, for bulk recomputes).

        Dates in, dates out; for numpy ``datetime64[D]`` arrays use :meth:`add_working_days_array`."""
        import numpy as np

        if len(starts) != len(ns):
            raise ValueError("starts and ns must have the same length")
        if not len(starts):
            return []
        o = np.fromiter(map(dt.date.toordinal, starts), dtype=np.int64, count=len(starts))
        idx = self._offset_indices(o - self._min, ns)
        return list(map(self._dates.__getitem__, idx.tolist()))

    def add_working_days_array(self, starts, ns):  # type: ignore[no-untyped-def]
        """:meth:`add_working_days_many` on numpy arrays: ``datetime64[D]`` starts (and an int
        array of n ≥ 1) in, ``datetime64[D]`` results out."""
        import numpy as np

        starts = np.asarray(starts, dtype="datetime64[D]")
        if starts.shape != np.shape(ns):
            raise ValueError("starts and ns must have the same length")
        if not starts.size:
            return starts.copy()
        k = starts.astype(np.int64) + (_EPOCH_ORDINAL - self._min)
        idx = self._offset_indices(k, ns)
        return (self._tables()[1][idx] - _EPOCH_ORDINAL).astype("datetime64[D]")

    def _offset_indices(self, k, ns):  # type: ignore[no-untyped-def]
        """Indices into the working days of the n-th working day after each day ``k`` (ordinal − _min)."""
        import numpy as np

        n = np.asarray(ns, dtype=np.int64)
        if n.size and n.min() < 1:
            raise ValueError("add_working_days_many needs n ≥ 1")
        if k.min() < 0 or k.max() >= self._size:
            raise CalendarRangeError(f"a start date is outside the calendar ({self.first_year}–{self.last_year})")
        after, _ = self._tables()
        idx = after[k]
        idx += n - 1
        if idx.max() >= self._count:
            raise CalendarRangeError("beyond calendar range")
        return idx

    def _tables(self):  # type: ignore[no-untyped-def]
        """The numpy copies of ``_after`` and of the working-day ordinals (built on first use)."""
        import numpy as np

        tables = getattr(self, "_np_tables", None)
        if tables is None:
            tables = self._np_tables = (np.asarray(self._after, dtype=np.int64), np.asarray(self._working, dtype=np.int64))
        return tables

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b < a. add_working_days(a, n) → n."""
        ka = a.toordinal() - self._min
        kb = b.toordinal() - self._min
        if not (0 <= ka < self._size and 0 <= kb < self._size):
            self._check(a)
            self._check(b)
        return self._after[kb] - self._after[ka]

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
