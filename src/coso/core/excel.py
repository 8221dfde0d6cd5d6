"""Excel helpers (openpyxl): write a titled table, read an uploaded sheet safely.

Every string written by these helpers is stored as a text cell, never as a formula: a value typed by a
user (an applicant's name, a village, a note) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would otherwise be run by Excel or LibreOffice when the export is opened (CSV/formula
injection, OWASP). Such cells also carry Excel's own "quote prefix" flag, the same flag Excel sets when a
user types ``'=...``, so editing the cell in Excel keeps it text. Numbers, money and dates stay real cells.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from coso.core.exceptions import ApplicationError

THIN = Side(style="thin", color="999999")
MONEY_FORMAT = '#,##0" đ"'
DATE_FORMAT = "dd/mm/yyyy"
# A leading character that makes a spreadsheet treat the cell as a formula (or part of one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: Any) -> str:
    """A string for a cell: control characters that .xlsx cannot hold are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def set_value(cell: Cell | WriteOnlyCell, value: Any) -> Cell | WriteOnlyCell:
    """Put ``value`` in ``cell``; strings always become text cells (never a formula)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl turns "=..." into a formula; force a plain string
        if text.lstrip(" ")[:1] in FORMULA_TRIGGERS:
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


def text_cell(ws: Any, value: Any) -> Any:
    """A cell for a write-only sheet (``ws.append``): strings as text, other values unchanged."""
    if isinstance(value, (str, Promise, Decimal)):
        return set_value(WriteOnlyCell(ws), value)
    return value


def safe_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append`` on a write-only sheet, with every string written as text."""
    return [text_cell(ws, v) for v in values]


def workbook_bytes(sheets: Sequence[dict[str, Any]]) -> bytes:
    """Build an .xlsx: each sheet is {"title", "headers", "rows", "heading" (optional lines), "money_cols", "widths"}."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(title=str(spec["title"])[:31])
        row = 1
        for line in spec.get("heading", []):
            set_value(ws.cell(row=row, column=1), line).font = Font(bold=True, name="Times New Roman", size=12)
            row += 1
        if spec.get("heading"):
            row += 1
        headers = list(spec["headers"])
        for c, h in enumerate(headers, start=1):
            cell = set_value(ws.cell(row=row, column=c), str(h))
            cell.font = Font(bold=True, name="Times New Roman")
            cell.fill = PatternFill("solid", fgColor="EEEEEE")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        header_row = row
        money_cols = set(spec.get("money_cols", []))
        for values in spec["rows"]:
            row += 1
            for c, v in enumerate(values, start=1):
                cell = set_value(ws.cell(row=row, column=c), v)
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
