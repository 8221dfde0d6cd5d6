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
