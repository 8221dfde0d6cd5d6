"""The shared cache behind the rate limits: the database by default (atomic increments), Redis with
REDIS_URL; the table exists after ``migrate``."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.core.cache import caches
from django.db import connection, connections

import pytest

from coso.core import ratelimit

REPO = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
def test_counts_expire_with_their_window(settings):
    import datetime as dt

    from django.utils import timezone

    import time_machine

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert [ratelimit.hit("t", "a", seconds=60) for _ in range(3)] == [1, 2, 3]
        assert ratelimit.count("t", "a") == 3 and ratelimit.count("t", "b") == 0
        ratelimit.undo("t", "a")
        assert ratelimit.count("t", "a") == 2
        traveller.shift(dt.timedelta(seconds=61))
        assert ratelimit.count("t", "a") == 0
        assert ratelimit.hit("t", "a", seconds=60) == 1


@pytest.mark.django_db
def test_remaining_counts_down_to_the_end_of_the_window():
    import datetime as dt

    from django.utils import timezone

    import time_machine

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert ratelimit.remaining("w", "a", seconds=60) == 0  # no window
        ratelimit.hit("w", "a", seconds=60)
        assert ratelimit.remaining("w", "a", seconds=60) == 60
        traveller.shift(dt.timedelta(seconds=45))
        ratelimit.hit("w", "a", seconds=60)  # later events do not extend the window
        assert ratelimit.remaining("w", "a", seconds=60) == 15
        traveller.shift(dt.timedelta(seconds=16))
        assert ratelimit.remaining("w", "a", seconds=60) == 0
        ratelimit.hit("w", "a", seconds=60)
        assert ratelimit.remaining("w", "a", seconds=60) == 60
        ratelimit.reset("w", "a")
        assert ratelimit.remaining("w", "a", seconds=60) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)")
def test_parallel_hits_each_get_their_own_number():
    barrier = threading.Barrier(20)
    seen: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        try:
            barrier.wait()
            n = ratelimit.hit("parallel", "same-key", seconds=60)
            with lock:
                seen.append(n)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 21))


def test_settings_choose_redis_when_redis_url_is_set(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "COSO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "coso.conf.base",
            "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert out == "coso.core.cache.DatabaseCache"
    out = subprocess.run([sys.executable, "-c", code], env={**base, "REDIS_URL": "redis://127.0.0.1:6390/0"}, capture_output=True, text=True,
                         timeout=60, check=True).stdout.strip()
    assert out == "django.core.cache.backends.redis.RedisCache"


def test_migrate_creates_the_cache_table(tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "COSO_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "coso.conf.base",
           "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "--noinput", "-v0"], env=env, capture_output=True, text=True,
                   timeout=300, check=True, cwd=REPO)
    code = "import django; django.setup(); from coso.core import ratelimit; print(ratelimit.hit('x', 'y', seconds=60), ratelimit.hit('x', 'y', seconds=60))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert out == "1 2"


@pytest.fixture
def redis_url(tmp_path):  # type: ignore[no-untyped-def]
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.django_db
def test_rate_limits_work_on_redis(redis_url, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    caches["default"].clear()
    try:
        assert [ratelimit.hit("r", "k", seconds=60) for _ in range(3)] == [1, 2, 3]
        ratelimit.undo("r", "k")
        assert ratelimit.count("r", "k") == 2
        assert 59 <= ratelimit.remaining("r", "k", seconds=60) <= 60
        ratelimit.reset("r", "k")
        assert ratelimit.count("r", "k") == 0 and ratelimit.remaining("r", "k", seconds=60) == 0
        seen: list[int] = []
        lock = threading.Lock()

        def hit() -> None:
            n = ratelimit.hit("r", "parallel", seconds=60)
            with lock:
                seen.append(n)

        threads = [threading.Thread(target=hit) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(seen) == list(range(1, 21))
    finally:
        caches["default"].clear()


@pytest.mark.django_db
def test_set_many_writes_new_and_existing_entries_with_their_timeout():
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone

    import time_machine

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        cache.set("many:a", "old", timeout=600)
        assert cache.set_many({"many:a": {"n": 1}, "many:b": [1, 2], "many:c": None}, timeout=60) == []
        assert cache.get_many(["many:a", "many:b", "many:c", "many:d"]) == {"many:a": {"n": 1}, "many:b": [1, 2], "many:c": None}
        cache.set_many({"many:forever": 1, "many:also": 2}, timeout=None)
        traveller.shift(dt.timedelta(seconds=61))
        assert cache.get("many:a") is None and cache.get("many:b") is None
        assert cache.get_many(["many:forever", "many:also"]) == {"many:forever": 1, "many:also": 2}


@pytest.mark.django_db
def test_set_many_timeouts_writes_every_group_with_its_own_timeout_in_one_transaction(monkeypatch):
    import datetime as dt

    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    import time_machine

    from coso.core.cache import DatabaseCache

    monkeypatch.setattr(DatabaseCache, "CULL_EVERY", 1)  # the table counted at every write, as a due count does
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        cache.set("groups:a", "old", timeout=600)
        with CaptureQueriesContext(connection) as queries:
            assert cache.set_many_timeouts({30: {"groups:a": 1}, 120: {"groups:b": [2], "groups:c": None}, None: {"groups:d": 4}}) == []
        assert sum(1 for q in queries.captured_queries if "COUNT(*)" in q["sql"]) == 1
        assert cache.get_many(["groups:a", "groups:b", "groups:c", "groups:d"]) == {"groups:a": 1, "groups:b": [2], "groups:c": None, "groups:d": 4}
        traveller.shift(dt.timedelta(seconds=31))
        assert cache.get("groups:a") is None and cache.get("groups:b") == [2]
        traveller.shift(dt.timedelta(seconds=90))
        assert cache.get("groups:b") is None and cache.get("groups:d") == 4
        assert cache.set_many_timeouts({60: {}}) == []


@pytest.mark.django_db
def test_incr_compare_and_set_and_its_locked_fallback(monkeypatch):
    """An increment writes only where the row still holds the value read; after many lost rounds it reads under the
    row lock. Either way it adds exactly once, and a missing or expired key is refused."""
    from django.core.cache import cache

    from coso.core.cache import DatabaseCache

    cache.set("incr:n", 5, timeout=600)
    assert cache.incr("incr:n") == 6
    monkeypatch.setattr(DatabaseCache, "INCR_ATTEMPTS", 0)  # straight to the locked read
    assert cache.incr("incr:n", 10) == 16 and cache.get("incr:n") == 16
    cache.set("incr:gone", 1, timeout=-1)
    for key in ("incr:missing", "incr:gone"):
        with pytest.raises(ValueError):
            cache.incr(key)


@pytest.mark.django_db
def test_set_is_one_statement_and_the_table_is_counted_once_every_cull_every_writes(monkeypatch):
    """A write that is not due to count the table is one upsert (Django's: a transaction of a count, a look-up and a
    write); once every ``CULL_EVERY`` writes the table is counted and culled past ``MAX_ENTRIES``, so it never holds
    more than ``MAX_ENTRIES`` plus ``CULL_EVERY`` entries."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from coso.core.cache import DatabaseCache

    monkeypatch.setattr(DatabaseCache, "CULL_EVERY", 4)
    small = DatabaseCache("coso_cache", {"OPTIONS": {"MAX_ENTRIES": 6, "CULL_FREQUENCY": 2}})
    small.clear()
    db = connections["default"]
    small.set("cull:0", 0)  # the first write of the instance counts the table
    sizes = []
    for i in range(1, 40):
        with CaptureQueriesContext(db) as queries:
            small.set(f"cull:{i}", i, timeout=600)
        writes = [q["sql"] for q in queries.captured_queries if "coso_cache" in q["sql"]]
        counted = any("COUNT(*)" in q for q in writes)
        assert counted == (i % 4 == 0), (i, writes)
        if not counted:
            assert len(writes) == 1 and "ON CONFLICT" in writes[0] and not any(q["sql"] in ("BEGIN", "COMMIT") for q in queries.captured_queries)
        sizes.append(sum(1 for j in range(i + 1) if small.has_key(f"cull:{j}")))
    assert max(sizes) <= 6 + 4
    assert small.get("cull:39") == 39  # the last write is kept
    small.set("cull:39", "new")
    assert small.get("cull:39") == "new"
    small.clear()


@pytest.mark.django_db
def test_add_writes_only_where_the_key_is_missing_or_expired():
    from django.core.cache import cache

    assert cache.add("add:k", "first", timeout=600) is True
    assert cache.add("add:k", "second", timeout=600) is False and cache.get("add:k") == "first"
    cache.set("add:gone", "old", timeout=-1)
    assert cache.add("add:gone", "new", timeout=600) is True and cache.get("add:gone") == "new"
    assert cache.add("add:forever", 1, timeout=None) is True and cache.add("add:forever", 2, timeout=None) is False
    assert cache.get("add:forever") == 1


def _window_ended(scope: str, subject: str) -> None:
    """A window of ``scope``/``subject`` that counted 7 events and has ended: its row is still in the table."""
    from django.core.cache import cache

    cache.set(ratelimit.cache_key(scope, subject), 7, timeout=-1)


@pytest.mark.django_db
def test_a_window_restarted_by_two_requests_at_once_counts_both(monkeypatch):
    """Two requests count the first event after a window ended, the second one's whole ``hit`` running while the first
    one starts the new window: each gets its own number. With Django's ``add`` (a SELECT, then an UPDATE of the
    expired row) the second ran between the first one's read and its write, and the first put the count back to 0
    after the second had counted: both got 1. Here the first one's ``add`` is one statement, and the second runs right
    after it."""
    from django.core.cache import caches

    _window_ended("restart", "k")
    backend = caches["default"]
    real_add = backend.add
    state = {"first_adding": False, "second_done": False}
    seen: list[int] = []

    def add(*args, **kwargs):  # type: ignore[no-untyped-def]
        state["first_adding"] = not state["second_done"]
        try:
            return real_add(*args, **kwargs)
        finally:
            state["first_adding"] = False

    def second_after_the_first_read_the_window(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        out = execute(sql, params, many, context)
        if state["first_adding"] and "coso_cache" in sql and "expires" in sql and "COUNT(*)" not in sql:
            state["first_adding"], state["second_done"] = False, True
            seen.append(ratelimit.hit("restart", "k", seconds=60))
        return out

    monkeypatch.setattr(backend, "add", add)
    with connection.execute_wrapper(second_after_the_first_read_the_window):
        seen.append(ratelimit.hit("restart", "k", seconds=60))
    assert state["second_done"]
    assert sorted(seen) == [1, 2] and ratelimit.count("restart", "k") == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)")
def test_a_window_restarted_by_two_processes_at_once_counts_both(monkeypatch):
    """The same on two connections: the first request is held in its ``add`` before it writes (with Django's, after it
    read the ended window), the second counts meanwhile; both are counted in the new window."""
    from coso.core.tests.threads import side_by_side

    _window_ended("restart", "k")
    ops = type(connection.ops)  # the first call to it in ``add`` comes right before the write

    def hit() -> int:
        return ratelimit.hit("restart", "k", seconds=60)

    results, errors, _waited = side_by_side(monkeypatch, ops, "adapt_datetimefield_value", hit, hit)
    assert errors == []
    assert sorted(results) == [1, 2] and ratelimit.count("restart", "k") == 2


@pytest.mark.django_db
def test_a_window_recreated_by_redis_incr_still_expires(redis_url, settings, monkeypatch):
    """Django's RedisCache.incr checks that the key exists, then increments it; a key that expires in between is
    created anew by INCR without an expiry. The window must still end (else the subject stays counted for ever)."""
    from django.core.cache.backends.redis import RedisCacheClient

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    caches["default"].clear()
    original = RedisCacheClient.incr

    def incr_after_expiry(self, key, delta):  # type: ignore[no-untyped-def]
        client = self.get_client(key, write=True)
        if not client.exists(key):
            raise ValueError(f"Key {key!r} not found.")
        client.delete(key)  # the window's lifetime ends right after the check
        return client.incr(key, delta)

    try:
        monkeypatch.setattr(RedisCacheClient, "incr", incr_after_expiry)
        assert ratelimit.hit("r", "expiring", seconds=60) == 1
        monkeypatch.setattr(RedisCacheClient, "incr", original)
        key = caches["default"].make_and_validate_key(ratelimit.cache_key("r", "expiring"))
        ttl = caches["default"]._cache.get_client(key).ttl(key)
        assert 0 < ttl <= 60, ttl
    finally:
        caches["default"].clear()
