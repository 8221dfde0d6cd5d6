"""Pages of the indices app on bad input: a clear error, never a 500."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

import pytest

from coso.indices import errors

pytestmark = pytest.mark.django_db

# Periods whose previous period or following day is not a date (year 0, day after 31/12/9999) answered 500, and so did
# periods of 1900 (the comparison with 1899 read the register before its first day).
OUT_OF_RANGE = ["period=0001-01", "period=0001-Q1", "period=0001", "period=9999-12", "period=9999-Q4", "period=9999",
                "start=0001-01-01&end=0001-01-31", "start=9999-12-01&end=9999-12-31", "period=1899-12", "period=1900", "period=1900-12", "period=2201",
                "start=1901-01-01&end=1902-12-31"]


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_a_period_outside_the_supported_years_is_a_clear_error(users, login, commune, query):
    anonymous = Client(raise_request_exception=False)
    for c, url in ((anonymous, "/chi-so/cong-khai/"), (anonymous, f"/chi-so/cong-khai/?commune={commune.code}&"),
                   (login(users["leader"]), "/chi-so/"), (login(users["leader"]), f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&")):
        sep = "" if url.endswith("&") else "?"
        r = c.get(f"{url}{sep}{query}")
        assert r.status_code == 400, (url, query, r.status_code)
        assert "Kỳ báo cáo phải trong các năm 1901–2200." in r.content.decode()


@pytest.mark.parametrize("query", ["period=0001-01", "period=9999", "start=9999-12-01&end=9999-12-31"])
def test_the_api_refuses_them_with_the_error_shape(client, query):
    r = client.get(f"/api/v1/indices/scorecard?{query}")
    assert r.status_code == 400 and r.json()["code"] == "bad-period"


@pytest.mark.parametrize("query", ["period=1901-01", "period=2200-12", "period=2200", "start=1901-01-01&end=1901-01-31"])
def test_the_first_and_last_supported_periods_open(users, login, query):
    assert Client().get(f"/chi-so/cong-khai/?{query}").status_code == 200
    assert login(users["leader"]).get(f"/chi-so/?{query}").status_code == 200



@pytest.mark.parametrize("role", ["leader", "province_home_affairs", "sysadmin"])
@pytest.mark.parametrize("query", ["period=2014", "period=2000-05", "period=1901"])
def test_a_period_before_the_task_rules_has_no_task_figure_not_a_500(users, login, commune, role, query):
    """The strength index counted tasks against the extension rule, which starts on 10/9/2014: earlier periods answered 500."""
    c = login(users[role])
    assert c.get(f"/chi-so/?{query}").status_code == 200
    if role != "leader":
        assert c.get(f"/chi-so/?{query}&commune={commune.code}").status_code == 200


@pytest.mark.parametrize("query", ["start=2026-11-10&end=2026-11-01", "start=2026-01-01&end=2025-12-31"])
def test_a_reversed_date_range_says_so(users, login, query):
    """The message of a reversed range was shadowed by the general one (two error codes of the same name)."""
    for r in (Client().get(f"/chi-so/cong-khai/?{query}"), login(users["leader"]).get(f"/chi-so/?{query}")):
        assert r.status_code == 400 and "Ngày kết thúc không được trước ngày bắt đầu." in r.content.decode()
    r = Client().get(f"/api/v1/indices/scorecard?{query}")
    assert r.status_code == 400 and r.json()["message"] == "Ngày kết thúc không được trước ngày bắt đầu."


def test_a_period_before_the_workforce_rules_leaves_that_input_without_data(users, login, commune):
    """The leader's page of January 2000 scored the workforce pillar from the staff review, whose retirement rule
    starts in 2021: the rule book's "no rule for that day" reached the page as a 500. The input has no figure
    then; the staff review page itself says from when its rule applies (400), and so does the strength API."""
    import datetime as dt

    from coso.workforce.tests.helpers import person

    person(commune, birth_date=dt.date(1960, 1, 1), started_on=dt.date(1985, 1, 1))
    leader = login(users["leader"])
    assert leader.get("/chi-so/?period=2000-01").status_code == 200
    r = leader.get(f"/workforce/ra-soat/?commune={commune.code}&on=01/01/2000")
    assert r.status_code == 400
    assert "áp dụng từ ngày" in r.content.decode()
    r = leader.get(f"/api/v1/indices/strength?commune={commune.code}&period=2000")
    assert r.status_code == 200, r.content


def test_a_range_of_one_day_is_answered_and_the_message_says_not_before(users, login):
    """A range that starts and ends on the same day is a period (one day): the reversed-range message said the end must be
    after the start, which a one-day range is not, yet it is answered."""
    r = Client().get("/api/v1/indices/scorecard?start=2026-11-10&end=2026-11-10")
    assert r.status_code == 200, r.content[:300]
    with translation.override("en"):
        assert str(errors.END_BEFORE_START.message) == "The end date cannot be earlier than the start date."
