"""Issue 13 item 6: no user-name enumeration, an atomic failure count, throttling by account and
address together, and a one-time unlock link sent by e-mail/SMS."""

from __future__ import annotations

import datetime as dt
import re
import threading

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.utils import timezone

import pytest
import time_machine

from coso.accounts.models import User
from coso.core.models import AuditLog
from coso.core.notify import MemoryBackend

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "pw-Coso-2026!"


def _login(username: str, password: str, ip: str = "192.0.2.10"):  # type: ignore[no-untyped-def]
    c = Client(REMOTE_ADDR=ip)
    return c, c.post(LOGIN, {"username": username, "password": password})


def _lock_message(r) -> bool:  # type: ignore[no-untyped-def]
    return "nhập sai nhiều lần" in r.content.decode()


def test_unknown_user_names_get_the_same_lock_as_real_ones(users):
    answers = {}
    for name in ("onestop", "khong-co-ai-ten-nay"):
        seen = []
        for _ in range(settings.LOGIN_MAX_FAILURES + 1):
            _c, r = _login(name, "wrong-password")
            seen.append((r.status_code, _lock_message(r)))
        answers[name] = seen
    assert answers["onestop"] == answers["khong-co-ai-ten-nay"]
    assert answers["onestop"][-1] == (429, True) and answers["onestop"][0] == (200, False)
    _c, r = _login("khong-co-ai-ten-nay", "wrong-password")
    assert _lock_message(r) and 'id="unlock-hint"' in r.content.decode()


def test_case_variants_share_one_counter(users):
    for i in range(settings.LOGIN_MAX_FAILURES):
        _login("OneStop" if i % 2 else "ONESTOP", "wrong-password")
    _c, r = _login("onestop", PASSWORD)
    assert r.status_code == 429 and _lock_message(r)


def test_parallel_attempts_never_check_more_passwords_than_the_limit(users, monkeypatch):
    """15 attempts arrive while the first password is being checked: only the limit's worth are checked."""
    checks = []
    original = User.check_password
    rf = RequestFactory()

    def check_password(self, raw):  # type: ignore[no-untyped-def]
        checks.append(raw)
        if len(checks) == 1:
            for _ in range(15):
                authenticate(rf.post(LOGIN, REMOTE_ADDR="192.0.2.10"), username="onestop", password="wrong-password")
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", check_password)
    assert authenticate(rf.post(LOGIN, REMOTE_ADDR="192.0.2.10"), username="onestop", password="wrong-password") is None
    assert len(checks) == settings.LOGIN_MAX_FAILURES


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)")
def test_sixteen_parallel_wrong_passwords_check_at_most_the_limit(make_user, monkeypatch):
    make_user("onestop", "onestop_officer")
    checks = []
    lock = threading.Lock()
    original = User.check_password

    def check_password(self, raw):  # type: ignore[no-untyped-def]
        with lock:
            checks.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", check_password)
    barrier = threading.Barrier(16)
    codes = []

    def attempt() -> None:
        try:
            barrier.wait()
            _c, r = _login("onestop", "wrong-password")
            codes.append(r.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The passwords checked answer "wrong" (200 with the form); the others are refused by the lock (429).
    assert sorted(codes) == [200] * settings.LOGIN_MAX_FAILURES + [429] * (16 - settings.LOGIN_MAX_FAILURES)
    assert len(checks) == settings.LOGIN_MAX_FAILURES


def test_someone_else_cannot_lock_a_user_out(users):
    for _ in range(settings.LOGIN_MAX_FAILURES * 3):
        _login("onestop", "wrong-password", ip="203.0.113.66")
    _c, r = _login("onestop", PASSWORD, ip="203.0.113.66")
    assert r.status_code == 429 and _lock_message(r)  # the guessing address is locked, even with the right password
    c, r = _login("onestop", PASSWORD, ip="198.51.100.7")  # the user, from their own address
    assert r.status_code == 302 and c.session.get("_auth_user_id") == str(users["onestop"].pk)


def test_password_spraying_from_one_address_is_locked(users, settings):
    settings.LOGIN_MAX_FAILURES_PER_SOURCE = 8
    for i in range(8):
        _login(f"nguoi-{i}", "wrong-password", ip="203.0.113.77")
    _c, r = _login("leader", PASSWORD, ip="203.0.113.77")
    assert _lock_message(r)
    _c, r = _login("leader", PASSWORD, ip="198.51.100.8")
    assert r.status_code == 302


def test_a_locked_sign_in_answers_429_with_the_seconds_left_then_signs_in_once_it_ends(users):
    """The lock page: 429 Too Many Requests, Retry-After = seconds until the lock ends, the form and the
    Vietnamese message still shown; once the lock ends, the right password signs in."""
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.LOGIN_MAX_FAILURES):
            _c, r = _login("onestop", "wrong-password")
            assert r.status_code == 200 and not r.has_header("Retry-After")
        _c, r = _login("onestop", PASSWORD)
        body = r.content.decode()
        assert r.status_code == 429 and r["Retry-After"] == str(window)
        assert _lock_message(r) and 'name="username"' in body and 'name="password"' in body and 'id="unlock-hint"' in body
        traveller.shift(dt.timedelta(seconds=window - 100))
        _c, r = _login("onestop", PASSWORD)
        assert r.status_code == 429 and r["Retry-After"] == "100"  # the refused attempt did not extend the lock
        traveller.shift(dt.timedelta(seconds=101))
        c, r = _login("onestop", PASSWORD)
        assert r.status_code == 302 and c.session.get("_auth_user_id") == str(users["onestop"].pk)


def test_retry_after_waits_for_every_lock_that_applies(users, settings):
    """An address that sprayed other accounts, then guessed one: an account it did not guess waits for the
    address's lock only; the account it guessed waits for the later of the two."""
    settings.LOGIN_MAX_FAILURES_PER_SOURCE = settings.LOGIN_MAX_FAILURES + 3
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for i in range(3):  # the address's window starts here
            _login(f"nguoi-{i}", "wrong-password", ip="203.0.113.80")
        traveller.shift(dt.timedelta(seconds=60))
        for _ in range(settings.LOGIN_MAX_FAILURES):  # the (onestop, address) window starts here
            _login("onestop", "wrong-password", ip="203.0.113.80")
        _c, r = _login("leader", PASSWORD, ip="203.0.113.80")
        assert r.status_code == 429 and r["Retry-After"] == str(window - 60)
        _c, r = _login("onestop", PASSWORD, ip="203.0.113.80")
        assert r.status_code == 429 and r["Retry-After"] == str(window)
        traveller.shift(dt.timedelta(seconds=window - 59))  # the address's lock has ended, not the pair's
        c, r = _login("leader", PASSWORD, ip="203.0.113.80")
        assert r.status_code == 302 and c.session.get("_auth_user_id") == str(users["leader"].pk)
        _c, r = _login("onestop", PASSWORD, ip="203.0.113.80")
        assert r.status_code == 429 and r["Retry-After"] == "59"


def _unlock_link() -> str:
    sms = [m for m in MemoryBackend.outbox if m.channel == "sms"]
    assert sms, "no SMS sent"
    return re.search(r"https?://\S+/accounts/unlock/[\w-]+/", sms[-1].text).group(0)  # type: ignore[union-attr]


def test_locked_account_unlocks_once_with_the_link(users, settings):
    settings.LOGIN_MAX_FAILURES_PER_ACCOUNT = 12
    MemoryBackend.outbox.clear()
    user = users["citizen"]  # phone 0909123456, e-mail c@example.vn
    for i in range(12):  # guessed from many addresses: the account itself locks
        _login("citizen", "wrong-password", ip=f"203.0.113.{i}")
    c, r = _login("citizen", PASSWORD, ip="198.51.100.7")
    assert _lock_message(r)
    r = c.get("/accounts/unlock/?username=citizen")
    assert r.status_code == 200
    r = c.post("/accounts/unlock/", {"username": "citizen"})
    assert r.status_code == 200 and 'id="unlock-sent"' in r.content.decode()
    link = _unlock_link()
    assert any(link in m.body for m in mail.outbox if "c@example.vn" in m.to)
    path = link.split("testserver", 1)[1]
    # Opening the link (a mail scanner does) changes nothing; the button does.
    assert c.get(path).status_code == 200
    _c, r = _login("citizen", PASSWORD, ip="198.51.100.7")
    assert _lock_message(r)
    r = c.post(path)
    assert r.status_code == 200 and 'id="unlock-ok"' in r.content.decode()
    c2, r = _login("citizen", PASSWORD, ip="198.51.100.7")
    assert r.status_code == 302 and c2.session.get("_auth_user_id") == str(user.pk)
    # One time only.
    assert c.post(path).status_code == 400
    assert c.get(path).status_code == 404
    assert AuditLog.objects.filter(verb="login_unlock", object_id=str(user.pk)).count() == 1


def test_unlock_request_answers_the_same_for_unknown_accounts(users):
    MemoryBackend.outbox.clear()
    mail.outbox.clear()
    c = Client()
    known = c.post("/accounts/unlock/", {"username": "citizen"}).content.decode()
    unknown = c.post("/accounts/unlock/", {"username": "khong-co-ai"}).content.decode()
    strip = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"')
    assert strip.sub("", known) == strip.sub("", unknown)
    assert len([m for m in MemoryBackend.outbox if m.channel == "sms"]) == 1 and len(mail.outbox) == 1


def test_unlock_links_cannot_be_used_to_flood_a_phone(users):
    MemoryBackend.outbox.clear()
    c = Client()
    for _ in range(10):
        c.post("/accounts/unlock/", {"username": "citizen"})
    assert len([m for m in MemoryBackend.outbox if m.channel == "sms"]) == 3


def test_a_forged_link_does_nothing(users):
    c = Client()
    assert c.get("/accounts/unlock/khong-phai-ma-that/").status_code == 404
    assert c.post("/accounts/unlock/khong-phai-ma-that/").status_code == 400


def test_the_unlock_link_points_at_the_public_address_whatever_the_host_header(users, settings):
    """The link sent to the account's phone and e-mail is built on COSO_PUBLIC_BASE_URL, as the password links are: a
    request that reaches the site under another name its ALLOWED_HOSTS accept cannot make it point elsewhere."""
    settings.COSO_PUBLIC_BASE_URL = "https://dichvucong.example.vn"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ".example.org"]
    MemoryBackend.outbox.clear()
    r = Client(HTTP_HOST="lure.example.org").post("/accounts/unlock/", {"username": "citizen"})
    assert r.status_code == 200 and 'id="unlock-sent"' in r.content.decode()
    assert _unlock_link().startswith("https://dichvucong.example.vn/accounts/unlock/")
