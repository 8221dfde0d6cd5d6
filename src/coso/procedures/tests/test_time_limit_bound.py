"""A version's time limit is at most one year: a typo such as 9000 working days was kept, and every dossier of the procedure
was then refused at the counter with a 500 (its appointment ran off the working-day calendar)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from coso.core.models import AuditLog
from coso.procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


@pytest.mark.parametrize(("limit", "unit"), [(9000, "working_days"), (367, "calendar_days"), (2929, "working_hours"), (99999.9, "working_days")])
def test_a_time_limit_longer_than_a_year_is_refused(login, users, catalogue, limit, unit):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    versions, audit = ProcedureVersion.objects.count(), AuditLog.objects.count()
    payload = {"valid_from": "2027-03-01", "time_limit": limit, "time_unit": unit}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error" and "time_limit" in body["details"]["fields"]
    assert body["message"].startswith("Thời hạn giải quyết dài quá: tối đa")
    assert ProcedureVersion.objects.count() == versions and AuditLog.objects.count() == audit


@pytest.mark.parametrize(("limit", "unit"), [(366, "working_days"), (366, "calendar_days"), (2928, "working_hours")])
def test_a_time_limit_of_a_year_is_kept(login, users, catalogue, limit, unit):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    payload = {"valid_from": "2027-03-01", "time_limit": limit, "time_unit": unit}
    assert c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json").status_code == 201


def test_the_import_names_the_row_and_column(login, users, catalogue):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    rows = c.get(f"{API}/export").json()["procedures"]
    rows[1]["time_limit"] = 9000
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(rows).encode()), "effective_from": "2027-01-01"})
    assert r.status_code == 400
    assert r.json()["details"]["rows"] == [{"row": 2, "column": "Thời hạn", "message": "Dài quá: tối đa 366 ngày làm việc."}]
    assert Procedure.objects.get(code=rows[1]["code"]).versions.filter(valid_from=dt.date(2027, 1, 1)).count() == 0


def test_the_page_says_it_on_the_field(login, users, catalogue):  # type: ignore[no-untyped-def]
    import html

    c = login(users["sysadmin"])
    from conftest import verify_session

    verify_session(c, users["sysadmin"])
    page = c.get("/procedures/manage/1.004873/")
    assert page.status_code == 200
    form = {"valid_from": "2027-03-01", "province_code": "", "time_limit": "9000", "time_unit": "working_days", "fee": "0",
            "online": "partial", "confidence": "", "steps": "Tiếp nhận | onestop_officer | 100"}
    versions = ProcedureVersion.objects.count()
    r = c.post("/procedures/manage/1.004873/", form)
    assert r.status_code == 200
    assert "Thời hạn giải quyết dài quá: tối đa 366 ngày làm việc." in html.unescape(r.content.decode())
    assert ProcedureVersion.objects.count() == versions
