"""The job queue's default engine: huey's SQLite storage, committed without an fsync per message.

Huey's SQLite storage runs in WAL mode with SQLite's default ``synchronous=FULL``: every enqueue waits for the disk
to flush the log (3–4 ms here), and every transition and intake enqueues one rollup refresh after its commit, so
that wait was paid on each of them. In WAL mode ``synchronous=NORMAL`` (the setting SQLite's documentation
recommends for WAL) keeps the queue consistent whatever happens to the process and loses nothing when a process
crashes; only a power cut or a crash of the operating system can drop the last messages committed before it. Each
queued job has a way back: a rollup refresh is redone by the periodic ``indices_rollups`` job, an export left queued
is closed as failed after ``coso.jobs.services.STALE_AFTER`` (the user starts it again), a manual run is started
again. With ``REDIS_URL`` the queue is Redis and this module is not used.
"""

from __future__ import annotations

import sqlite3

from huey import Huey
from huey.storage import SqliteStorage


class SqliteQueueStorage(SqliteStorage):
    """huey's SQLite storage (WAL) with ``synchronous=NORMAL``: no fsync at each commit."""

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class SqliteQueue(Huey):
    """``huey.SqliteHuey`` on :class:`SqliteQueueStorage` (settings ``HUEY['huey_class']``)."""

    storage_class = SqliteQueueStorage
