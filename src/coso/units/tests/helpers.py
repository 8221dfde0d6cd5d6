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


def load_lineage(*province_codes: str) -> dict[str, Any]:
    """Current units of these provinces (vietnam-provinces) and the old units that became part of
    them, with their successions (vietnamadminunits): a fast subset of ``manage.py load_units``."""
    from coso.units.services import units_import_lineage_2025, units_import_official

    units_import_official(province_codes=province_codes)
    return units_import_lineage_2025(province_codes=province_codes)
