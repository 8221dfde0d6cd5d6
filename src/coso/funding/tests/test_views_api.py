from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from coso.funding import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(users, old_commune, other_commune, foreign_commune, make_village):  # type: ignore[no-untyped-def]
    services.organisations_ensure(actor=None, commune=old_commune, associations=["khuyen_hoc"])
    services.organisations_ensure(actor=None, commune=other_commune)
    return {
        "v1": make_village(old_commune, "Thôn 1", 400),
        "v2": make_village(other_commune, "Tổ 7", 300, kind="to_dan_pho"),
        "vf": make_village(foreign_commune, "Tổ 9", 300, kind="to_dan_pho"),
    }


def test_province_page_and_drilldown(login, users, data, old_commune):
    c = login(users["province_finance"])
    r = c.get("/funding/?period=2025")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Phường Sài Gòn" in body and "Phường Tân Định" in body and "Phường Ba Đình" not in body
    r = c.get(f"/funding/?period=2025&commune={old_commune.code}")
    assert "Thôn 1" in r.content.decode()
    r = c.get(f"/funding/?period=2025&village={data['v1'].pk}")
    body = r.content.decode()
    assert "6,0 × 2.340.000 đ × 12 tháng" in body
    assert "168.480.000 đ" in body  # 14,040,000 × 12
    assert "Nghị định 33/2023" in body


def test_scoping_pages(login, users, data, other_commune, foreign_commune):
    c = login(users["finance"])
    assert c.get(f"/funding/?commune={other_commune.code}").status_code == 404
    assert c.get(f"/funding/?village={data['v2'].pk}").status_code == 404
    assert c.get("/funding/").status_code == 200
    assert c.get("/funding/scenarios/").status_code == 403
    assert login(users["province_finance"]).get(f"/funding/?commune={foreign_commune.code}").status_code == 404
    assert login(users["onestop"]).get("/funding/").status_code == 403


def test_exports(login, users, data, old_commune):
    c = login(users["province_finance"])
    r = c.get("/funding/?period=2025&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết"]
    api_total = c.get("/api/v1/funding/allocation?period=2025").json()["total"]
    rows = [[cell.value for cell in row] for row in wb["Tổng hợp"].iter_rows()]
    total_row = next(r for r in rows if r[1] == "TỔNG CỘNG")
    assert total_row[-1] == api_total > 0
    assert wb["Tổng hợp"].cell(row=len(rows), column=len(total_row)).number_format == '#,##0" đ"'
    detail = [[cell.value for cell in row] for row in wb["Chi tiết"].iter_rows()]
    assert any(r[3] == "6,0 × 2.340.000 đ × 12 tháng" and r[6] == 168_480_000 for r in detail)
    r = c.get(f"/funding/?period=2025&commune={old_commune.code}&format=pdf")
    assert r.content.startswith(b"%PDF")
    r = c.get("/funding/?period=garbage")
    assert r.status_code == 200


def test_rules_page_and_edit(login, users, data):
    c = login(users["province_finance"])
    r = c.get("/funding/rules/?date=2025-01-01")
    assert "2.340.000" in r.content.decode() or "2340000" in r.content.decode()
    r = c.post("/funding/rules/", {"key": "funding.village.coef.low", "value": "-1", "valid_from": "2027-01-01", "source": "NQ", "reason": "x"})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    r = c.post("/funding/rules/", {"key": "funding.village.coef.low", "value": "5", "valid_from": "2025-01-01", "source": "NQ 1", "reason": "x"})
    assert r.status_code == 200 and "quá khứ" in r.content.decode()  # the past is never rewritten
    r = c.post("/funding/rules/", {"key": "funding.village.coef.low", "value": "5", "valid_from": "2027-01-01", "source": "NQ 1", "reason": "HĐND tỉnh"})
    assert r.status_code == 302
    from coso.rules.models import Rule

    row = Rule.objects.get(key="funding.village.coef.low", province_code="79")
    assert row.value == "5" and row.source_document == "NQ 1" and row.reason == "HĐND tỉnh" and row.valid_from == dt.date(2027, 1, 1)
    r = c.get("/funding/rules/?date=2027-01-01&key=funding.village.coef.low")
    body = r.content.decode()
    assert "5,0 ×" in body and "4,5 ×" in body and "/quy-dinh/" in body


def test_scenario_pages(login, users, data):
    c = login(users["province_finance"])
    r = c.post("/funding/scenarios/", {"name": "", "key_0": "funding.village.coef.low", "mode_0": "set", "value_0": "5.0"})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    r = c.post("/funding/scenarios/", {"name": "Thôn 5", "key_0": "funding.village.coef.low", "mode_0": "set", "value_0": "5.0"})
    assert r.status_code == 302
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    r = c.get(f"/funding/scenarios/compare/?s={pk}&period=2025")
    body = r.content.decode()
    assert r.status_code == 200 and "compare-data" in body
    # Tổ 7 (300 households, 4.5 → 5.0) in a commune formed 1/7/2025: +0.5 × 2,340,000 × 6 = 7,020,000
    assert "7.020.000 đ" in body
    r = c.get(f"/funding/scenarios/compare/?s={pk}&period=2025&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert "Theo xã" in wb.sheetnames
    r = c.post(f"/funding/scenarios/{pk}/", {"action": "adopt", "effective_from": "2027-01-01", "source": "NQ 9"})
    assert r.status_code == 302


def test_pages_and_exports_speak_vietnamese(login, users, data):
    """No rule keys or internal codes on the pages people read and in exports (issue #13, items 20–21)."""
    c = login(users["province_finance"])
    r = c.post("/funding/scenarios/", {"name": "MTTQ 20", "key_0": "funding.org.mttq.*", "mode_0": "percent", "value_0": "20",
                                       "key_1": "salary.base", "mode_1": "set", "value_1": "2700000"})
    assert r.status_code == 302, r.content.decode()[:500]
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    body = re.sub(r'(value|href)="[^"]*"', "", c.get("/funding/scenarios/").content.decode())  # what people read
    assert "Khoán kinh phí hoạt động UB MTTQ (mọi loại xã): tăng 20 %" in body and "Mức lương cơ sở: đặt 2.700.000 đ/tháng" in body
    assert "funding.org" not in body and "salary.base" not in body and "Tăng/giảm theo % 20" not in body
    body = re.sub(r'(value|href)="[^"]*"', "", c.get(f"/funding/scenarios/{pk}/").content.decode())
    assert "funding.org" not in body and "2.700.000 đ/tháng" in body
    body = c.get(f"/funding/scenarios/compare/?s={pk}&period=2026").content.decode()
    assert "× 5 tháng" in body and "cộng toàn tỉnh" in body
    r = c.get(f"/funding/scenarios/compare/?s={pk}&period=2026&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    names = [row[0] for row in wb["Theo tổ chức"].iter_rows(values_only=True)]
    assert "UB MTTQ" in names
    r = c.get("/funding/?period=2025&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not any(code in cell for cell in cells for code in ("funding.", "salary.base", "village_fund", "commune_pt", "[C]", "[R]"))
    assert any(cell.startswith("Loại ") or cell == "Chưa phân loại" for cell in cells)


def test_village_distribution_page(login, users, data):
    c = login(users["finance"])
    url = f"/funding/villages/{data['v1'].pk}/distribution/"
    r = c.get(url + "?month=2025-03")
    assert "14.040.000 đ" in r.content.decode()
    r = c.post(url, {"month": "2025-03", "bi_thu": "3", "truong_thon": "3", "truong_ban_ctmt": "1"})
    assert r.status_code == 200 and "vượt" in r.content.decode()
    r = c.post(url, {"month": "2025-03", "bi_thu": "2", "truong_thon": "2", "truong_ban_ctmt": "2"})
    assert r.status_code == 302


def test_api_allocation_and_scoping(login, users, data, old_commune, other_commune, foreign_commune):
    c = login(users["province_finance"])
    r = c.get("/api/v1/funding/allocation?period=2025")
    assert r.status_code == 200
    assert {x["code"] for x in r.json()["communes"]} == {old_commune.code, other_commune.code}
    r = c.get(f"/api/v1/funding/allocation?period=2025-Q1&commune={old_commune.code}")
    lines = r.json()["communes"][0]["lines"]
    v = next(ln for ln in lines if ln["item"] == "village_fund")
    assert v["amount"] == 14_040_000 * 3 and v["formula"] == "6,0 × 2.340.000 đ × 3 tháng"
    assert r.json()["communes"][0]["by_category"]["commune_pt"] == 21 * 2_340_000 * 3
    assert c.get(f"/api/v1/funding/allocation?commune={foreign_commune.code}").status_code == 404
    r = c.get("/api/v1/funding/allocation?period=2025-Q9")
    assert r.status_code == 400 and r.json()["code"] == "invalid-period"
    cf = login(users["finance"])
    assert cf.get(f"/api/v1/funding/allocation?commune={other_commune.code}").status_code == 404
    r = cf.get("/api/v1/funding/allocation?period=2025")
    assert [x["code"] for x in r.json()["communes"]] == [old_commune.code]
    assert cf.get("/api/v1/funding/scenarios").status_code == 403
    assert login(users["citizen"]).get("/api/v1/funding/allocation").status_code == 403
    r = login(users["leader"]).get("/api/v1/funding/allocation/export?format=pdf&period=2025")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_api_scenarios_crud_compare_adopt(login, users, data):
    c = login(users["province_finance"])
    r = c.post("/api/v1/funding/scenarios", {"name": "Thôn 5", "changes": [{"key": "funding.village.coef.low", "mode": "set", "value": "5.0"}]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = c.post("/api/v1/funding/scenarios", {"name": "X", "changes": [{"key": "nope", "value": "1"}]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-scenario-change" and "details" in r.json()
    r = c.patch(f"/api/v1/funding/scenarios/{sid}", {"version": 1, "description": "mô tả"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = c.patch(f"/api/v1/funding/scenarios/{sid}", {"version": 1, "description": "x"}, content_type="application/json")
    assert r.status_code == 409
    r = c.get(f"/api/v1/funding/scenarios/compare?ids={sid}&period=2025")
    assert r.status_code == 200 and r.json()["total_diffs"] == [7_020_000]
    r = c.get(f"/api/v1/funding/scenarios/compare/export?ids={sid}&period=2025")
    assert r.status_code == 200
    r = c.get("/api/v1/funding/scenarios/compare?ids=1&ids=2&ids=3&ids=4&ids=5")
    assert r.status_code == 400
    r = c.post(f"/api/v1/funding/scenarios/{sid}/adopt", {"effective_from": "2027-01-01", "source": "NQ 3/2026"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "adopted"
    assert c.delete(f"/api/v1/funding/scenarios/{sid}").status_code == 400
    other = login(users["sysadmin"])
    assert other.get(f"/api/v1/funding/scenarios/{sid}").status_code == 200
    c = login(users["province_finance"])
    r = c.post("/api/v1/funding/distributions/village", {"village_id": data["v1"].pk, "month": "2025-03-01",
               "coefficients": {"bi_thu": "5", "truong_thon": "2"}}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "distribution-exceeds-fund" and r.json()["details"]["excess"] > 0
    r = c.get("/api/v1/funding/rules?date=2025-01-01")
    assert any(x["key"] == "salary.base" and x["value"] == "2340000" for x in r.json())
    r = c.get("/api/v1/funding/rules?date=2026-07-01")
    assert any(x["key"] == "salary.base" and x["value"] == "2530000" and "161/2026" in x["source"] for x in r.json())


def test_commune_pt_distribution_page(login, users, data, old_commune, other_commune):
    c = login(users["finance"])
    url = f"/funding/communes/{old_commune.code}/pt-distribution/"
    assert c.get(url).status_code == 200
    assert c.get(f"/funding/communes/{other_commune.code}/pt-distribution/").status_code == 404
    r = c.post(url, {"month": "2026-01", "workers": "Nguyễn Văn A | Phó Chỉ huy trưởng Quân sự | 25\nTrần Thị B | | 1,5"})
    assert r.status_code == 200 and "vượt" in r.content.decode()
    r = c.post(url, {"month": "2026-01", "workers": "Nguyễn Văn A | Phó Chỉ huy trưởng Quân sự | 1,5\nTrần Thị B | Văn thư |"})
    body = r.content.decode()
    assert "49.140.000 đ" in body and "3.510.000 đ" in body  # 21 × 2,340,000; 1.5 × 2,340,000 (default coefficient 1.5)
    r = c.post(url, {"month": "2026-01", "workers": "Nguyễn Văn A | x | abc"})
    assert "không phải là số" in r.content.decode()


def test_commune_profile_form(login, users, data, old_commune):
    r = login(users["finance"]).post(f"/funding/communes/{old_commune.code}/profile/", {"extra_pt_workers": "2"})
    assert r.status_code == 403
    c = login(users["province_finance"])
    with time_machine.travel(dt.datetime(2024, 12, 20, 9, tzinfo=dt.UTC), tick=False):  # from that day (today)
        r = c.post(f"/funding/communes/{old_commune.code}/profile/", {"extra_pt_workers": "2", "period": "2025"})
    assert r.status_code == 302
    r = c.get("/api/v1/funding/allocation?period=2025-01&commune=" + old_commune.code)
    assert r.json()["communes"][0]["by_category"]["commune_pt"] == (21 + 2 * 1.5) * 2_340_000
    r = c.post(f"/funding/communes/{old_commune.code}/profile/", {"extra_pt_workers": "-1"})
    assert r.status_code == 302


def test_province_extends_commune_pt_fund_on_rules_page(login, users, data, old_commune):
    import time_machine

    c = login(users["province_finance"])
    with time_machine.travel(dt.datetime(2026, 5, 20, 9, 0), tick=False):
        r = c.post("/funding/rules/", {"key": "funding.commune_pt.coef.I", "value": "21", "valid_from": "2026-06-01", "valid_to": "2026-01-01",
                                       "source": "NQ", "reason": "x"})
        assert r.status_code == 200 and "has-error" in r.content.decode()
        r = c.post("/funding/rules/", {"key": "funding.commune_pt.coef.I", "value": "21", "valid_from": "2026-06-01", "valid_to": "2026-09-01",
                                       "source": "NQ 7/2026", "reason": "Kéo dài đến hết tháng 8"})
        assert r.status_code == 302
    r = c.get(f"/api/v1/funding/allocation?period=2026&commune={old_commune.code}")
    # Jan–May national rule + Jun–Aug province extension (no extra-worker rule after 31/5); base salary 2,530,000 from July
    assert r.json()["communes"][0]["by_category"]["commune_pt"] == 6 * 21 * 2_340_000 + 2 * 21 * 2_530_000


@pytest.mark.parametrize("role", ["finance", "leader"])
def test_a_commune_users_api_export_is_headed_with_their_commune_as_the_page_export(login, users, data, old_commune, role):
    """A commune user's GET /api/v1/funding/allocation/export without commune= holds their commune's figures only (as the
    JSON answer) but was headed with the province's name, as if it were the province's table."""
    c = login(users[role])
    api = c.get("/api/v1/funding/allocation/export?format=xlsx&period=2025")
    page = c.get("/funding/?period=2025&format=xlsx")
    headings = []
    for r in (api, page):
        assert r.status_code == 200
        sheet = load_workbook(io.BytesIO(r.content))["Tổng hợp"]
        headings.append(sheet.cell(row=1, column=1).value)
    assert headings == [old_commune.name.upper()] * 2
    pdf = c.get("/api/v1/funding/allocation/export?format=pdf&period=2025")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # a province user's export without commune= is the province's, headed with its name
    r = login(users["province_finance"]).get("/api/v1/funding/allocation/export?format=xlsx&period=2025")
    assert load_workbook(io.BytesIO(r.content))["Tổng hợp"].cell(row=1, column=1).value == "THÀNH PHỐ HỒ CHÍ MINH"


@pytest.mark.parametrize("bad", ["period=2025-Q9", "period=9999", "format=doc"])
def test_another_communes_allocation_is_404_whatever_the_period_or_the_format(login, users, data, old_commune, other_commune, foreign_commune, bad):
    """GET /api/v1/funding/allocation(/export) read the period (and the export its format) before the caller's scope: a
    commune user asking for another commune with a bad period got 400 invalid-period where a good one gets 404; now 404
    whatever they send, and their own commune still the error."""
    from django.test import Client

    cf = Client()
    cf.force_login(users["finance"])
    for url in ("/api/v1/funding/allocation", "/api/v1/funding/allocation/export"):
        if bad == "format=doc" and not url.endswith("export"):
            continue
        assert cf.get(f"{url}?commune={other_commune.code}&{bad}").status_code == 404, url
        r = cf.get(f"{url}?commune={old_commune.code}&{bad}")
        assert r.status_code == 400 and set(r.json()) == {"code", "message", "details"}, url
    pf = Client()
    pf.force_login(users["province_finance"])
    assert pf.get(f"/api/v1/funding/allocation/export?commune={foreign_commune.code}&{bad}").status_code == 404
    assert pf.get(f"/api/v1/funding/allocation/export?province={foreign_commune.province_code}&{bad}").status_code == 404
    citizen = Client()
    citizen.force_login(users["citizen"])
    assert citizen.get(f"/api/v1/funding/allocation/export?{bad}").status_code == 403
