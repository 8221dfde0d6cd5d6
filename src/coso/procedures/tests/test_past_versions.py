"""The past of the catalogue is never rewritten by a person: a version created by a user (API, pages, import) starts today
or later, as the rule book refuses a past ``valid_from`` (``rule-past``). Loaders of reference data (``actor=None``) still
load historical versions."""

import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.procedures import services
from coso.procedures.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
XN = "1.004873"  # xác nhận tình trạng hôn nhân (03 ngày làm việc)
TODAY = dt.date(2026, 11, 27)
YESTERDAY = TODAY - dt.timedelta(days=1)
PAST_MESSAGE = "Không được sửa quá khứ: ngày hiệu lực phải từ hôm nay (27/11/2026) trở đi."


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        yield


def _counts() -> tuple[int, int, int]:
    return ProcedureVersion.objects.count(), Procedure.objects.count(), AuditLog.objects.count()


@pytest.mark.parametrize(("who", "province_code"), [("province_admin", "79"), ("sysadmin", "")])
def test_service_refuses_a_person_s_version_from_a_past_date_and_writes_nothing(catalogue, users, province, who, province_code):
    proc = Procedure.objects.get(code=XN)
    before = _counts()
    for day in (YESTERDAY, dt.date(2025, 1, 1)):
        with pytest.raises(ApplicationError) as exc:
            services.version_create(actor=users[who], procedure=proc, valid_from=day, province_code=province_code, time_limit=Decimal(2))
        assert (exc.value.code, exc.value.status, exc.value.message) == ("version-past", 400, PAST_MESSAGE)
        assert exc.value.details["fields"]["valid_from"] == [PAST_MESSAGE]
    assert _counts() == before
    assert proc.version_on(YESTERDAY, province_code).time_limit == 3
    # from today on is allowed: the version in force yesterday keeps its value for yesterday
    new = services.version_create(actor=users[who], procedure=proc, valid_from=TODAY, province_code=province_code, time_limit=Decimal(2))
    assert proc.version_on(TODAY, province_code) == new and proc.version_on(YESTERDAY, province_code).time_limit == 3


def test_loaders_without_a_person_still_load_historical_versions(catalogue):
    proc = Procedure.objects.get(code=XN)
    old = services.version_create(actor=None, procedure=proc, valid_from=dt.date(2025, 1, 1), time_limit=Decimal(4), reason="load_reference")
    assert proc.version_on(dt.date(2025, 6, 1)) == old
    # the shipped catalogue, loaded by the system, keeps versions that started long ago
    assert proc.versions.filter(valid_from__lt=dt.date(2020, 1, 1)).exists()
    rows = [{**r, "valid_from": "2024-01-01", "time_limit": 9, "_row": 1} for r in services.catalogue_export_rows() if r["code"] == XN]
    assert services.catalogue_import(actor=None, rows=rows)["versions_created"] == 1


def test_api_refuses_a_version_from_a_past_date(login, users, catalogue, province):
    c = login(users["province_admin"])
    before = _counts()
    payload = {"valid_from": "2025-01-01", "province_code": "79", "time_limit": 1}
    r = c.post(f"{API}/{XN}/versions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 400, r.json()
    body = r.json()
    assert body["code"] == "version-past" and body["message"] == PAST_MESSAGE.replace("27/11/2026", "27/11/2026")
    assert body["details"]["fields"]["valid_from"] == [PAST_MESSAGE]
    assert _counts() == before
    assert c.get(f"{API}/{XN}", {"date": "2025-01-01", "province_code": "79"}).json()["version"]["province_code"] == ""
    payload["valid_from"] = TODAY.isoformat()
    assert c.post(f"{API}/{XN}/versions", json.dumps(payload), content_type="application/json").status_code == 201


def test_api_refuses_a_new_procedure_whose_first_version_is_in_the_past(login, users, db):
    c = login(users["sysadmin"])
    before = _counts()
    body = {"payload": {"code": "9.000002", "name": "Thủ tục mới", "field": "Khác"},
            "version": {"valid_from": "2026-01-01", "time_limit": 5, "time_unit": "working_days"}}
    r = c.post(f"{API}/", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "version-past"
    assert "valid_from" in r.json()["details"]["fields"]
    assert _counts() == before and not Procedure.objects.filter(code="9.000002").exists()


def test_page_shows_the_past_date_on_its_field_and_writes_nothing(login, users, catalogue, province):
    c = login(users["province_admin"])
    url = reverse("procedures:admin_detail", args=[XN])
    form = c.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"valid_from": "01/01/2025", "time_limit": "2", "province_code": "79", "reason": "Quyết định của tỉnh"})
    before = _counts()
    r = c.post(url, data)
    assert r.status_code == 200
    assert r.context["form"].errors["valid_from"] == [PAST_MESSAGE]
    assert PAST_MESSAGE in r.content.decode()
    assert _counts() == before


def _changed_rows() -> list[dict]:
    rows = json.loads(services.catalogue_json_bytes())["procedures"]
    rows[0]["time_limit"] = 77
    return rows


def test_import_api_refuses_a_past_effective_date(login, users, catalogue):
    c = login(users["sysadmin"])
    before = _counts()
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(_changed_rows()).encode()), "effective_from": "2025-01-01"})
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "version-past" and r.json()["details"]["fields"]["effective_from"] == [PAST_MESSAGE]
    assert _counts() == before


@pytest.mark.parametrize("source_format", ["coso", "portal"])
def test_import_page_refuses_a_past_effective_date_on_its_field(login, users, catalogue, source_format):
    c = login(users["sysadmin"])
    if source_format == "coso":
        upload = SimpleUploadedFile("danh-muc.json", io.BytesIO(json.dumps({"procedures": _changed_rows()}).encode()).read())
    else:
        from .test_catalogue import _record

        upload = SimpleUploadedFile("cong.jsonl", (json.dumps(_record(code="9.900088"), ensure_ascii=False) + "\n").encode())
    before = _counts()
    r = c.post(reverse("procedures:import"), {"source_format": source_format, "file": upload, "effective_from": "26/11/2026"})
    assert r.status_code == 200
    assert r.context["form"].errors["effective_from"] == [PAST_MESSAGE]
    assert _counts() == before and not Procedure.objects.filter(code="9.900088").exists()


def test_a_person_s_import_without_an_effective_date_refuses_rows_dated_in_the_past(catalogue, users):
    rows = [{**r, "valid_from": "2025-01-01", "time_limit": 9, "_row": 1} for r in services.catalogue_export_rows() if r["code"] == XN]
    before = _counts()
    with pytest.raises(ApplicationError) as exc:
        services.catalogue_import(actor=users["sysadmin"], rows=rows)
    assert exc.value.code == "import-invalid"
    assert exc.value.details["rows"] == [{"row": 1, "column": "Hiệu lực từ", "message": PAST_MESSAGE}]
    assert _counts() == before


def test_an_existing_version_s_start_cannot_be_moved(catalogue, users):
    """No door moves a version's start: the only edit in place is descriptive text; a new start is a new version (checked above)."""
    version = Procedure.objects.get(code=XN).versions.get()
    before = _counts()
    with pytest.raises(ApplicationError) as exc:
        services.version_update_text(actor=users["sysadmin"], version=version, valid_from=YESTERDAY)
    assert exc.value.code == "version-immutable" and "valid_from" in exc.value.details["fields"]
    version.refresh_from_db()
    assert version.valid_from != YESTERDAY and _counts() == before
