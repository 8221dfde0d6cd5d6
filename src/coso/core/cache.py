"""The database cache with an atomic ``incr`` (the default cache: settings.CACHES).

Django's database cache increments with a read and a separate write, so two web processes that
count the same event at once both write the same number. Rate limits (login, public lookup) must
count every attempt whichever process serves it: here ``incr`` writes the new value only where the
row still holds the value it read (compare-and-set, read again when another process won), and after
many lost rounds reads the row with a lock (SELECT … FOR UPDATE) and writes in the same transaction.
Redis (REDIS_URL) increments atomically by itself.

``set`` writes with one upsert statement, ``set_many`` with one upsert in one transaction. Django writes each entry
in a transaction of its own, with a count of the whole table, a look-up, then an update or an insert: five round
trips, and a count that grows with the table. ``set_many_timeouts`` writes entries of several lifetimes at once.
The table is counted (and culled past ``MAX_ENTRIES``, as Django does) once every ``CULL_EVERY`` writes of a backend
instance (one per thread) instead of at each write, so between two counts it may pass ``MAX_ENTRIES`` by that many
entries per thread.
"""

from __future__ import annotations

import base64
import datetime as dt
import pickle
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
        rows = []
        for timeout, data in groups.items():
            seconds = self.get_backend_timeout(timeout)
            if seconds is None:
                expires = dt.datetime.max  # noqa: DTZ901 - as Django writes "never expires"
            else:
                expires = dt.datetime.fromtimestamp(seconds, tz=dt.UTC if settings.USE_TZ else None)
            expires_db = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
            rows += [
                (self.make_and_validate_key(key, version=version), base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1"), expires_db)
                for key, value in data.items()
            ]
        if not rows:
            return []
        qn = connection.ops.quote_name
        table = qn(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache.__init__
        key_col, value_col, expires_col = qn("cache_key"), qn("value"), qn("expires")
        upsert = (f"INSERT INTO {table} ({key_col}, {value_col}, {expires_col}) VALUES (%s, %s, %s) "  # noqa: S608 - quoted names
                  f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = excluded.{value_col}, {expires_col} = excluded.{expires_col}")
        cull = self._cull_due()
        if len(rows) == 1 and not cull:
            with connection.cursor() as cursor:  # one statement, atomic by itself: no transaction around it
                cursor.execute(upsert, rows[0])
            return []
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if cull:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - quoted name
                num = cursor.fetchone()[0]
                if num > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), num)  # type: ignore[attr-defined]
            cursor.executemany(upsert, rows)
        return []
