"""What GET /api/v1/dossiers/{id} reads from the database for the reads nearly every request is (the answer itself is
pinned in test_detail_read_pinned.py)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from coso.units.tests.helpers import old_commune_merged_into

pytestmark = pytest.mark.django_db


def _queries(client: Any, pk: int) -> list[str]:
    with CaptureQueriesContext(connection) as q:
        r = client.get(f"/api/v1/dossiers/{pk}")
    assert r.status_code == 200, r.content
    return [x["sql"] for x in q.captured_queries]


def test_a_dossier_of_the_readers_own_commune_is_read_without_the_communes_lineage(users, commune, other_commune, receive, login):  # type: ignore[no-untyped-def]
    """The commune took over old communes (their dossiers readable through it): its own dossier is found in its own
    scope, without reading which communes it took over."""
    old_commune_merged_into("00004", commune, name="Xã Cũ")
    d = receive()
    for reader in ("onestop", "specialist", "province_home_affairs"):
        sql = _queries(login(users[reader]), d.pk)
        assert not [s for s in sql if "units_unitsuccession" in s], reader


def test_an_officer_without_a_delegation_reads_a_dossier_to_approve_without_a_query_on_delegations(users, receive, login):  # type: ignore[no-untyped-def]
    """The approval a delegation could allow is among the actions asked for a dossier in progress: whether one covers the
    reader today comes with the dossier's row; the delegate still gets it (test_detail_read_pinned.py)."""
    from coso.dossiers.tests.conftest import act

    d = receive()
    act(d, users["onestop"], "forward")
    for reader in ("onestop", "specialist"):
        sql = _queries(login(users[reader]), d.pk)
        assert not [s for s in sql if '"accounts_delegation"' in s and 'FROM "dossiers_dossier"' not in s], reader
