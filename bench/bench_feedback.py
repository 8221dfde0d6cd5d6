"""Feedback at national scale: public listing and search latency, Open311 query throughput.

Data: coso.feedback.demo.generate (deterministic) spread over every commune loaded by
``load_units``: 1,000,000 items (quick: 5,000; COSO_BENCH_FEEDBACK_SIZE sets another size:
about 40 index entries per item, so 200,000 items take some 15 minutes to build on SQLite),
inserted with executemany together with the search-index entries and documents, whose words are then counted
(coso.core.search.search_stats_refresh, as the nightly job does). Events are not generated
(the measured paths do not read them).

Measured (each timing = count of matches + first page, as the public list page does):
- listing: public list, page 1 (20 rows), for a random commune / a category / no filter;
  Coso = the selector over its composite indexes; baseline = the very same SQL with index use
  turned off (SQLite ``NOT INDEXED``; PostgreSQL ``enable_indexscan/bitmapscan/indexonlyscan=off``).
- search: accent-insensitive query through coso.core.search (one word: the word index, a
  common word probed from the list's own rows in its order; several words: the full-text
  index, which on PostgreSQL, past a sample of 2,002 matches, counts from the sample and
  leaves the page to a walk of the list probing each row's document, and on SQLite, for
  dense matches, walks the list looking each row up in the matches), counted up to 1,000 as the public page does with a text query ("hơn 1.000",
  ``for_capped_page``); baseline = the unindexed scan
  ``title||text LIKE '%word%'`` for every (accented) word over public rows (exact count).
  The same searches with an exact count are reported beside it.
- Open311: GET /open311/v2/requests.json (last 90 days, page_size 100) through the full Django
  stack, requests/s; baseline = the same rows fetched with one raw SQL query and serialised by
  hand with json.dumps (no framework, no per-row Python objects), in alternating rounds.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from typing import Any, TypedDict

FULL_SIZE = 1_000_000
QUICK_SIZE = 5_000
PAGE = 20
SEARCHES = [("o ga", ["ổ gà"]), ("rac thai hem", ["Rác thải", "hẻm"]), ("den chieu sang", ["Đèn chiếu sáng"]),
            ("lan chiem via he", ["lấn chiếm vỉa hè"]), ("nuoc thai", ["Nước thải"]), ("thuong tru", ["thường trú"])]


def _pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def build(size: int, *, seed: int = 2026) -> int:
    """Insert ``size`` feedback items (idempotent for a given size)."""
    from django.utils import timezone

    from coso.core.search import search_stats_refresh
    from coso.feedback import demo
    from coso.feedback.models import Feedback, FeedbackCategory
    from coso.feedback.services import SEARCH_KIND, load_defaults
    from coso.units.models import AdministrativeUnit

    load_defaults()
    communes = list(AdministrativeUnit.objects.filter(level="commune").values_list("province_code", "code").order_by("code"))
    if not communes:
        raise RuntimeError("No communes: run load_units first.")
    if size < len(communes) * 100:  # quick sizes: fewer communes, each with a realistic year
        communes = communes[: max(1, size // 100)]
    per = max(1, size // len(communes))
    have = Feedback.objects.filter(code__contains="-B").count()
    if have >= per * len(communes):
        return have
    rng = random.Random(seed)
    cats = {c.code: c for c in FeedbackCategory.objects.prefetch_related("templates")}
    batch: list[Any] = []
    done = 0
    for pair in demo.generate(rng=rng, communes=communes, per_commune=per, end=timezone.localdate(), categories=cats, code_prefix="B", with_events=False):
        batch.append(pair)
        if len(batch) >= 5000:
            done += demo.insert(batch, events=False)
            batch = []
    if batch:
        done += demo.insert(batch, events=False)
    demo.reset_sequences(Feedback)
    search_stats_refresh(kind=SEARCH_KIND)  # demo.insert writes the index entries itself
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cur.execute("VACUUM ANALYZE core_searchdocument")  # what autovacuum does after a load: merges the GIN pending list
        cur.execute("ANALYZE")
    return done


def _sql_unindexed(qs: Any) -> tuple[str, list[Any]]:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    if connection.vendor == "sqlite":
        sql = sql.replace('FROM "feedback_feedback"', 'FROM "feedback_feedback" NOT INDEXED', 1)
    return sql, list(params)


def _run_unindexed(qs: Any) -> None:
    """Count + first page of ``qs`` with index use disabled."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off")
        count_sql, count_params = _sql_unindexed(qs.order_by().values("id"))
        cur.execute(f"SELECT COUNT(*) FROM ({count_sql}) sub", count_params)  # noqa: S608 - SQL built by the ORM
        cur.fetchone()
        page_sql, page_params = _sql_unindexed(qs[:PAGE])
        cur.execute(page_sql, page_params)
        cur.fetchall()


def _run_coso(qs: Any) -> None:
    qs.count()
    list(qs[:PAGE])


def _run_coso_search(query: str) -> None:
    """What the public list page does with a text query: a capped count and the first page."""
    from coso.core.paging import capped_count
    from coso.feedback.selectors import feedback_public_list

    qs = feedback_public_list(query=query, for_capped_page=True)
    capped_count(qs)
    list(qs[:PAGE])


def _run_coso_search_exact(query: str) -> None:
    from coso.feedback.selectors import feedback_public_list

    _run_coso(feedback_public_list(query=query))


def _time(fn: Any, *args: Any) -> float:
    t = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t) * 1000


class _ListingCase(TypedDict, total=False):
    """The filters of one public listing (arguments of ``feedback_public_list``)."""

    commune_code: str
    category_code: str


def _listing_cases(rng: random.Random, n: int) -> list[_ListingCase]:
    from coso.feedback.models import Feedback

    codes = list(Feedback.objects.values_list("commune_code", flat=True).distinct()[:5000])
    cats = ["MT", "GT", "TT", "DV", "QD", "CB", "KH"]
    cases: list[_ListingCase] = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            cases.append({"commune_code": rng.choice(codes)})
        elif kind == 1:
            cases.append({"category_code": rng.choice(cats), "commune_code": rng.choice(codes)})
        else:
            cases.append({})
    return cases


def _baseline_search_qs(words: list[str]) -> Any:
    from django.db.models import Q

    from coso.feedback.selectors import public_qs

    qs = public_qs()
    for w in words:
        qs = qs.filter(Q(title__contains=w) | Q(text__contains=w))
    return qs.select_related("category").order_by("-published_at", "-id")


def _open311_raw(since: dt.datetime, limit: int) -> bytes:
    """Hand-written baseline: one SQL query, rows serialised by hand."""
    from django.db import connection
    from django.utils import timezone

    sql = (
        "SELECT f.id, f.status, f.answer_text, c.name, c.code, f.text, f.submitted_at, f.updated_at, f.closed_at, f.answer_due,"
        " f.address, f.lat, f.long, f.media_url, u.name FROM feedback_feedback f"
        " JOIN feedback_feedbackcategory c ON c.id = f.category_id"
        " LEFT JOIN units_administrativeunit u ON u.code = f.commune_code"
        " WHERE f.is_public = %s AND f.hidden = %s AND f.submitted_at >= %s ORDER BY f.submitted_at DESC, f.id DESC LIMIT %s"
    )
    closed = {"closed", "rejected"}
    out = []
    with connection.cursor() as cur:
        cur.execute(sql, [True, False, since, limit])
        for r in cur.fetchall():
            def iso(v: Any) -> str | None:
                if v is None:
                    return None
                if isinstance(v, str):
                    v = dt.datetime.fromisoformat(v)
                if timezone.is_naive(v):
                    v = timezone.make_aware(v, dt.UTC)
                return timezone.localtime(v).isoformat(timespec="seconds")
            out.append({
                "service_request_id": str(r[0]), "status": "closed" if r[1] in closed else "open", "status_notes": r[2] or r[1],
                "service_name": r[3], "service_code": r[4], "description": r[5], "agency_responsible": f"UBND {r[14]}",
                "service_notice": None, "requested_datetime": iso(r[6]), "updated_datetime": iso(r[8] or r[7]),
                "expected_datetime": f"{r[9]}T17:00:00+07:00", "address": r[10], "address_id": None, "zipcode": None,
                "lat": float(r[11]) if r[11] is not None else None, "long": float(r[12]) if r[12] is not None else None,
                "media_url": r[13] or None,
            })
    return json.dumps(out, ensure_ascii=False).encode()


def run(quick: bool = False) -> list[dict]:
    import os

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from coso.feedback.selectors import feedback_public_list

    size = QUICK_SIZE if quick else int(os.environ.get("COSO_BENCH_FEEDBACK_SIZE", FULL_SIZE))
    t0 = time.perf_counter()
    n = build(size)
    build_s = time.perf_counter() - t0
    rng = random.Random(7)
    reps = 12 if quick else 45
    rows: list[dict] = []
    note_db = f"{connection.vendor}, {n:,} items (built in {build_s:.0f} s)"

    # -- listing
    cases = _listing_cases(rng, reps)
    _run_coso(feedback_public_list(**cases[0]))  # warm-up
    coso_ms = [_time(_run_coso, feedback_public_list(**c)) for c in cases]
    base_ms = [_time(_run_unindexed, feedback_public_list(**c)) for c in cases[: max(6, reps // 3)]]
    for p in (50, 95):
        rows.append({"benchmark": f"feedback public listing p{p}", "value": _pct(coso_ms, p), "unit": "ms",
                     "baseline": "same SQL, indexes off", "baseline_value": _pct(base_ms, p),
                     "note": f"count + first {PAGE} rows; commune / category+commune / unfiltered; {note_db}"})

    # -- search
    coso_s, exact_s, base_s = [], [], []
    slowest: dict[str, float] = {}
    for i in range(reps):
        q, words = SEARCHES[i % len(SEARCHES)]
        coso_s.append(_time(_run_coso_search, q))
        slowest[q] = max(slowest.get(q, 0.0), coso_s[-1])
    for q, words in SEARCHES:
        exact_s.append(_time(_run_coso_search_exact, q))
        base_s.append(_time(_run_unindexed, _baseline_search_qs(words)))
    worst = ", ".join(f"{q!r} {ms:.0f}" for q, ms in sorted(slowest.items(), key=lambda kv: -kv[1])[:2])
    for p in (50, 95):
        rows.append({"benchmark": f"feedback search p{p}", "value": _pct(coso_s, p), "unit": "ms",
                     "baseline": "LIKE scan (accented words)", "baseline_value": _pct(base_s, p),
                     "note": f"count ≤ 1,000 + first {PAGE} (the public page); {len(SEARCHES)} queries, slowest ms: {worst}; {note_db}"})
    rows.append({"benchmark": "feedback search, exact count, p95", "value": _pct(exact_s, 95), "unit": "ms",
                 "baseline": "LIKE scan (accented words)", "baseline_value": _pct(base_s, 95),
                 "note": f"the same searches with an exact count (as before the cap), once each; p50 {_pct(exact_s, 50):.0f} ms"})

    # -- Open311 GET requests.json
    client = Client(HTTP_HOST="localhost")
    url = "/open311/v2/requests.json"
    params = {"page_size": "100"}
    r = client.get(url, params, secure=True)
    assert r.status_code == 200, r.content[:200]
    # Alternating rounds (a shared machine's load falls on both sides alike), the same number of requests each side.
    rounds, k = (4, 10) if quick else (4, 25)
    since = timezone.now() - dt.timedelta(days=90)
    o311_s = raw_s = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(k):
            client.get(url, params, secure=True)
        o311_s += time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(k):
            _open311_raw(since, 100)
        raw_s += time.perf_counter() - t
    coso_rps, raw_rps = rounds * k / o311_s, rounds * k / raw_s
    rows.append({"benchmark": "Open311 GET requests.json", "value": coso_rps, "unit": "req/s",
                 "baseline": "raw SQL + hand json", "baseline_value": raw_rps,
                 "note": f"100 requests/page, last 90 days, full Django stack vs bare query, {rounds} alternating rounds × {k}; {note_db}"})
    return rows


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.argv = [sys.argv[0], "--only", "feedback", *sys.argv[1:]]
    from bench import run as runner

    runner.main()
