"""Accent-insensitive person search: Coso's word index against an unindexed scan.

Data: N person names from coso.core.demo.random_person (deterministic), stored in a plain
table ``bench_person(id, full_name, name_folded)`` created here with raw SQL (no model is added
to the project), and indexed with coso.core.search.search_index_bulk into core.SearchEntry
(one row per word: a one-word search; core.SearchWordCount, the entries of each word, decides
whether a common word walks the list) and core.SearchDocument (one row per person: the
full-text index of a search of several words, FTS5 on SQLite, GIN on PostgreSQL).
BENCH_SEARCH_SIZE sets the number of people (quick: 5,000; else 1,000,000: 5–10 minutes to build
on SQLite, 10–15 on PostgreSQL), BENCH_SEARCH_REPEATS the runs of each query (5).

One "search" = what a list page with a text query does: count the matches up to 1,000
(coso.core.paging.capped_count: "hơn 1.000" beyond) and fetch the first page (50 rows,
ordered by id). Coso: search_filter(...) over the index. The same with an exact count (what
the pages did before) is measured once per query for comparison. Baseline: the same page from
``name_folded LIKE '% word%'`` for each word (word-prefix match, the same semantics as the
index, full scan), and a pure-Python scan of the folded names in memory.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any

from django.db import connection, models

KIND = "bench_person"
TABLE = "bench_person"
QUERIES = [
    "nguyen van duc",
    "dang thi",
    "tuan",
    "le thi thu",
    "tran",
    "hoa",
    "nguyen thi ngoc anh",
    "huynh van",
    "pham minh",
    "vo",
]
PAGE = 50


def _person_model() -> type[models.Model]:
    """An unmanaged model over the benchmark table, in an isolated registry (never migrated)."""
    from django.apps.registry import Apps

    class Meta:
        apps = Apps()
        app_label = "bench"
        db_table = TABLE
        managed = False

    attrs: dict[str, Any] = {
        "__module__": __name__,
        "Meta": Meta,
        "id": models.BigIntegerField(primary_key=True),
        "full_name": models.CharField(max_length=100),
        "name_folded": models.CharField(max_length=100),
    }
    return type("BenchPerson", (models.Model,), attrs)


def build(size: int, *, seed: int = 2026) -> None:
    """(Re)create the table and the index entries for ``size`` people."""
    from coso.core.demo import random_person
    from coso.core.models import SearchEntry
    from coso.core.search import search_index_bulk
    from coso.core.text import fold

    rng = random.Random(seed)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cur.execute(f"CREATE TABLE {TABLE} (id BIGINT PRIMARY KEY, full_name VARCHAR(100) NOT NULL, name_folded VARCHAR(100) NOT NULL)")
    SearchEntry.objects.filter(kind=KIND).delete()
    batch: list[tuple[int, str, str]] = []
    insert = f"INSERT INTO {TABLE} (id, full_name, name_folded) VALUES (%s, %s, %s)"

    def people():  # type: ignore[no-untyped-def]
        nonlocal batch
        for pk in range(1, size + 1):
            name = random_person(rng)["full_name"]
            batch.append((pk, name, fold(name)))
            if len(batch) >= 5000:
                with connection.cursor() as cur:
                    cur.executemany(insert, batch)
                batch = []
            yield pk, (name,), "79", ""

    search_index_bulk(kind=KIND, rows=people(), batch_size=20_000)
    if batch:
        with connection.cursor() as cur:
            cur.executemany(insert, batch)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # what autovacuum does after a bulk load: statistics plus the visibility map, so
            # that index-only scans on core_searchentry need no heap fetches
            cur.execute(f"VACUUM ANALYZE {TABLE}")
            cur.execute("VACUUM ANALYZE core_searchentry")
            cur.execute("VACUUM ANALYZE core_searchdocument")  # also merges the GIN index's pending list
        else:
            cur.execute("ANALYZE")


def _like_page(words: list[str]) -> tuple[int, list[int]]:
    where = " AND ".join(["(' ' || name_folded) LIKE %s"] * len(words))
    params = [f"% {w}%" for w in words]
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE {where}", params)
        count = cur.fetchone()[0]
        cur.execute(f"SELECT id FROM {TABLE} WHERE {where} ORDER BY id LIMIT {PAGE}", params)
        ids = [r[0] for r in cur.fetchall()]
    return count, ids


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run(quick: bool = False) -> list[dict]:
    from coso.core.paging import COUNT_CAP, capped_count
    from coso.core.search import search_filter
    from coso.core.text import tokens

    # BENCH_SEARCH_SIZE overrides the size (e.g. 200000); unset, quick mode stays small
    size = int(os.environ.get("BENCH_SEARCH_SIZE") or (5_000 if quick else 1_000_000))
    repeats = 2 if quick else int(os.environ.get("BENCH_SEARCH_REPEATS") or 5)
    t0 = time.perf_counter()
    build(size)
    t_build = time.perf_counter() - t0
    person = _person_model()

    coso_ms: list[float] = []
    like_ms: list[float] = []
    py_ms: list[float] = []
    exact_ms: list[float] = []
    mismatches = []
    per_query: dict[str, tuple[float, float]] = {}
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, name_folded FROM {TABLE} ORDER BY id")
        folded = cur.fetchall()
    for query in QUERIES:
        words = tokens(query)
        for _ in range(repeats):
            t = time.perf_counter()
            qs = search_filter(person._default_manager.all(), kind=KIND, query=query, for_capped_page=True)
            count, more = capped_count(qs)
            ids = list(qs.order_by("id").values_list("id", flat=True)[:PAGE])
            coso_ms.append((time.perf_counter() - t) * 1000)

            t = time.perf_counter()
            like_count, like_ids = _like_page(words)
            like_ms.append((time.perf_counter() - t) * 1000)

            t = time.perf_counter()
            hits = [pk for pk, name in folded if all((" " + name).find(" " + w) >= 0 for w in words)]
            py_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        qs = search_filter(person._default_manager.all(), kind=KIND, query=query)
        exact = qs.count()
        exact_ids = list(qs.order_by("id").values_list("id", flat=True)[:PAGE])
        exact_ms.append((time.perf_counter() - t) * 1000)
        per_query[query] = (statistics.median(coso_ms[-repeats:]), statistics.median(like_ms[-repeats:]))
        capped_ok = (count, more) == ((COUNT_CAP, True) if like_count > COUNT_CAP else (like_count, False))
        if not capped_ok or ids != like_ids or exact != like_count or exact_ids != like_ids or like_count != len(hits):
            mismatches.append(f"{query!r}: index {count}{'+' if more else ''} (exact {exact}), LIKE {like_count}, python {len(hits)}")

    fastest = sorted(per_query.items(), key=lambda kv: kv[1][0])[:2]
    agree = "all queries agree (pages, capped and exact counts)" if not mismatches else "MISMATCH " + "; ".join(mismatches)
    label = f"{size:,}"
    n = len(QUERIES) * repeats
    return [
        {
            "benchmark": f"search: {label} names, count ≤ {COUNT_CAP:,} + first {PAGE}, p50",
            "value": statistics.median(coso_ms),
            "unit": "ms",
            "baseline": "LIKE '% word%' scan",
            "baseline_value": statistics.median(like_ms),
            "note": f"{n} searches ({len(QUERIES)} queries × {repeats}); {agree}",
        },
        {
            "benchmark": f"search: {label} names, count ≤ {COUNT_CAP:,} + first {PAGE}, p95",
            "value": _percentile(coso_ms, 95),
            "unit": "ms",
            "baseline": "LIKE '% word%' scan",
            "baseline_value": _percentile(like_ms, 95),
            "note": "slowest (index/LIKE ms): "
            + ", ".join(f"{q!r} {a:.0f}/{b:.0f}" for q, (a, b) in sorted(per_query.items(), key=lambda kv: -kv[1][0])[:3]),
        },
        {
            "benchmark": f"search: {label} names, exact count + first {PAGE}, p95",
            "value": _percentile(exact_ms, 95),
            "unit": "ms",
            "baseline": "LIKE '% word%' scan",
            "baseline_value": _percentile(like_ms, 95),
            "note": f"the same pages with an exact count (as before the cap); one run per query; p50 {statistics.median(exact_ms):.0f} ms",
        },
        {
            "benchmark": f"search: {label} names, p50 vs Python scan",
            "value": statistics.median(coso_ms),
            "unit": "ms",
            "baseline": "Python scan (in memory)",
            "baseline_value": statistics.median(py_ms),
            "note": f"p95 Python {_percentile(py_ms, 95):.0f} ms (names already in memory); fastest (index/LIKE ms): "
            + ", ".join(f"{q!r} {a:.0f}/{b:.0f}" for q, (a, b) in fastest),
        },
        {
            "benchmark": f"search: build {label} names + index",
            "value": t_build,
            "unit": "s",
            "baseline": "",
            "baseline_value": float("nan"),
            "note": "random_person + raw INSERT + search_index_bulk (SearchEntry rows), then (VACUUM) ANALYZE",
        },
    ]
