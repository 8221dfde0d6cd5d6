"""The database cache on PostgreSQL is an unlogged table (its writes do not wait for the write-ahead log), read from
the primary only (a streaming replica does not hold unlogged tables)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

import pytest

from coso.core.dbrouter import ReplicaRouter, reads_from_replica
from coso.core.tests.pages import run_in_replica_request

pytestmark = pytest.mark.django_db

TABLE = settings.CACHES["default"].get("LOCATION", "")
DATABASE_CACHE = settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


@pytest.mark.skipif(not DATABASE_CACHE, reason="the cache is not a database table (REDIS_URL)")
def test_the_cache_table_is_unlogged_on_postgresql_and_still_works():
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT relpersistence FROM pg_class WHERE relname = %s", [TABLE])
            assert cur.fetchone() == ("u",)
    cache.set("coso-test-unlogged", {"n": 1}, timeout=60)
    assert cache.get("coso-test-unlogged") == {"n": 1}
    assert cache.add("coso-test-unlogged-2", 0, timeout=60) and cache.incr("coso-test-unlogged-2") == 1


def test_cache_reads_stay_on_the_primary_in_a_request_that_reads_the_replica(settings):
    from django.core.cache.backends.db import Options

    from coso.feedback.models import Feedback

    settings.COSO_READ_REPLICA = True
    if "replica" not in settings.DATABASES:
        pytest.skip("no replica database configured")
    cache_model = type("CacheEntry", (), {"_meta": Options(TABLE or "coso_cache")})
    seen: list[tuple[bool, str | None, str | None]] = []

    def view(request):  # type: ignore[no-untyped-def]
        seen.append((reads_from_replica(), ReplicaRouter().db_for_read(Feedback), ReplicaRouter().db_for_read(cache_model)))
        return HttpResponse("ok")

    run_in_replica_request(view)
    assert seen == [(True, "replica", None)]  # None: the primary ("default")
