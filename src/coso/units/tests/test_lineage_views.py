"""Pages and API of the 2025 lineage: unit history, old-address converter, helper field on intake forms."""

from __future__ import annotations

from django.urls import reverse

import pytest

from coso.units.tests.helpers import load_lineage

pytestmark = pytest.mark.django_db


@pytest.fixture
def danang(db):  # type: ignore[no-untyped-def]
    load_lineage("48")


def test_commune_page_shows_its_history(danang, login, make_user):
    from coso.accounts.roles import Role
    from coso.units.models import AdministrativeUnit

    lien_chieu = AdministrativeUnit.objects.get(code="20197")
    officer = make_user("officer48", Role.PROVINCE_HOME_AFFAIRS, AdministrativeUnit.objects.get(code="48", level="province"))
    r = login(officer).get(reverse("units:commune_detail", args=["20197"]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Lịch sử hình thành" in html and 'id="history-table"' in html
    assert "Xã Hòa Liên" in html and "Huyện Hòa Vang" in html and "Thành phố Đà Nẵng" in html
    assert "Phường Hải Vân" in html  # the other part of the divided commune
    assert "1659/NQ-UBTVQH15" in html and "01/07/2025" in html
    assert lien_chieu.name in html


def test_commune_page_without_lineage_says_so(users, login, commune):
    r = login(users["leader"]).get(reverse("units:commune_detail", args=[commune.code]))
    assert r.status_code == 200 and "Chưa có dữ liệu về các đơn vị cũ" in r.content.decode()


def test_api_history_and_legacy_unit(danang, client):
    r = client.get("/api/v1/units/communes/20197/history")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Phường Liên Chiểu"
    hoa_lien = next(p for p in body["predecessors"] if p["code"] == "20296")
    assert hoa_lien["district_name"] == "Huyện Hòa Vang" and hoa_lien["province_name"] == "Thành phố Đà Nẵng"
    assert hoa_lien["succession"] == "split" and hoa_lien["divided_between"] == [{"code": "20195", "name": "Phường Hải Vân"}]
    assert hoa_lien["effective_on"] == "2025-07-01" and hoa_lien["decision_number"] == "1659/NQ-UBTVQH15"
    r = client.get("/api/v1/units/legacy/commune/20296")
    assert r.status_code == 200
    legacy = r.json()
    assert legacy["district"] == {"code": "497", "name": "Huyện Hòa Vang"} and legacy["valid_to"] == "2025-07-01"
    assert [(s["code"], s["is_primary"]) for s in legacy["successors"]] == [("20197", True), ("20195", False)]
    provinces = client.get("/api/v1/units/provinces/48/history").json()
    assert sorted(p["name"] for p in provinces["predecessors"]) == ["Thành phố Đà Nẵng", "Tỉnh Quảng Nam"]
    for url in ("/api/v1/units/communes/99999/history", "/api/v1/units/legacy/commune/99999", "/api/v1/units/legacy/district/497x"):
        r = client.get(url)
        assert r.status_code == 404 and set(r.json()) == {"code", "message", "details"}
    assert client.get("/api/v1/units/legacy/hamlet/1").status_code in (400, 422)


def test_api_convert(danang, client):
    r = client.get("/api/v1/units/convert", {"address": "xa hoa lien, huyen hoa vang, da nang"})
    assert r.status_code == 200
    body = r.json()
    assert body["found"] and body["divided"] and body["old_commune"] == {"code": "20296", "name": "Xã Hòa Liên"}
    assert [(c["name"], c["is_primary"]) for c in body["candidates"]] == [("Phường Liên Chiểu", True), ("Phường Hải Vân", False)]
    assert body["matched_by"] == "vietnamadminunits" and "1659/NQ-UBTVQH15" in body["legal_basis"]
    accented = client.get("/api/v1/units/convert", {"address": "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng"}).json()
    assert accented["candidates"] == body["candidates"]
    r = client.get("/api/v1/units/convert", {"address": ""})
    assert r.status_code == 400 and r.json()["code"] == "address-required"
    r = client.get("/api/v1/units/convert", {"address": "x" * 301})
    assert r.status_code == 400 and r.json()["code"] == "address-too-long"
    unknown = client.get("/api/v1/units/convert", {"address": "đâu đó không rõ"}).json()
    assert unknown["found"] is False and unknown["message"]


def test_convert_page_and_suggest_partial(danang, client):
    r = client.get(reverse("units:convert"), {"address": "xa hoa lien, huyen hoa vang, da nang"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Phường Liên Chiểu" in html and "Phường Hải Vân" in html and "chia cho nhiều xã, phường mới" in html
    assert "old-address-pick" not in html  # nothing to pick on the stand-alone page
    r = client.get(reverse("units:convert_suggest"), {"old_address": "xa hoa lien, huyen hoa vang, da nang"})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('class="old-address-pick"') == 2 and 'data-code="20197"' in html
    assert 'data-address="Phường Liên Chiểu, Thành phố Đà Nẵng"' in html
    r = client.get(reverse("units:convert_suggest"), {"old_address": ""})
    assert r.status_code == 200 and r.content.decode().strip() == ""
    r = client.get(reverse("units:convert_suggest"), {"old_address": "ab"})
    assert r.status_code == 200 and "Nhập địa chỉ cũ" in r.content.decode()


def test_intake_and_feedback_forms_carry_the_old_address_helper(users, login, client, commune):
    from coso.dossiers.tests.conftest import make_procedure

    version = make_procedure()
    html = login(users["onestop"]).get(reverse("dossiers:intake") + f"?procedure={version.procedure.code}").content.decode()
    assert 'id="old-address-input"' in html and 'data-address-target="id_applicant_address"' in html
    assert "units/old_address.js" in html
    html = login(users["citizen"]).get(reverse("dossiers:submit") + f"?procedure={version.procedure.code}").content.decode()
    assert 'id="old-address-input"' in html and 'data-commune-target="id_commune"' in html
    client.logout()
    html = client.get(reverse("feedback:submit")).content.decode()
    assert 'id="old-address-input"' in html and 'data-address-target="id_address"' in html
