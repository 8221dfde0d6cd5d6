"""The set-based SQL of the indices app, kept in this one module: rollups written with ``INSERT … SELECT … GROUP BY``.

The grouped queries come from the dossier and feedback selectors (``index_fact_queries``): Django
querysets compiled for the database in use (SQLite or PostgreSQL), so no row of a record is read into
Python. Each query is grouped once (a common table expression) and fills the rollup columns of the indicators it
feeds, one row per commune and day; the province is the current commune's (records of old communes dated before
1/7/2025 count under the successor, whose province may be another). The province rollups are sums of the
communes' rows, never a scan of the records. The usage rollups of indicator 3.2 (online dossiers per commune,
procedure and day) are written the same way from ``dossiers.selectors.index_usage_query``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db import connections, router
from django.db.models import QuerySet, Sum, UniqueConstraint
from django.db.models.functions import TruncMonth

from coso.core import locks
from coso.indices.models import (
    COUNT_COLUMNS,
    INDICATOR_COLUMNS,
    IndexRollup,
    MonthRollup,
    ProvinceRollup,
    ProvinceUsageRollup,
    UsageMonthRollup,
    UsageRollup,
)

FactQuery = tuple[QuerySet, dict[str, tuple[str, str]]]


def _connection() -> Any:
    return connections[router.db_for_write(IndexRollup)]


def _communes() -> QuerySet:
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).values("code", "province_code").order_by()


def lock_units(*codes: str) -> None:
    """Within the caller's transaction, wait until no other transaction holds the re-count lock of any of these units
    (communes and provinces), and hold them until commit or rollback (``coso.core.locks``: an advisory lock per code on
    PostgreSQL, taken in code order). Two re-counts side by side (two event tasks, or one and the periodic refresh) would
    otherwise each delete only the rows committed before they began: the second would add its counts of a commune onto
    the first's, or fail on the province rows the first had just written. SQLite lets one transaction write at a time:
    nothing to do there. A lock already held is taken again at no cost."""
    locks.lock(IndexRollup, "indices.recount", *codes)


def home_provinces(commune_codes: list[str]) -> dict[str, str]:
    """{commune: its current province} of the communes in the register (a code no longer there is left out)."""
    return dict(_communes().filter(code__in=commune_codes).values_list("code", "province_code"))


def insert_facts(queries: list[FactQuery]) -> None:
    """Insert the facts of grouped queries (by day) into the commune rollups, one statement per query.

    A query's indicators give the rollup columns it fills (``INDICATOR_COLUMNS``); a (commune, day) another query has
    written already gets these columns added to its row (``ON CONFLICT`` on the rollups' key), so that each commune and
    day is one row (the incremental refresh; a full rebuild writes into the emptied table with
    :func:`insert_facts_into_empty`). Grouped rows whose denominators are all 0 are skipped."""
    conn = _connection()
    qn = conn.ops.quote_name
    table = qn(IndexRollup._meta.db_table)
    usql, uparams = _communes().query.sql_with_params()
    with conn.cursor() as cur:
        for qs, indicators in queries:
            fsql, fparams = qs.query.sql_with_params()
            columns: dict[str, str] = {}  # rollup column → column of the grouped query
            for code, (num, den) in indicators.items():
                target_num, target_den = INDICATOR_COLUMNS[code]
                columns[target_num], columns[target_den] = num, den
            counted = " OR ".join(f"f.{qn(den)} > 0" for den in sorted({den for _num, den in indicators.values()}))
            values = ", ".join(f"f.{qn(columns[c])}" if c in columns else "0" for c in COUNT_COLUMNS)
            added = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in columns)
            # Model tables and column names, quoted; every value is a parameter.
            cur.execute(
                f"WITH g AS ({fsql}), u AS ({usql}) "  # noqa: S608
                f"INSERT INTO {table} (commune_code, province_code, day, {', '.join(qn(c) for c in COUNT_COLUMNS)}) "
                f"SELECT f.{qn('unit_code')}, COALESCE(u.{qn('province_code')}, f.{qn('prov')}, ''), f.{qn('day')}, {values} "
                f"FROM g f LEFT JOIN u ON u.{qn('code')} = f.{qn('unit_code')} WHERE {counted} "
                f"ON CONFLICT (commune_code, day) DO UPDATE SET {added}",
                [*fparams, *uparams],
            )


def insert_facts_into_empty(queries: list[FactQuery]) -> None:
    """Insert the facts of grouped queries (by day) into the emptied commune rollups (a full rebuild) in one statement on
    PostgreSQL: the queries' rows joined on (commune, day) with ``FULL JOIN``, so that each commune and day is written once, without
    the ``ON CONFLICT`` look-up of :func:`insert_facts` (a speculative insertion per row, most of a rebuild's writing
    time). The columns a query feeds are added up where several queries feed the same one. Grouped rows whose
    denominators are all 0 are skipped, as in :func:`insert_facts`."""
    conn = _connection()
    if conn.vendor != "postgresql" or len(queries) < 2:
        # SQLite joins the grouped queries row by row (no hash join): each query's insert into the (commune, day) key is
        # faster there.
        insert_facts(queries)
        return
    qn = conn.ops.quote_name
    table = qn(IndexRollup._meta.db_table)
    ctes: list[str] = []
    params: list[Any] = []
    sources: dict[str, list[str]] = {}  # rollup column → the grouped columns that feed it
    for i, (qs, indicators) in enumerate(queries):
        fsql, fparams = qs.query.sql_with_params()
        counted = " OR ".join(f"f.{qn(den)} > 0" for den in sorted({den for _num, den in indicators.values()}))
        ctes.append(f"g{i} AS (SELECT * FROM ({fsql}) f WHERE {counted})")  # noqa: S608 -- compiled queryset and quoted columns
        params += fparams
        for code, (num, den) in indicators.items():
            target_num, target_den = INDICATOR_COLUMNS[code]
            for target, column in ((target_num, num), (target_den, den)):
                fed = f"COALESCE(g{i}.{qn(column)}, 0)"
                if fed not in sources.setdefault(target, []):
                    sources[target].append(fed)
    usql, uparams = _communes().query.sql_with_params()
    ctes.append(f"u AS ({usql})")
    params += uparams

    def first_of(column: str, count: int) -> str:
        found = [f"g{j}.{qn(column)}" for j in range(count)]
        return found[0] if count == 1 else f"COALESCE({', '.join(found)})"

    joined = "g0"
    for i in range(1, len(queries)):
        joined += f" FULL JOIN g{i} ON g{i}.{qn('unit_code')} = {first_of('unit_code', i)} AND g{i}.{qn('day')} = {first_of('day', i)}"
    unit, day = first_of("unit_code", len(queries)), first_of("day", len(queries))
    provinces = ", ".join(f"g{j}.{qn('prov')}" for j in range(len(queries)))
    values = ", ".join(" + ".join(sources[c]) if c in sources else "0" for c in COUNT_COLUMNS)
    with conn.cursor() as cur:
        cur.execute(
            f"WITH {', '.join(ctes)} "  # noqa: S608 -- model tables and column names, quoted; every value is a parameter
            f"INSERT INTO {table} (commune_code, province_code, day, {', '.join(qn(c) for c in COUNT_COLUMNS)}) "
            f"SELECT {unit}, COALESCE(u.{qn('province_code')}, {provinces}, ''), {day}, {values} "
            f"FROM {joined} LEFT JOIN u ON u.{qn('code')} = {unit}",
            params,
        )


def insert_usage(qs: QuerySet) -> None:
    """Insert the rows of a usage query (``unit_code``, ``prov``, ``day``, ``procedure_code``, ``dossiers``) into the
    commune usage rollups."""
    conn = _connection()
    qn = conn.ops.quote_name
    table = qn(UsageRollup._meta.db_table)
    usql, uparams = _communes().query.sql_with_params()
    fsql, fparams = qs.query.sql_with_params()
    with conn.cursor() as cur:
        cur.execute(
            f"WITH g AS ({fsql}), u AS ({usql}) "  # noqa: S608 -- model tables and column names, quoted; every value is a parameter
            f"INSERT INTO {table} (commune_code, province_code, day, procedure_code, dossiers) "
            f"SELECT f.{qn('unit_code')}, COALESCE(u.{qn('province_code')}, f.{qn('prov')}, ''), f.{qn('day')}, f.{qn('procedure_code')}, "
            f"f.{qn('dossiers')} FROM g f LEFT JOIN u ON u.{qn('code')} = f.{qn('unit_code')} WHERE f.{qn('dossiers')} > 0",
            [*fparams, *uparams],
        )


def tune_for_rebuild() -> None:
    """Settings for the rest of the rebuild's transaction, on PostgreSQL: no JIT compilation (seconds spent compiling
    the grouped statement over a dossier table whose size the planner underestimates) and memory enough to group the
    records without spilling to disk."""
    conn = _connection()
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL work_mem = '128MB'")


def clear() -> None:
    """Empty every rollup table (a full rebuild). On PostgreSQL with ``TRUNCATE``: the rows are written again at once,
    and an index still holding the deleted rows' entries would be checked for every new row of the same (commune, day);
    the tables are locked until the rebuild commits (readers wait for it instead of reading the old figures)."""
    conn = _connection()
    models = (IndexRollup, ProvinceRollup, UsageRollup, ProvinceUsageRollup, MonthRollup, UsageMonthRollup)
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            cur.execute("TRUNCATE " + ", ".join(conn.ops.quote_name(m._meta.db_table) for m in models))
        return
    for model in models:
        model.objects.all().delete()


@contextmanager
def indexes_built_after(model: Any, *, primary_key: bool = False) -> Iterator[None]:
    """Within a rebuild that emptied the table (``clear``), drop the model's secondary indexes (and, on PostgreSQL, its
    unique constraints, and with ``primary_key`` its primary key) and build them again once the rows are in: one sorted build costs a fraction of keeping them up
    to date row by row. A duplicate key then fails when the constraint is added back (and the rebuild is rolled back).
    Both databases change their schema within the transaction: other connections see the old rows and indexes until
    the commit (SQLite), or wait for it (PostgreSQL, whose ``TRUNCATE`` locked the table)."""
    conn = _connection()
    qn = conn.ops.quote_name
    editor = conn.schema_editor()  # only to write the CREATE statements
    parts: list[tuple[Any, str]] = [(index, f"DROP INDEX {qn(index.name)}") for index in model._meta.indexes]
    if conn.vendor == "postgresql":  # SQLite keeps unique constraints and the primary key in the table's own definition
        table = qn(model._meta.db_table)
        parts += [(c, f"ALTER TABLE {table} DROP CONSTRAINT {qn(c.name)}") for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
        if primary_key:
            with conn.cursor() as cur:
                found = conn.introspection.get_constraints(cur, model._meta.db_table)
            for name, c in found.items():
                if c["primary_key"]:
                    columns = ", ".join(qn(col) for col in c["columns"])
                    parts.append(
                        (f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} PRIMARY KEY ({columns})", f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
                    )
    with conn.cursor() as cur:
        for _part, drop in parts:
            cur.execute(drop)
        yield
        for part, _drop in parts:
            cur.execute(part if isinstance(part, str) else str(part.create_sql(model, editor)))


def sum_provinces(province_code: str | None = None, first: dt.date | None = None, last: dt.date | None = None) -> None:
    """(Re)write the province rollups and usage rollups from the communes' (all, or one province over a span of days)."""
    conn = _connection()
    qn = conn.ops.quote_name
    where, params = "", cast(list[Any], [])
    span = province_code is not None and first is not None and last is not None
    if span:
        where, params = " WHERE province_code = %s AND day >= %s AND day <= %s", [province_code, first, last]
    for source, target, keys, values in (
        (IndexRollup, ProvinceRollup, ("province_code", "day"), COUNT_COLUMNS),
        (UsageRollup, ProvinceUsageRollup, ("province_code", "day", "procedure_code"), ("dossiers",)),
    ):
        rows = target.objects.all()
        if span:
            rows = rows.filter(province_code=province_code, day__gte=first, day__lte=last)
        rows.delete()
        src, dst = qn(source._meta.db_table), qn(target._meta.db_table)
        group = ", ".join(qn(k) for k in keys)
        with conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO {dst} ({group}, {', '.join(qn(v) for v in values)}) "  # noqa: S608 -- model tables, quoted; values are parameters
                f"SELECT {group}, {', '.join(f'SUM({qn(v)})' for v in values)} FROM {src}{where} GROUP BY {group}",
                params,
            )


def sum_months(commune_code: str | None = None, first: dt.date | None = None, last: dt.date | None = None) -> None:
    """(Re)write the month rollups and usage month rollups from the communes' day rows: all of them, or one commune's
    over the calendar months that hold the days ``first`` to ``last``."""
    conn = _connection()
    qn = conn.ops.quote_name
    days: dict[str, Any] = {}
    months: dict[str, Any] = {}
    if commune_code is not None and first is not None and last is not None:
        start, end = first.replace(day=1), last.replace(day=calendar.monthrange(last.year, last.month)[1])
        days = {"commune_code": commune_code, "day__gte": start, "day__lte": end}
        months = {"commune_code": commune_code, "month__gte": start, "month__lte": end}
    for source, target, keys, values in (
        (IndexRollup, MonthRollup, ("commune_code", "province_code"), COUNT_COLUMNS),
        (UsageRollup, UsageMonthRollup, ("commune_code", "province_code", "procedure_code"), ("dossiers",)),
    ):
        target.objects.filter(**months).delete()
        grouped = (
            source.objects.filter(**days).annotate(month=TruncMonth("day")).values(*keys, "month").annotate(**{v: Sum(v) for v in values}).order_by()
        )
        fsql, fparams = grouped.query.sql_with_params()
        columns = ", ".join(qn(c) for c in (*keys, "month", *values))
        with conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO {qn(target._meta.db_table)} ({columns}) SELECT {columns} FROM ({fsql}) g",  # noqa: S608 -- model tables and columns, quoted; values are parameters
                fparams,
            )
