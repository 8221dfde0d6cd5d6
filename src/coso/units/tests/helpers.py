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


def merge_communes(actor: Any, *, target: Any, sources: list[Any], effective_on: Any, today: Any, new_name: str = "") -> Any:
    """Schedule (on ``today``) and apply (on ``effective_on``) the merger of the ``sources`` communes into ``target``, which
    keeps its code (``new_name``: its new name, empty to keep it), through the units services."""
    import datetime as dt

    from coso.units import services
    from coso.units.models import Reorganisation

    r = services.reorganisation_schedule(
        actor=actor, province_code=target.province_code, kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="15/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=effective_on, title="Sáp nhập",
        spec={"sources": [s.code for s in sources], "target": target.code, "new_name": new_name, "category": "other"}, today=today)
    services.reorganisation_apply(reorganisation_id=r.pk, today=effective_on)
    return r


def old_commune_merged_into(code: str, successor: Any, *, name: str = "Phường Hàng Bột") -> Any:
    """An old commune carrying ``code`` that ended on 1/7/2025, merged (primary) into ``successor``: with ``code`` now
    carried by another commune, a code given again."""
    import datetime as dt

    from coso.units.models import AdministrativeUnit, UnitSuccession

    old = AdministrativeUnit.all_objects.create(code=code, name=name, level="commune", kind="phuong", province_code="79",
                                                valid_from=None, valid_to=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=old, successor=successor, kind="merge", effective_on=dt.date(2025, 7, 1), is_primary=True)
    return old
