"""Ending a decentralisation through the API reads the body once the decentralisation is the caller's: another
province's answers 404 whatever the body (as one that does not exist), and nothing changes; the caller's own with a bad
body still answers 422."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Decentralisation

pytestmark = pytest.mark.django_db
BAD = '{"valid_to": "31/02/2027", "reason": []}'


def _state():  # type: ignore[no-untyped-def]
    return AuditLog.objects.exclude(verb__in=["login", "rule_load"]).count(), list(Decentralisation.objects.values_list("pk", "valid_to"))


def test_another_provinces_decentralisation_is_404_whatever_the_body(login, users, make_user, commune, other_province):  # type: ignore[no-untyped-def]
    proc = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh").procedure
    proc.decision_level = "province"
    proc.save()
    row = services.decentralisation_create(actor=users["province_admin"], procedure=proc, province_code="79", valid_from=dt.date(2026, 12, 10),
                                           decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 11, 30))
    outsider = make_user("foreign_admin", Role.PROVINCE_ADMIN, other_province)
    before = _state()
    c = login(outsider)
    for body in (BAD, "not json"):
        r = c.post(f"/api/v1/procedures/decentralisations/{row.pk}/end", body, content_type="application/json")
        assert r.status_code == 404 and r.json()["code"] == "not-found", (body, r.status_code, r.content)
    assert _state() == before
    c = login(users["province_admin"])
    r = c.post(f"/api/v1/procedures/decentralisations/{row.pk}/end", BAD, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "validation-error", r.content
    r = c.post(f"/api/v1/procedures/decentralisations/{row.pk}/end", "not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-json", r.content
    assert _state() == before


def _steps_state():  # type: ignore[no-untyped-def]
    from coso.procedures.models import ProcedureStep

    return (AuditLog.objects.exclude(verb__in=["", "login", "rule_load"]).count(),
            sorted(ProcedureStep.objects.values_list("version_id", "order", "name", "role", "share_percent")))


def test_another_provinces_version_steps_are_404_whatever_the_body(login, users, make_user, commune, other_province):  # type: ignore[no-untyped-def]
    proc = make_procedure().procedure
    version = services.version_create(actor=users["province_admin"], procedure=proc, valid_from=dt.date(2027, 3, 1), time_limit=2,
                                      province_code="79")
    outsider = make_user("foreign_admin", Role.PROVINCE_ADMIN, other_province)
    before = _steps_state()
    c = login(outsider)
    url = f"/api/v1/procedures/versions/{version.pk}/steps"
    for body in ('{"steps": [{"order": 0, "name": "", "role": "x", "share_percent": "abc"}]}', '{"steps": 3}', "not json"):
        r = c.put(url, body, content_type="application/json")
        assert r.status_code == 404 and r.json()["code"] == "not-found", (body, r.status_code, r.content)
    assert _steps_state() == before
    c = login(users["province_admin"])
    r = c.put(url, '{"steps": 3}', content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "validation-error", r.content
    assert list(r.json()["details"]["fields"]) == ["steps"], r.content
    r = c.put(url, "not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-json", r.content
    assert _steps_state() == before
    good = '{"steps": [{"order": 1, "name": "Xử lý", "role": "specialist", "share_percent": 100}]}'
    r = c.put(url, good, content_type="application/json")
    assert r.status_code == 200 and [s["name"] for s in r.json()["steps"]] == ["Xử lý"], r.content
