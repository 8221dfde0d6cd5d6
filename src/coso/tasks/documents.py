"""Periodic task report as Excel (coso.core.excel) and PDF (coso.core.pdf)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from coso.core import excel
from coso.core.pdf import OfficialDocument
from coso.tasks.periods import Period

HEADERS = [
    "Xã, phường",
    "Tổng số nhiệm vụ",
    "Đã hoàn thành đúng hạn",
    "Đã hoàn thành quá hạn",
    "Chưa hoàn thành trong hạn",
    "Chưa hoàn thành quá hạn",
    "Dừng/hủy",
    "Nhiệm vụ đến hạn",
    "Tỷ lệ hoàn thành (%)",
    "Tỷ lệ quá hạn (%)",
]


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _row(f: Any) -> list[Any]:
    return [
        f.label,
        f.total,
        f.completed_on_time,
        f.completed_late,
        f.open_in_term,
        f.open_overdue,
        f.stopped,
        f.due,
        _pct(f.completion_rate),
        _pct(f.overdue_rate),
    ]


def _heading(unit_name: str, period: Period, data: dict[str, Any]) -> list[str]:
    return [
        f"BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO — {period.label_vi.upper()}",
        f"Đơn vị: {unit_name}",
        f"Nhiệm vụ giao từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}; tình trạng tính đến ngày {data['on']:%d/%m/%Y}.",
        "Tỷ lệ tính trên số nhiệm vụ đến hạn (đã hoàn thành + chưa hoàn thành quá hạn)."
        + (
            " Nhiệm vụ được gia hạn tính theo thời hạn mới."
            if data["extension_counts"]
            else " Nhiệm vụ được gia hạn tính theo thời hạn giao ban đầu."
        ),
    ]


def report_xlsx(*, unit_name: str, period: Period, data: dict[str, Any]) -> bytes:
    rows = [_row(f) for f in data["rows"]] + [_row(data["total"])]
    return excel.workbook_bytes(
        [
            {
                "title": "Báo cáo nhiệm vụ",
                "heading": _heading(unit_name, period, data),
                "headers": HEADERS,
                "rows": rows,
                "widths": [34, 10, 12, 12, 12, 12, 10, 12, 12, 12],
            }
        ]
    )


def report_pdf(*, unit_name: str, period: Period, data: dict[str, Any]) -> bytes:
    today = timezone.localdate()
    doc = OfficialDocument(
        title="BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO",
        agency_lines=[unit_name.upper()],
        place_date=f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        subtitle=period.label_vi,
        font_size=11,
    )
    for line in _heading(unit_name, period, data)[2:]:
        doc.paragraph(line)
    short = [
        "Xã, phường",
        "Tổng",
        "HT đúng hạn",
        "HT quá hạn",
        "Chưa HT trong hạn",
        "Chưa HT quá hạn",
        "Dừng/ hủy",
        "Đến hạn",
        "Tỷ lệ HT %",
        "Tỷ lệ quá hạn %",
    ]
    rows = [short] + [[str(v) for v in _row(f)] for f in [*data["rows"], data["total"]]]
    doc.table(rows, col_widths=[38, 12, 14, 14, 16, 16, 12, 14, 14, 14], align_right_cols=tuple(range(1, 10)))
    doc.signature("", "NGƯỜI LẬP BÁO CÁO", "")
    return doc.build()
