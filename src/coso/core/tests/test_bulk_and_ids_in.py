"""The batch-job helpers: ``insert_values``/``insert_rows`` store what the ORM would, and ``IdsIn`` selects exactly the
listed ids, however many (beyond SQLite's variable limit), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from coso.core.bulk import insert_rows, insert_values
from coso.core.dbfunctions import IdsIn
from coso.core.models import AuditLog, SearchEntry

pytestmark = pytest.mark.django_db


def test_insert_values_applies_defaults_auto_now_and_json():
    before = timezone.now()
    n = insert_values(AuditLog, ({"action": "action", "verb": "t.bulk", "object_type": "x", "object_id": str(i),
                                  "after": {"reasons": ["Quá tuổi", i]}} for i in range(7)), batch=3)
    assert n == 7
    rows = list(AuditLog.objects.filter(verb="t.bulk").order_by("id"))
    assert [r.object_id for r in rows] == [str(i) for i in range(7)]
    assert rows[3].after == {"reasons": ["Quá tuổi", 3]}
    assert rows[0].actor_name == "" and rows[0].before is None and rows[0].reason == "" and rows[0].actor_id is None
    assert all(r.at >= before - dt.timedelta(seconds=1) for r in rows)


def test_insert_rows_matches_the_orm():
    insert_rows([SearchEntry(kind="t", object_id=i, token=f"w{i}", province_code="79") for i in range(5)])
    assert sorted(SearchEntry.objects.filter(kind="t").values_list("object_id", "token", "province_code", "commune_code")) == [
        (i, f"w{i}", "79", "") for i in range(5)]
    assert insert_rows([]) == 0


def test_ids_in_selects_exactly_the_listed_ids_even_beyond_the_variable_limit():
    insert_rows([SearchEntry(kind="ids", object_id=i, token="w") for i in range(1, 40_001)])
    qs = SearchEntry.objects.filter(kind="ids")
    assert qs.filter(IdsIn("object_id", [])).count() == 0
    assert sorted(qs.filter(IdsIn("object_id", [5, 3, 3, 999_999])).values_list("object_id", flat=True)) == [3, 5]
    wanted = list(range(2, 40_001, 2))  # 20,000 ids: more than SQLite's 999/32,766 variables
    assert qs.filter(IdsIn("object_id", wanted)).count() == 20_000
    assert qs.exclude(IdsIn("object_id", wanted)).count() == 20_000
    assert qs.filter(IdsIn("object_id", (str(i) for i in (7, 8)))).count() == 2  # whole numbers as text are accepted
    with pytest.raises(ValueError):
        IdsIn("object_id", ["1 OR 1=1"])


def test_refresh_statistics_after_a_bulk_load():
    """PostgreSQL: the table's planner statistics count the rows just written (in the same transaction); SQLite: no
    statistics table is created (its plans are tuned without one)."""
    from django.db import connection

    from coso.core.bulk import refresh_statistics

    insert_rows([SearchEntry(kind="stats", object_id=i, token=f"w{i % 7}") for i in range(2_000)])
    refresh_statistics(SearchEntry)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [SearchEntry._meta.db_table])
            assert cur.fetchone()[0] >= 2_000
        else:
            cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cur.fetchone()[0] == 0
