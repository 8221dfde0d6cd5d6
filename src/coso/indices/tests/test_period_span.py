"""A date range spans at most 3 years by the calendar: from a day to the day before the same date three years later
(29/02 → 28/02), not 3 × 366 days, which let a range run a day or two over; a longer one is refused with the last day
it may end on, on the pages (400) and in the API (400, the project's error shape)."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.exceptions import ApplicationError
from coso.indices import periods


@pytest.mark.parametrize(("start", "last"), [
    (dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    (dt.date(2023, 3, 1), dt.date(2026, 2, 28)),
    (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
    (dt.date(2025, 3, 1), dt.date(2028, 2, 29)),
    (dt.date(2026, 7, 15), dt.date(2029, 7, 14)),
])
def test_three_calendar_years_at_most(start, last):
    assert periods.date_range(start, last).end == last
    with pytest.raises(ApplicationError) as exc:
        periods.date_range(start, last + dt.timedelta(days=1))
    assert exc.value.code == "bad-period"
    assert "3 năm" in exc.value.message and f"{last:%d/%m/%Y}" in exc.value.message


@pytest.mark.django_db
def test_pages_and_api_refuse_a_range_one_day_over(client):
    q = "start=2024-01-01&end=2027-01-01"  # 1,097 days: under 3 × 366, over 3 years
    r = client.get(f"/api/v1/indices/scorecard?{q}")
    assert r.status_code == 400 and r.json()["code"] == "bad-period" and "31/12/2026" in r.json()["message"]
    r = client.get(f"/chi-so/cong-khai/?{q}")
    assert r.status_code == 400 and "31/12/2026" in r.content.decode()
    assert client.get("/api/v1/indices/scorecard?start=2024-01-01&end=2026-12-31").status_code == 200
