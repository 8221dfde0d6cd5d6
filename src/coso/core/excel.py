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
import math
import re
import time
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from coso.core import errors
from coso.core.exceptions import ApplicationError

MONEY_FORMAT = '#,##0" đ"'
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
# A leading character that makes a spreadsheet treat the cell as a formula (or part of one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula: its first character after spaces is a trigger."""
    return text.lstrip(" ")[:1] in FORMULA_TRIGGERS


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
        if looks_like_formula(text):
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


def text_cell(ws: Any, value: Any) -> Any:
    """A value for a write-only sheet (``ws.append``): a string that could start a formula (or holds a
    character .xlsx cannot store) becomes a text cell; ordinary strings and other values pass as they are
    (openpyxl writes them as plain strings, numbers, dates — and a cell object per value would halve the speed)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        if looks_like_formula(value) or ILLEGAL_CHARACTERS_RE.search(value):
            return set_value(WriteOnlyCell(ws), value)
        return value
    if isinstance(value, Decimal):
        return float(value)
    return value


def safe_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    """A row for ``ws.append`` on a write-only sheet, with every string written as text."""
    return [text_cell(ws, v) for v in values]


# The look of every table (workbook_bytes): Times New Roman, thin grey borders, a grey header row.
_BORDER = {"border": 1, "border_color": "#999999"}
_BODY = {"font_name": "Times New Roman", "font_size": 11, **_BORDER}
_HEADER = {**_BODY, "bold": True, "bg_color": "#EEEEEE", "pattern": 1, "text_wrap": True, "align": "center", "valign": "vcenter"}
_HEADING = {"font_name": "Times New Roman", "font_size": 12, "bold": True}


def workbook_bytes(sheets: Sequence[dict[str, Any]]) -> bytes:
    """Build an .xlsx: each sheet is {"title", "headers", "rows", "heading" (optional lines), "money_cols", "percent_cols"
    (ratios such as 0.692 shown as 69.2 %), "widths"}.

    Written with XlsxWriter, which writes a cell and its format about 3 times as fast as openpyxl (a province's funding
    export, 17,700 rows × 7 columns: 13 s with openpyxl and a new style object per cell, 2.5 s with openpyxl's named
    styles, under 1 s here). Strings are written as strings, never as formulas; a string that a spreadsheet would take
    for a formula also carries the quote-prefix flag (see the module's docstring)."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    heading_fmt, header_fmt = wb.add_format(_HEADING), wb.add_format(_HEADER)
    body = {kind: wb.add_format({**_BODY, **({"num_format": number} if number else {})})
            for kind, number in (("text", ""), ("money", MONEY_FORMAT), ("percent", PERCENT_FORMAT), ("date", DATE_FORMAT))}
    quoted = wb.add_format({**_BODY, "quote_prefix": True})
    heading_quoted = wb.add_format({**_HEADING, "quote_prefix": True})
    for spec in sheets:
        ws = wb.add_worksheet(str(spec["title"])[:31])
        row = 0
        for line in spec.get("heading", []):
            _write(ws, row, 0, line, heading_fmt, heading_quoted)
            row += 1
        if spec.get("heading"):
            row += 1
        headers = list(spec["headers"])
        for c, h in enumerate(headers):
            ws.write_string(row, c, clean_text(h), header_fmt)
        header_row = row
        money_cols = set(spec.get("money_cols", []))
        percent_cols = set(spec.get("percent_cols", []))
        for values in spec["rows"]:
            row += 1
            for c, v in enumerate(values):
                if c in money_cols:
                    fmt = body["money"]
                elif c in percent_cols and isinstance(v, (int, float)):
                    fmt = body["percent"]
                elif isinstance(v, (dt.date, dt.datetime)):
                    fmt = body["date"]
                else:
                    fmt = body["text"]
                _write(ws, row, c, v, fmt, quoted)
        widths = spec.get("widths") or [max(10, min(50, len(str(h)) + 4)) for h in headers]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(header_row + 1, 0)
    wb.close()
    return out.getvalue()


def _write(ws: Any, row: int, col: int, value: Any, fmt: Any, quoted: Any) -> None:
    """One cell of ``workbook_bytes``: a string as text (``quoted``: its format with the quote-prefix flag, for a
    string that starts like a formula), a number or a date as itself, nothing (or "", or a float that is not a number)
    as a blank cell with its borders."""
    if isinstance(value, Promise):
        value = str(value)
    if value is None or (isinstance(value, str) and not value) or (isinstance(value, float) and not math.isfinite(value)):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        text = clean_text(value)
        ws.write_string(row, col, text, quoted if looks_like_formula(text) else fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)  # .xlsx has no time zones: the local time
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, clean_text(value), fmt)


# Bounds of an uploaded sheet, checked before and while reading (a small .xlsx can hold millions of blank
# styled cells: 250 KB zipped, 40 MB of XML, half a minute of CPU if read blindly).
MAX_COLUMNS = 40  # columns the sheet may declare or use (the importers' templates have up to 22)
BLANK_ROW_SLACK = 1_000  # blank rows tolerated beyond the data-row limit (spacers, trailing formatted rows)
MAX_SHEET_XML_BYTES = 64 * 1024 * 1024  # uncompressed XML of all sheets and shared strings together
READ_SECONDS = 20.0  # wall-clock budget for reading one file


_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")  # <c ...>, <c/>, <x:c ...> (not <col>, <cfRule>)


def _check_package(data: bytes, *, max_cells: int) -> None:
    """Refuse, before openpyxl parses anything, a zip whose sheets expand to too much XML or hold more cells
    (blank styled cells included) than ``max_cells``. The sheets are streamed and counted, never parsed:
    a bomb of two million blank cells is refused in well under a second."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [i for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
            strings = [i for i in z.infolist() if i.filename == "xl/sharedStrings.xml"]
            declared = sum(i.file_size for i in parts + strings)
            if declared > MAX_SHEET_XML_BYTES:
                raise errors.EXCEL_EXPANDS_TOO_MUCH(mb=declared // (1024 * 1024), details={"rows": [], "expanded_bytes": declared})
            cells = expanded = 0
            for info in parts:
                tail = b""
                with z.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        expanded += len(chunk)
                        block = tail + chunk
                        cut = block.rfind(b"<")  # a tag is never split: count up to the last "<", keep the rest
                        cut = len(block) if cut < 0 else cut
                        cells += len(_CELL_TAG.findall(block, 0, cut))
                        tail = block[cut:]
                        if cells > max_cells or expanded > MAX_SHEET_XML_BYTES:
                            raise errors.EXCEL_TOO_MANY_CELLS(cells=f"{max_cells:_}".replace("_", "."),
                                                              details={"rows": [], "max_cells": max_cells})
                cells += len(_CELL_TAG.findall(tail))
    except ApplicationError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise errors.INVALID_EXCEL() from exc


def read_rows(data: bytes, *, expected_headers: Iterable[str], max_rows: int = 100_000, max_columns: int = MAX_COLUMNS,
              seconds: float = READ_SECONDS) -> list[dict[str, Any]]:
    """Read the first sheet: the first row holds headers; returns dicts with ``_row`` (Excel row number).

    Refuses files that are not .xlsx or whose headers lack a required column, and refuses early (before or
    while reading, never after minutes of CPU) a sheet that declares or holds more than ``max_rows`` data rows
    plus a little slack of blank rows, more than ``max_columns`` columns, too much XML, or takes longer than
    ``seconds`` to read. Blank rows count towards the bound: they cost as much to read as full ones.
    """
    _check_package(data, max_cells=(max_rows + BLANK_ROW_SLACK + 1) * max_columns)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
        raise errors.INVALID_EXCEL() from exc
    try:
        return _read_sheet(wb, expected_headers=expected_headers, max_rows=max_rows, max_columns=max_columns, seconds=seconds)
    finally:
        wb.close()


def _read_sheet(wb: Any, *, expected_headers: Iterable[str], max_rows: int, max_columns: int, seconds: float) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    ws = wb.worksheets[0]
    row_bound = max_rows + BLANK_ROW_SLACK + 1  # + the header row
    declared_rows, declared_cols = ws.max_row, ws.max_column  # from the sheet's <dimension>, when present
    if (declared_rows or 0) > row_bound or (declared_cols or 0) > max_columns:
        raise errors.EXCEL_DECLARES_TOO_MUCH(
            rows=declared_rows or 0, columns=declared_cols or 0, max_rows=max_rows, max_columns=max_columns,
            details={"rows": [], "declared_rows": declared_rows, "declared_columns": declared_cols},
        )
    rows = ws.iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        raise errors.EMPTY_EXCEL() from None
    if len(first) > max_columns:
        raise errors.EXCEL_TOO_MANY_COLUMNS(columns=len(first), max_columns=max_columns, details={"rows": [], "declared_columns": len(first)})
    header = [str(h).strip() if h is not None else "" for h in first]
    while header and not header[-1]:
        header.pop()
    missing = [h for h in expected_headers if h not in header]
    if missing:
        raise errors.MISSING_COLUMNS(columns=", ".join(missing), details={"missing": missing, "rows": []})
    width = len(header)
    out: list[dict[str, Any]] = []
    for i, values in enumerate(ws.iter_rows(min_row=2, max_col=max(width, 1), values_only=True), start=2):
        if i > row_bound:
            raise errors.EXCEL_TOO_MANY_ROWS(max_rows=max_rows, slack=BLANK_ROW_SLACK, details={"rows": [], "declared_rows": i})
        if time.monotonic() > deadline:
            raise errors.EXCEL_TOO_SLOW(seconds=f"{seconds:.0f}", details={"rows": []})
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= max_rows:
            raise errors.TOO_MANY_ROWS(max_rows=max_rows, details={"rows": []})
        record = {header[j]: values[j] if j < len(values) else None for j in range(width) if header[j]}
        record["_row"] = i
        out.append(record)
    return out
