"""Writes of the indices app: the rollups (rebuild from scratch, incremental refresh) and their check.

Dossier and feedback records are read only through ``coso.dossiers.selectors`` / ``coso.feedback.selectors``
(``index_fact_queries`` for the set-based writes in ``sql.py``, ``index_facts`` for the full recount of the
check, ``index_dirty_keys``); the usage rollups of indicator 3.2 through ``dossiers.selectors.index_usage_query``
(written) and ``index_usage`` (the check), on the same (commune, day) pairs and in the same transactions.

Also the yearly figures a province enters for the commune-strength index (``province_figures_save``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coso.accounts.roles import Role
from coso.core import locks
from coso.core.audit import audit_log, audited_create, audited_delete, audited_update
from coso.core.bulk import refresh_statistics
from coso.core.models import AuditLog
from coso.dossiers import selectors as dossier_selectors
from coso.feedback import selectors as feedback_selectors
from coso.indices import cache as figures_cache
from coso.indices import errors, sql
from coso.indices.models import (
    COUNT_COLUMNS,
    IndexRollup,
    MonthRollup,
    ProvinceRollup,
    ProvinceUsageRollup,
    RollupState,
    UsageMonthRollup,
    UsageRollup,
    facts_of,
)

# Records saved while a refresh runs are seen by the next one: start it a little before the last.
OVERLAP = dt.timedelta(minutes=2)


def collect_facts(**kwargs: Any) -> list[dict[str, Any]]:
    """Every fact from both sources, read row by row (``day_from``, ``day_to``, ``units``, ``by_day``): the full recount."""
    return [*dossier_selectors.index_facts(**kwargs), *feedback_selectors.index_facts(**kwargs)]


def fact_queries(*, today: dt.date | None = None, **kwargs: Any) -> list[sql.FactQuery]:
    """The grouped queries of both sources (by day), for a set-based insert."""
    return [*dossier_selectors.index_fact_queries(**kwargs), *feedback_selectors.index_fact_queries(today=today, **kwargs)]


def _state() -> RollupState:
    state, _ = RollupState.objects.select_for_update().get_or_create(name="d766")
    return state


def rollups_rebuild(*, actor: Any = None) -> int:
    """Drop every rollup and count them again from the records. Returns the number of rows written."""
    started = timezone.now()
    with transaction.atomic():
        state = _state()
        sql.tune_for_rebuild()
        sql.clear()
        with sql.indexes_built_after(IndexRollup, primary_key=True), sql.indexes_built_after(UsageRollup):
            sql.insert_facts_into_empty(fact_queries(by_day=True))
            sql.insert_usage(dossier_selectors.index_usage_query(by_day=True))
        n = IndexRollup.objects.count()
        sql.sum_provinces()
        sql.sum_months()
        refresh_statistics(IndexRollup, ProvinceRollup, UsageRollup, ProvinceUsageRollup, MonthRollup, UsageMonthRollup)
        state.rebuilt_at = state.refreshed_at = started
        figures_cache.bump(everything=True)
        state.save(update_fields=["rebuilt_at", "refreshed_at"])
        audit_log(
            actor=actor,
            action=AuditLog.Action.ACTION,
            obj=state,
            verb="indices_rebuild",
            after={"rows": n, "usage_rows": UsageRollup.objects.count()},
        )
    return n


def rollups_refresh(*, now: dt.datetime | None = None, today: dt.date | None = None) -> int:
    """Re-count the (commune, day) pairs touched since the last refresh, and every day of the communes of the
    reorganisations applied since (:func:`refresh_units`). Idempotent.

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
        # The communes of the reorganisations applied since: their re-count is queued when each is applied
        # (``indices.reorg``); counted again here, so that one that failed is not left until a full rebuild.
        from coso.indices.reorg import communes_of
        from coso.units.selectors import reorganisation_plans_applied_since

        reorganised = {code for plan in reorganisation_plans_applied_since(since) for code in communes_of(plan)}
        if reorganised:
            n += refresh_units(reorganised, today=today)
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
    home = sql.home_provinces(list(by_unit))
    with transaction.atomic():
        # Every re-count takes the locks of the provinces whose rollups it writes, and of the commune, before it reads
        # them (``sql.lock_units``): two re-counts of one commune, or of two communes of one province, run one after
        # the other. Communes in the order of their province, so that two re-counts take the provinces in one order.
        for unit in sorted(by_unit, key=lambda u: (home.get(u, ""), u)):
            days = by_unit[unit]
            first, last = min(days), max(days)
            span = IndexRollup.objects.filter(commune_code=unit, day__gte=first, day__lte=last)
            usage = UsageRollup.objects.filter(commune_code=unit, day__gte=first, day__lte=last)
            if unit in home:  # the province before the commune: no re-count holds a commune while it waits for its province
                sql.lock_units(home[unit])
            sql.lock_units(unit)
            touched = _provinces_of(span, usage)
            sql.lock_units(*touched)  # an old commune's rows may carry another province (rare)
            span.delete()
            usage.delete()
            sql.insert_facts(fact_queries(day_from=first, day_to=last, units=[unit], today=today))
            sql.insert_usage(dossier_selectors.index_usage_query(day_from=first, day_to=last, units=[unit]))
            touched |= _provinces_of(span, usage)
            sql.lock_units(*touched)  # a commune no longer in the register counts under its records' province
            for province in touched:
                sql.sum_provinces(province, first, last)
            sql.sum_months(unit, first, last)
            figures_cache.bump(touched, days=(first, last))
    return len(by_unit)


def refresh_units(codes: Iterable[str], *, today: dt.date | None = None) -> int:
    """Re-count every day of the given communes: after a reorganisation, whose lineage moves the history of the communes
    it ended under the commune that took them over (``coso.units.lineage.current_code_expression``), and whose movers
    moved open records from one commune to another. Each commune's rows are deleted and written again from its records,
    then its provinces' and months' sums over the span of days it had or has. Returns the number of communes re-counted."""
    from django.db.models import Max, Min

    units = sorted(set(codes))
    if not units:
        return 0
    home = sql.home_provinces(units)
    with transaction.atomic():
        # the locks in the order of refresh_keys: a province before its communes, communes in the order of their province
        for unit in sorted(units, key=lambda u: (home.get(u, ""), u)):
            rows = IndexRollup.objects.filter(commune_code=unit)
            usage = UsageRollup.objects.filter(commune_code=unit)
            if unit in home:
                sql.lock_units(home[unit])
            sql.lock_units(unit)
            touched = _provinces_of(rows, usage)
            sql.lock_units(*touched)
            days = [d for qs in (rows, usage) for d in qs.aggregate(first=Min("day"), last=Max("day")).values() if d is not None]
            rows.delete()
            usage.delete()
            sql.insert_facts(fact_queries(units=[unit], today=today))
            sql.insert_usage(dossier_selectors.index_usage_query(units=[unit]))
            days += [d for qs in (rows, usage) for d in qs.aggregate(first=Min("day"), last=Max("day")).values() if d is not None]
            if not days:
                continue
            first, last = min(days), max(days)
            touched |= _provinces_of(rows, usage)
            sql.lock_units(*touched)
            for province in touched:
                sql.sum_provinces(province, first, last)
            sql.sum_months(unit, first, last)
            figures_cache.bump(touched, days=(first, last))
    return len(units)


def _provinces_of(*rows: Any) -> set[str]:
    """The provinces the rollup rows of these querysets carry."""
    return {p for qs in rows for p in qs.values_list("province_code", flat=True).distinct()}


def refresh_records(*, dossier_ids: list[int], feedback_ids: list[int], keys: Iterable[tuple[str, str]] = ()) -> int:
    """Re-count the (commune, day) pairs of the given records (the event-driven update), and ``keys``
    ((commune, ISO day) pairs the records counted on before a change)."""
    pairs: set[tuple[str, dt.date]] = {(unit, dt.date.fromisoformat(day)) for unit, day in keys}
    if dossier_ids:
        pairs |= dossier_selectors.index_dirty_keys(pks=list(dossier_ids))
    if feedback_ids:
        pairs |= feedback_selectors.index_dirty_keys(pks=list(feedback_ids))
    return refresh_keys(pairs)


@dataclass
class Mismatch:
    commune_code: str
    indicator: str
    rollup: tuple[int, int]
    records: tuple[int, int]


def rollups_check() -> list[Mismatch]:
    """Compare every (commune, indicator) total of the rollups with a full recomputation from the records."""
    stored = _totals(IndexRollup.objects.all(), "commune_code")
    fresh: dict[tuple[str, str], tuple[int, int]] = {}
    for f in collect_facts(by_day=False):
        if f["denominator"]:
            fresh[(f["unit_code"] or "", f["indicator"])] = (f["numerator"], f["denominator"])
    out = []
    by_province, provinces = _totals(IndexRollup.objects.all(), "province_code"), _totals(ProvinceRollup.objects.all(), "province_code")
    for key in sorted(set(by_province) | set(provinces)):
        if by_province.get(key, (0, 0)) != provinces.get(key, (0, 0)):
            out.append(Mismatch("province " + key[0], key[1], provinces.get(key, (0, 0)), by_province.get(key, (0, 0))))
    for key in sorted(set(stored) | set(fresh)):
        a, b = stored.get(key, (0, 0)), fresh.get(key, (0, 0))
        if a != b:
            out.append(Mismatch(key[0], key[1], a, b))
    return out + _usage_check() + _month_check()


def _totals(qs: Any, unit: str) -> dict[tuple[str, str], tuple[int, int]]:
    """{(unit, indicator): (numerator, denominator)} summed over the days of rollup rows."""
    from django.db.models import Sum

    out: dict[tuple[str, str], tuple[int, int]] = {}
    for r in qs.values(unit).annotate(**{c: Sum(c) for c in COUNT_COLUMNS}).order_by():
        for indicator, fact in facts_of(r).items():
            out[(r[unit], indicator)] = fact
    return out


def _usage_check() -> list[Mismatch]:
    """The usage rollups of 3.2: every (commune, procedure) total against a full recount, and every (province, procedure)
    total against the communes' (a mismatch's counts are online dossiers, shown as n/n)."""
    from django.db.models import Sum

    def totals(qs: Any, unit: str) -> dict[tuple[str, str], int]:
        return {(r[unit], r["procedure_code"]): int(r["n"]) for r in qs.values(unit, "procedure_code").annotate(n=Sum("dossiers")).order_by()}

    stored = totals(UsageRollup.objects.all(), "commune_code")
    fresh: dict[tuple[str, str], int] = defaultdict(int)
    for r in dossier_selectors.index_usage(by_day=False):
        fresh[(r["unit_code"] or "", r["procedure_code"])] += r["dossiers"]
    by_province, provinces = totals(UsageRollup.objects.all(), "province_code"), totals(ProvinceUsageRollup.objects.all(), "province_code")
    out = []
    for key in sorted(set(by_province) | set(provinces)):
        a, b = provinces.get(key, 0), by_province.get(key, 0)
        if a != b:
            out.append(Mismatch("province " + key[0], f"3.2 {key[1]}", (a, a), (b, b)))
    for key in sorted(set(stored) | set(fresh)):
        a, b = stored.get(key, 0), fresh.get(key, 0)
        if a != b:
            out.append(Mismatch(key[0], f"3.2 {key[1]}", (a, a), (b, b)))
    return out


def _month_check() -> list[Mismatch]:
    """The month rollups against the sums of the day rows they are written from (a mismatch names the commune and the
    month; a usage month's counts are online dossiers, shown as n/n)."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    def sums(qs: Any, keys: tuple[str, ...], values: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {tuple(r[k] for k in (*keys, "month")): r for r in qs.values(*keys, "month").annotate(**{v: Sum(v) for v in values}).order_by()}

    def unit(key: tuple[Any, ...]) -> str:
        return f"{key[0]} {key[-1]:%m/%Y}"

    out = []
    index_keys = ("commune_code", "province_code")
    stored = sums(MonthRollup.objects.all(), index_keys, COUNT_COLUMNS)
    fresh = sums(IndexRollup.objects.annotate(month=TruncMonth("day")), index_keys, COUNT_COLUMNS)
    for key in sorted(set(stored) | set(fresh), key=str):
        a, b = facts_of(stored.get(key, {})), facts_of(fresh.get(key, {}))
        out += [Mismatch(unit(key), code, a.get(code, (0, 0)), b.get(code, (0, 0))) for code in sorted(set(a) | set(b)) if a.get(code) != b.get(code)]
    usage_keys = ("commune_code", "province_code", "procedure_code")
    stored = sums(UsageMonthRollup.objects.all(), usage_keys, ("dossiers",))
    fresh = sums(UsageRollup.objects.annotate(month=TruncMonth("day")), usage_keys, ("dossiers",))
    for key in sorted(set(stored) | set(fresh), key=str):
        n, m = int(stored.get(key, {}).get("dossiers") or 0), int(fresh.get(key, {}).get("dossiers") or 0)
        if n != m:
            out.append(Mismatch(unit(key), f"3.2 {key[2]}", (n, n), (m, m)))
    return out


# ---------------------------------------------------------------- figures the province enters (strength index inputs)
# Who enters them: the province's home-affairs department (PAR, legal access, SIPAS are its work) and its administrators.
PROVINCE_FIGURE_ROLES = frozenset({Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN})
# The oldest year a figure may be entered for (the commune-strength index starts with the two-level government).
PROVINCE_FIGURE_FIRST_YEAR = 2020


def can_enter_province_figures(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.role in PROVINCE_FIGURE_ROLES and user.province_code)


# The longest value read (spaces around it aside): "100.00" takes 6 characters; a longer one is not a figure typed.
FIGURE_VALUE_MAX_CHARS = 30
PLAIN_NUMBER = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+", re.ASCII)


def _figure_value(raw: str, kind: str) -> Decimal | None:
    """The value typed for a commune ("" → none; "85,5" and "85.5" both read), or ValueError with the reason."""
    text = raw.strip().replace(",", ".")
    if not text:
        return None
    if len(text) > FIGURE_VALUE_MAX_CHARS:
        raise ValueError(_("Giá trị quá dài: nhập một số từ 0 đến 100, tối đa 2 chữ số thập phân."))
    # Digits 0-9 and one decimal point only: Decimal also reads "1e1" (10), "٨٥" or "８５" (85) and "7_5", a figure nobody
    # typed as such.
    if not PLAIN_NUMBER.fullmatch(text):
        raise ValueError(_("Giá trị phải là một số từ 0 đến 100."))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Giá trị phải là một số từ 0 đến 100.")) from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValueError(_("Giá trị phải là một số từ 0 đến 100."))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("Giá trị có tối đa 2 chữ số thập phân."))
    if kind == "pass" and value not in (0, 100):
        raise ValueError(_("Chọn Đạt hoặc Chưa đạt."))
    return value.quantize(Decimal("0.01"))


def province_figures_save(*, actor: Any, key: str, year: int, document: str, values: dict[str, Any]) -> int:
    """Enter one input's figures of a year for communes of the actor's province: ``values`` {commune code: typed value}
    ("" removes a figure entered before). Every value is checked first; any error refuses the whole entry with the
    reason per commune (``details["rows"]``) and saves nothing. Each figure created, changed or removed is audited.
    Returns the number of figures changed."""
    from coso.indices.models import ProvinceFigure
    from coso.indices.strength import PROVINCE_FIGURES
    from coso.units.selectors import unit_list

    if not can_enter_province_figures(actor):
        raise errors.PROVINCE_FIGURE_FORBIDDEN()
    kind = PROVINCE_FIGURES.get(key)
    if kind is None:
        raise errors.UNKNOWN_PROVINCE_FIGURE()
    if not PROVINCE_FIGURE_FIRST_YEAR <= year <= timezone.localdate().year:
        raise errors.PROVINCE_FIGURE_YEAR(first=PROVINCE_FIGURE_FIRST_YEAR)
    document = " ".join(document.split())
    if not document or len(document) > 200:
        raise errors.PROVINCE_FIGURE_DOCUMENT()
    communes = set(unit_list(fetched_by=actor, level="commune", province_code=actor.province_code).values_list("code", flat=True))
    parsed: dict[str, Decimal | None] = {}
    row_errors: dict[str, str] = {}
    for code, raw in values.items():
        if code not in communes:
            row_errors[code] = str(_("Xã, phường không thuộc tỉnh."))
            continue
        try:
            parsed[code] = _figure_value("" if raw is None else str(raw), kind)
        except ValueError as exc:
            row_errors[code] = str(exc)
    if row_errors:
        raise errors.PROVINCE_FIGURE_ROWS(n=len(row_errors), details={"rows": row_errors})
    changed = 0
    with transaction.atomic():
        locks.lock(ProvinceFigure, "indices.province_figures", actor.province_code)  # two entries of the province at once: one after the other
        existing = {f.commune_code: f for f in ProvinceFigure.objects.select_for_update().filter(
            province_code=actor.province_code, key=key, year=year, commune_code__in=list(parsed))}
        for code, value in sorted(parsed.items()):
            found = existing.get(code)
            if value is None:
                if found is not None:
                    audited_delete(found, actor=actor, verb="province_figure_removed")
                    changed += 1
            elif found is None:
                audited_create(ProvinceFigure(province_code=actor.province_code, commune_code=code, key=key, year=year, value=value,
                                              document=document, updated_by=actor), actor=actor, verb="province_figure_entered")
                changed += 1
            elif found.value != value or found.document != document:
                audited_update(found, actor=actor, changes={"value": value, "document": document, "updated_by": actor}, verb="province_figure_corrected")
                changed += 1
        if changed:
            figures_cache.bump_inputs(actor.province_code)
    return changed


# The columns of the province figures' Excel file: the template lists every commune of the province with its figure.
FIGURE_CODE, FIGURE_NAME, FIGURE_VALUE = "Mã xã", "Tên xã, phường", "Giá trị"
FIGURE_MAX_ROWS = 5000
COMMUNE_CODE_DIGITS = 5  # a commune code read back as a number by a spreadsheet loses its leading zeros ("00004" → 4)


def province_figures_template(*, actor: Any, key: str, year: int) -> bytes:
    """The Excel file to fill: every commune of the actor's province, its code and name, and the figure entered so far."""
    from coso.core.excel import workbook_bytes
    from coso.indices.selectors import province_figures
    from coso.units.selectors import unit_list

    if not can_enter_province_figures(actor):
        raise errors.PROVINCE_FIGURE_FORBIDDEN()
    saved = province_figures(province_code=actor.province_code, key=key, year=year)
    rows = [[code, name, float(saved[code]["value"]) if code in saved else None]
            for code, name in unit_list(fetched_by=actor, level="commune", province_code=actor.province_code).values_list("code", "name")]
    return workbook_bytes([{"title": "So lieu", "headers": [FIGURE_CODE, FIGURE_NAME, FIGURE_VALUE], "rows": rows, "widths": [10, 40, 12]}])


def province_figures_import(*, actor: Any, key: str, year: int, document: str, data: bytes) -> int:
    """:func:`province_figures_save` from an Excel file (columns "Mã xã" and "Giá trị", as in the template): a blank value
    removes a figure entered before, a commune listed twice refuses the file. All or nothing, like the page."""
    from coso.core.excel import clean_text, read_rows

    if not can_enter_province_figures(actor):
        raise errors.PROVINCE_FIGURE_FORBIDDEN()
    records = read_rows(data, expected_headers=(FIGURE_CODE, FIGURE_VALUE), max_rows=FIGURE_MAX_ROWS)
    values: dict[str, Any] = {}
    repeated: dict[str, str] = {}
    for record in records:
        raw_code = record.get(FIGURE_CODE)
        if isinstance(raw_code, int | float) and not isinstance(raw_code, bool) and float(raw_code).is_integer() and 0 <= raw_code < 10**8:
            code = str(int(raw_code)).zfill(COMMUNE_CODE_DIGITS)
        else:
            code = "" if raw_code is None else clean_text(raw_code).strip()
        raw = record.get(FIGURE_VALUE)
        if code in values:
            repeated[code] = str(_("Xã, phường có hai dòng (dòng %(row)s).") % {"row": record["_row"]})
        values[code] = "" if raw is None else str(raw)
    if repeated:
        raise errors.PROVINCE_FIGURE_ROWS(n=len(repeated), details={"rows": repeated})
    return province_figures_save(actor=actor, key=key, year=year, document=document, values=values)
