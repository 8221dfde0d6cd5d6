"""The register and the statistics cover at most three years by the calendar: 01/01/2024–31/12/2026 is answered,
01/01/2024–01/01/2027 (three years and a day, within 3 × 366 days) is refused, on the API and on the statistics page."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.params import last_day_of_years

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "last"), [(dt.date(2024, 1, 1), dt.date(2026, 12, 31)), (dt.date(2024, 2, 29), dt.date(2027, 2, 28)),
                                             (dt.date(2023, 3, 1), dt.date(2026, 2, 28)), (dt.date(2025, 7, 1), dt.date(2028, 6, 30))])
def test_three_years_by_the_calendar(start, last):
    assert last_day_of_years(start, 3) == last


@pytest.mark.parametrize("path", ["/api/v1/dossiers/stats", "/api/v1/dossiers/register.xlsx"])
def test_a_day_over_three_years_is_refused_and_three_years_answered(login, users, receive, path):
    receive()
    c = login(users["leader"])
    over = c.get(path, {"start": "2024-01-01", "end": "2027-01-01"})
    assert over.status_code == 400 and over.json()["code"] == "invalid-period", over.content[:300]
    assert c.get(path, {"start": "2024-01-01", "end": "2026-12-31"}).status_code == 200
    page = c.get("/dossiers/stats/", {"start": "2024-01-01", "end": "2027-01-01"})
    assert page.status_code == 200 and "start" in page.context["form"].errors
    assert "start" not in c.get("/dossiers/stats/", {"start": "2024-01-01", "end": "2026-12-31"}).context["form"].errors
