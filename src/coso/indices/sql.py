"""The set-based SQL of the indices app, kept in this one module: rollups written with ``INSERT … SELECT … GROUP BY``.

The grouped queries come from the dossier and feedback selectors (``index_fact_queries``): Django
querysets compiled for the database in use (SQLite or PostgreSQL), so no row of a record is read into
Python. Each query is grouped once (a common table expression) and gives one row per indicator it feeds;
the province is the current commune's (records of old communes dated before 1/7/2025 count under the
successor, whose province may be another). The usage rollups of indicator 3.2 (online dossiers per commune,
procedure and day) are written the same way from ``dossiers.selectors.index_usage_query``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import connections, router
from django.db.models import QuerySet

from coso.indices.models import IndexRollup, ProvinceRollup, ProvinceUsageRollup, UsageRollup

FactQuery = tuple[QuerySet, dict[str, tuple[str, str]]]


def _connection() -> Any:
    return connections[router.db_for_write(IndexRollup)]


def _communes() -> QuerySet:
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).values("code", "province_code").order_by()


def insert_facts(queries: list[FactQuery]) -> None:
    """Insert the facts of grouped queries (by day) into the commune rollups; rows with a denominator of 0 are skipped."""
    conn = _connection()
    qn = conn.ops.quote_name
    table = qn(IndexRollup._meta.db_table)
    usql, uparams = _communes().query.sql_with_params()
    with conn.cursor() as cur:
        for qs, indicators in queries:
            fsql, fparams = qs.query.sql_with_params()
            selects, params = [], cast(list[Any], [])
            for code, (num, den) in indicators.items():
                # Column names quoted; the indicator is a parameter.
                head = f"SELECT f.{qn('unit_code')}, COALESCE(u.{qn('province_code')}, f.{qn('prov')}, ''), f.{qn('day')}, CAST(%s AS VARCHAR(8)), "
                body = f"f.{qn(num)}, f.{qn(den)} FROM g f LEFT JOIN u ON u.{qn('code')} = f.{qn('unit_code')} WHERE f.{qn(den)} > 0"
                selects.append(head + body)
                params.append(code)
            # Model tables and column names, quoted; every value is a parameter.
            cur.execute(
                f"WITH g AS ({fsql}), u AS ({usql}) "  # noqa: S608
                f"INSERT INTO {table} (commune_code, province_code, day, indicator, numerator, denominator) " + " UNION ALL ".join(selects),
                [*fparams, *uparams, *params],
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


def sum_provinces(province_code: str | None = None, first: dt.date | None = None, last: dt.date | None = None) -> None:
    """(Re)write the province rollups and usage rollups from the communes' (all, or one province over a span of days)."""
    conn = _connection()
    qn = conn.ops.quote_name
    where, params = "", cast(list[Any], [])
    span = province_code is not None and first is not None and last is not None
    if span:
        where, params = " WHERE province_code = %s AND day >= %s AND day <= %s", [province_code, first, last]
    for source, target, key, values in (
        (IndexRollup, ProvinceRollup, "indicator", ("numerator", "denominator")),
        (UsageRollup, ProvinceUsageRollup, "procedure_code", ("dossiers",)),
    ):
        rows = target.objects.all()
        if span:
            rows = rows.filter(province_code=province_code, day__gte=first, day__lte=last)
        rows.delete()
        src, dst = qn(source._meta.db_table), qn(target._meta.db_table)
        sums = ", ".join(f"SUM({v})" for v in values)
        with conn.cursor() as cur:
            cur.execute(
                f"INSERT INTO {dst} (province_code, day, {key}, {', '.join(values)}) "  # noqa: S608 -- model tables, quoted; values are parameters
                f"SELECT province_code, day, {key}, {sums} FROM {src}{where} GROUP BY province_code, day, {key}",
                params,
            )
