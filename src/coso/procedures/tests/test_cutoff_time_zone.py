"""The cut-off time of a version ("received after 15:00 counts from the next working day") is a local time of day: a time
with a UTC offset sent to the API is refused with the one error shape (it was a 500 on SQLite), and nothing is created."""

from __future__ import annotations

import json

import pytest

from coso.core.models import AuditLog
from coso.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


@pytest.mark.parametrize("cutoff", ["15:00:00+07:00", "08:00:00Z", "15:00+00:00"])
def test_a_cutoff_time_with_an_offset_is_refused(login, users, catalogue, cutoff):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    versions, audit = ProcedureVersion.objects.count(), AuditLog.objects.count()
    payload = {"valid_from": "2027-03-01", "time_limit": 2, "cutoff_time": cutoff}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error" and "cutoff_time" in body["details"]["fields"]
    assert "không kèm múi giờ" in body["message"]
    assert ProcedureVersion.objects.count() == versions and AuditLog.objects.count() == audit


def test_a_local_cutoff_time_is_kept(login, users, catalogue):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    payload = {"valid_from": "2027-03-01", "time_limit": 2, "cutoff_time": "15:00"}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["cutoff_time"].startswith("15:00")
