"""The indices pages in English name the period and the province's average in English (they were Vietnamese whatever
the language chosen); the exported report stays a Vietnamese document whatever the reader's language."""

from __future__ import annotations

import io

from django.utils import translation

import pytest
from openpyxl import load_workbook

from coso.indices import periods

pytestmark = pytest.mark.django_db




def test_period_labels_follow_the_language(english_catalogue):
    cases = [(periods.month(2026, 11), "Tháng 11/2026", "Month 11/2026"), (periods.quarter(2026, 4), "Quý 4/2026", "Quarter 4/2026"),
             (periods.year(2026), "Năm 2026", "Year 2026")]
    for p, vi, en in cases:
        with translation.override("vi"):
            assert p.label == vi
        with translation.override("en"):
            assert p.label == en and p.label_vi == vi


def test_the_leaders_dashboard_in_english(english_catalogue, users, login, commune):
    c = login(users["leader"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = c.get("/chi-so/?period=2026-Q4").content.decode()
    assert "Quarter 4/2026" in html and "Quý 4/2026" not in html
    assert "Province average" in html and "Bình quân tỉnh" not in html
    r = c.get("/chi-so/?period=2026-Q4&format=xlsx")
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert any("Quý 4/2026" in str(cell.value) for row in sheet.iter_rows(max_row=5) for cell in row)


def test_an_unknown_indicator_in_the_drill_down_says_so_in_english(english_catalogue, users, login, commune):
    c = login(users["leader"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=9.9&period=2026-11")
    html = r.content.decode()
    assert r.status_code == 400 and "The indicator is invalid or has no data in Coso yet." in html and "Chỉ số không hợp lệ" not in html


def test_the_exported_report_stays_vietnamese_for_an_english_reader(english_catalogue, users, login, commune, province):
    c = login(users["province_home_affairs"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Province average" in c.get(f"/chi-so/?commune={commune.code}&period=2026-11").content.decode()  # the page: English
    for url in ("/chi-so/?period=2026-11&format=xlsx", f"/chi-so/cong-khai/?province={province.code}&period=2026-11&format=xlsx"):
        r = c.get(url)
        assert r.status_code == 200
        texts = [str(cell.value) for ws in load_workbook(io.BytesIO(r.content)).worksheets for row in ws.iter_rows() for cell in row if cell.value]
        assert "2.1 Hồ sơ xử lý trước hạn, đúng hạn" in texts, url
        assert not any("2.1 " in t and "Hồ sơ" not in t for t in texts), url
    assert "Province average" in c.get(f"/chi-so/?commune={commune.code}&period=2026-11").content.decode()  # still English after
