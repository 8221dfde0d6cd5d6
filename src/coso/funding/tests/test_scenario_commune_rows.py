"""A scenario's comparison and its adoption agree for a commune with its own row of a changed rule.

Ho Chi Minh City pays each person taking part in a village's work 1.0 × base salary, Côn Đảo (26732) 1.7 × by a row of
its own. "+10 %" on that support was compared as 1.7 → 1.87 for Côn Đảo, but adopting it wrote only the city's row
(1.0 → 1.1): Côn Đảo's own 1.7 row still won, and its allocation after adoption was less than the comparison promised.
A change decided for the province acts on every row of the rule in the province, the communes' own rows included:
adoption writes them too, and the allocation after adoption is the comparison's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.funding.models import Scenario
from coso.rules.models import Rule

from .scenario_steps import adopt, compared, totals

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "funding.village.activist.coef"


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def city(hcmc_rules, province, commune, make_village):  # type: ignore[no-untyped-def]
    from conftest import _commune

    con_dao = _commune(province, "26732", "Đặc khu Côn Đảo")
    con_dao.valid_from = dt.date(2025, 7, 1)
    con_dao.save()
    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    make_village(con_dao, "Khu dân cư 1", 200, kind="khu_pho", valid_from=dt.date(2025, 7, 1))
    make_village(commune, "Khu phố 1", 600, kind="khu_pho")
    return {"con_dao": con_dao, "commune": commune}


@pytest.mark.parametrize("change", [
    {"key": KEY, "mode": "percent", "value": "10"},
    {"key": KEY, "mode": "add", "value": "0.5"},
])
def test_adopting_gives_every_commune_what_the_comparison_showed(login, users, city, change):
    c = login(users["province_finance"])
    sid, promised = compared(c, "Tăng hỗ trợ", [change], "2027")
    before = totals(c, "2027")
    assert promised["26732"] > before["26732"] and promised["26734"] > before["26734"]

    adopt(c, sid)
    assert totals(c, "2027") == promised
    own = Rule.objects.get(key=KEY, province_code="79", commune_code="26732", valid_from=dt.date(2027, 1, 1))
    expected = Decimal("1.87") if change["mode"] == "percent" else Decimal("2.2")
    assert Decimal(str(own.value)) == expected and own.origin == Rule.Origin.SCENARIO and own.valid_to is None
    old = Rule.objects.get(key=KEY, province_code="79", commune_code="26732", valid_to=dt.date(2027, 1, 1))
    assert Decimal(str(old.value)) == Decimal("1.7")  # kept in history
    assert Scenario.objects.get(pk=sid).status == Scenario.Status.ADOPTED


def test_a_commune_row_taken_out_of_bounds_refuses_the_scenario_and_changes_nothing(login, users, city):
    """1.0 × + 19 is within the bound of 20 ×, Côn Đảo's 1.7 × + 19 is not: the rule book would refuse that row."""
    c = login(users["province_finance"])
    rules = Rule.objects.count()
    r = c.post("/api/v1/funding/scenarios", {"name": "Quá mức", "changes": [{"key": KEY, "mode": "add", "value": "19"}]},
               content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-scenario-change"
    assert "Giá trị không được vượt quá 20" in r.json()["message"]
    assert not Scenario.objects.exists() and Rule.objects.count() == rules
    assert not AuditLog.objects.filter(verb__startswith="funding-scenario").exists()


def test_setting_a_new_value_sets_the_province_level_and_keeps_a_commune_own_row(login, users, city):
    """"Set 1.2 ×" for the city is the city's general level: Côn Đảo's own 1.7 × (an island special zone) is not cut to
    1.2; the comparison shows it kept and adoption writes the city's row only."""
    c = login(users["province_finance"])
    sid, promised = compared(c, "Mức chung 1,2", [{"key": KEY, "mode": "set", "value": "1.2"}], "2027")
    before = totals(c, "2027")
    assert promised["26732"] == before["26732"] and promised["26734"] > before["26734"]

    adopt(c, sid)
    assert totals(c, "2027") == promised
    new = Rule.objects.filter(key=KEY, province_code="79", valid_from=dt.date(2027, 1, 1))
    assert [(r.commune_code, Decimal(str(r.value))) for r in new] == [("", Decimal("1.2"))]
    assert Decimal(str(Rule.objects.get(key=KEY, province_code="79", commune_code="26732", valid_to=None).value)) == Decimal("1.7")


def test_the_scenario_form_says_how_a_new_value_meets_a_commune_own_row(login, users, city):
    c = login(users["province_finance"])
    r = c.get("/funding/scenarios/")
    assert r.status_code == 200
    assert "xã có mức riêng (ví dụ đặc khu) giữ mức riêng" in r.content.decode()


def test_withdrawing_the_adoption_withdraws_the_communes_rows_too(login, users, city):
    """The adoption wrote Côn Đảo's own row beside the city's: withdrawing it withdraws both, and 2027 is as before."""
    c = login(users["province_finance"])
    sid, _promised = compared(c, "Tăng hỗ trợ", [{"key": KEY, "mode": "percent", "value": "10"}], "2027")
    before = totals(c, "2027")
    adopt(c, sid)
    assert Rule.objects.filter(key=KEY, origin=Rule.Origin.SCENARIO, commune_code="26732").exists()
    r = c.post(f"/api/v1/funding/scenarios/{sid}/unadopt")
    assert r.status_code == 200 and r.json()["status"] == Scenario.Status.DRAFT
    assert not Rule.objects.filter(key=KEY, origin=Rule.Origin.SCENARIO).exists()
    assert totals(c, "2027") == before
    assert AuditLog.objects.filter(verb="rule_withdraw").count() == 2
