"""Numbers in exponent notation ("1E-10", "1e5"), NaN, Infinity and a negative zero were taken as scenario changes, rule
values and distribution coefficients: "1e5" became a value of 100000 the form never shows that way, "-0" was stored and
shown as "-0". Only a plain decimal is taken now; anything else is refused on its field with a clear message (API 400,
the page's message), and nothing is written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.funding.models import FundDistribution, Scenario, ScenarioChange
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "funding.village.activist.coef"
NOT_PLAIN = ["1E-10", "1e5", "1E+1", "NaN", "nan", "Infinity", "-Infinity", "-0", "-0.00", " 1e2 ", "1_000"]
MESSAGE = "Giá trị phải là số thập phân viết thông thường (ví dụ 1.25): không viết dạng lũy thừa như 1E-10, không NaN, Infinity hay -0."


@pytest.fixture
def village(users, old_commune, make_village):  # type: ignore[no-untyped-def]
    return make_village(old_commune, "Thôn 1", 400)


def _post(c, path, body):  # type: ignore[no-untyped-def]
    return c.post(path, body, content_type="application/json")


def _no_funding_writes() -> bool:
    return (not Scenario.objects.exists() and not ScenarioChange.objects.exists() and not FundDistribution.objects.exists()
            and not AuditLog.objects.filter(verb__startswith="funding-").exists())


@pytest.mark.parametrize("mode", ["set", "percent", "add"])
@pytest.mark.parametrize("value", NOT_PLAIN)
def test_the_api_refuses_a_scenario_change_that_is_not_a_plain_decimal(login, users, commune, value, mode):
    c = login(users["province_finance"])
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Mũ", "changes": [{"key": KEY, "mode": mode, "value": value}]})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-scenario-change"
    assert r.json()["details"]["fields"] == {"changes.0.value": [MESSAGE]}
    assert _no_funding_writes()


@pytest.mark.parametrize("value", NOT_PLAIN)
def test_a_change_of_a_scenario_is_refused_the_same_way(login, users, commune, value):
    c = login(users["province_finance"])
    sid = _post(c, "/api/v1/funding/scenarios", {"name": "Mũ", "changes": [{"key": KEY, "value": "1.5"}]}).json()["id"]
    audits = AuditLog.objects.count()
    r = c.patch(f"/api/v1/funding/scenarios/{sid}", {"version": 1, "changes": [{"key": KEY, "value": value}]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"changes.0.value": [MESSAGE]}
    assert [str(ch.value) for ch in ScenarioChange.objects.all()] == ["1.5000"] and AuditLog.objects.count() == audits


@pytest.mark.parametrize("value", NOT_PLAIN)
def test_the_scenario_form_refuses_it(login, users, commune, value):
    r = login(users["province_finance"]).post("/funding/scenarios/", {"name": "Mũ", "key_0": KEY, "mode_0": "set", "value_0": value})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    assert _no_funding_writes()


@pytest.mark.parametrize("value", NOT_PLAIN)
def test_the_rule_api_and_page_refuse_it(login, users, commune, value):
    before = Rule.objects.count()
    c = login(users["province_finance"])
    r = _post(c, "/api/v1/funding/rules", {"key": "funding.org.mttq.I", "value": value, "valid_from": "2099-01-01", "source": "NQ 1/2099"})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-number" and r.json()["details"]["fields"] == {"value": [MESSAGE]}
    r = c.post("/funding/rules/", {"key": "funding.org.mttq.I", "value": value, "valid_from": "2099-01-01", "source": "NQ 1/2099", "reason": "x"})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    assert Rule.objects.count() == before


@pytest.mark.parametrize("value", NOT_PLAIN)
def test_distribution_coefficients_are_refused(login, users, old_commune, village, value):
    c = login(users["finance"])
    r = _post(c, "/api/v1/funding/distributions/commune-pt",
              {"commune_code": old_commune.code, "month": "2026-01-01", "workers": [{"name": "A", "coefficient": value}]})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"workers.0.coefficient": [MESSAGE]}
    r = _post(c, "/api/v1/funding/distributions/village", {"village_id": village.pk, "month": "2025-03-01", "coefficients": {"bi_thu": value}})
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"coefficients.bi_thu": [MESSAGE]}  # the path the body carries it under
    r = c.post(f"/funding/communes/{old_commune.code}/pt-distribution/", {"month": "2026-01", "workers": f"Nguyễn Văn A | Văn phòng | {value}"})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    r = c.post(f"/funding/villages/{village.pk}/distribution/", {"month": "2025-03", "bi_thu": value})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    assert _no_funding_writes()


@pytest.mark.parametrize("value", ["abc", "1,5", "0x10", "", True, [1]])
def test_what_is_not_a_number_at_all_is_said_so(login, users, commune, value):
    r = _post(login(users["province_finance"]), "/api/v1/funding/scenarios", {"name": "Chữ", "changes": [{"key": KEY, "value": value}]})
    assert r.status_code in (400, 422) and list(r.json()["details"]["fields"]) == ["changes.0.value"]
    assert _no_funding_writes()


@pytest.mark.parametrize("value", ["1.5", "+1.5", "0", "0.0001", "12", ".5", 2, 1.25])
def test_plain_decimals_are_taken(login, users, commune, value):
    c = login(users["province_finance"])
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Thường", "changes": [{"key": KEY, "mode": "set", "value": value}]})
    assert r.status_code == 201, r.content
    from decimal import Decimal

    assert ScenarioChange.objects.get().value == Decimal(str(value))


def test_a_value_outside_the_rules_bounds_is_refused_on_its_field(login, users, commune):
    c = login(users["province_finance"])
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Lớn", "changes": [{"key": KEY, "mode": "set", "value": "100000"}]})
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["changes.0.value"]
    r = _post(c, "/api/v1/funding/rules", {"key": KEY, "value": "100000", "valid_from": "2099-01-01", "source": "NQ 1/2099"})
    assert r.status_code == 400, r.content
    assert list(r.json()["details"].get("fields", {})) == ["value"], r.json()
    assert _no_funding_writes()


def test_a_change_with_a_value_and_no_norm_is_refused_not_dropped(login, users, commune):
    """A change with an empty key and a value was silently left out: the scenario was created without it. It is refused on
    its key now; an empty line (no key, no value: the page's blank rows) is still skipped."""
    c = login(users["province_finance"])
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Thiếu khóa", "changes": [{"key": "", "mode": "set", "value": "2"}]})
    assert r.status_code == 400, r.content
    assert list(r.json()["details"]["fields"]) == ["changes.0.key"]
    assert _no_funding_writes()
    r = _post(c, "/api/v1/funding/scenarios", {"name": "Dòng trống", "changes": [{"key": "", "mode": "set", "value": ""},
                                                                                 {"key": KEY, "mode": "set", "value": "1.5"}]})
    assert r.status_code in (200, 201), r.content
    assert list(ScenarioChange.objects.values_list("key", flat=True)) == [KEY]
