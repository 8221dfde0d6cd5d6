"""Working-day arithmetic: Coso's calendar against numpy's business-day functions.

numpy.busday_offset / busday_count know a weekmask and a holiday list but no extra working
days, so the make-up Saturdays are handled the equivalent way: weekmask "1111111" (every day is
a candidate) and a holiday list holding every non-working day of the Coso calendar (weekends
minus make-up days, plus holidays and overrides). Both sides then use the same calendar, and
the results are compared on every pair.

Semantics: Coso add_working_days(s, n ≥ 1) is the n-th working day after s; numpy
busday_offset(s, n, roll="backward") gives the same day (a non-working s rolls back to the
previous working day first). Coso working_days_between(a, b) counts (a, b]; numpy
busday_count(a + 1, b + 1) counts the same half-open range.
"""

from __future__ import annotations

import datetime as dt
import random
import time

import numpy as np

FIRST = dt.date(2020, 1, 1)
LAST = dt.date(2035, 12, 31)


def _pairs(count: int, seed: int = 766) -> tuple[list[dt.date], list[int]]:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    first = FIRST.toordinal()
    starts = [dt.date.fromordinal(first + rng.randrange(span)) for _ in range(count)]
    ns = [rng.randint(1, 60) for _ in range(count)]  # legal deadlines: 1 to 60 working days
    return starts, ns


def run(quick: bool = False) -> list[dict]:
    from coso.workcalendar import services

    size = 10_000 if quick else 1_000_000
    cal = services.get_calendar()
    starts, ns = _pairs(size)

    # --- Coso, one call per pair through the public service (what every module does)
    t0 = time.perf_counter()
    add = services.add_working_days
    coso = [add(s, n) for s, n in zip(starts, ns, strict=True)]
    t_coso = time.perf_counter() - t0

    # --- numpy with the same calendar (weekmask all days + every non-working day as holiday)
    lo, hi = dt.date(cal.first_year, 1, 1), dt.date(cal.last_year, 12, 31)
    all_days = np.arange(np.datetime64(lo), np.datetime64(hi) + 1)
    working = set(cal.working_day_ordinals())
    non_working = [d for d in all_days if d.astype(dt.date).toordinal() not in working]
    bdc = np.busdaycalendar(weekmask="1111111", holidays=non_working)
    s64 = np.array(starts, dtype="datetime64[D]")
    n64 = np.array(ns, dtype=np.int64)
    t0 = time.perf_counter()
    npres = np.busday_offset(s64, n64, roll="backward", busdaycal=bdc)
    t_np = time.perf_counter() - t0
    coso64 = np.array(coso, dtype="datetime64[D]")
    agree_add = int((coso64 == npres).sum())

    # the usual shortcut (Mon–Fri weekmask + holiday list) silently ignores make-up Saturdays
    holidays_only = [d for d in non_working if d.astype(dt.date).weekday() < 5]
    naive = np.busday_offset(s64, n64, roll="backward", busdaycal=np.busdaycalendar(weekmask="1111100", holidays=holidays_only))
    naive_diff = int((coso64 != naive).sum())

    # --- working_days_between vs busday_count on (start, result) and on random pairs
    rng = random.Random(24)
    ends = [s + dt.timedelta(days=rng.randint(0, 120)) for s in starts]
    between = services.working_days_between
    t0 = time.perf_counter()
    coso_count = [between(a, b) for a, b in zip(starts, ends, strict=True)]
    t_coso_count = time.perf_counter() - t0
    e64 = np.array(ends, dtype="datetime64[D]")
    t0 = time.perf_counter()
    np_count = np.busday_count(s64 + 1, e64 + 1, busdaycal=bdc)
    t_np_count = time.perf_counter() - t0
    agree_count = int((np.array(coso_count) == np_count).sum())

    # --- the same pairs in one call (numpy searchsorted over Coso's working-day table)
    t0 = time.perf_counter()
    vec = cal.add_working_days_many(starts, ns)
    t_vec = time.perf_counter() - t0
    agree_vec = sum(1 for x, y in zip(vec, coso, strict=True) if x == y)

    # --- and on numpy arrays (datetime64[D] in and out, the same input as numpy's)
    t0 = time.perf_counter()
    arr = cal.add_working_days_array(s64, n64)
    t_arr = time.perf_counter() - t0
    agree_arr = int((arr == npres).sum())

    label = f"{size:,}"
    per = 1e6 / size  # report per million pairs
    return [
        {
            "benchmark": f"calendar: add_working_days, {label} pairs (per 1M)",
            "value": t_coso * per,
            "unit": "s",
            "baseline": "numpy.busday_offset",
            "baseline_value": t_np * per,
            "note": f"agree {agree_add}/{size}; Mon–Fri+holidays shortcut differs on {naive_diff} (make-up Saturdays)",
        },
        {
            "benchmark": f"calendar: working_days_between, {label} pairs (per 1M)",
            "value": t_coso_count * per,
            "unit": "s",
            "baseline": "numpy.busday_count",
            "baseline_value": t_np_count * per,
            "note": f"agree {agree_count}/{size}",
        },
        {
            "benchmark": f"calendar: add_working_days_many, {label} pairs (per 1M)",
            "value": t_vec * per,
            "unit": "s",
            "baseline": "numpy.busday_offset",
            "baseline_value": t_np * per,
            "note": f"agree {agree_vec}/{size}; WorkCalendar.add_working_days_many (table look-up), date objects in and out",
        },
        {
            "benchmark": f"calendar: add_working_days_array, {label} pairs (per 1M)",
            "value": t_arr * per,
            "unit": "s",
            "baseline": "numpy.busday_offset",
            "baseline_value": t_np * per,
            "note": f"agree {agree_arr}/{size}; WorkCalendar.add_working_days_array, datetime64[D] in and out like numpy",
        },
    ]
