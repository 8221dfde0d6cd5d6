"""Transaction-level locks on a name, for writes that read a set of rows no row lock covers (a count that gives the
next number, a quota over a group of rows) and must not run side by side.

PostgreSQL: ``pg_advisory_xact_lock`` on (namespace, key), each a ``hashtext``, held until the caller's transaction
commits or rolls back. SQLite needs nothing: its transactions take the write lock at ``BEGIN`` (``transaction_mode``
IMMEDIATE, see ``conf/base.py``), so two writers never run side by side there.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction


def lock(model: Any, namespace: str, *keys: str) -> None:
    """Within the caller's transaction (on the database ``model`` is written to), wait until no other transaction
    holds the lock of ``namespace`` and each of ``keys``, and hold them until commit or rollback. Keys are taken in
    sorted order, so that two callers locking several keys cannot wait for each other in turn."""
    db = router.db_for_write(model)
    conn = connections[db]
    if conn.vendor != "postgresql" or not keys:
        return
    if not transaction.get_connection(db).in_atomic_block:
        raise RuntimeError("coso.core.locks.lock() must run inside a transaction")
    with conn.cursor() as cur:
        for key in sorted(set(keys)):
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))", [namespace, key])
