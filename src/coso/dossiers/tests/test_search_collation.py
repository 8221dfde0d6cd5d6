"""The applicant's citizen id, indexed under its marker ("_i…"), stays out of reach of plain words on a PostgreSQL
database whose collation ignores punctuation (glibc's en_US.UTF-8 and most production clusters; here ICU's
"shifted" variant, which orders the same way): "_i0790…" sorts there as "i0790…", inside the range of the word
"i0790" that anyone may type."""

from __future__ import annotations

from django.db import connection

import pytest

pytestmark = pytest.mark.django_db

CCCD = "079090001234"


@pytest.fixture
def punctuation_blind_collation():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL collations")
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
        if cur.fetchone() is None:
            pytest.skip("no ICU collations in this PostgreSQL")
        cur.execute("CREATE COLLATION IF NOT EXISTS coso_test_shifted (provider = icu, locale = 'und-u-ka-shifted')")
        cur.execute("SELECT '_i0790123' >= 'i0790' COLLATE coso_test_shifted AND '_i0790123' < 'i0791' COLLATE coso_test_shifted")
        assert cur.fetchone() == (True,)  # the order that made the hole
        for table in ("core_searchentry", "core_searchwordcount"):
            cur.execute(f'ALTER TABLE {table} ALTER COLUMN token TYPE varchar(64) COLLATE coso_test_shifted')  # rolled back with the test
    yield


def _count(client, q):  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/dossiers/", {"q": q})
    assert r.status_code == 200, (q, r.content)
    return r.json()["count"]


def test_a_plain_word_never_reaches_the_marked_citizen_id_under_a_punctuation_blind_collation(punctuation_blind_collation, login, users, receive):
    receive(citizen_id=CCCD, phone="0912345678")
    masked = login(users["finance"])
    for q in ("i0790", "i07909000", "i079090001234", "i0"):
        assert _count(masked, q) == 0, q
    assert _count(masked, "0912") == 1 and _count(masked, "nguyen") == 1
    assert _count(login(users["onestop"]), CCCD) == 1  # who sees ids in full still finds it
