"""National volume on PostgreSQL: the officer inbox, the public look-up, name search and the 766 rollups at 10,000,000
dossiers (COSO_BENCH_NATIONAL_N sets another size, also with --quick; quick: 50,000). SQLite returns no rows (an embedded database is
for one commune or one province, not the nation).

Data, generated in SQL (no Python loop): N dossiers over the 3,321 communes in force, 1 % of them in one busy commune
(a large ward), received over the last 365 days, 3 % still open, the rest finished (10 % late, 10 % early), 30 % online;
applicants' names drawn from common Vietnamese family, middle and given names; no attachments (the recount behind
the 766 check reads the attachment rows, which are not generated); each dossier's name words in the
search index (core.SearchEntry, kind "dossier", and the word counts), as the intake service writes them; the two tables'
secondary indexes and constraints dropped during the load and built after it, as a bulk load does. Then ANALYZE, as
autovacuum would.

Measured, each beside a baseline from the same run:
1. Officer inbox of the busy commune (coso.dossiers.selectors.inbox: the four tab counts and the first 50 rows), p95 of
   20; baseline: the same SQL with the commune filter rewritten so that no index applies (3 runs).
2. Public look-up by code and the phone's last 4 digits (coso.dossiers.selectors.public_lookup), p95 of 200 random
   dossiers; baseline: the same query without the code index (3 runs).
3. Name search in the province officer's dossier list, then in the busy commune officer's (coso.dossiers.selectors.dossier_list
   with a query: count capped at 1,000 and the first page of 50), p95 over 8 queries × 3; baseline: the same page from
   ``applicant_name_folded LIKE`` word prefixes over the unit's dossiers (once per query).
4. The 766 rollups: the full rebuild (coso.indices.services.rollups_rebuild) against one sequential scan of the dossier
   table, and the national index with the 34-province ranking for 12 months from the rollups against the same figures
   recomputed from the dossier table (once).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connection

PREFIX = "NAT"
FAMILY = ["nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly"]
MIDDLE = ["van", "thi", "minh", "ngoc", "duc", "thanh", "huu", "quoc", "kim", "xuan"]
GIVEN = ["an", "anh", "binh", "chi", "cuong", "dung", "duc", "giang", "ha", "hai", "hanh", "hieu", "hoa", "hung", "huong", "khanh",
         "lan", "linh", "long", "mai", "minh", "nam", "nga", "ngoc", "phong", "phuong", "quang", "son", "tam", "thanh", "thao", "thu",
         "trang", "trung", "tuan", "tung", "uyen", "van", "viet", "yen"]
QUERIES = ["nguyen van an", "tran thi", "le minh tuan", "hoa", "pham ngoc anh", "dang thi thu", "vo quoc", "ly kim yen"]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def _array(words: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{w}'" for w in words) + "]"


@contextmanager
def _indexes_built_after(*tables: str) -> Iterator[None]:
    """A bulk load's usual order: drop the tables' secondary indexes, unique and foreign-key constraints, load, then build
    them again (one sorted build each instead of maintaining them row by row: several times faster at 10,000,000)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')", [list(tables)])
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i WHERE indrelid = ANY(%s::regclass[]) "
            "AND NOT indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [list(tables)])
        indexes = cur.fetchall()
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks deferred so far run now (no table with pending checks is altered)
        for table, name, _definition in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cur.execute(definition)
        for table, name, definition in constraints:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _build(n: int) -> dict[str, Any]:
    """The dossiers, their search entries and the users; returns what the measurements need."""
    from django.utils import timezone

    from coso.accounts.models import User
    from coso.accounts.roles import Role
    from coso.core.search import OBJECT_BITS, kind_number, search_stats_refresh
    from coso.procedures.models import Procedure, ProcedureVersion
    from coso.units.models import AdministrativeUnit

    proc, _ = Procedure.objects.get_or_create(code=f"{PREFIX}.001", defaults={"name": "Chứng thực bản sao (bench)", "name_folded": "chung thuc", "field": "Chứng thực"})
    version = proc.versions.first() or ProcedureVersion.objects.create(
        procedure=proc, valid_from=dt.date(2020, 1, 1), time_limit=Decimal(3), time_unit="working_days", online="full")
    busy = AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True).order_by("code").first()
    if busy is None:
        raise RuntimeError("load_units first")

    def user(name: str, role: str, commune_code: str) -> Any:
        u, _ = User.objects.get_or_create(username=f"bench-nat-{name}", defaults={
            "role": role, "unit": busy if commune_code else AdministrativeUnit.objects.get(code=busy.province_code, level="province"),
            "province_code": busy.province_code, "commune_code": commune_code, "full_name": f"Bench {name}"})
        return u

    specialist = user("specialist", Role.SPECIALIST, busy.code)
    province_officer = user("province", Role.PROVINCE_ADMIN, "")
    today = timezone.localdate()
    base = today.isoformat()
    with _indexes_built_after("dossiers_dossier", "core_searchentry", "core_searchdocument"), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_nat_communes")
        cur.execute(
            "CREATE TEMP TABLE bench_nat_communes AS SELECT (row_number() OVER (ORDER BY code)) - 1 AS i, code, province_code "
            "FROM units_administrativeunit WHERE level = 'commune' AND valid_to IS NULL"
        )
        cur.execute("SELECT count(*) FROM bench_nat_communes")
        communes = cur.fetchone()[0]
        age = "(g.i * 37 % 365)"
        opened = f"({age} < 11)"
        finished = f"(TIMESTAMPTZ '{base} 09:00+07' - {age} * INTERVAL '1 day' + (1 + g.i % 9) * INTERVAL '1 day')"
        name = f"({_array(FAMILY)})[1 + g.i % {len(FAMILY)}] || ' ' || ({_array(MIDDLE)})[1 + (g.i / 7) % {len(MIDDLE)}] || ' ' || ({_array(GIVEN)})[1 + (g.i / 13) % {len(GIVEN)}]"
        cur.execute(
            f"""
            INSERT INTO dossiers_dossier (code, procedure_version_id, province_code, commune_code, applicant_name, applicant_name_folded,
                applicant_phone, applicant_email, applicant_citizen_id, applicant_address, zalo_opt_in, channel, note, submitted_at, received_at,
                start_date, due_at, due_date, near_date, original_due_date, paused_working_days, supplement_count, finished_at, timeliness,
                status, is_open, current_step, current_step_name, waiting_role, version, created_at, updated_at, agency_code, deciding_level,
                has_input_files, has_result_file, rating_level)
            SELECT '{PREFIX}-' || g.i, {int(version.pk)}, c.province_code, c.code, initcap(g.name), g.name, '09' || (10000000 + g.i % 89999999), '', '', '',
                false, CASE WHEN g.i % 10 < 3 THEN 'online' ELSE 'counter' END, '', g.received, g.received, g.received::date,
                g.received + INTERVAL '6 days', (g.received + INTERVAL '6 days')::date, (g.received + INTERVAL '4 days')::date,
                (g.received + INTERVAL '6 days')::date, 0, 0,
                CASE WHEN g.open THEN NULL ELSE LEAST(g.finished, now()) END,
                CASE WHEN g.open THEN '' WHEN g.i % 10 = 0 THEN 'late' WHEN g.i % 10 = 1 THEN 'early' ELSE 'on_time' END,
                CASE WHEN g.open THEN 'processing' ELSE 'returned' END, g.open, CASE WHEN g.open THEN 2 ELSE 4 END, 'Bước',
                CASE WHEN g.open THEN 'specialist' ELSE '' END, 1, g.received, g.received, 'NAT', '', false, false, ''
            FROM (SELECT i, {name} AS name, {opened} AS open, {finished} AS finished,
                         TIMESTAMPTZ '{base} 09:00+07' - {age} * INTERVAL '1 day' AS received
                  FROM generate_series(1, {int(n)}) AS g(i)) g
            JOIN bench_nat_communes c ON c.i = CASE WHEN g.i % 100 = 0 THEN 0 ELSE g.i % {communes} END
            """  # noqa: S608 -- generated data: names from the lists above, the version id and the size as integers
        )
        cur.execute(
            """
            INSERT INTO core_searchentry (kind, object_id, token, province_code, commune_code)
            SELECT 'dossier', d.id, w.token, d.province_code, d.commune_code
            FROM dossiers_dossier d, LATERAL (SELECT DISTINCT token FROM unnest(string_to_array(d.applicant_name_folded, ' ')) AS token) w
            WHERE d.agency_code = 'NAT'
            """
        )
        cur.execute(  # the full-text documents the same words make (coso.core.search.search_document)
            f"""
            INSERT INTO core_searchdocument (id, kind, object_id, terms)
            SELECT {kind_number('dossier') << OBJECT_BITS} + d.id, 'dossier', d.id,
                   '_p' || d.province_code || ' _c' || d.commune_code || ' ' || d.applicant_name_folded
            FROM dossiers_dossier d WHERE d.agency_code = 'NAT'
            """  # noqa: S608 -- integers computed here
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    search_stats_refresh(kind="dossier")
    rng = random.Random(10)
    with connection.cursor() as cur:
        every = max(1, n // 2000)
        cur.execute(f"SELECT code, applicant_phone FROM dossiers_dossier WHERE agency_code = 'NAT' AND id % {every} = 0 LIMIT 5000")  # noqa: S608
        sample = cur.fetchall()
    return {"specialist": specialist, "province": province_officer, "lookups": rng.sample(sample, min(200, len(sample))), "busy": busy.code}


def run(quick: bool = False) -> list[dict[str, Any]]:
    if connection.vendor != "postgresql":
        return []
    import sys

    from coso.core.paging import capped_count
    from coso.dossiers import selectors

    n = int(os.environ.get("COSO_BENCH_NATIONAL_N", "50000" if quick else "10000000"))
    t0 = time.perf_counter()
    ctx = _build(n)
    gen = time.perf_counter() - t0
    rows: list[dict[str, Any]] = []
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
    from bench_dossiers import inbox_page, inbox_page_unindexed  # type: ignore[import-not-found]

    # 1. Inbox.
    box = selectors.inbox(fetched_by=ctx["specialist"])
    inbox_page(box)  # warm-up
    lat = []
    for _ in range(20):
        t = time.perf_counter()
        found = inbox_page(selectors.inbox(fetched_by=ctx["specialist"]))
        lat.append((time.perf_counter() - t) * 1000)
    scan = []
    for _ in range(3):
        t = time.perf_counter()
        scanned = inbox_page_unindexed(selectors.inbox(fetched_by=ctx["specialist"]))
        scan.append((time.perf_counter() - t) * 1000)
    rows.append({"benchmark": f"national: officer inbox p95, {n:,} dossiers", "value": _pct(lat, 95), "unit": "ms",
                 "baseline": "same SQL without the inbox index (median of 3)", "baseline_value": _pct(scan, 50),
                 "note": f"busy commune {ctx['busy']} (1 %); same rows: {found == scanned}; data generated in {gen:.0f} s"})

    # 2. Public look-up.
    lat, misses = [], 0
    for code, phone in ctx["lookups"]:
        t = time.perf_counter()
        misses += selectors.public_lookup(code=code, phone_suffix=phone[-4:]) is None
        lat.append((time.perf_counter() - t) * 1000)
    scan = []
    for code, _phone in ctx["lookups"][:3]:
        with connection.cursor() as cur:
            t = time.perf_counter()
            cur.execute("SELECT id, applicant_phone FROM dossiers_dossier WHERE (code || '') = %s", [code])
            cur.fetchall()
            scan.append((time.perf_counter() - t) * 1000)
    rows.append({"benchmark": f"national: public look-up by code p95, {n:,} dossiers", "value": _pct(lat, 95), "unit": "ms",
                 "baseline": "the same dossier without the code index (median of 3)", "baseline_value": _pct(scan, 50),
                 "note": f"{len(lat)} random dossiers; not found: {misses}"})

    # 3. Name search in the province officer's list, then in the busy commune's officer's list.
    def page(user: Any, query: str) -> tuple[int, list[int]]:
        qs = selectors.dossier_list(fetched_by=user, query=query)
        return capped_count(qs, 1000)[0], list(qs.order_by("id").values_list("id", flat=True)[:50])

    def page_like(column: str, code: str, query: str) -> tuple[int, list[int]]:
        where = " AND ".join("(applicant_name_folded LIKE %s OR applicant_name_folded LIKE %s)" for _ in query.split())
        params: list[Any] = []
        for w in query.split():
            params += [f"{w}%", f"% {w}%"]
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM dossiers_dossier WHERE {column} = %s AND {where} LIMIT 1001) s",  # noqa: S608
                        [code, *params])
            count = cur.fetchone()[0]
            cur.execute(f"SELECT id FROM dossiers_dossier WHERE {column} = %s AND {where} ORDER BY id LIMIT 50",  # noqa: S608
                        [code, *params])
            return count, [r[0] for r in cur.fetchall()]

    for label, unit, user, column, code in (("province list", "province", ctx["province"], "province_code", ctx["province"].province_code),
                                            ("busy commune's list", "commune", ctx["specialist"], "commune_code", ctx["busy"])):
        lat, scan, agree = [], [], True
        for q in QUERIES:
            page(user, q)  # warm-up
        for _ in range(3):
            for q in QUERIES:
                t = time.perf_counter()
                got = page(user, q)
                lat.append((time.perf_counter() - t) * 1000)
        for q in QUERIES:
            t = time.perf_counter()
            expected = page_like(column, code, q)
            scan.append((time.perf_counter() - t) * 1000)
            got = page(user, q)
            agree = agree and (got[0] == min(expected[0], 1000) and got[1] == expected[1])
        rows.append({"benchmark": f"national: name search p95 ({label}, capped count + first page), {n:,} dossiers", "value": _pct(lat, 95),
                     "unit": "ms", "baseline": f"LIKE word-prefix scan of the {unit}'s dossiers (p95)", "baseline_value": _pct(scan, 95),
                     "note": f"{len(QUERIES)} queries × 3; same results as the scan: {agree}"})

    # 4. 766 rollups.
    from bench_indices import _scan_seconds  # type: ignore[import-not-found]

    from coso.indices import periods, services
    from coso.indices import selectors as index_selectors
    from coso.indices.cache import bump

    seq = min(_scan_seconds() for _ in range(3))
    t = time.perf_counter()
    written = services.rollups_rebuild()
    rebuild = time.perf_counter() - t
    rows.append({"benchmark": f"national: full 766 rollup rebuild, {n:,} dossiers", "value": rebuild, "unit": "s",
                 "baseline": "one sequential scan of the dossier table", "baseline_value": seq, "note": f"{written:,} rollup rows; goal ≤ 3 × scan"})
    from django.utils import timezone

    today = timezone.localdate()
    period = periods.date_range(today - dt.timedelta(days=364), today)
    bump(everything=True)
    t = time.perf_counter()
    card = index_selectors.national_card(period)
    index_selectors.province_ranking(period)
    from_rollups = time.perf_counter() - t
    t = time.perf_counter()
    facts: dict[str, tuple[int, int]] = {}
    for f in services.collect_facts(day_from=period.start, day_to=period.end, by_day=False):
        a, b = facts.get(f["indicator"], (0, 0))
        facts[f["indicator"]] = (a + f["numerator"], b + f["denominator"])
    from_scan = time.perf_counter() - t
    same = all((card.indicator(c).numerator, card.indicator(c).denominator) == facts.get(c, (0, 0)) for c in ("2.1", "3.3", "4.1", "4.2", "5.4"))
    rows.append({"benchmark": f"national: 766 index + 34-province ranking, 12 months (rollups), {n:,} dossiers", "value": from_rollups, "unit": "s",
                 "baseline": "the national facts recomputed from the dossier table", "baseline_value": from_scan,
                 "note": f"goal < 1 s; figures identical: {same}; figures cache emptied first"})
    return rows
