"""coso.core.locks: a name lock is taken inside a transaction (PostgreSQL) and is nothing on SQLite."""

from __future__ import annotations

from django.db import connection, transaction

import pytest

from coso.core import locks
from coso.core.models import SearchWordCount

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lock_inside_a_transaction_is_taken_again_at_no_cost():
    with transaction.atomic():
        locks.lock(SearchWordCount, "core.test", "b", "a", "a")
        locks.lock(SearchWordCount, "core.test", "a")
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
                assert cur.fetchone()[0] == 2  # one per key, however often taken
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
            assert cur.fetchone()[0] == 0  # released at commit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite needs no lock")
def test_a_lock_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        locks.lock(SearchWordCount, "core.test", "a")
