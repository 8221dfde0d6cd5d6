"""Pages of the funding app on bad input: a clear error, never a 500, and nothing written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.funding.models import FundDistribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(users, old_commune, make_village):  # type: ignore[no-untyped-def]
    return make_village(old_commune, "Thôn 1", 400)


@pytest.mark.parametrize("body", [
    {"month": "2025-03", "bi_thu": "", "truong_thon": "", "truong_ban_ctmt": ""},
    {"month": "2025-03"},
    {},  # an empty form: the month of the page
])
def test_village_distribution_with_no_coefficient_is_refused_not_a_500(login, users, village, body):
    """Every coefficient left empty made a distribution without lines, which the model refused (ValidationError: 500)."""
    r = login(users["finance"]).post(f"/funding/villages/{village.pk}/distribution/", body)
    assert r.status_code == 200
    assert "Chưa có chức danh nào được nhập hệ số: không có gì để phân phối." in r.content.decode()
    assert not FundDistribution.objects.exists() and not AuditLog.objects.filter(verb="funding-village-distribution").exists()


def test_the_api_refuses_it_with_the_error_shape(login, users, village):
    r = login(users["finance"]).post("/api/v1/funding/distributions/village",
                                     {"village_id": village.pk, "month": "2025-03-01", "coefficients": {"bi_thu": None, "truong_thon": None, "truong_ban_ctmt": None}},
                                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "nothing-to-distribute"
    assert not FundDistribution.objects.exists()


def test_one_coefficient_is_enough_to_distribute(login, users, village):
    r = login(users["finance"]).post(f"/funding/villages/{village.pk}/distribution/", {"month": "2025-03", "bi_thu": "1", "truong_thon": "", "truong_ban_ctmt": ""})
    assert r.status_code == 302 and FundDistribution.objects.count() == 1


@pytest.mark.parametrize(("key", "mode", "value"), [
    ("funding.village.coef.low", "set", "99999999999999.9999"),
    ("funding.village.coef.low", "percent", "99999999999999"),
    ("funding.village.coef.low", "add", "-99999999999999"),
    ("funding.org.mttq.*", "set", "99999999999999.9999"),
    ("salary.base", "add", "99999999999999"),
])
def test_a_scenario_taking_a_norm_outside_its_bounds_is_refused(login, users, village, key, mode, value):
    """Such a scenario was saved; then the scenario list and the comparison computed funds beyond the precision of the
    engine's arithmetic (decimal.InvalidOperation) and answered 500 for everyone. Refused with the declaration's bounds."""
    from coso.funding.models import Scenario

    c = login(users["province_finance"])
    r = c.post("/funding/scenarios/", {"name": "Kịch bản lớn", "key_0": key, "mode_0": mode, "value_0": value})
    assert r.status_code == 200
    body = r.content.decode()
    assert "Giá trị không được vượt quá" in body or "Giá trị phải từ" in body
    assert not Scenario.objects.exists() and not AuditLog.objects.filter(verb="funding-scenario-created").exists()
    assert c.get("/funding/scenarios/").status_code == 200


def test_a_scenario_within_the_bounds_is_saved_and_compared(login, users, village):
    from coso.funding.models import Scenario

    c = login(users["province_finance"])
    r = c.post("/funding/scenarios/", {"name": "MTTQ 20", "key_0": "funding.org.mttq.*", "mode_0": "percent", "value_0": "20"})
    assert r.status_code == 302
    sc = Scenario.objects.get()
    assert c.get(f"/funding/scenarios/compare/?s={sc.pk}&period=2025").status_code == 200
