"""A province's value of a funding rule already set from a later date stops the same change (the rule book's overlap
check): the funding pages and API named the rule by its internal code (“funding.org.mttq.I”). They name the norm as
the funding pages do (“Khoán kinh phí hoạt động UB MTTQ xã loại I”), and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.funding import services
from coso.funding.models import Scenario
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db
LABEL = "Khoán kinh phí hoạt động UB MTTQ xã loại I"


@pytest.fixture
def later_value(users, old_commune):  # type: ignore[no-untyped-def]
    return services.funding_rule_set(actor=users["province_finance"], key="funding.org.mttq.I", value=65_000_000,
                                     valid_from=dt.date(2027, 1, 1), source="NQ 1/2026")


def test_adopting_a_scenario_over_a_later_value_names_the_norm(login, users, later_value):
    c = login(users["province_finance"])
    sid = c.post("/api/v1/funding/scenarios", {"name": "MTTQ +20", "changes": [{"key": "funding.org.mttq.*", "mode": "percent", "value": "20"}]},
                 content_type="application/json").json()["id"]
    rows = Rule.objects.count()
    r = c.post(f"/api/v1/funding/scenarios/{sid}/adopt", {"effective_from": "2026-12-20", "source": "NQ 3/2026"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "rule-overlap"
    message = r.json()["message"]
    assert f"“{LABEL}”" in message and "funding." not in message and "01/01/2027" in message
    assert Rule.objects.count() == rows and Scenario.objects.get().status == "draft"
    page = c.post(f"/funding/scenarios/{sid}/", {"action": "adopt", "effective_from": "2026-12-20", "source": "NQ 3/2026"}).content.decode()
    assert LABEL in page and "funding.org.mttq.I”" not in page


def test_setting_a_value_over_a_later_one_names_the_norm(login, users, later_value):
    r = login(users["province_finance"]).post("/api/v1/funding/rules", {"key": "funding.org.mttq.I", "value": "70000000", "valid_from": "2026-12-20",
                                                                          "source": "NQ 2/2026"}, content_type="application/json")
    assert r.status_code == 409 and f"“{LABEL}”" in r.json()["message"] and "funding." not in r.json()["message"]
