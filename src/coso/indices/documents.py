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


def index_xlsx(*, unit_name: str, period: Period, card: Scorecard, ranking: list[Any] | None = None, ranking_label: str = "") -> bytes:
    heading = [
        f"CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QUYẾT ĐỊNH 766/QĐ-TTg) — {unit_name}",
        f"{period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})",
        f"Điểm: {card.points} / {card.fed_max} điểm đo được; điểm quy đổi: {card.score100 if card.score100 is not None else '—'}/100; "
        f"độ phủ dữ liệu {card.coverage} %",
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
                "heading": [ranking_label, heading[1]],
                "headers": ["Hạng", "Đơn vị", "Điểm quy đổi", "Điểm", "Điểm đo được", "Thay đổi điểm", "Hạng kỳ trước"],
                "rows": [
                    [
                        r.rank or "",
                        r.name,
                        r.score if r.score is not None else "Chưa có dữ liệu",
                        r.card.points,
                        r.card.fed_max,
                        r.score_change if r.score_change is not None else "",
                        r.previous_rank or "",
                    ]
                    for r in ranking
                ],
                "widths": [8, 40, 14, 10, 14, 14, 14],
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
    return workbook_bytes(sheets)


def _num(value: Any, suffix: str = "") -> str:
    if value is None or value == "":
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".") + suffix


def index_pdf(*, unit_name: str, period: Period, card: Scorecard, ranking: list[Any] | None = None, ranking_label: str = "") -> bytes:
    """The index report as an A4 document (national motto header, as the other reports): the score, every indicator
    with its numerator, denominator, rate and points, the ranking when there is one, and the definitions."""
    from django.utils import timezone

    from coso.core.pdf import OfficialDocument

    today = timezone.localdate()
    doc = OfficialDocument(
        title="BÁO CÁO CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP",
        subtitle=f"Theo Quyết định 766/QĐ-TTg — {unit_name} — {period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})",
        agency_lines=[unit_name.upper()],
        place_date=f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        font_size=11,
    )
    doc.paragraph(
        f"Điểm đạt: {_num(card.points)} trên {_num(card.fed_max)} điểm đo được (tổng 100 điểm); điểm quy đổi: "
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
        doc.paragraph(ranking_label, "center_bold")
        rank_rows: list[list[Any]] = [["Hạng", "Đơn vị", "Điểm quy đổi", "Điểm", "Điểm đo được", "Thay đổi điểm", "Hạng kỳ trước"]]
        for r in ranking:
            rank_rows.append(
                [
                    r.rank or "—",
                    r.name,
                    _num(r.score) if r.score is not None else "Chưa có dữ liệu",
                    _num(r.card.points),
                    _num(r.card.fed_max),
                    _num(r.score_change),
                    r.previous_rank or "—",
                ]
            )
        doc.table(rank_rows, col_widths=[12, 60, 20, 16, 20, 20, 20], align_right_cols=(0, 2, 3, 4, 5, 6))
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
    doc.signature("", "NGƯỜI LẬP BÁO CÁO", "")
    return doc.build()
