"""Reorganisation wizard pages and API: preview, schedule, cancel; scoping and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.units.models import Reorganisation
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db


def _post(commune, a, b, **extra):  # type: ignore[no-untyped-def]
    data = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
            "title": "Sáp nhập tổ 1 và tổ 2", "commune": commune.code, "sources": [a.pk, b.pk], "target_village": "",
            "new_name": "Tổ dân phố Hòa Bình", "new_kind": "to_dan_pho", "action": "preview"}
    data.update(extra)
    return data


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_wizard_preview_then_schedule_then_cancel(users, commune, login):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    h.feedback(commune, a)
    c = login(users["province_admin"])
    page = c.get(f"/units/reorganisations/new/?kind=village_merge&commune={commune.code}")
    assert page.status_code == 200 and "Tổ dân phố 2" in page.content.decode()
    r = c.post("/units/reorganisations/new/", _post(commune, a, b))
    body = r.content.decode()
    assert r.status_code == 200 and "Những gì sẽ chuyển" in body and "Lên lịch thực hiện" in body
    assert not Reorganisation.objects.exists()  # a preview records nothing
    r = c.post("/units/reorganisations/new/", _post(commune, a, b, action="schedule"))
    assert r.status_code == 302
    obj = Reorganisation.objects.get()
    detail = c.get(r["Location"]).content.decode()
    assert "Chờ đến ngày hiệu lực" in detail and "Phản ánh, kiến nghị đang xử lý" in detail
    r = c.post(f"/units/reorganisations/{obj.pk}/", {"reason": "", "version": obj.version})
    assert r.status_code == 200 and "field-errors" in r.content.decode()
    obj.refresh_from_db()
    assert obj.status == "scheduled"
    r = c.post(f"/units/reorganisations/{obj.pk}/", {"reason": "HĐND tỉnh hoãn", "version": obj.version})
    assert r.status_code == 302
    obj.refresh_from_db()
    assert obj.status == "cancelled"


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_wizard_bad_input_shows_vietnamese_errors(users, commune, login):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    c = login(users["province_admin"])
    r = c.post("/units/reorganisations/new/", _post(commune, a, b, effective_on="2026-03-01", new_name=""))
    assert r.status_code == 200 and "Ngày có hiệu lực phải sau hôm nay" in r.content.decode()
    r = c.post("/units/reorganisations/new/", _post(commune, a, b, new_name=""))
    assert "Nhập tên thôn, tổ dân phố mới" in r.content.decode()
    r = c.post("/units/reorganisations/new/", _post(commune, a, b, sources=[a.pk]))
    assert "Chọn ít nhất hai thôn" in r.content.decode()
    assert not Reorganisation.objects.exists()


def test_pages_are_for_province_administrators(users, commune, login):  # type: ignore[no-untyped-def]
    assert login(users["province_home_affairs"]).get("/units/reorganisations/new/").status_code == 403
    assert login(users["leader"]).get("/units/reorganisations/").status_code == 200  # empty list: nothing of the province
    assert login(users["citizen"]).get("/units/reorganisations/").status_code == 404


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_api_preview_schedule_cancel(users, commune, login):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    c = login(users["province_admin"])
    payload = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
               "title": "Sáp nhập", "spec": h.spec_village_merge(commune, [a, b])}
    r = c.post("/api/v1/units/reorganisations/preview", payload, content_type="application/json")
    assert r.status_code == 200, r.content
    assert {m["key"]: m["total"] for m in r.json()["movers"]}["units.villages"] == 2
    r = c.post("/api/v1/units/reorganisations", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "scheduled"
    r = c.post("/api/v1/units/reorganisations", payload, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "reorg-busy"
    r = c.post("/api/v1/units/reorganisations", {**payload, "effective_on": "2026-01-01"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "reorg-effective-date"
    assert c.get("/api/v1/units/reorganisations").json()["items"][0]["id"] == pk
    r = c.post(f"/api/v1/units/reorganisations/{pk}/cancel", {"reason": "Hoãn"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    other = login(users["province_home_affairs"])
    assert other.post("/api/v1/units/reorganisations", payload, content_type="application/json").status_code == 403


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_wizard_commune_merge_and_split(users, commune, other_commune, login):  # type: ignore[no-untyped-def]
    h.village(other_commune, "Tổ dân phố 1")
    north, south = h.village(commune, "Khu phố Bắc"), h.village(commune, "Khu phố Nam")
    h.feedback(commune, south)
    c = login(users["province_admin"])
    common = {"decision_number": "1685/NQ-UBTVQH15", "decision_date": "2026-02-20", "effective_on": "2026-07-01", "title": "Sắp xếp"}
    r = c.post("/units/reorganisations/new/", {**common, "kind": "commune_merge", "source_communes": [other_commune.code],
                                               "target": commune.code, "category": "other", "action": "preview"})
    body = r.content.decode()
    assert "Những gì sẽ chuyển" in body and "Phường Tân Định" in body
    assert "chưa có số liệu dân số hoặc diện tích" in body  # the fixture communes have no area
    r = c.post("/units/reorganisations/new/", {
        **common, "kind": "commune_split", "source": commune.code, "action": "schedule",
        "targets": f"{commune.code}; Phường Sài Gòn; phuong; 40000; 6\n26999; Phường Bến Thành; phuong; 9000; 3,2",
        "village_targets": "Khu phố Nam; 26999"})
    assert r.status_code == 302, r.content.decode()[:3000]
    obj = Reorganisation.objects.get(kind="commune_split")
    assert obj.spec["villages"] == {str(north.pk): commune.code, str(south.pk): "26999"}
    assert any("Phường Bến Thành" in w for w in obj.preview["warnings"])
    r = c.post("/units/reorganisations/new/", {**common, "kind": "commune_split", "source": commune.code, "action": "preview",
                                               "targets": "26999; Phường Bến Thành"})
    assert "Chia tách cần ít nhất hai đơn vị" in r.content.decode()


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_api_refuses_a_new_name_another_pending_merger_creates(users, commune, login):  # type: ignore[no-untyped-def]
    a, b, c_, d = (h.village(commune, n) for n in ("Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3", "Tổ dân phố 4"))
    c = login(users["province_admin"])
    first = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
             "title": "Sáp nhập", "spec": h.spec_village_merge(commune, [a, b], new_name="Khu phố Đoàn Kết")}
    r = c.post("/api/v1/units/reorganisations", first, content_type="application/json")
    assert r.status_code == 201, r.content
    # The same name, written in another case, by a later merger of other villages of the commune: refused, preview too.
    second = {**first, "decision_number": "13/NQ-HĐND", "effective_on": "2026-05-01",
              "spec": h.spec_village_merge(commune, [c_, d], new_name="khu phố đoàn kết")}
    for url in ("/api/v1/units/reorganisations", "/api/v1/units/reorganisations/preview"):
        r = c.post(url, second, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "reorg-name-taken", r.content
        assert r.json()["message"] == "Xã đã có thôn, tổ dân phố tên “khu phố đoàn kết”."
    assert Reorganisation.objects.count() == 1
    # Once the first is cancelled, the name is free again.
    r = c.post(f"/api/v1/units/reorganisations/{Reorganisation.objects.get().pk}/cancel", {"reason": "Hoãn"}, content_type="application/json")
    assert r.status_code == 200
    r = c.post("/api/v1/units/reorganisations", second, content_type="application/json")
    assert r.status_code == 201, r.content


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_api_busy_names_the_village_not_its_id(users, commune, login):  # type: ignore[no-untyped-def]
    a, b, c_ = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2"), h.village(commune, "Tổ dân phố 3")
    c = login(users["province_admin"])
    payload = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
               "title": "Sáp nhập", "spec": h.spec_village_merge(commune, [a, b])}
    assert c.post("/api/v1/units/reorganisations", payload, content_type="application/json").status_code == 201
    r = c.post("/api/v1/units/reorganisations", {**payload, "spec": h.spec_village_merge(commune, [b, c_], new_name="Tổ mới")},
               content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "reorg-busy"
    assert r.json()["message"] == "Đơn vị “Tổ dân phố 2” đã có trong một phương án sắp xếp khác đang chờ hiệu lực (12/NQ-HĐND)."
    assert Reorganisation.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_api_refuses_dates_beyond_the_project_span(users, commune, login):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    c = login(users["province_admin"])
    payload = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "9999-01-01",
               "title": "Sáp nhập", "spec": h.spec_village_merge(commune, [a, b])}
    for url in ("/api/v1/units/reorganisations/preview", "/api/v1/units/reorganisations"):
        r = c.post(url, payload, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "date-out-of-range", r.content
        assert r.json()["details"]["fields"] == {"effective_on": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    r = c.post("/api/v1/units/reorganisations", {**payload, "decision_date": "1800-01-01"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"decision_date": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    assert not Reorganisation.objects.exists()
    r = c.post("/api/v1/units/reorganisations", {**payload, "effective_on": "2200-12-31"}, content_type="application/json")
    assert r.status_code == 201, r.content


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False)
def test_api_refuses_an_overlong_new_name_not_cut(users, commune, login):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    c = login(users["province_admin"])
    payload = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
               "title": "Sáp nhập", "spec": h.spec_village_merge(commune, [a, b], new_name="T" * 100_000)}
    for url in ("/api/v1/units/reorganisations/preview", "/api/v1/units/reorganisations"):
        r = c.post(url, payload, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "too-long", r.content
        assert r.json()["details"]["fields"] == {"new_name": ["Tên dài quá 200 ký tự."]}
    r = c.post("/api/v1/units/reorganisations", {**payload, "kind": "commune_merge", "spec": {"sources": ["26737"], "target": commune.code,
                                                                                             "new_name": "P" * 201}},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-long", r.content
    assert not Reorganisation.objects.exists()
    r = c.post("/api/v1/units/reorganisations", {**payload, "spec": h.spec_village_merge(commune, [a, b], new_name="T" * 200)},
               content_type="application/json")
    assert r.status_code == 201, r.content
    assert Reorganisation.objects.get().spec["new_name"] == "T" * 200
