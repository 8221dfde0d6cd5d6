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


def test_the_bound_in_working_hours_is_a_year_of_the_province_s_office_hours(login, users, catalogue):  # type: ignore[no-untyped-def]
    """The one-year bound in working hours is 366 working days of the office hours (rule calendar.office_hours), not of a
    fixed 8 hours: a province whose working day is 7 hours bounds its versions and import rows at 2562 hours, alike."""
    from coso.rules.testing import set_rule

    set_rule("calendar.office_hours", [["07:30", "11:30"], ["13:00", "16:00"]], valid_from=dt.date(2020, 1, 1), province_code="79")
    c = login(users["province_admin"])
    versions, audit = ProcedureVersion.objects.count(), AuditLog.objects.filter(object_type__startswith="procedures.").count()
    payload = {"valid_from": "2027-03-01", "province_code": "79", "time_limit": 2563, "time_unit": "working_hours"}
    r = c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"]["time_limit"] == ["Thời hạn giải quyết dài quá: tối đa 2562 giờ làm việc."], r.content
    rows = c.get(f"{API}/export").json()["procedures"]
    rows = [dict(rows[1], province_code="79", time_limit=2563, time_unit="working_hours")]
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(rows).encode()), "effective_from": "2027-01-01"})
    assert r.status_code == 400
    assert r.json()["details"]["rows"] == [{"row": 1, "column": "Thời hạn", "message": "Dài quá: tối đa 2562 giờ làm việc."}]
    assert ProcedureVersion.objects.count() == versions
    assert AuditLog.objects.filter(object_type__startswith="procedures.").count() == audit
    payload["time_limit"] = 2562
    assert c.post(f"{API}/1.004873/versions", json.dumps(payload), content_type="application/json").status_code == 201
    # The national bound stays 366 × 8 hours.
    national = {"valid_from": "2027-03-01", "time_limit": 2929, "time_unit": "working_hours"}
    r = login(users["sysadmin"]).post(f"{API}/1.004873/versions", json.dumps(national), content_type="application/json")
    assert r.status_code == 400 and r.json()["message"] == "Thời hạn giải quyết dài quá: tối đa 2928 giờ làm việc."
