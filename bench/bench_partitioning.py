"""Table growth on PostgreSQL: one large append-mostly table, plain versus partitioned by month.

The rows look like the audit log / dossier events (the tables that grow fastest: several rows per
dossier action): a timestamp, province and commune codes, an object reference and a small JSON body,
with an index on (commune_code, at) for the per-commune period queries (register, statistics,
history) and one on (at).

Two tables with the same rows (36 months, spread evenly; 3,000,000 rows, quick: 20,000):
- plain: one table (what Coso has today);
- partitioned: PARTITION BY RANGE (at), one partition per month, the same indexes.

Measured in the same run on both:
1. insert rate of new rows for the current month, in batches of 1,000 (as a busy day of writes);
2. a commune's last 30 days (the register / statistics query), median of 200 queries;
3. archiving the oldest month: DELETE of its rows (plain) versus DETACH PARTITION (partitioned;
   the detached table can be dumped and dropped, or kept as the archive).

SQLite has no partitioning: the module returns no rows there. Nothing is timed in the tests.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

from django.db import connection

MONTHS = 36
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
COMMUNES = 3321


def _month(i: int) -> dt.datetime:
    y, m = divmod(START.month - 1 + i, 12)
    return START.replace(year=START.year + y, month=m + 1)


def _create(cur: Any) -> None:
    cur.execute("DROP TABLE IF EXISTS bench_growth_plain, bench_growth_part CASCADE")
    columns = """(id bigint NOT NULL, at timestamptz NOT NULL, province_code varchar(8) NOT NULL, commune_code varchar(8) NOT NULL,
                  object_type varchar(80) NOT NULL, object_id varchar(64) NOT NULL, body jsonb)"""
    cur.execute(f"CREATE TABLE bench_growth_plain {columns}")
    cur.execute(f"CREATE TABLE bench_growth_part {columns} PARTITION BY RANGE (at)")
    for i in range(MONTHS + 1):  # one month ahead for the inserts of "now"
        cur.execute(f"CREATE TABLE bench_growth_part_{i:02d} PARTITION OF bench_growth_part FOR VALUES FROM (%s) TO (%s)", [_month(i), _month(i + 1)])


def _fill(cur: Any, table: str, rows: int) -> None:
    # Rows spread evenly over the months, communes cycling; generated inside the server.
    span = (_month(MONTHS) - START).total_seconds()
    cur.execute(
        f"""INSERT INTO {table} (id, at, province_code, commune_code, object_type, object_id, body)
            SELECT g, %s::timestamptz + (g::float8 / %s * %s) * interval '1 second',
                   lpad(((g %% 34) + 1)::text, 2, '0'), lpad((g %% {COMMUNES})::text, 5, '0'),
                   'dossiers.dossier', (g / 7)::text, jsonb_build_object('to_status', 'processing', 'n', g)
            FROM generate_series(1, %s) AS g""",
        [START, rows, span, rows],
    )


def _index(cur: Any, table: str) -> None:
    cur.execute(f"CREATE INDEX {table}_commune_at ON {table} (commune_code, at)")
    cur.execute(f"CREATE INDEX {table}_at ON {table} (at)")
    cur.execute(f"ANALYZE {table}")


def _insert_rate(cur: Any, table: str, first_id: int, total: int, batch: int = 1000) -> float:
    now = _month(MONTHS - 1) + dt.timedelta(days=20)
    started = time.perf_counter()
    for k in range(0, total, batch):
        cur.execute(
            f"""INSERT INTO {table} (id, at, province_code, commune_code, object_type, object_id, body)
                SELECT g, %s::timestamptz + (g %% 86400) * interval '1 second', '79', lpad((g %% {COMMUNES})::text, 5, '0'),
                       'dossiers.dossier', (g / 7)::text, jsonb_build_object('to_status', 'received')
                FROM generate_series(%s, %s) AS g""",
            [now, first_id + k, first_id + k + batch - 1],
        )
    return total / (time.perf_counter() - started)


def _period_query(cur: Any, table: str, repeat: int) -> tuple[float, int]:
    end = _month(MONTHS - 1) + dt.timedelta(days=25)
    times, found = [], 0
    for i in range(repeat):
        commune = f"{(i * 37) % COMMUNES:05d}"
        t = time.perf_counter()
        cur.execute(f"SELECT count(*), max(id) FROM {table} WHERE commune_code = %s AND at >= %s AND at < %s", [commune, end - dt.timedelta(days=30), end])
        found += cur.fetchone()[0]
        times.append(time.perf_counter() - t)
    return statistics.median(times), found


def run(quick: bool = False) -> list[dict[str, Any]]:
    if connection.vendor != "postgresql":
        return []
    rows = 20_000 if quick else 3_000_000
    inserts = 2_000 if quick else 100_000
    out: list[dict[str, Any]] = []
    with connection.cursor() as cur:
        _create(cur)
        for table in ("bench_growth_plain", "bench_growth_part"):
            _fill(cur, table, rows)
            _index(cur, table)
        plain_rate = _insert_rate(cur, "bench_growth_plain", rows + 1, inserts)
        part_rate = _insert_rate(cur, "bench_growth_part", rows + 1, inserts)
        out.append({"benchmark": f"insert rate, {rows:,} rows over {MONTHS} months, partitioned by month", "value": part_rate, "unit": "rows/s",
                    "baseline": "the same rows in one plain table", "baseline_value": plain_rate,
                    "note": f"{inserts:,} new rows of the current month in batches of 1,000; both tables indexed on (commune_code, at) and (at)"})
        repeat = 20 if quick else 200
        plain_q, plain_n = _period_query(cur, "bench_growth_plain", repeat)
        part_q, part_n = _period_query(cur, "bench_growth_part", repeat)
        out.append({"benchmark": "a commune's last 30 days (register/statistics query), median", "value": part_q * 1000, "unit": "ms",
                    "baseline": "plain table", "baseline_value": plain_q * 1000,
                    "note": f"{repeat} communes; same counts: {'yes' if plain_n == part_n else f'NO ({plain_n} vs {part_n})'}; partition pruning reads one or two months"})
        first, second = _month(0), _month(1)
        cur.execute("SELECT count(*) FROM bench_growth_plain WHERE at < %s", [second])
        month_rows = cur.fetchone()[0]
        t = time.perf_counter()
        cur.execute("DELETE FROM bench_growth_plain WHERE at >= %s AND at < %s", [first, second])
        deleted = cur.rowcount
        delete_s = time.perf_counter() - t
        t = time.perf_counter()
        cur.execute("ALTER TABLE bench_growth_part DETACH PARTITION bench_growth_part_00")
        detach_s = time.perf_counter() - t
        cur.execute("SELECT count(*) FROM bench_growth_part_00")
        detached = cur.fetchone()[0]
        out.append({"benchmark": "archive the oldest month: DETACH PARTITION", "value": detach_s * 1000, "unit": "ms",
                    "baseline": "DELETE of the same rows from the plain table", "baseline_value": delete_s * 1000,
                    "note": f"{month_rows:,} rows; deleted {deleted:,}, detached {detached:,} (kept as its own table for pg_dump, then DROP); "
                            "DELETE also leaves dead rows for VACUUM"})
        cur.execute("DROP TABLE IF EXISTS bench_growth_plain, bench_growth_part, bench_growth_part_00 CASCADE")
    return out
