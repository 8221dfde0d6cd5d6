"""API period report: a year or period number 0 is refused, not read as "the current period"."""

from __future__ import annotations

import pytest

from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"


@pytest.mark.parametrize("query", ["year=0", "number=0", "year=0&number=0", "year=2026&number=0"])
def test_api_report_refuses_year_or_number_zero_instead_of_answering_another_period(login, users, today, query):
    r = login(users["province_home_affairs"]).get(f"{API}/report?kind=month&{query}")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-period"


def test_api_report_without_year_and_number_is_the_current_period(login, users, today):
    r = login(users["province_home_affairs"]).get(f"{API}/report?kind=month")
    assert r.status_code == 200
    assert r.json()["end"] == f"{TODAY.year}-03-14"


# The page and the API accept the same years (coso.tasks.periods.FIRST_YEAR, LAST_YEAR): 2015–2100.
@pytest.mark.parametrize("year", [2015, 2100])
def test_api_report_accepts_the_first_and_last_year_the_page_accepts(login, users, today, year):
    r = login(users["province_home_affairs"]).get(f"{API}/report?kind=year&year={year}&number=1")
    assert r.status_code == 200, r.content
    assert r.json()["period"] == f"Năm {year}"
    assert r.json()["total"]["total"] == 0


@pytest.mark.parametrize("year", [2014, 2101])
def test_api_report_refuses_a_year_outside_the_page_range(login, users, today, year):
    r = login(users["province_home_affairs"]).get(f"{API}/report?kind=year&year={year}&number=1")
    assert r.status_code == 400, r.content
    assert set(r.json()) >= {"code", "message", "details"}
    assert r.json()["code"] == "invalid-period"


@pytest.mark.parametrize("year", [2015, 2100])
def test_report_page_accepts_the_first_and_last_year_the_api_accepts(login, users, today, year):
    r = login(users["province_home_affairs"]).get("/nhiem-vu/bao-cao/", {"kind": "year", "year": year, "number": 1})
    assert r.status_code == 200
    assert r.context["form"].is_valid(), r.context["form"].errors
    assert r.context["period"].year == year
    assert 'id="report-table"' in r.content.decode()


@pytest.mark.parametrize("year", [2014, 2101])
def test_report_page_refuses_a_year_outside_the_api_range_in_vietnamese(login, users, today, year):
    r = login(users["province_home_affairs"]).get("/nhiem-vu/bao-cao/", {"kind": "year", "year": year, "number": 1})
    assert r.status_code == 200
    assert r.context["data"] is None
    assert r.context["form"].errors["year"] == ["Năm báo cáo phải từ 2015 đến 2100."]
    assert "Năm báo cáo phải từ 2015 đến 2100." in r.content.decode()
    assert 'id="report-table"' not in r.content.decode()


def test_a_past_period_keeps_the_cut_off_day_in_force_then(login, users, on_day):
    """The report of a period was cut with the cut-off day in force on the day it was asked for: once a province moved
    to calendar months from 1/7/2026, the report of March 2026 (15/2–14/3 when it was made) came out as 1/3–31/3, and
    its figures changed. A period's bounds follow the cut-off day in force in its last month."""
    import datetime as dt

    from coso.rules.testing import set_rule

    set_rule("tasks.report.cutoff_day", 0, valid_from=dt.date(2026, 7, 1), province_code="79")
    with on_day(dt.date(2026, 8, 3)):
        c = login(users["province_home_affairs"])
        march = c.get(f"{API}/report?kind=month&year=2026&number=3").json()
        assert (march["start"], march["end"]) == ("2026-02-15", "2026-03-14")
        july = c.get(f"{API}/report?kind=month&year=2026&number=7").json()
        assert (july["start"], july["end"]) == ("2026-07-01", "2026-07-31")
        assert c.get(f"{API}/report?kind=month").json()["end"] == "2026-08-31"  # the current period: today's rule
        page = c.get("/nhiem-vu/bao-cao/", {"kind": "quarter", "year": 2026, "number": 1}).content.decode()
        assert "15/12/2025" in page and "14/03/2026" in page
