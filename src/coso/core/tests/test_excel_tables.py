"""The tables of every Excel export (coso.core.excel.workbook_bytes): what a finance or home-affairs officer sees when
the file is opened — the heading, the grey header row, every body cell in Times New Roman with thin borders, money,
percentages and dates in their formats, the columns' widths and the panes frozen under the header."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from coso.core.excel import DATE_FORMAT, MONEY_FORMAT, PERCENT_FORMAT, workbook_bytes


def test_a_table_keeps_its_layout_and_cell_formats():
    data = workbook_bytes([{
        "title": "Tổng hợp", "heading": ["UBND XÃ AN BÌNH", "BẢNG PHÂN BỔ"], "headers": ["STT", "Đơn vị", "Tỷ lệ", "Ngày", "Số tiền"],
        "rows": [[1, "Thôn 1", 0.692, dt.date(2026, 7, 1), 1_234_000], [2, "=1+1", None, None, 5]], "money_cols": [4], "percent_cols": [2],
        "widths": [6, 30, 10, 12, 18],
    }, {"title": "Chi tiết", "headers": ["A"], "rows": [["x"]]}])
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "UBND XÃ AN BÌNH" and ws["A1"].font.b and ws["A3"].value is None
    header = ws[4]
    assert [c.value for c in header] == ["STT", "Đơn vị", "Tỷ lệ", "Ngày", "Số tiền"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("EEEEEE") and c.border.top.style == "thin" for c in header)
    assert ws.freeze_panes == "A5"
    first, second = ws[5], ws[6]
    for cell in (*first, *second):
        assert cell.font.name == "Times New Roman" and not cell.font.b
        assert (cell.border.top.style, cell.border.bottom.style, cell.border.left.style, cell.border.right.style) == ("thin",) * 4
    assert first[4].value == 1_234_000 and first[4].number_format == MONEY_FORMAT and second[4].number_format == MONEY_FORMAT
    assert first[2].value == 0.692 and first[2].number_format == PERCENT_FORMAT
    assert first[3].value == dt.datetime(2026, 7, 1) and first[3].number_format == DATE_FORMAT
    assert first[1].number_format == "General" and second[2].number_format == "General"  # an empty ratio has no format
    assert second[1].value == "=1+1" and second[1].data_type == "s" and second[1].quotePrefix  # text, never a formula
    # the width asked for, in characters (the file stores it with the cell padding Excel adds: 6 → 6.71)
    assert [int(ws.column_dimensions[c].width) for c in "ABCDE"] == [6, 30, 10, 12, 18]
    detail = wb["Chi tiết"]
    assert detail["A1"].value == "A" and detail.freeze_panes == "A2" and detail["A2"].font.name == "Times New Roman"


def test_a_float_that_is_not_a_number_leaves_its_cell_empty_and_the_export_whole():
    data = workbook_bytes([{"title": "T", "headers": ["Tỷ lệ"], "rows": [[float("nan")], [float("inf")], [0.5]], "percent_cols": [0]}])
    ws = load_workbook(io.BytesIO(data))["T"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3, 4)] == [None, None, 0.5]
    assert ws.cell(row=2, column=1).border.top.style == "thin"
