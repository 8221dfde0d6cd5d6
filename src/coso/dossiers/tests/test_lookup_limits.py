"""Issue 13 item 7: the public lookup limit is shared by every web process, counts failures by the
client address the proxy reports (only when BEHIND_PROXY) and by dossier code, and other people's
failures never lock a citizen out of their own dossier."""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.db import connection
from django.test import Client

import pytest

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"  # the reverse proxy: every request reaches Django from it


def _api(code: str, phone: str, ip: str | None = None, remote: str = PROXY):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if ip:
        extra["HTTP_X_FORWARDED_FOR"] = f"1.2.3.4, {ip}"  # the client may write anything first; the proxy appends last
    return Client().get("/api/v1/dossiers/lookup", {"code": code, "phone": phone}, **extra)


def _page(code: str, phone: str, ip: str | None = None, remote: str = PROXY):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if ip:
        extra["HTTP_X_FORWARDED_FOR"] = ip
    return Client().get("/dossiers/lookup/", {"code": code, "phone": phone}, **extra)


def test_failures_are_counted_in_the_shared_cache_table(receive, settings):
    d = receive(phone="0909123456")
    assert isinstance(caches["default"], BaseDatabaseCache)  # not a per-process memory cache
    for i in range(settings.LOOKUP_MAX_FAILURES):
        fetch = _api if i % 2 else _page  # the page and the API count together
        assert fetch(d.code, "0000").status_code in (200, 404)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(settings.CACHES['default']['LOCATION'])}")
        assert cur.fetchone()[0] >= 3  # client, code and pair counters, in the database every process reads
    r = _api(d.code, "3456")
    assert r.status_code == 429 and r.json()["code"] == "too-many-attempts"
    assert _page(d.code, "3456").status_code == 429


def test_behind_a_proxy_each_citizen_has_their_own_counter(receive, settings):
    settings.BEHIND_PROXY = True
    mine = receive(phone="0909123456")
    other = receive(phone="0912000111")
    for _ in range(settings.LOOKUP_MAX_FAILURES):
        assert _api(other.code, "0000", ip="203.0.113.9").status_code == 404
    assert _api(other.code, "0111", ip="203.0.113.9").status_code == 429  # the guesser must wait, even when right
    # Another citizen behind the same proxy is not affected.
    r = _api(mine.code, "3456", ip="198.51.100.7")
    assert r.status_code == 200 and r.json()["code"] == mine.code
    assert _page(mine.code, "3456", ip="198.51.100.7").status_code == 200


def test_without_proxy_setting_forwarded_for_is_ignored(receive, settings):
    settings.BEHIND_PROXY = False
    d = receive(phone="0909123456")
    for i in range(settings.LOOKUP_MAX_FAILURES):
        # A client that invents a new X-Forwarded-For each time is still one client.
        assert _api(d.code, "0000", ip=f"203.0.113.{i}", remote="192.0.2.50").status_code == 404
    assert _api(d.code, "3456", ip="203.0.113.200", remote="192.0.2.50").status_code == 429
    assert _api(d.code, "3456", remote="192.0.2.51").status_code == 200


def test_many_addresses_guessing_one_code_do_not_lock_its_owner_out(receive, settings):
    settings.BEHIND_PROXY = True
    d = receive(phone="0909123456")
    for i in range(settings.LOOKUP_MAX_FAILURES_PER_CODE):
        assert _api(d.code, f"{i:04d}", ip=f"203.0.113.{i}").status_code == 404
    # The code is under attack: the addresses that already guessed wrong may not guess again…
    assert _api(d.code, "3456", ip="203.0.113.1").status_code == 429
    # …while the owner, from their own address, still gets the status.
    assert _api(d.code, "3456", ip="198.51.100.7").status_code == 200
    assert _page(d.code, "3456", ip="198.51.100.8").status_code == 200


def test_correct_lookups_are_never_counted(receive, settings):
    d = receive(phone="0909123456")
    for _ in range(settings.LOOKUP_MAX_FAILURES * 2):
        assert _api(d.code, "3456").status_code == 200
    assert _page(d.code, "3456").status_code == 200


def test_a_phone_that_is_not_four_digits_is_refused_on_its_field_and_not_counted(receive, settings):
    """The API, like the page's form, says what is wrong with "12345" or "" instead of answering "not found" and
    counting it as a failed guess."""
    d = receive(phone="0909123456")
    for phone in ["12345", "123", "", "abcd"] * settings.LOOKUP_MAX_FAILURES:
        r = _api(d.code, phone)
        assert r.status_code == 400, r.content
        body = r.json()
        assert body["code"] == "invalid-phone" and "phone" in body["details"]["fields"] and "4 chữ số" in body["message"], body
    r = _api(d.code, "3456")
    assert r.status_code == 200 and r.json()["code"] == d.code
