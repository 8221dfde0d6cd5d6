"""Excel export of the Decision 766 index report, with the definition of every figure."""

from __future__ import annotations

from typing import Any

from coso.core.excel import workbook_bytes
from coso.indices.engine import Scorecard
from coso.indices.periods import Period

SOURCES = {
    "dossier": "Hồ sơ một cửa",
    "feedback": "Phản ánh, kiến nghị",
    "catalogue": "Danh mục thủ tục hành chính",
    "usage": "Danh mục thủ tục hành chính, hồ sơ trực tuyến",
}
STATUS = {"ok": "", "na": "Không phát sinh (N/A)", "no_data": "Không có dữ liệu (Coso chưa ghi nhận)"}


CSI_HEADERS = ["Chỉ số năng lực", "Loại", "Hạng theo chỉ số năng lực"]
CSI_FORMULA = (
    "Chỉ số năng lực xã (đề xuất): điểm trụ cột = bình quân các đầu vào có dữ liệu; chỉ số = Σ trọng số × điểm ÷ Σ trọng số "
    "các trụ cột có dữ liệu (trụ cột không có dữ liệu không tính); loại theo ngưỡng do tỉnh quy định (trang Căn cứ pháp lý)."
)


def _csi_cells(r: Any, empty: str) -> list[Any]:
    """The strength columns of a ranking row: the composite, its band and the commune's rank by it."""
    s = getattr(r, "strength", None)
    if s is None or s.csi is None:
        return ["Chưa có dữ liệu", empty, empty]
    return [s.csi, s.band, getattr(r, "strength_rank", None) or empty]


def _csi_definitions(period: Period, province_code: str) -> list[list[Any]]:
    """Rows (name, value, source) defining the strength index: its pillars' weights and its bands' thresholds."""
    from coso.indices.strength import definition

    d = definition(period.end, province_code)
    rows: list[list[Any]] = [[f"Trọng số trụ cột “{label}”", f"{_num(value)} %", source] for label, value, source in d["pillars"]]
    rows += [[f"Loại {band}", f"từ {_num(value)} điểm", source] for band, value, source in d["bands"]]
    return rows


def index_xlsx(
    *, unit_name: str, period: Period, card: Scorecard, ranking: list[Any] | None = None, ranking_label: str = "",
    strength_province: str = "", sorted_by_csi: bool = False,
) -> bytes:
    """``strength_province``: the ranking shows the commune-strength index of this province's communes (its column,
    band, rank by it and its definition are exported too); ``sorted_by_csi``: the rows are ordered by it."""
    heading = [
        f"CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTg) — {unit_name}",
        f"{period.label_vi} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})",
        f"Điểm: {_num(card.measured_points)} / {_num(card.fed_max)} điểm đo được; điểm quy đổi: {_num(card.score100)}/100; "
        f"độ phủ dữ liệu {_num(card.coverage, ' %')}",
    ]
    rows: list[list[Any]] = []
    for g in card.groups:
        rows.append([f"{g.number}. {g.label}", "", "", "", g.points if g.fed_max else "", g.max_points, ""])
        for i in g.indicators:
            rows.append(
                [
                    f"{i.code} {i.label}",
                    i.numerator if i.numerator is not None else "",
                    i.denominator if i.denominator is not None else "",
                    i.rate if i.rate is not None else "",
                    i.points if i.points is not None else "",
                    i.max_points,
                    STATUS[i.status],
                ]
            )
    sheets: list[dict[str, Any]] = [
        {
            "title": "Chỉ số",
            "heading": heading,
            "headers": ["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ (%)", "Điểm", "Tối đa", "Ghi chú"],
            "rows": rows,
            "widths": [60, 10, 10, 10, 10, 10, 36],
        }
    ]
    if ranking is not None:
        sheets.append(
            {
                "title": "Xếp hạng",
                "heading": [ranking_label + (" — sắp xếp theo chỉ số năng lực xã" if sorted_by_csi else ""), heading[1]],
                "headers": ["Hạng", "Đơn vị", "Điểm quy đổi", "Điểm", "Điểm đo được", "Thay đổi điểm", "Hạng kỳ trước"]
                + (CSI_HEADERS if strength_province else []),
                "rows": [
                    [
                        r.rank or "",
                        r.name,
                        r.score if r.score is not None else "Chưa có dữ liệu",
                        r.card.measured_points if r.card.measured_points is not None else "",
                        r.card.fed_max,
                        r.score_change if r.score_change is not None else "",
                        r.previous_rank or "",
                    ]
                    + (_csi_cells(r, "") if strength_province else [])
                    for r in ranking
                ],
                "widths": [8, 40, 14, 10, 14, 14, 14] + ([16, 8, 16] if strength_province else []),
            }
        )
    sheets.append(
        {
            "title": "Định nghĩa",
            "heading": ["Định nghĩa các chỉ số"],
            "headers": ["Mã", "Chỉ số", "Công thức", "Điểm tối đa", "Trọn điểm từ (%)", "Nguồn dữ liệu trong Coso"],
            "rows": [
                [
                    i.code,
                    str(i.label),
                    str(i.formula),
                    i.max_points,
                    i.full_at,
                    SOURCES.get(i.source, "Không có"),
                ]
                for g in card.groups
                for i in g.indicators
            ],
            "widths": [8, 50, 70, 12, 16, 24],
        }
    )
    if ranking is not None and strength_province:
        sheets.append(
            {
                "title": "Chỉ số năng lực",
                "heading": ["Định nghĩa chỉ số năng lực xã", CSI_FORMULA],
                "headers": ["Thành phần", "Giá trị", "Căn cứ"],
                "rows": _csi_definitions(period, strength_province),
                "widths": [50, 16, 70],
            }
        )
    return workbook_bytes(sheets)


def _num(value: Any, suffix: str = "") -> str:
    if value is None or value == "":
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".") + suffix


def index_pdf(
    *, unit_name: str, period: Period, card: Scorecard, ranking: list[Any] | None = None, ranking_label: str = "",
    strength_province: str = "", sorted_by_csi: bool = False,
) -> bytes:
    """The index report as an A4 document (national motto header, as the other reports): the score, every indicator
    with its numerator, denominator, rate and points, the ranking when there is one (with the commune-strength index
    when the page shows it, see :func:`index_xlsx`), and the definitions."""
    from django.utils import timezone

    from coso.core.pdf import OfficialDocument

    today = timezone.localdate()
    doc = OfficialDocument(
        title="BÁO CÁO CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP",
        subtitle=f"Theo Quyết định 766/QĐ-TTg — {unit_name} — {period.label_vi} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})",
        agency_lines=[unit_name.upper()],
        place_date=f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        font_size=11,
    )
    doc.paragraph(
        f"Điểm đạt: {_num(card.measured_points)} trên {_num(card.fed_max)} điểm đo được (tổng 100 điểm); điểm quy đổi: "
        f"{_num(card.score100)}/100; độ phủ dữ liệu: {_num(card.coverage, ' %')}. Chỉ số Coso chưa ghi nhận được để là "
        "“Không có dữ liệu”, chỉ số không phát sinh trong kỳ để là “N/A”: cả hai không tính là 0 điểm hay điểm tối đa."
    )
    doc.spacer()
    rows: list[list[Any]] = [["Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa", "Ghi chú"]]
    for g in card.groups:
        rows.append([f"{g.number}. {g.label}", "", "", "", _num(g.points) if g.fed_max else "—", _num(g.max_points), ""])
        for i in g.indicators:
            rows.append(
                [
                    f"{i.code} {i.label}",
                    _num(i.numerator),
                    _num(i.denominator),
                    _num(i.rate, " %"),
                    _num(i.points),
                    _num(i.max_points),
                    STATUS[i.status],
                ]
            )
    doc.table(rows, col_widths=[70, 14, 14, 16, 12, 12, 32], align_right_cols=(1, 2, 3, 4, 5))
    if ranking:
        doc.spacer()
        doc.paragraph(ranking_label + (" — sắp xếp theo chỉ số năng lực xã" if sorted_by_csi else ""), "center_bold")
        rank_rows: list[list[Any]] = [
            ["Hạng", "Đơn vị", "Điểm quy đổi", "Điểm", "Điểm đo được", "Thay đổi điểm", "Hạng kỳ trước"] + (CSI_HEADERS if strength_province else [])
        ]
        for r in ranking:
            csi: list[Any] = _csi_cells(r, "—") if strength_province else []
            rank_rows.append(
                [
                    r.rank or "—",
                    r.name,
                    _num(r.score) if r.score is not None else "Chưa có dữ liệu",
                    _num(r.card.measured_points),
                    _num(r.card.fed_max),
                    _num(r.score_change),
                    r.previous_rank or "—",
                ]
                + ([_num(csi[0]) if isinstance(csi[0], float) else csi[0], csi[1], csi[2]] if csi else [])
            )
        widths = [float(w) for w in [12, 60, 20, 16, 20, 20, 20] + ([20, 12, 20] if strength_province else [])]
        doc.table(rank_rows, col_widths=widths, align_right_cols=(0, 2, 3, 4, 5, 6) + ((7, 9) if strength_province else ()))
    doc.spacer()
    doc.paragraph("ĐỊNH NGHĨA CÁC CHỈ SỐ", "center_bold")
    defs: list[list[Any]] = [["Mã", "Chỉ số", "Công thức", "Tối đa", "Trọn điểm từ", "Nguồn dữ liệu trong Coso"]]
    for g in card.groups:
        for i in g.indicators:
            defs.append([i.code, str(i.label), str(i.formula), _num(i.max_points), _num(i.full_at, " %"), SOURCES.get(i.source, "Không có")])
    doc.table(defs, col_widths=[10, 40, 62, 14, 18, 26], align_right_cols=(3, 4))
    doc.paragraph(
        "Điểm của một chỉ số: đủ điểm khi tỷ lệ đạt ngưỡng “trọn điểm từ”; dưới ngưỡng, điểm = tỷ lệ × điểm tối đa ÷ ngưỡng. "
        "Điểm tối đa và ngưỡng theo quy định đang áp dụng cho đơn vị vào ngày cuối kỳ (trang Căn cứ pháp lý)."
    )
    if ranking and strength_province:
        doc.spacer()
        doc.paragraph("ĐỊNH NGHĨA CHỈ SỐ NĂNG LỰC XÃ", "center_bold")
        doc.paragraph(CSI_FORMULA)
        doc.table([["Thành phần", "Giá trị", "Căn cứ"], *_csi_definitions(period, strength_province)], col_widths=[60, 24, 86], align_right_cols=(1,))
    doc.signature("", "NGƯỜI LẬP BÁO CÁO", "")
    return doc.build()
