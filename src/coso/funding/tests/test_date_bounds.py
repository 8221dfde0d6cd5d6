"""Dates of the funding app stay within the days the project works with (1/1/1900–31/12/2200, ``coso.core.params``).

A scenario adopted from 31/12/9999, a norm in force from (or until) 31/12/9999 and a distribution of 12/9999 were all
accepted and written; periods of the year 9999 or 0001 were computed. Each is refused on its field (pages) or with the
one error shape (API), and nothing is written.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from coso.core.models import AuditLog
from coso.core.params import LAST_DAY
from coso.funding import services
from coso.funding.models import FundDistribution, Scenario
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

MESSAGE = "Ngày phải trong khoảng 01/01/1900–31/12/2200."
BAD_DAYS = ["9999-12-31", "2201-01-01", "1899-12-31", "0001-01-01"]
BAD_PERIODS = ["9999", "9999-12", "2201-Q1", "0001-01", "1899"]
NORM = "funding.org.mttq.I"


@pytest.fixture
def scenario(users, old_commune, make_village):  # type: ignore[no-untyped-def]
    make_village(old_commune, "Thôn 1", 400)
    services.organisations_ensure(actor=None, commune=old_commune)
    return services.scenario_create(actor=users["province_finance"], name="MTTQ +10", changes=[{"key": "funding.org.mttq.*", "mode": "percent", "value": "10"}])


def _province_rules() -> int:
    return Rule.objects.filter(province_code="79", key__startswith="funding.").count()


# ---------------------------------------------------------------- scenario adoption

@pytest.mark.parametrize("day", BAD_DAYS)
def test_adoption_page_refuses_a_date_out_of_bounds(login, users, scenario, day):
    before = _province_rules()
    r = login(users["province_finance"]).post(f"/funding/scenarios/{scenario.pk}/", {"action": "adopt", "effective_from": day, "source": "NQ 9"})
    assert r.status_code == 200
    assert MESSAGE in r.content.decode()
    assert "effective_from" in r.context["adopt"].errors
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DRAFT and scenario.adopted_from is None
    assert _province_rules() == before and not AuditLog.objects.filter(verb="funding-scenario-adopted").exists()


@pytest.mark.parametrize("day", BAD_DAYS)
def test_adoption_api_refuses_a_date_out_of_bounds(login, users, scenario, day):
    before = _province_rules()
    r = login(users["province_finance"]).post(f"/api/v1/funding/scenarios/{scenario.pk}/adopt", {"effective_from": day, "source": "NQ 9"},
                                              content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "invalid-date", "message": MESSAGE, "details": {"fields": {"effective_from": [MESSAGE]}}}
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.DRAFT and _province_rules() == before


def test_adoption_service_refuses_the_last_valid_date_plus_one(users, scenario):
    from coso.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        services.scenario_adopt(actor=users["province_finance"], scenario=scenario, effective_from=dt.date.max, source="NQ 9")
    assert exc.value.code == "invalid-date"


def test_adoption_on_the_last_day_of_the_span_is_accepted(login, users, scenario):
    r = login(users["province_finance"]).post(f"/funding/scenarios/{scenario.pk}/",
                                              {"action": "adopt", "effective_from": LAST_DAY.isoformat(), "source": "NQ 9"})
    assert r.status_code == 302
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.ADOPTED and scenario.adopted_from == LAST_DAY


# ---------------------------------------------------------------- norms (province rules)

@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
@pytest.mark.parametrize("day", BAD_DAYS)
def test_norm_page_refuses_a_date_out_of_bounds(login, users, scenario, field, day):
    before = _province_rules()
    body = {"key": NORM, "value": "30000000", "valid_from": "2027-01-01", "source": "NQ 9", "reason": "Tăng khoán", field: day}
    r = login(users["province_finance"]).post("/funding/rules/", body)
    assert r.status_code == 200
    assert MESSAGE in r.content.decode() and field in r.context["form"].errors
    assert _province_rules() == before


@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
@pytest.mark.parametrize("day", BAD_DAYS)
def test_norm_api_refuses_a_date_out_of_bounds(login, users, scenario, field, day):
    before = _province_rules()
    body = {"key": NORM, "value": "30000000", "valid_from": "2027-01-01", "source": "NQ 9", field: day}
    r = login(users["province_finance"]).post("/api/v1/funding/rules", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "invalid-date", "message": MESSAGE, "details": {"fields": {field: [MESSAGE]}}}
    assert _province_rules() == before


def test_a_norm_within_the_span_is_still_saved(login, users, scenario):
    r = login(users["province_finance"]).post("/api/v1/funding/rules", {"key": NORM, "value": "30000000", "valid_from": "2027-01-01",
                                                                        "valid_to": LAST_DAY.isoformat(), "source": "NQ 9"},
                                              content_type="application/json")
    assert r.status_code == 201 and r.json()["valid_to"] == LAST_DAY.isoformat()


@pytest.mark.parametrize("day", BAD_DAYS)
def test_rules_in_force_on_a_date_out_of_bounds(login, users, scenario, day):
    c = login(users["province_finance"])
    r = c.get(f"/funding/rules/?date={day}")
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    assert r.context["day"] == timezone.localdate()
    r = c.get(f"/api/v1/funding/rules?date={day}")
    assert r.status_code == 400 and r.json()["code"] == "invalid-date" and r.json()["details"]["fields"] == {"date": [MESSAGE]}


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("period", BAD_PERIODS)
def test_periods_out_of_bounds_are_refused(login, users, scenario, period):
    message = "Kỳ phải trong các năm 1900–2200."
    c = login(users["province_finance"])
    for url in (f"/api/v1/funding/allocation?period={period}", f"/api/v1/funding/scenarios/compare?ids={scenario.pk}&period={period}"):
        r = c.get(url)
        assert r.status_code == 400, url
        assert r.json() == {"code": "invalid-period", "message": message, "details": {"fields": {"period": [message]}}}
    for url in (f"/funding/?period={period}", f"/funding/scenarios/compare/?s={scenario.pk}&period={period}"):
        r = c.get(url)
        assert r.status_code == 200 and message in r.content.decode(), url
        assert r.context["period"].start.year == timezone.localdate().year


# ---------------------------------------------------------------- distributions

@pytest.mark.parametrize("day", BAD_DAYS)
def test_distributions_out_of_bounds_are_refused(login, users, scenario, old_commune, day):
    from coso.units.models import Village

    village = Village.objects.get()
    c = login(users["finance"])
    r = c.post(f"/funding/villages/{village.pk}/distribution/", {"month": day[:7], "bi_thu": "1"})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    r = c.get(f"/funding/villages/{village.pk}/distribution/?month={day[:7]}")
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    r = c.post(f"/funding/communes/{old_commune.code}/pt-distribution/", {"month": day[:7], "workers": "Nguyễn Văn A | Văn phòng | 1"})
    assert r.status_code == 200 and MESSAGE in r.content.decode()
    r = c.post("/api/v1/funding/distributions/village", {"village_id": village.pk, "month": day, "coefficients": {"bi_thu": 1}},
               content_type="application/json")
    assert r.status_code == 400 and r.json() == {"code": "invalid-date", "message": MESSAGE, "details": {"fields": {"month": [MESSAGE]}}}
    r = c.post("/api/v1/funding/distributions/commune-pt", {"commune_code": old_commune.code, "month": day, "workers": [{"name": "A", "coefficient": 1}]},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-date"
    assert not FundDistribution.objects.exists()
