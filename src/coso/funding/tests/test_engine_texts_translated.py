"""English pages and the API showed the allocation's texts in Vietnamese: the categories, the lines' labels, formulas
("× 12 tháng", "vùng khó khăn", "người ×") and notes ("thôn 400 hộ ≥ 350", "mức cao: …", "chưa phân loại…"), a
scenario's notes on the rules it changes ("kịch bản: +20%"), the changes' labels and the comparison's "Quy định hiện
hành" column: the engine built them as plain Vietnamese text. They now go through the translation catalogue, made in the
reader's language when computed; Vietnamese stays the default, the official exports (Excel, PDF) stay Vietnamese, as
their layout is, and what an adoption records in the rule book stays Vietnamese."""

from __future__ import annotations

import html
import io

import pytest
import time_machine
from openpyxl import load_workbook

from coso.funding import services
from coso.funding.tests.test_views_api import data  # noqa: F401  # the fixture
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db


def _english(c):  # type: ignore[no-untyped-def]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def _lines(c, code):  # type: ignore[no-untyped-def]
    r = c.get("/api/v1/funding/allocation", {"period": "2025", "commune": code})
    assert r.status_code == 200, r.content
    return r.json(), r.json()["communes"][0]["lines"]


def test_the_api_in_english_gives_english_lines(login, users, data, old_commune, english_catalogue):  # noqa: F811
    body, lines = _lines(_english(login(users["province_finance"])), old_commune.code)
    assert body["categories"]["ctmt"] == "Residential area Front work committee"
    fund = next(ln for ln in lines if ln["item"] == "village_fund")
    assert fund["item_label"] == "Village/residential group allowance fund"
    assert fund["formula"] == "6,0 × 2.340.000 đ × 12 months"
    assert fund["note"] == "high rate: village 400 households ≥ 350"
    ctmt = next(ln for ln in lines if ln["item"] == "ctmt")
    assert ctmt["note"] == "400 households" and "/year × 12/12 months" in ctmt["formula"]
    commune_pt = next(ln for ln in lines if ln["item"] == "commune_pt")
    assert commune_pt["recipient_name"].startswith("Part-time workers' fund of ")
    text = str({**body, "communes": [{**c, "lines": [{**ln, "rules": []} for ln in c["lines"]]} for c in body["communes"]]})
    for vietnamese in ("tháng", " hộ", "mức cao", "Quỹ phụ cấp", "Khoán kinh phí"):
        assert vietnamese not in text, vietnamese


def test_vietnamese_stays_the_default(login, users, data, old_commune):  # noqa: F811
    body, lines = _lines(login(users["province_finance"]), old_commune.code)
    fund = next(ln for ln in lines if ln["item"] == "village_fund")
    assert fund["formula"] == "6,0 × 2.340.000 đ × 12 tháng" and fund["note"] == "mức cao: thôn 400 hộ ≥ 350"
    assert body["categories"]["ctmt"] == "Ban công tác Mặt trận khu dân cư"


def test_the_allocation_page_in_english(login, users, data, old_commune, english_catalogue):  # noqa: F811
    c = _english(login(users["province_finance"]))
    page = html.unescape(c.get("/funding/", {"period": "2025", "village": data["v1"].pk}).content.decode())
    assert "6,0 × 2.340.000 đ × 12 months" in page and "12 tháng" not in page
    page = html.unescape(c.get("/funding/", {"period": "2025", "commune": old_commune.code}).content.decode())
    assert "high rate: village 400 households ≥ 350" in page and "mức cao" not in page
    assert "Operating budget allowance" in page and "Khoán kinh phí hoạt động" not in page


def test_the_export_of_an_english_reader_stays_vietnamese(login, users, data, old_commune, english_catalogue):  # noqa: F811
    c = _english(login(users["province_finance"]))
    for r in (c.get("/funding/", {"period": "2025", "commune": old_commune.code, "format": "xlsx"}),
              c.get("/api/v1/funding/allocation/export", {"period": "2025", "commune": old_commune.code})):
        wb = load_workbook(io.BytesIO(r.content))
        cells = [str(cell.value) for row in wb["Chi tiết"].iter_rows() for cell in row if cell.value is not None]
        assert "6,0 × 2.340.000 đ × 12 tháng" in cells and not any("months" in x for x in cells)


@time_machine.travel("2026-12-01 09:00", tick=False)
def test_scenario_notes_and_the_comparison_in_english(login, users, data, old_commune, english_catalogue):  # noqa: F811
    sc = services.scenario_create(actor=users["province_finance"], name="MTTQ +20",
                                  changes=[{"key": "funding.org.mttq.I", "mode": "percent", "value": "20"}])
    c = _english(login(users["province_finance"]))
    page = html.unescape(c.get(f"/funding/scenarios/{sc.pk}/").content.decode())
    assert "scenario: +20%" in page and "kịch bản: +20%" not in page
    page = html.unescape(c.get("/funding/scenarios/").content.decode())
    assert ": raise by 20 %" in page and ": tăng 20 %" not in page
    body = c.get("/api/v1/funding/scenarios/compare", {"ids": [sc.pk], "period": "2027"}).json()
    assert body["columns"][0]["name"] == "Rules in force"
    assert {r["name"] for r in body["categories"]} >= {"Commune Fatherland Front Committee", "Special associations"}
    assert "Fatherland Front Committee" in {r["name"] for r in body["organisations"]}
    page = html.unescape(c.get("/funding/scenarios/compare/", {"s": sc.pk, "period": "2027"}).content.decode())
    assert "Rules in force" in page and "Quy định hiện hành" not in page
    r = c.get("/api/v1/funding/scenarios/compare/export", {"ids": [sc.pk], "period": "2027"})
    cells = [str(cell.value) for row in load_workbook(io.BytesIO(r.content))["Tổng hợp"].iter_rows() for cell in row if cell.value is not None]
    assert "Quy định hiện hành" in cells and "UB MTTQ xã" in cells and "Rules in force" not in cells, cells
    # Adopted by an English reader, the rule book records the change's note in Vietnamese.
    r = c.post(f"/api/v1/funding/scenarios/{sc.pk}/adopt", {"effective_from": "2027-01-01", "source": "NQ 1/2026"}, content_type="application/json")
    assert r.status_code == 200, r.content
    note = Rule.objects.get(origin=Rule.Origin.SCENARIO).note
    assert "kịch bản: +20%" in note and "scenario" not in note


def test_a_split_recorded_by_an_english_reader_keeps_vietnamese_formulas(login, users, hcmc_rules, old_commune, make_village,
                                                                          english_catalogue):
    from coso.funding.models import FundDistribution

    village = make_village(old_commune, "Khu phố 1", 600, kind="khu_pho")
    c = _english(login(users["province_finance"]))
    r = c.post("/api/v1/funding/distributions/village", {"village_id": village.pk, "month": "2026-08-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    formulas = [ln["formula"] for ln in FundDistribution.objects.get().lines]
    assert formulas and all("× 1 tháng" in f for f in formulas), formulas
