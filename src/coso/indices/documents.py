"""Excel export of the Decision 766 index report, with the definition of every figure."""

from __future__ import annotations

from typing import Any

from coso.core.excel import workbook_bytes
from coso.indices.engine import Scorecard
from coso.indices.periods import Period

SOURCES = {"dossier": "Hồ sơ một cửa", "feedback": "Phản ánh, kiến nghị", "catalogue": "Danh mục thủ tục hành chính"}
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
