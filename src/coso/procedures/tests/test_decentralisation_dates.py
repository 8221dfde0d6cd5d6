"""Phân cấp dates outside 1900–2200 (a year typed 20267 or 0001) are refused on their field, through the API and the page,
as every date of a commune's records is; they were kept (a decision "issued" in year 1, a period from 31/12/9999)."""

from __future__ import annotations

import datetime as dt
import html
import json

from django.utils import timezone

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Decentralisation

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures/decentralisations"
GOOD = {"procedure_code": "2.000001", "valid_from": "2026-05-04", "decision_number": "30/2026/QĐ-UBND", "decision_date": "2026-04-15"}


@pytest.fixture
def provincial(users, commune):  # type: ignore[no-untyped-def]
    version = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh")
    version.procedure.decision_level = "province"
    version.procedure.save()
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 20, 9, 0)), tick=False):
        yield version.procedure


@pytest.mark.parametrize(("change", "field"), [
    ({"valid_from": "9999-12-31"}, "valid_from"),
    ({"valid_to": "9999-12-31"}, "valid_to"),
    ({"decision_date": "0001-01-01"}, "decision_date"),
    ({"decision_date": "1899-12-31"}, "decision_date"),
    ({"valid_to": "2201-01-01"}, "valid_to"),
])
def test_a_date_out_of_range_is_refused_by_the_api(login, users, provincial, change, field):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    audit = AuditLog.objects.count()
    r = c.post(API, json.dumps({**GOOD, **change}), content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "date-out-of-range" and body["details"]["fields"] == {field: ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    assert not Decentralisation.objects.exists() and AuditLog.objects.count() == audit


def test_the_edges_are_accepted(login, users, provincial):  # type: ignore[no-untyped-def]
    r = login(users["province_admin"]).post(API, json.dumps({**GOOD, "valid_to": "2200-12-31"}), content_type="application/json")
    assert r.status_code == 201, r.content


def test_an_end_out_of_range_is_refused_by_the_api(login, users, provincial):  # type: ignore[no-untyped-def]
    row = services.decentralisation_create(actor=users["province_admin"], procedure=provincial, province_code="79", valid_from=dt.date(2026, 5, 4),
                                           decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 4, 15))
    r = login(users["province_admin"]).post(f"{API}/{row.pk}/end", json.dumps({"valid_to": "9999-12-31"}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "date-out-of-range", r.content
    row.refresh_from_db()
    assert row.valid_to is None


def test_the_page_says_it_on_the_field(login, users, provincial):  # type: ignore[no-untyped-def]
    r = login(users["province_admin"]).post("/procedures/manage/phan-cap/", {
        "action": "create", "province_code": "79", "procedure": "2.000001", "valid_from": "2026-05-04", "decision_number": "30/2026/QĐ-UBND",
        "decision_date": "0001-01-01"})
    assert r.status_code == 200
    assert "Ngày phải trong khoảng 01/01/1900–31/12/2200." in html.unescape(r.content.decode())
    assert not Decentralisation.objects.exists()


@pytest.mark.parametrize("code", ["97", "zz"])
def test_a_system_administrator_names_a_province_that_exists(login, users, provincial, code):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    r = c.post(API, json.dumps({**GOOD, "province_code": code}), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "province-unknown" and r.json()["details"]["fields"] == {"province_code": [f"Không có tỉnh mã “{code}”."]}
    assert not Decentralisation.objects.exists()
    assert c.post(API, json.dumps({**GOOD, "province_code": "79"}), content_type="application/json").status_code == 201
