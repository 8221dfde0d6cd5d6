"""A number written with a huge exponent (1e999999999) is a finite Decimal, but a coefficient of it times the base
salary, or the whole đồng it is rounded to, leaves the 28 digits of the decimal context: the distribution pages and API,
a province's rule and a scenario answered 500 (1e22 already did for a distribution). Such numbers are refused with
"Số quá lớn." and nothing is written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.funding.models import FundDistribution, Scenario
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

# Written in exponent notation ("1e22", "1e999999999") they are refused before, as not plain decimals (test_plain_numbers).
TOO_LARGE = ["1" + "0" * 22, "1" + "0" * 999, "-1" + "0" * 999, "1" + "0" * 14]
MESSAGE = "Số quá lớn."


@pytest.fixture
def village(users, old_commune, make_village):  # type: ignore[no-untyped-def]
    return make_village(old_commune, "Thôn 1", 400)


def _nothing_written() -> bool:
    return not FundDistribution.objects.exists() and not AuditLog.objects.filter(verb__startswith="funding-").exists()


@pytest.mark.parametrize("value", TOO_LARGE)
def test_commune_pt_page_refuses_a_huge_coefficient(login, users, old_commune, value):
    r = login(users["finance"]).post(f"/funding/communes/{old_commune.code}/pt-distribution/",
                                     {"month": "2026-01", "workers": f"Nguyễn Văn A | Văn phòng | {value}"})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    assert _nothing_written()


@pytest.mark.parametrize("value", TOO_LARGE)
def test_commune_pt_api_refuses_a_huge_coefficient(login, users, old_commune, value):
    r = login(users["finance"]).post("/api/v1/funding/distributions/commune-pt",
                                     {"commune_code": old_commune.code, "month": "2026-01-01", "workers": [{"name": "A", "coefficient": value}]},
                                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-number" and r.json()["message"] == MESSAGE
    assert r.json()["details"]["fields"] == {"workers.0.coefficient": [MESSAGE]}
    assert _nothing_written()


@pytest.mark.parametrize("value", TOO_LARGE)
def test_village_api_refuses_a_huge_coefficient(login, users, village, value):
    r = login(users["finance"]).post("/api/v1/funding/distributions/village",
                                     {"village_id": village.pk, "month": "2025-03-01", "coefficients": {"bi_thu": value}},
                                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-number" and r.json()["message"] == MESSAGE
    assert _nothing_written()


def test_a_large_coefficient_that_can_be_computed_is_still_above_the_fund(login, users, old_commune):
    r = login(users["finance"]).post("/api/v1/funding/distributions/commune-pt",
                                     {"commune_code": old_commune.code, "month": "2026-01-01", "workers": [{"name": "A", "coefficient": "9" * 14}]},
                                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "distribution-exceeds-fund"
    assert _nothing_written()


@pytest.mark.parametrize("value", TOO_LARGE)
def test_rule_api_refuses_a_huge_value(login, users, old_commune, value):
    before = Rule.objects.count()
    r = login(users["province_finance"]).post("/api/v1/funding/rules", {"key": "funding.org.mttq.I", "value": value, "valid_from": "2027-01-01",
                                                                          "source": "NQ 1/2026"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] in ("invalid-number", "negative-value")
    assert Rule.objects.count() == before


@pytest.mark.parametrize("mode", ["set", "percent", "add"])
@pytest.mark.parametrize("value", TOO_LARGE)
def test_scenario_api_refuses_a_huge_value(login, users, old_commune, value, mode):
    r = login(users["province_finance"]).post("/api/v1/funding/scenarios",
                                              {"name": "x", "changes": [{"key": "funding.org.mttq.I", "mode": mode, "value": value}]},
                                              content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-scenario-change"
    assert r.json()["details"]["fields"] == {"changes.0.value": [MESSAGE]}
    assert not Scenario.objects.exists()
