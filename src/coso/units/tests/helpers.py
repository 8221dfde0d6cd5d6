"""Builders for units tests: spreadsheets in memory."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from coso.units.services import IMPORT_HEADERS


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or IMPORT_HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
