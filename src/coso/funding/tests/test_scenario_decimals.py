"""A scenario value with more decimals than stored (4) is refused by the API, with the scenario form's message.

The form refused 0.0000001; the API accepted it (201) and stored 0, so the comparison showed the activist support wiped
out; 1e-30 was stored as 0 and 33.3333333 as 33.3333. The service refuses them, on creation and on change; nothing is
written.
"""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.funding.models import Scenario, ScenarioChange

pytestmark = pytest.mark.django_db

KEY = "funding.village.activist.coef"
MESSAGE = "Hãy chắc chắn rằng không có nhiều hơn 4 chữ số thập phân."
# "1e-30" written as text is refused before, as not a plain decimal (test_plain_numbers); as a JSON number it is this.
TOO_PRECISE = [("set", "0.0000001"), ("set", "0." + "0" * 29 + "1"), ("percent", "33.3333333"), ("add", "0.00001"), ("set", 1e-30)]


@pytest.mark.parametrize(("mode", "value"), TOO_PRECISE)
def test_the_api_refuses_more_decimals_than_stored(login, users, commune, mode, value):
    c = login(users["province_finance"])
    r = c.post("/api/v1/funding/scenarios", {"name": "Chính xác", "changes": [{"key": KEY, "mode": mode, "value": value}]},
               content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid-scenario-change" and body["message"] == f"Thay đổi định mức không hợp lệ: {MESSAGE}"
    assert body["details"]["fields"] == {"changes.0.value": [MESSAGE]}
    assert not Scenario.objects.exists() and not ScenarioChange.objects.exists()
    assert not AuditLog.objects.filter(verb__startswith="funding-scenario").exists()


@pytest.mark.parametrize(("mode", "value"), TOO_PRECISE)
def test_a_change_of_the_scenario_is_refused_the_same_way(login, users, commune, mode, value):
    c = login(users["province_finance"])
    r = c.post("/api/v1/funding/scenarios", {"name": "Chính xác", "changes": [{"key": KEY, "mode": "set", "value": "1.2345"}]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    audits = AuditLog.objects.count()
    r = c.patch(f"/api/v1/funding/scenarios/{sid}", {"version": 1, "changes": [{"key": KEY, "mode": mode, "value": value}]},
                content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["details"]["fields"] == {"changes.0.value": [MESSAGE]}
    sc = Scenario.objects.get(pk=sid)
    assert sc.version == 1 and [(ch.mode, str(ch.value)) for ch in sc.changes.all()] == [("set", "1.2345")]
    assert AuditLog.objects.count() == audits


def test_the_form_says_the_same(login, users, commune):
    c = login(users["province_finance"])
    r = c.post("/funding/scenarios/", {"name": "Chính xác", "key_0": KEY, "mode_0": "set", "value_0": "0.0000001"})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("value", ["1.5", "1.50000000", "0.0001", "10", "0.000000"])
def test_values_the_column_keeps_exactly_are_accepted(login, users, commune, value):
    c = login(users["province_finance"])
    r = c.post("/api/v1/funding/scenarios", {"name": "Chính xác", "changes": [{"key": KEY, "mode": "set", "value": value}]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    from decimal import Decimal

    assert ScenarioChange.objects.get().value == Decimal(value)
