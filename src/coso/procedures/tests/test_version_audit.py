"""A new version's audit entry records the processing steps it was created with (given, or copied from the version it
follows): they are part of its rules, which dossiers follow, as a change of steps records them (procedure_steps_configure)."""

from __future__ import annotations

import json

import pytest

from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


def _entry(version_id: int) -> dict:
    return AuditLog.objects.get(verb="procedure_version_create", object_id=str(version_id)).after


def test_the_audit_entry_of_a_new_version_records_its_given_steps(login, users):
    proc = make_procedure().procedure
    body = {"valid_from": "2027-01-01", "province_code": "79", "time_limit": 2,
            "steps": [{"order": 1, "name": "Tiếp nhận", "role": "onestop_officer", "share_percent": 20},
                      {"order": 2, "name": "Xử lý và ký", "role": "commune_leader", "share_percent": 80}]}
    r = login(users["province_admin"]).post(f"{API}/{proc.code}/versions", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    after = _entry(r.json()["id"])
    assert [(s["order"], s["name"], s["role"], str(s["share_percent"])) for s in after["steps"]] == [
        (1, "Tiếp nhận", "onestop_officer", "20.00"), (2, "Xử lý và ký", "commune_leader", "80.00")]
    assert after["time_limit"] in ("2", "2.0", 2) and after["province_code"] == "79"


def test_the_audit_entry_records_the_steps_copied_from_the_previous_version(login, users):
    proc = make_procedure().procedure
    c = login(users["sysadmin"])
    r = c.post(f"{API}/{proc.code}/versions", json.dumps({"valid_from": "2027-01-01", "fee": 5000}), content_type="application/json")
    assert r.status_code == 201, r.content
    assert [s["name"] for s in _entry(r.json()["id"])["steps"]] == ["Tiếp nhận", "Thẩm định", "Phê duyệt", "Trả kết quả"]
