"""Allocation and comparison tables as Excel (coso.core.excel) and PDF (coso.core.pdf), finance-department layout."""

from __future__ import annotations

from django.utils import timezone

from coso.core.excel import workbook_bytes
from coso.core.pdf import A4, OfficialDocument, landscape, vn_date_line
from coso.core.text import format_money
from coso.funding.compare import Comparison
from coso.funding.engine import CATEGORIES, Allocation

CLASS_LABELS = {"special": "Loại đặc biệt", "I": "Loại I", "II": "Loại II", "III": "Loại III"}


def _rule_text(ln) -> str:  # type: ignore[no-untyped-def]
    """The legal basis of a line: each rule's name and document (no internal codes, no confidence marks)."""
    return "; ".join(f"{r.label}: {r.source}" + (f" ({r.change_note})" if r.change_note else "") for r in ln.rule_list())


def allocation_rows(alloc: Allocation) -> tuple[list[str], list[list]]:
    """Summary by commune: STT, commune, classification, one column per category, total."""
    headers = ["STT", "Đơn vị", "Phân loại"] + [str(label) for _, label in CATEGORIES] + ["Tổng cộng"]
    rows: list[list] = []
    for i, c in enumerate(alloc.communes, start=1):
        cats = c.by_category()
        rows.append([i, c.commune.name, CLASS_LABELS.get(c.commune.classification, "Chưa phân loại")] + [cats[k] for k, _ in CATEGORIES] + [c.total])
    totals = alloc.by_category()
    rows.append(["", "TỔNG CỘNG", ""] + [totals[k] for k, _ in CATEGORIES] + [alloc.total])
    return headers, rows


def detail_rows(alloc: Allocation) -> tuple[list[str], list[list]]:
    headers = ["STT", "Đơn vị nhận", "Nội dung", "Cách tính", "Căn cứ pháp lý", "Số tháng", "Số tiền (đ)"]
    rows: list[list] = []
    bases: dict[tuple, str] = {}  # the same rules stand behind many lines (a province has tens of thousands of lines)
    for ci, c in enumerate(alloc.communes, start=1):
        rows.append([_roman(ci), c.commune.name.upper(), "", "", "", "", c.total])
        for li, ln in enumerate(c.lines, start=1):
            cited = tuple((r.key, r.source, r.change_note) for r in ln.rule_list())  # what _rule_text writes of each rule
            basis = bases.get(cited)
            if basis is None:
                basis = bases[cited] = _rule_text(ln)
            rows.append([f"{ci}.{li}", ln.recipient_name, ln.item_label + (f" ({ln.note})" if ln.note else ""), ln.formula, basis, ln.months, ln.amount])
    rows.append(["", "TỔNG CỘNG", "", "", "", "", alloc.total])
    return headers, rows


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def allocation_xlsx(alloc: Allocation, *, unit_name: str) -> bytes:
    title = f"BẢNG PHÂN BỔ KINH PHÍ {alloc.period.label.upper()}"
    h1, r1 = allocation_rows(alloc)
    h2, r2 = detail_rows(alloc)
    heading = [unit_name.upper(), title, "Đơn vị tính: đồng"]
    return workbook_bytes([
        {"title": "Tổng hợp", "heading": heading, "headers": h1, "rows": r1, "money_cols": list(range(3, 3 + len(CATEGORIES) + 1)),
         "widths": [6, 34, 10] + [18] * (len(CATEGORIES) + 1)},
        {"title": "Chi tiết", "heading": heading, "headers": h2, "rows": r2, "money_cols": [6], "widths": [7, 36, 40, 44, 60, 9, 18]},
    ])


def allocation_pdf(alloc: Allocation, *, unit_name: str, province_name: str) -> bytes:
    doc = OfficialDocument(
        title=f"BẢNG PHÂN BỔ KINH PHÍ {alloc.period.label.upper()}",
        # A province's table is the province's own: its name once; a commune's names the province, then the commune.
        agency_lines=[province_name.upper()] + ([unit_name.upper()] if unit_name != province_name else []),
        place_date=vn_date_line(province_name.replace("Thành phố ", "").replace("Tỉnh ", ""), timezone.localdate()),
        subtitle="(Quỹ phụ cấp, kinh phí MTTQ, tổ chức chính trị - xã hội, hội đặc thù, thôn và tổ dân phố)", pagesize=landscape(A4), font_size=11,
    )
    if len(alloc.communes) == 1:
        c = alloc.communes[0]
        rows = [["STT", "Đơn vị nhận", "Nội dung", "Cách tính", "Số tiền"]]
        for i, ln in enumerate(c.lines, start=1):
            rows.append([str(i), ln.recipient_name, ln.item_label, ln.formula, format_money(ln.amount)])
        rows.append(["", "Tổng cộng", "", "", format_money(c.total)])
        doc.table(rows, col_widths=[10, 60, 60, 90, 35], align_right_cols=(4,))
    else:
        headers, body = allocation_rows(alloc)
        rows = [headers] + [[str(r[0]), r[1], r[2]] + [format_money(v) for v in r[3:]] for r in body]
        widths: list[float] = [9.0, 42.0, 14.0] + [27.0] * (len(CATEGORIES) + 1)
        doc.table(rows, col_widths=widths, align_right_cols=tuple(range(3, 4 + len(CATEGORIES))))
    doc.spacer(4)
    doc.paragraph("Đơn vị tính: đồng. Cách tính và căn cứ của từng khoản: xem bảng Excel (trang “Chi tiết”) hoặc trang Phân bổ kinh phí.", "left")
    doc.signature("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ")
    return doc.build()


def comparison_xlsx(cmp: Comparison, *, unit_name: str) -> bytes:
    names = [c["name"] for c in cmp.columns]
    diff_names = [f"Chênh lệch: {n}" for n in names[1:]]
    headers = ["Đơn vị / đối tượng", "Thuộc"] + names + diff_names
    money_cols = list(range(2, 2 + len(names) + len(diff_names)))
    heading = [unit_name.upper(), f"SO SÁNH KỊCH BẢN KINH PHÍ {cmp.period.label.upper()}", "Đơn vị tính: đồng"]

    def rows(items):  # type: ignore[no-untyped-def]
        return [[r.name, r.parent] + r.values + r.diffs for r in items]

    total_row = [["TỔNG CỘNG TOÀN TỈNH", ""] + cmp.totals + cmp.total_diffs]
    widths = [40, 30] + [20] * (len(names) + len(diff_names))
    return workbook_bytes([
        {"title": "Tổng hợp", "heading": heading, "headers": headers, "rows": total_row + rows(cmp.categories), "money_cols": money_cols, "widths": widths},
        {"title": "Theo xã", "heading": heading, "headers": headers, "rows": rows(cmp.communes) + total_row, "money_cols": money_cols, "widths": widths},
        {"title": "Theo tổ chức", "heading": heading, "headers": headers, "rows": rows(cmp.organisations), "money_cols": money_cols, "widths": widths},
        {"title": "Theo thôn", "heading": heading, "headers": headers, "rows": rows(cmp.villages), "money_cols": money_cols, "widths": widths},
        {"title": "Được tăng nhiều nhất", "heading": heading, "headers": headers, "rows": rows(cmp.gainers(500)), "money_cols": money_cols, "widths": widths},
    ])
