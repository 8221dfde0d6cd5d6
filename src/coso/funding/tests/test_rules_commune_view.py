"""The rules a commune user is shown are the ones its allocation uses.

Côn Đảo (26732) has its own values in Ho Chi Minh City's resolution of 28/8/2025 (2.7 × per paid title of a residential
area, 1.7 × per person taking part) where the city has 2.0/1.5 and 1.0 ×. The allocation used Côn Đảo's own, but
``/funding/rules/`` and ``GET /api/v1/funding/rules`` showed its officers the city's. A commune user now sees the
commune's own value where it has one, marked as such (``scope`` "commune" in the API), otherwise the province's or
the national one; province users keep the province view.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ACTIVIST = "funding.village.activist.coef"
TITLES = "funding.village.titles"


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def con_dao_finance(hcmc_rules, province, make_user):  # type: ignore[no-untyped-def]
    from conftest import _commune

    from coso.accounts.roles import Role

    con_dao = _commune(province, "26732", "Đặc khu Côn Đảo")
    return make_user("con_dao_finance", Role.COMMUNE_FINANCE, con_dao)


def _by_key(rows):  # type: ignore[no-untyped-def]
    return {r["key"]: r for r in rows}


def test_api_shows_a_commune_user_the_communes_own_values(login, users, con_dao_finance):
    rows = _by_key(login(con_dao_finance).get("/api/v1/funding/rules?date=2026-12-01").json())
    assert Decimal(rows[ACTIVIST]["value"]) == Decimal("1.7")
    assert rows[ACTIVIST]["scope"] == "commune" and rows[ACTIVIST]["commune_code"] == "26732"
    assert {Decimal(t["coef_high"]) for t in rows[TITLES]["value"]} == {Decimal("2.7")}
    assert rows[TITLES]["scope"] == "commune"
    # a rule Côn Đảo has no value of its own for: the national one, said so
    assert rows["salary.base"]["scope"] == "national" and rows["salary.base"]["commune_code"] == ""


def test_api_other_commune_and_province_users_see_the_province_values(login, users, con_dao_finance):
    for user in (users["finance"], users["province_finance"]):
        rows = _by_key(login(user).get("/api/v1/funding/rules?date=2026-12-01").json())
        assert Decimal(rows[ACTIVIST]["value"]) == Decimal("1.0"), user.username
        assert rows[ACTIVIST]["scope"] == "province" and rows[ACTIVIST]["commune_code"] == ""
        assert {Decimal(t["coef_high"]) for t in rows[TITLES]["value"]} == {Decimal("2.0")}
        assert all(r["scope"] != "commune" for r in rows.values())


def test_page_shows_a_commune_user_the_communes_own_values_marked(login, users, con_dao_finance):
    c = login(con_dao_finance)
    body = c.get("/funding/rules/?date=2026-12-01").content.decode()
    row = body[body.index("rules-table"):]
    assert "1,7 ×" in row and "2,7/2,7 ×" in row and "Định mức riêng của xã" in row
    assert "Trưởng khu dân cư: 2,0/1,5 ×" not in row
    history = c.get(f"/funding/rules/?date=2026-12-01&key={ACTIVIST}").content.decode()
    assert "xã 26732" in history[history.index("Lịch sử"):]

    body = login(users["province_finance"]).get("/funding/rules/?date=2026-12-01").content.decode()
    row = body[body.index("rules-table"):]
    assert "2,0/1,5 ×" in row and "Định mức riêng của xã" not in row and "2,7/2,7 ×" not in row


def test_commune_user_history_api_has_own_rows_not_another_communes(login, users, con_dao_finance):
    rows = login(con_dao_finance).get(f"/api/v1/funding/rules/history?key={ACTIVIST}").json()
    assert {r["scope"] for r in rows} >= {"commune", "province"}
    rows = login(users["finance"]).get(f"/api/v1/funding/rules/history?key={ACTIVIST}").json()
    assert all(r["commune_code"] == "" for r in rows)
