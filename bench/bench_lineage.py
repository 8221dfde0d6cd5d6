"""2025 lineage: the loader run by `make run` (load_units) and the old-address converter.

Loader: the whole country (63 provinces, 696 districts, 10,035 communes before 1/7/2025 and 10,665
successions). Baseline: the same rows written with one raw executemany per table (no diffing, no
audit, no ORM), in the same database. The idempotent second pass is what every `make run` after
the first one costs.

Converter: convert_old_address on real old addresses (with and without diacritics). Baseline: the
vietnamadminunits parser alone on the same addresses (Coso adds the database look-ups of the old
unit and its successors, and its own matching when the parser finds no commune).
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

UNIT_COLUMNS = ("code", "name", "codename", "name_folded", "level", "kind", "province_code", "valid_from", "valid_to", "classification",
                "population", "area_km2", "is_border_or_island", "is_difficult_area", "is_security_hotspot", "agency_code")
SUCCESSION_COLUMNS = ("predecessor_id", "successor_id", "kind", "effective_on", "legal_basis", "decision_number", "decision_date",
                      "is_primary", "source")


def _delete_lineage() -> None:
    from coso.units.lineage_data import EFFECTIVE_2025, SOURCE
    from coso.units.models import AdministrativeUnit, UnitSuccession

    UnitSuccession.objects.filter(source=SOURCE).delete()
    ended = AdministrativeUnit.all_objects.filter(valid_to=EFFECTIVE_2025)
    ended.filter(level="commune").update(parent=None, legacy_district=None)
    ended.filter(level="district").update(parent=None)
    for level in ("commune", "district", "province"):
        ended.filter(level=level).delete()


def _raw_insert(units: list[tuple], parents: list[tuple[str, str, str, str]], successions: list[tuple[str, str, str, str, tuple]]) -> None:
    """Insert the snapshot with executemany: units, then parent ids, then successions (ids looked up by code)."""
    from django.db import connection, transaction

    from coso.units.models import AdministrativeUnit, UnitSuccession

    unit_table = AdministrativeUnit._meta.db_table
    succ_table = UnitSuccession._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cols = ", ".join(UNIT_COLUMNS)
        cur.executemany(f"INSERT INTO {unit_table} ({cols}) VALUES ({', '.join(['%s'] * len(UNIT_COLUMNS))})", units)  # noqa: S608
        ids = {(lvl, code): pk for pk, lvl, code in AdministrativeUnit.all_objects.filter(valid_to__isnull=False).values_list("pk", "level", "code")}
        current = {(lvl, code): pk for pk, lvl, code in AdministrativeUnit.objects.values_list("pk", "level", "code")}
        cur.executemany(
            f"UPDATE {unit_table} SET parent_id = %s WHERE id = %s",  # noqa: S608
            [(ids[(plevel, pcode)], ids[(level, code)]) for level, code, plevel, pcode in parents],
        )
        cols = ", ".join(SUCCESSION_COLUMNS)
        cur.executemany(
            f"INSERT INTO {succ_table} ({cols}) VALUES ({', '.join(['%s'] * len(SUCCESSION_COLUMNS))})",  # noqa: S608
            [(ids[(plevel, pcode)], current[(slevel, scode)], *rest) for plevel, pcode, slevel, scode, rest in successions],
        )


def _snapshot() -> tuple[list[tuple], list[tuple[str, str, str, str]], list[tuple[str, str, str, str, tuple]]]:
    from coso.units.lineage_data import EFFECTIVE_2025, SOURCE
    from coso.units.models import AdministrativeUnit, UnitSuccession

    ended = AdministrativeUnit.all_objects.filter(valid_to=EFFECTIVE_2025).order_by("level", "code")
    units = list(ended.values_list(*UNIT_COLUMNS))
    parents = [(u.level, u.code, u.parent.level, u.parent.code) for u in ended.select_related("parent") if u.parent is not None]
    successions = [
        (s.predecessor.level, s.predecessor.code, s.successor.level, s.successor.code,
         (s.kind, s.effective_on, s.legal_basis, s.decision_number, s.decision_date, s.is_primary, s.source))
        for s in UnitSuccession.objects.filter(source=SOURCE).select_related("predecessor", "successor")
    ]
    return units, parents, successions


def _addresses(count: int) -> list[str]:
    from coso.core.text import fold
    from coso.units.models import AdministrativeUnit

    communes = list(AdministrativeUnit.all_objects.filter(level="commune", valid_to__isnull=False).select_related("parent__parent"))
    rng = random.Random(2025)
    picked = rng.sample(communes, min(count, len(communes)))
    out = []
    for i, c in enumerate(picked):
        district = c.parent
        province = district.parent if district is not None else None
        assert district is not None and province is not None, f"{c.code}: a commune before 1/7/2025 has a district and a province"
        text = f"{c.name}, {district.name}, {province.name}"
        out.append(fold(text) if i % 2 else text)
    return out


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(quick: bool = False) -> list[dict[str, Any]]:
    from vietnamadminunits import parse_address

    from coso.units import lineage
    from coso.units.services import units_import_lineage_2025

    rows: list[dict[str, Any]] = []
    provinces = ["79"] if quick else None
    if quick:  # the smoke run: one province's lineage only
        _delete_lineage()
        units_import_lineage_2025(province_codes=provinces)
    elif not lineage.has_lineage():
        units_import_lineage_2025()
    snapshot = _snapshot()
    n_units, n_succ = len(snapshot[0]), len(snapshot[2])
    _delete_lineage()
    t0 = time.perf_counter()
    _raw_insert(*snapshot)
    t_raw = time.perf_counter() - t0
    _delete_lineage()
    t0 = time.perf_counter()
    units_import_lineage_2025(province_codes=provinces)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = units_import_lineage_2025(province_codes=provinces)
    t_again = time.perf_counter() - t0
    assert again["units_created"] == again["successions_created"] == 0
    rows.append({"benchmark": f"lineage loader, first run ({n_units:,} old units, {n_succ:,} successions)", "value": t_first, "unit": "s",
                 "baseline": "same rows, raw executemany", "baseline_value": t_raw,
                 "note": "diff against existing rows, name matching with vietnam-provinces, audit summary; run by make run"})
    rows.append({"benchmark": "lineage loader, repeat run (nothing to change)", "value": t_again, "unit": "s",
                 "baseline": "first run", "baseline_value": t_first, "note": "what every later make run costs"})

    addresses = _addresses(100 if quick else 1000)
    parse_address(addresses[0], mode="LEGACY", level=3)  # warm both: the package compiles its patterns lazily
    lineage.convert_old_address(addresses[0])
    coso_t, pkg_t = [], []
    found = 0
    for a in addresses:
        t0 = time.perf_counter()
        parse_address(a, mode="LEGACY", level=3)
        pkg_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        found += lineage.convert_old_address(a).found
        coso_t.append(time.perf_counter() - t0)
    rows.append({"benchmark": f"old address → current commune, p95 ({len(addresses)} real old addresses, half without diacritics)",
                 "value": _ms(coso_t, 0.95), "unit": "ms", "baseline": "vietnamadminunits parser alone, p95", "baseline_value": _ms(pkg_t, 0.95),
                 "note": f"found {found}/{len(addresses)}; median {statistics.median(coso_t) * 1000:.1f} ms vs {statistics.median(pkg_t) * 1000:.1f} ms"})
    return rows
