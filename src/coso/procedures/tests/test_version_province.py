"""A system administrator's province version names a province that exists: "97" typed for "79" made a version no province
ever reads (the import refused the same code, the API kept it)."""

from __future__ import annotations

import json

import pytest

from coso.core.models import AuditLog
from coso.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


@pytest.mark.parametrize("code", ["97", "zz", "7"])
def test_a_version_for_a_province_that_does_not_exist_is_refused(login, users, catalogue, province, code):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    versions, audit = ProcedureVersion.objects.count(), AuditLog.objects.count()
    payload = {"valid_from": "2027-03-01", "time_limit": 2, "province_code": code}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "province-unknown" and body["details"]["fields"] == {"province_code": [f"Không có tỉnh mã “{code}”."]}
    assert ProcedureVersion.objects.count() == versions and AuditLog.objects.count() == audit


def test_a_version_for_a_province_that_exists_is_kept(login, users, catalogue, province):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    payload = {"valid_from": "2027-03-01", "time_limit": 2, "province_code": "79"}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["province_code"] == "79"
