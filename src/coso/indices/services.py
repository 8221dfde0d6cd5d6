"""Writes of the indices app: the rollups (rebuild from scratch, incremental refresh) and their check.

Dossier and feedback records are read only through ``coso.dossiers.selectors.index_facts`` /
``coso.feedback.selectors.index_facts`` (and their ``index_dirty_keys``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db import connections, router, transaction
from django.utils import timezone

from coso.core.audit import audit_log
from coso.core.models import AuditLog
from coso.dossiers import selectors as dossier_selectors
from coso.feedback import selectors as feedback_selectors
from coso.indices.models import IndexRollup, ProvinceRollup, RollupState

BATCH = 500  # rows per INSERT (6 parameters each: within SQLite's and PostgreSQL's limits)
# Records saved while a refresh runs are seen by the next one: start it a little before the last.
OVERLAP = dt.timedelta(minutes=2)


def collect_facts(**kwargs: Any) -> list[dict[str, Any]]:
    """Every fact from both sources (``day_from``, ``day_to``, ``units``, ``by_day``)."""
    return [*dossier_selectors.index_facts(**kwargs), *feedback_selectors.index_facts(**kwargs)]


def _province_map() -> dict[str, str]:
    from coso.units.models import AdministrativeUnit

    return dict(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).values_list("code", "province_code"))


def _rows(facts: Iterable[dict[str, Any]], provinces: dict[str, str]) -> Iterable[tuple[Any, ...]]:
    for f in facts:
        if not f["denominator"]:
            continue
        unit = f["unit_code"] or ""
        yield (unit, provinces.get(unit) or f["province_code"] or "", f["day"], f["indicator"], f["numerator"], f["denominator"])


def _state() -> RollupState:
    state, _ = RollupState.objects.select_for_update().get_or_create(name="d766")
    return state


def _insert(rows: Iterable[tuple[Any, ...]]) -> int:
    """Multi-row inserts into the app's own table (the ORM's per-object work dominated the rebuild)."""
    conn = connections[router.db_for_write(IndexRollup)]
    # The table name is the model's, quoted; every value is a parameter.
    table = conn.ops.quote_name(IndexRollup._meta.db_table)
    head = f"INSERT INTO {table} (commune_code, province_code, day, indicator, numerator, denominator) VALUES "  # noqa: S608
    n = 0
    with conn.cursor() as cur:
        for chunk in _chunks(rows, BATCH):
            cur.execute(head + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk)), [v for row in chunk for v in row])
            n += len(chunk)
    return n


def _sum_provinces(province_code: str | None = None, first: dt.date | None = None, last: dt.date | None = None) -> None:
    """(Re)write the province rollups from the commune rollups (all, or one province over a span of days)."""
    conn = connections[router.db_for_write(IndexRollup)]
    qn = conn.ops.quote_name
    src, dst = qn(IndexRollup._meta.db_table), qn(ProvinceRollup._meta.db_table)
    where, params = "", cast(list[Any], [])
    target = ProvinceRollup.objects.all()
    if province_code is not None and first is not None and last is not None:
        where, params = " WHERE province_code = %s AND day >= %s AND day <= %s", [province_code, first, last]
        target = target.filter(province_code=province_code, day__gte=first, day__lte=last)
    target.delete()
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {dst} (province_code, day, indicator, numerator, denominator) "  # noqa: S608 -- model tables, quoted; values are parameters
            f"SELECT province_code, day, indicator, SUM(numerator), SUM(denominator) FROM {src}{where} GROUP BY province_code, day, indicator",
            params,
        )


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterable[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rollups_rebuild(*, actor: Any = None) -> int:
    """Drop every rollup and count them again from the records. Returns the number of rows written."""
    started = timezone.now()
    with transaction.atomic():
        state = _state()
        IndexRollup.objects.all().delete()
        n = _insert(_rows(collect_facts(by_day=True), _province_map()))
        _sum_provinces()
        state.rebuilt_at = state.refreshed_at = started
        state.save(update_fields=["rebuilt_at", "refreshed_at"])
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=state, verb="indices_rebuild", after={"rows": n})
    return n


def rollups_refresh(*, now: dt.datetime | None = None, today: dt.date | None = None) -> int:
    """Re-count the (commune, day) pairs touched since the last refresh. Idempotent.

    The first run (no refresh recorded) rebuilds everything. Returns the number of communes re-counted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        state = _state()
        if state.refreshed_at is None:
            rollups_rebuild()
            return -1
        since = state.refreshed_at - OVERLAP
        dirty = dossier_selectors.index_dirty_keys(since=since) | feedback_selectors.index_dirty_keys(since=since, today=today)
        n = refresh_keys(dirty, today=today)
        state.refreshed_at = now
        state.save(update_fields=["refreshed_at"])
    return n


def refresh_keys(keys: Iterable[tuple[str, dt.date]], *, today: dt.date | None = None) -> int:
    """Re-count the given (commune, day) pairs (each commune over the span of its days)."""
    by_unit: dict[str, list[dt.date]] = defaultdict(list)
    for unit, day in keys:
        by_unit[unit].append(day)
    if not by_unit:
        return 0
    provinces = _province_map()
    with transaction.atomic():
        for unit, days in by_unit.items():
            first, last = min(days), max(days)
            facts = [
                *dossier_selectors.index_facts(day_from=first, day_to=last, units=[unit]),
                *feedback_selectors.index_facts(day_from=first, day_to=last, units=[unit], today=today),
            ]
            touched = set(
                IndexRollup.objects.filter(commune_code=unit, day__gte=first, day__lte=last).values_list("province_code", flat=True).distinct()
            )
            IndexRollup.objects.filter(commune_code=unit, day__gte=first, day__lte=last).delete()
            rows = list(_rows(facts, provinces))
            _insert(rows)
            for province in touched | {r[1] for r in rows}:
                _sum_provinces(province, first, last)
    return len(by_unit)


def refresh_records(*, dossier_ids: list[int], feedback_ids: list[int]) -> int:
    """Re-count the (commune, day) pairs of the given records (the event-driven update)."""
    keys: set[tuple[str, dt.date]] = set()
    if dossier_ids:
        keys |= dossier_selectors.index_dirty_keys(pks=list(dossier_ids))
    if feedback_ids:
        keys |= feedback_selectors.index_dirty_keys(pks=list(feedback_ids))
    return refresh_keys(keys)


@dataclass
class Mismatch:
    commune_code: str
    indicator: str
    rollup: tuple[int, int]
    records: tuple[int, int]


def rollups_check() -> list[Mismatch]:
    """Compare every (commune, indicator) total of the rollups with a full recomputation from the records."""
    from django.db.models import Sum

    stored: dict[tuple[str, str], tuple[int, int]] = {
        (r["commune_code"], r["indicator"]): (r["n"], r["d"])
        for r in IndexRollup.objects.values("commune_code", "indicator").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    }
    fresh: dict[tuple[str, str], tuple[int, int]] = {}
    for f in collect_facts(by_day=False):
        if f["denominator"]:
            fresh[(f["unit_code"] or "", f["indicator"])] = (f["numerator"], f["denominator"])
    out = []
    by_province: dict[tuple[str, str], tuple[int, int]] = {
        (r["province_code"], r["indicator"]): (r["n"], r["d"])
        for r in IndexRollup.objects.values("province_code", "indicator").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    }
    provinces = {
        (r["province_code"], r["indicator"]): (r["n"], r["d"])
        for r in ProvinceRollup.objects.values("province_code", "indicator").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    }
    for key in sorted(set(by_province) | set(provinces)):
        if by_province.get(key, (0, 0)) != provinces.get(key, (0, 0)):
            out.append(Mismatch("province " + key[0], key[1], provinces.get(key, (0, 0)), by_province.get(key, (0, 0))))
    for key in sorted(set(stored) | set(fresh)):
        a, b = stored.get(key, (0, 0)), fresh.get(key, (0, 0))
        if a != b:
            out.append(Mismatch(key[0], key[1], a, b))
    return out
