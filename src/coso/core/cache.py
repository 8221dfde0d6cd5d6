"""The database cache with an atomic ``incr`` (the default cache: settings.CACHES).

Django's database cache increments with a read and a separate write, so two web processes that
count the same event at once both write the same number. Rate limits (login, public lookup) must
count every attempt whichever process serves it: here ``incr`` writes the new value only where the
row still holds the value it read (compare-and-set, read again when another process won), and after
many lost rounds reads the row with a lock (SELECT … FOR UPDATE) and writes in the same transaction.
Redis (REDIS_URL) increments atomically by itself.

``add`` (which starts a rate-limit window) writes only where the key is missing or expired, in one upsert statement.
Django's reads the row, then updates it when it has expired: two processes restarting an ended window at once both
read it as ended, and the later write puts the count back to its start after the other one had already counted
(one event lost, on every window restart that two requests share).

``set`` writes with one upsert statement, ``set_many`` with one upsert in one transaction. Django writes each entry
in a transaction of its own, with a count of the whole table, a look-up, then an update or an insert: five round
trips, and a count that grows with the table. ``set_many_timeouts`` writes entries of several lifetimes at once.
The table is counted (and culled past ``MAX_ENTRIES``, as Django does) once every ``CULL_EVERY`` writes of a backend
instance (one per thread) instead of at each write, so between two counts it may pass ``MAX_ENTRIES`` by that many
entries per thread.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import pickle
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Compare-and-set: read the value, write the new one only where the row still holds the value read,
        read again if another process changed it first. No increment is lost (the UPDATE re-checks the row
        under its write lock), and the uncontended case is two statements in autocommit instead of a
        transaction of four round trips (BEGIN, SELECT … FOR UPDATE, UPDATE, COMMIT): every dossier and
        feedback write bumps a generation counter this way."""
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for _ in range(self.INCR_ATTEMPTS):
                stored, new = self._read_added(cursor, connection, key, delta)
                encoded = base64.b64encode(pickle.dumps(new, self.pickle_protocol)).decode("latin1")
                cursor.execute(
                    f"UPDATE {self._qtable(connection)} SET {qn('value')} = %s WHERE {qn('cache_key')} = %s AND {qn('value')} = %s",  # noqa: S608
                    [encoded, key, stored],
                )
                if cursor.rowcount == 1:
                    return int(new)
        # Still losing after many attempts (a very hot key): queue behind the others under the row lock.
        with transaction.atomic(using=db), connection.cursor() as cursor:
            _stored, new = self._read_added(cursor, connection, key, delta, lock=connection.features.has_select_for_update)
            encoded = base64.b64encode(pickle.dumps(new, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {self._qtable(connection)} SET {qn('value')} = %s WHERE {qn('cache_key')} = %s", [encoded, key])  # noqa: S608
        return int(new)

    INCR_ATTEMPTS = 20

    def _qtable(self, connection: Any) -> str:
        return str(connection.ops.quote_name(self._table))  # type: ignore[attr-defined]  # set by BaseDatabaseCache.__init__

    def _read_added(self, cursor: Any, connection: Any, key: str, delta: int, *, lock: bool = False) -> tuple[str, Any]:
        """The stored (encoded) value of ``key`` and that value plus ``delta``; ValueError when missing or expired.
        ``lock``: read with SELECT … FOR UPDATE (inside the caller's transaction)."""
        qn = connection.ops.quote_name
        cursor.execute(
            f"SELECT {qn('value')}, {qn('expires')} FROM {self._qtable(connection)} WHERE {qn('cache_key')} = %s"  # noqa: S608 - names quoted
            + (" FOR UPDATE" if lock else ""),
            [key],
        )
        row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        value, expires = row
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        if expires < tz_now():
            raise ValueError(f"Key '{key}' not found")
        stored = connection.ops.process_clob(value)
        return stored, pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301 - our own table

    # Writes of a backend instance (one per thread) between two counts of the table (see above).
    CULL_EVERY = 100

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self.set_many_timeouts({timeout: {key: value}}, version=version)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self.set_many_timeouts({timeout: data}, version=version)

    def _cull_due(self) -> bool:
        """True once every ``CULL_EVERY`` calls (the first call included)."""
        writes = getattr(self, "_writes", 0)
        self._writes = writes + 1
        return writes % self.CULL_EVERY == 0

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Write ``value`` only where ``key`` is missing or expired; True when written. One statement (an upsert whose
        update applies only to an expired row), so of two processes starting the same window at once exactly one
        writes, and the other's ``incr`` counts in that window (see above)."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("sqlite", "postgresql"):  # no INSERT … ON CONFLICT: Django's way
            return bool(super().add(key, value, timeout=timeout, version=version))
        row = self._row(connection, key, value, timeout, version)
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        upsert = self._upsert(connection) + f" WHERE {self._qtable(connection)}.{connection.ops.quote_name('expires')} < %s"
        with self._culled(db, connection) as cursor:
            cursor.execute(upsert, [*row, now])
            return bool(cursor.rowcount == 1)

    def _row(self, connection: Any, key: Any, value: Any, timeout: Any, version: int | None) -> tuple[str, str, Any]:
        """(key, encoded value, expiry) as the table stores them."""
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            expires = dt.datetime.max  # noqa: DTZ901 - as Django writes "never expires"
        else:
            expires = dt.datetime.fromtimestamp(seconds, tz=dt.UTC if settings.USE_TZ else None)
        expires_db = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        return (self.make_and_validate_key(key, version=version), base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"),
                expires_db)

    def _upsert(self, connection: Any) -> str:
        qn = connection.ops.quote_name
        table = self._qtable(connection)
        key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
        return (f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) VALUES (%s, %s, %s) "  # noqa: S608 - quoted names
                f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = excluded.{value_col}, {expires_col} = excluded.{expires_col}")

    @contextlib.contextmanager
    def _culled(self, db: str, connection: Any, *, atomic: bool = False) -> Iterator[Any]:
        """A cursor for a write; when a count of the table is due, inside a transaction that counts the table and culls it
        first. ``atomic``: in a transaction in any case (several statements); otherwise the write is one statement,
        atomic by itself, with no transaction around it."""
        cull = self._cull_due()
        if not cull and not atomic:
            with connection.cursor() as cursor:
                yield cursor
            return
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if cull:
                table = self._qtable(connection)
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - quoted name
                num = cursor.fetchone()[0]
                if num > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), num)  # type: ignore[attr-defined]
            yield cursor

    def set_many_timeouts(self, groups: dict[Any, dict[Any, Any]], version: int | None = None) -> list[Any]:
        """``set_many`` of several groups of entries, each with its own timeout ({timeout: {key: value}}), with one
        upsert statement (a page that caches figures, counts and parts with different lifetimes writes them together);
        when a count of the table is due, the count, the cull and the upsert in one transaction."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("sqlite", "postgresql"):  # no INSERT … ON CONFLICT: Django's way
            for timeout, data in groups.items():
                super().set_many(data, timeout=timeout, version=version)
            return []
        rows = [self._row(connection, key, value, timeout, version) for timeout, data in groups.items() for key, value in data.items()]
        if not rows:
            return []
        with self._culled(db, connection, atomic=len(rows) > 1) as cursor:
            if len(rows) == 1:
                cursor.execute(self._upsert(connection), rows[0])
            else:
                cursor.executemany(self._upsert(connection), rows)
        return []
