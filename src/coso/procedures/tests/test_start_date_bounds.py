"""A version's start after 2200 (31/12/9999, a year typed 2207 for 2027) was accepted and closed the version in force on that
day: refused on its field (coso.core.params' span of dates) on the service, API, page and import, nothing changed."""

from __future__ import annotations

import datetime as dt
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
XN = "1.004873"
MESSAGE = "Ngày phải trong khoảng 01/01/1900–31/12/2200."


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        yield


def _state() -> tuple:
    return (ProcedureVersion.objects.count(), AuditLog.objects.count(),
            sorted(ProcedureVersion.objects.values_list("pk", "valid_to")))


@pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(2207, 1, 1)])
def test_service_and_api_refuse_a_start_after_2200(login, users, catalogue, day):
    proc = Procedure.objects.get(code=XN)
    c = login(users["sysadmin"])
    before = _state()
    with pytest.raises(ApplicationError) as exc:
        services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=day, time_limit=Decimal(2))
    assert exc.value.code == "invalid-date" and exc.value.details["fields"]["valid_from"] == [MESSAGE]
    r = c.post(f"{API}/{XN}/versions", json.dumps({"valid_from": day.isoformat(), "time_limit": 2}),
                                      content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-date" and r.json()["details"]["fields"]["valid_from"] == [MESSAGE], r.content
    assert _state() == before
    ok = services.version_create(actor=users["sysadmin"], procedure=proc, valid_from=dt.date(2200, 12, 31), time_limit=Decimal(2))
    assert ok.valid_from == dt.date(2200, 12, 31)


def test_page_refuses_a_start_after_2200_on_its_field(login, users, catalogue):
    c = login(users["sysadmin"])
    url = reverse("procedures:admin_detail", args=[XN])
    form = c.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"valid_from": "31/12/9999", "time_limit": "2", "reason": "Quyết định"})
    before = _state()
    r = c.post(url, data)
    assert r.context["form"].errors["valid_from"] == [MESSAGE]
    assert _state() == before


def _changed_rows() -> list[dict]:
    rows = json.loads(services.catalogue_json_bytes())["procedures"]
    rows[0]["time_limit"] = 77
    return rows


def test_import_refuses_an_effective_date_or_a_row_start_after_2200(login, users, catalogue):
    c = login(users["sysadmin"])
    before = _state()
    r = c.post(f"{API}/import", {"file": SimpleUploadedFile("c.json", json.dumps(_changed_rows()).encode()), "effective_from": "9999-12-31"})
    assert r.status_code == 400 and r.json()["code"] == "invalid-date", r.content
    assert r.json()["details"]["fields"]["effective_from"] == [MESSAGE]
    page = c.post(reverse("procedures:import"), {"source_format": "coso", "effective_from": "31/12/2207",
                                                 "file": SimpleUploadedFile("c.json", json.dumps({"procedures": _changed_rows()}).encode())})
    assert page.context["form"].errors["effective_from"] == [MESSAGE]
    rows = [{**r, "valid_from": "2207-01-01", "time_limit": 9, "_row": 1} for r in services.catalogue_export_rows() if r["code"] == XN]
    with pytest.raises(ApplicationError) as exc:
        services.catalogue_import(actor=users["sysadmin"], rows=rows)
    assert exc.value.details["rows"] == [{"row": 1, "column": "Hiệu lực từ", "message": MESSAGE}]
    assert _state() == before
