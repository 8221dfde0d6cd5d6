"""The API's endpoints on one scenario read their body once the scenario is the caller's: another province's scenario
answers 404 whatever the body (as one that does not exist), and nothing changes; the caller's own scenario with a bad
body still answers 422."""

import pytest

from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.models import Scenario

pytestmark = pytest.mark.django_db

BAD = '{"version": "x", "changes": 5, "effective_from": "31/02/2027", "source": []}'


@pytest.fixture
def scenario(users, province):
    return services.scenario_create(actor=users["province_finance"], name="Tăng 10%", changes=[])


def urls(sc):
    return [("patch", f"/api/v1/funding/scenarios/{sc.pk}"), ("post", f"/api/v1/funding/scenarios/{sc.pk}/adopt")]


def _state():
    return AuditLog.objects.count(), list(Scenario.objects.values_list("pk", "version", "status", "name"))


def test_another_provinces_scenario_is_404_whatever_the_body(login, make_user, other_province, scenario):
    c = login(make_user("foreign_province_finance", Role.PROVINCE_FINANCE, other_province))
    before = _state()
    for method, url in urls(scenario):
        for body in (BAD, "not json"):
            res = getattr(c, method)(url, body, content_type="application/json")
            assert res.status_code == 404, (url, body, res.status_code, res.content)
            assert res.json()["code"] == "not-found"
    assert _state() == before


def test_own_scenario_with_a_bad_body_is_still_422(login, users, scenario):
    c = login(users["province_finance"])
    before = _state()
    for method, url in urls(scenario):
        res = getattr(c, method)(url, BAD, content_type="application/json")
        assert res.status_code == 422, (url, res.status_code, res.content)
        res = getattr(c, method)(url, "not json", content_type="application/json")
        assert res.status_code == 400 and res.json()["code"] == "invalid-json", (url, res.status_code, res.content)
    assert _state() == before
    res = c.patch(f"/api/v1/funding/scenarios/{scenario.pk}", {"version": scenario.version, "description": "mô tả"}, content_type="application/json")
    assert res.status_code == 200 and res.json()["description"] == "mô tả"
