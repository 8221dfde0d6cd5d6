"""The queue engines themselves: the embedded SQLite queue and Redis, with a real consumer
(worker threads and scheduler) taking tasks off them; the settings pick the engine from the environment."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def _ping(host: str, port: int) -> bool:
    try:
        import redis

        return bool(redis.Redis(host=host, port=port, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture(scope="module")
def redis_url():  # type: ignore[no-untyped-def]
    """The machine's Redis (TEST_REDIS_URL or 127.0.0.1:6379), else a private redis-server started here, else skip."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if _ping(parsed.hostname or "127.0.0.1", parsed.port or 6379):
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("no Redis server running and redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if _ping("127.0.0.1", port):
                break
            time.sleep(0.1)
        else:
            pytest.skip("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/15"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _round_trip(huey) -> None:  # type: ignore[no-untyped-def]
    """Enqueue two tasks, let a real consumer (threads + scheduler) run them, read the results."""

    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    results = [add(2, 3), add(40, 2)]
    assert huey.pending_count() == 2
    consumer = huey.create_consumer(workers=2, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2)
    consumer.start()
    try:
        assert [r.get(blocking=True, timeout=30) for r in results] == [5, 42]
    finally:
        consumer.stop(graceful=True)
    assert huey.pending_count() == 0


def test_sqlite_queue_with_a_real_consumer(tmp_path):
    from coso.jobs.queue import SqliteQueue

    _round_trip(SqliteQueue(f"coso-test-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "huey.sqlite3")))


def test_sqlite_queue_commits_in_wal_without_an_fsync_per_message(tmp_path):
    """WAL with synchronous=NORMAL: consistent whatever the process does, no disk flush at each enqueue."""
    from coso.jobs.queue import SqliteQueue

    huey = SqliteQueue(f"coso-test-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "huey.sqlite3"))
    conn = huey.storage.conn
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL (FULL is 2)
    huey.storage.enqueue(b"message")
    assert huey.pending_count() == 1


def test_redis_queue_with_a_real_consumer(redis_url):
    from huey import RedisHuey

    huey = RedisHuey(f"coso-test-{uuid.uuid4().hex[:8]}", url=redis_url)
    try:
        _round_trip(huey)
    finally:
        huey.flush()


def _settings_in_subprocess(**env: str) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; from huey.contrib.djhuey import HUEY;"
            "print(json.dumps({'huey': type(HUEY).__name__, 'storage': type(HUEY.storage).__name__, 'immediate': HUEY.immediate,"
            "'default_storage': settings.STORAGES['default']['BACKEND'], 'bucket': settings.STORAGES['default'].get('OPTIONS', {}).get('bucket_name'),"
            "'replica': 'replica' in settings.DATABASES, 'session': settings.SESSION_ENGINE, 'read_replica': settings.COSO_READ_REPLICA, 'log': settings.LOGGING['handlers']['console']['formatter']}))")
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "S3_BUCKET", "DATABASE_REPLICA_URL", "LOG_FORMAT", "HUEY_IMMEDIATE", "DATABASE_URL"}}
    out = subprocess.run([sys.executable, "-c", code], env={**base, "DJANGO_SETTINGS_MODULE": "coso.conf.base", "PYTHONPATH": str(ROOT / "src"),
                                                             "DEBUG": "0", "SECRET_KEY": "x" * 60, **env},
                         capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_choose_the_engines_from_the_environment(tmp_path):
    default = _settings_in_subprocess(COSO_VAR_DIR=str(tmp_path))
    # Sessions live in the database (a cache in front is fine): every web process sees every session.
    assert default.pop("session") in {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db", "coso.accounts.sessions"}
    assert default == {"huey": "SqliteQueue", "storage": "SqliteQueueStorage", "immediate": False, "default_storage": "django.core.files.storage.FileSystemStorage",
                       "bucket": None, "replica": False, "read_replica": False, "log": "text"}
    scaled = _settings_in_subprocess(COSO_VAR_DIR=str(tmp_path), REDIS_URL="redis://127.0.0.1:6379/3", S3_BUCKET="coso-files",
                                     S3_ENDPOINT_URL="http://127.0.0.1:9000", DATABASE_REPLICA_URL=f"sqlite:///{tmp_path}/replica.sqlite3", LOG_FORMAT="json")
    scaled.pop("session")
    assert scaled == {"huey": "RedisHuey", "storage": "RedisStorage", "immediate": False, "default_storage": "storages.backends.s3.S3Storage",
                      "bucket": "coso-files", "replica": True, "read_replica": True, "log": "json"}
