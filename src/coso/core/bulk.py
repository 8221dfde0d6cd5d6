"""Insert many new rows fast: COPY on PostgreSQL, one prepared INSERT per batch elsewhere; no per-row SQL compilation.

For national batch jobs (the yearly planning review writes tens of thousands of proposals, history lines and audit
entries) and demo data. Values are prepared exactly as the ORM stores them (``pre_save`` then ``get_db_prep_save``,
so ``auto_now_add`` and defaults apply); an auto-increment primary key is left to the database and not read back
(another primary key is written as given). Like
``bulk_create``, no signal is sent and ``save()`` is not called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, router


def _write(model: Any, connection: Any, fields: list[Any], prepared: Iterable[list[Any]], batch: int) -> int:
    """Send prepared rows: COPY on PostgreSQL (one stream instead of one INSERT per row), otherwise one prepared INSERT
    per batch (``executemany``)."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for values in prepared:
                copy.write_row(values)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from model metadata
    chunk: list[list[Any]] = []
    with connection.cursor() as cur:
        for values in prepared:
            chunk.append(values)
            if len(chunk) >= batch:
                cur.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cur.executemany(sql, chunk)
            count += len(chunk)
    return count


def _target(model: Any) -> tuple[Any, list[Any]]:
    return connections[router.db_for_write(model)], [f for f in model._meta.concrete_fields if f is not model._meta.auto_field and not f.generated]  # the database fills generated columns


def insert_rows(objs: Sequence[Any], *, batch: int = 5000) -> int:
    """INSERT ``objs`` (new, unsaved instances of one model); returns the number of rows inserted."""
    if not objs:
        return 0
    model = type(objs[0])
    connection, fields = _target(model)
    prepared = ([f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields] for o in objs)
    return _write(model, connection, fields, prepared, batch)


# Field types whose Python values the database drivers take as they are (no conversion by the ORM needed).
_AS_IS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "ForeignKey", "BooleanField"})


def insert_values(model: Any, rows: Iterable[Mapping[str, Any]], *, batch: int = 5000) -> int:
    """INSERT one row per mapping {attname: value} (``candidate_id``, not ``candidate``) without building model instances;
    fields a row leaves out get their default (``auto_now``/``auto_now_add``: the time of the call). For batch jobs that
    write tens of thousands of rows; returns the number inserted."""
    from django.utils import timezone

    connection, fields = _target(model)
    now = timezone.now()
    plan: list[tuple[str, bool, Any, Any]] = []  # (attname, value as is?, field, prepared default)
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = f.get_db_prep_save(now, connection)
        else:
            default = f.get_db_prep_save(f.get_default(), connection) if f.has_default() or f.null else None
        plan.append((f.attname, f.get_internal_type() in _AS_IS, f, default))
    prepared = ([(row[att] if as_is else f.get_db_prep_save(row[att], connection)) if att in row else default
                 for att, as_is, f, default in plan] for row in rows)
    return _write(model, connection, fields, prepared, batch)


def refresh_statistics(*models: Any, using: str | None = None) -> None:
    """After a bulk load or a rebuild, bring the query planner's statistics of these tables (all tables when none is
    given) up to date on PostgreSQL (``ANALYZE``): a server that runs with autovacuum off, or before autovacuum gets to
    it, would otherwise plan the first queries on the new rows from the empty table's statistics (the national funding
    benchmark read up to twice as slowly without them). Runs inside the caller's transaction (it samples the rows written in it).
    SQLite keeps no statistics unless asked and its plans here are tuned without them: nothing is done there."""
    connection = connections[using or (router.db_for_write(models[0]) if models else "default")]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        if not models:
            cur.execute("ANALYZE")
            return
        for model in models:
            cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
