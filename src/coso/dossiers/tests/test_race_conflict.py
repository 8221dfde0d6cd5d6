"""Issue 13 item 15: whoever loses a race gets 409 with the current state, not 403 — the version is
checked before the role (after the scope: another unit's dossier is still a 404)."""

from __future__ import annotations

import threading

from django.db import connection, connections
from django.test import Client

import pytest

from coso.accounts.models import ApiToken
from coso.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db


def _forward(client: Client, token: str, pk: int, version: int):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/dossiers/{pk}/actions/forward", {"version": version}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_second_forward_with_the_same_version_is_a_409_with_the_current_state(users, receive):
    d = receive()
    token = ApiToken.issue(user=users["onestop"], name="x")[1]
    first = _forward(Client(), token, d.pk, d.version)
    assert first.status_code == 200
    second = _forward(Client(), token, d.pk, d.version)
    assert second.status_code == 409, second.content
    body = second.json()
    assert body["code"] == "conflict"
    assert body["details"]["current_version"] == d.version + 1 and body["details"]["waiting_role"] == "specialist"
    assert body["details"]["status"] == first.json()["status"]
    # With the current version, the role check still answers: the dossier waits for the specialist now.
    third = _forward(Client(), token, d.pk, d.version + 1)
    assert third.status_code == 403
    # Another commune's officer still gets 404, whatever version they send.
    other = ApiToken.issue(user=users["other_onestop"], name="x")[1]
    assert _forward(Client(), other, d.pk, d.version).status_code == 404
    assert _forward(Client(), other, d.pk, d.version + 1).status_code == 404


def test_page_action_race_loser_is_told_to_reload(login, users, receive):
    d = receive()
    c = login(users["onestop"])
    assert c.post(f"/dossiers/{d.pk}/act/forward/", {"version": d.version}).status_code in (200, 302)
    r = c.post(f"/dossiers/{d.pk}/act/forward/", {"version": d.version}, follow=True)
    assert r.status_code in (200, 409)
    assert "người khác cập nhật" in r.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)")
def test_twenty_parallel_forwards_one_wins_nineteen_conflicts(users, receive):
    d = receive()
    token = ApiToken.issue(user=users["onestop"], name="x")[1]
    barrier = threading.Barrier(20)
    codes: list[int] = []
    lock = threading.Lock()

    def go() -> None:
        try:
            barrier.wait()
            r = _forward(Client(), token, d.pk, d.version)
            with lock:
                codes.append(r.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 19
    assert Dossier.objects.get(pk=d.pk).version == d.version + 1
    assert DossierEvent.objects.filter(dossier=d, action="forward").count() == 1
