"""A system administrator ends a procedure from a date (``POST /api/v1/procedures/{code}/end``): its versions and phân
cấp end then (``procedures_end``). Only marking it inactive (``PUT /{code}`` is_active false) left its versions open with no
end, exported and counted as in force, and is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Procedure

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


def _state(proc: Procedure) -> tuple:
    proc.refresh_from_db()
    return (proc.is_active, sorted(proc.versions.values_list("valid_from", "valid_to")),
            AuditLog.objects.filter(object_type__startswith="procedures.").count())


def test_marking_a_procedure_inactive_without_a_date_is_refused(login, users):
    proc = make_procedure().procedure
    before = _state(proc)
    r = login(users["sysadmin"]).put(f"{API}/{proc.code}", json.dumps({"is_active": False}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "end-needs-date", r.content
    assert r.json()["details"]["fields"]["is_active"] == [
        f"Hãy ngừng áp dụng thủ tục {proc.code} từ một ngày (các phiên bản và phân cấp của thủ tục kết thúc vào ngày đó), "
        "không chỉ bỏ đánh dấu đang áp dụng."]
    assert _state(proc) == before
    assert [r["code"] for r in services.catalogue_export_rows()] == [proc.code]


def test_the_api_ends_a_procedure_from_a_date(login, users):
    current = make_procedure()
    proc = current.procedure
    c = login(users["sysadmin"])
    r = c.post(f"{API}/{proc.code}/end", json.dumps({"valid_to": "2027-02-01", "reason": "Bãi bỏ"}), content_type="application/json")
    assert r.status_code == 200 and r.json() == {"code": proc.code, "is_active": False, "valid_to": "2027-02-01"}, r.content
    current.refresh_from_db()
    assert current.valid_to == dt.date(2027, 2, 1)
    assert AuditLog.objects.filter(verb="procedure_end", object_id=str(proc.pk), reason="Bãi bỏ").exists()


def test_ending_is_refused_on_bad_input_and_for_others(login, users):
    proc = make_procedure().procedure
    before = _state(proc)
    c = login(users["sysadmin"])
    for body, status, code in (({"valid_to": "2026-11-30"}, 400, "end-past"), ({"valid_to": "9999-12-31"}, 400, "invalid-date"),
                               ({"valid_to": "x"}, 422, "validation-error"), ({}, 422, "validation-error")):
        r = c.post(f"{API}/{proc.code}/end", json.dumps(body), content_type="application/json")
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.content)
    assert c.post(f"{API}/9.999/end", json.dumps({"valid_to": "2027-02-01"}), content_type="application/json").status_code == 404
    assert login(users["province_admin"]).post(f"{API}/{proc.code}/end", json.dumps({"valid_to": "2027-02-01"}),
                                               content_type="application/json").status_code == 403
    assert _state(proc) == before
