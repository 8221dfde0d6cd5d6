"""Excel helpers (openpyxl): write a titled table, read an uploaded sheet safely."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from coso.core.exceptions import ApplicationError

THIN = Side(style="thin", color="999999")
MONEY_FORMAT = '#,##0" đ"'
DATE_FORMAT = "dd/mm/yyyy"


def workbook_bytes(sheets: Sequence[dict[str, Any]]) -> bytes:
    """Build an .xlsx: each sheet is {"title", "headers", "rows", "heading" (optional lines), "money_cols", "widths"}."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(title=str(spec["title"])[:31])
        row = 1
        for line in spec.get("heading", []):
            ws.cell(row=row, column=1, value=line).font = Font(bold=True, name="Times New Roman", size=12)
            row += 1
        if spec.get("heading"):
            row += 1
        headers = list(spec["headers"])
        for c, h in enumerate(headers, start=1):
            cell = ws.cell(row=row, column=c, value=str(h))
            cell.font = Font(bold=True, name="Times New Roman")
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        header_row = row
        money_cols = set(spec.get("money_cols", []))
        for values in spec["rows"]:
            row += 1
            for c, v in enumerate(values, start=1):
                if isinstance(v, Decimal):
                    v = float(v)
                cell = ws.cell(row=row, column=c, value=v)
                cell.font = Font(name="Times New Roman")
                cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
                if (c - 1) in money_cols:
                    cell.number_format = MONEY_FORMAT
                elif isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = DATE_FORMAT
        widths = spec.get("widths") or [max(10, min(50, len(str(h)) + 4)) for h in headers]
        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(data: bytes, *, expected_headers: Iterable[str], max_rows: int = 100_000) -> list[dict[str, Any]]:
    """Read the first sheet: the first row holds headers; returns dicts with ``_row`` (Excel row number).

    Refuses files that are not .xlsx or whose headers lack a required column.
    """
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
        raise ApplicationError("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.", code="invalid-excel") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise ApplicationError("Bảng tính trống.", code="empty-excel") from None
    missing = [h for h in expected_headers if h not in header]
    if missing:
        raise ApplicationError(
            "Thiếu cột: " + ", ".join(missing), code="missing-columns", details={"missing": missing, "rows": []}
        )
    out: list[dict[str, Any]] = []
    for i, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= max_rows:
            raise ApplicationError(f"Tệp có quá {max_rows} dòng.", code="too-many-rows")
        record = {header[j]: values[j] if j < len(values) else None for j in range(len(header)) if header[j]}
        record["_row"] = i
        out.append(record)
    return out
