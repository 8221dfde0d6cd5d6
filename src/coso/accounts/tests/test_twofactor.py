"""Two-factor sign-in (TOTP with django-otp, recovery codes): required for administrators, optional
for other staff; the code step after the password; enrolment; an administrator's reset."""

import datetime as dt
import re

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

import pytest
import time_machine
from conftest import otp_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coso.accounts import services
from coso.accounts.models import ApiToken
from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError, NotFoundError
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Coso-2026!"
LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/verify/"
ENROL = "/accounts/2fa/enrol/"


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    cache.clear()


def _code_for(device: TOTPDevice) -> str:
    import time

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_administrator_with_authenticator_needs_the_code(users):
    c = Client()
    r = c.post(LOGIN, {"username": "province_admin", "password": PASSWORD, "next": "/accounts/staff/"})
    assert r.status_code == 302 and r["Location"] == VERIFY and not _signed_in(c)
    assert c.get("/accounts/staff/").status_code == 302  # nothing is reachable before the code
    r = c.post(VERIFY, {"token": "000000"})
    assert r.status_code == 200 and "không đúng" in r.content.decode() and not _signed_in(c)
    assert AuditLog.objects.filter(action="login_failed", verb="otp_failed").count() == 1
    # django-otp throttles a device after a failure; let the delay pass.
    TOTPDevice.objects.filter(user=users["province_admin"]).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    r = c.post(VERIFY, {"token": otp_token(users["province_admin"])})
    assert r.status_code == 302 and r["Location"] == "/accounts/staff/" and _signed_in(c)
    assert c.get("/accounts/staff/").status_code == 200
    assert AuditLog.objects.filter(action="login", actor=users["province_admin"]).count() == 1


def test_a_code_is_used_once(users):
    admin = users["province_admin"]
    device = TOTPDevice.objects.get(user=admin)
    code = _code_for(device)
    c1, c2 = Client(), Client()
    c1.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
    assert c1.post(VERIFY, {"token": code}).status_code == 302
    c2.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
    r = c2.post(VERIFY, {"token": code})
    assert r.status_code == 200 and not _signed_in(c2)


def test_a_recovery_code_of_digits_only_is_still_a_recovery_code(users, monkeypatch):
    """About one recovery code in a hundred is all digits: typed without its dash it must not be taken for an app code."""
    from coso.accounts import services

    admin = users["province_admin"]
    monkeypatch.setattr(services.secrets, "token_hex", lambda n: "0123456789"[: 2 * n])
    codes = services._new_recovery_codes(admin)
    assert codes[0] == "01234-56789"
    c = Client()
    c.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
    assert c.post(VERIFY, {"token": "0123456789"}).status_code == 302 and _signed_in(c)


def test_too_many_wrong_codes_restart_the_sign_in(users):
    c = Client()
    c.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
    for _ in range(4):
        assert c.post(VERIFY, {"token": "123456"}).status_code == 200
    r = c.post(VERIFY, {"token": "123456"})
    assert r.status_code == 302 and r["Location"] == LOGIN
    assert c.get(VERIFY).status_code == 302


def test_pending_sign_in_expires(users):
    c = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        c.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
        traveller.shift(dt.timedelta(minutes=6))
        r = c.get(VERIFY)
        assert r.status_code == 302 and r["Location"] == LOGIN


def test_administrator_without_authenticator_enrols_before_any_session(users):
    admin = users["sysadmin"]
    TOTPDevice.objects.filter(user=admin).delete()
    c = Client()
    r = c.post(LOGIN, {"username": "sysadmin", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == ENROL and not _signed_in(c)
    assert c.get(VERIFY).status_code == 302  # no device yet: back to enrolment
    r = c.get(ENROL)
    body = r.content.decode()
    assert r.status_code == 200 and "src=\"data:image/svg+xml" in body and "phải dùng xác thực hai bước" in body
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', body).group(1)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert services.totp_secret(device) == secret and "otpauth://totp/Coso" in device.config_url
    r = c.post(ENROL, {"token": "111111"})
    assert r.status_code == 200 and "has-error" in r.content.decode() and not _signed_in(c)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    r = c.post(ENROL, {"token": _code_for(device)})
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", r.content.decode())
    assert r.status_code == 200 and len(codes) == 10 and _signed_in(c)
    assert c.get("/admin/accounts/user/").status_code == 200
    assert AuditLog.objects.filter(verb="otp_enrol", actor=admin).exists()
    # A recovery code signs in once (written with or without the dash, any case).
    c2 = Client()
    c2.post(LOGIN, {"username": "sysadmin", "password": PASSWORD})
    r = c2.post(VERIFY, {"token": codes[0].upper()}, follow=True)
    assert _signed_in(c2) and "còn 9 mã" in r.content.decode()
    c3 = Client()
    c3.post(LOGIN, {"username": "sysadmin", "password": PASSWORD})
    assert c3.post(VERIFY, {"token": codes[0]}).status_code == 200 and not _signed_in(c3)
    StaticDevice.objects.filter(user=admin).update(throttling_failure_count=0, throttling_failure_timestamp=None)  # django-otp's delay
    assert c3.post(VERIFY, {"token": codes[1].replace("-", "")}).status_code == 302 and _signed_in(c3)


def test_other_staff_choose_two_factor(users, login):
    clerk = users["onestop"]
    c = Client()
    assert c.post(LOGIN, {"username": "onestop", "password": PASSWORD}).status_code == 302 and _signed_in(c)
    r = c.get("/accounts/security/")
    assert r.status_code == 200 and "Chưa bật" in r.content.decode()
    c.get(ENROL)
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    r = c.post(ENROL, {"token": _code_for(device)})
    assert r.status_code == 200 and "recovery-codes" in r.content.decode()
    # From now on the clerk's sign-in asks for the code.
    c2 = Client()
    assert c2.post(LOGIN, {"username": "onestop", "password": PASSWORD})["Location"] == VERIFY
    assert c2.post(VERIFY, {"token": otp_token(clerk)}).status_code == 302 and _signed_in(c2)
    # New recovery codes and turning it off both need a current code.
    r = c2.post("/accounts/security/", {"action": "codes", "token": "000000"})
    assert "không đúng" in r.content.decode()
    TOTPDevice.objects.filter(user=clerk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    r = c2.post("/accounts/security/", {"action": "codes", "token": otp_token(clerk)})
    assert r.status_code == 200 and len(re.findall(r"<code>", r.content.decode())) == 10
    assert StaticToken.objects.filter(device__user=clerk).count() == 10
    r = c2.post("/accounts/security/", {"action": "disable", "token": otp_token(clerk)})
    assert r.status_code == 302 and not services.otp_enabled(clerk)
    assert Client().post(LOGIN, {"username": "onestop", "password": PASSWORD}).status_code == 302
    assert AuditLog.objects.filter(verb="otp_disable", actor=clerk).exists()


def test_administrators_cannot_turn_it_off(users):
    with pytest.raises(ApplicationError) as exc:
        services.otp_disable(user=users["province_admin"], token=otp_token(users["province_admin"]))
    assert exc.value.code == "otp-required"


def test_citizens_have_no_two_factor_pages(users, login):
    c = login(users["citizen"])
    assert c.get("/accounts/security/").status_code == 404
    assert c.get(ENROL).status_code == 404


def test_administrator_resets_someones_two_factor(users, login):
    clerk = users["onestop"]
    device = services.totp_begin(user=clerk)
    services.totp_confirm(user=clerk, token=_code_for(device))
    admin = users["province_admin"]
    with pytest.raises(ApplicationError) as exc:
        services.otp_reset(actor=admin, user=clerk, reason=" ")
    assert exc.value.details["fields"]["reason"]
    with pytest.raises(NotFoundError):
        services.otp_reset(actor=admin, user=users["sysadmin"], reason="x")
    with pytest.raises(ApplicationError) as exc:
        services.otp_reset(actor=admin, user=admin, reason="x")
    assert exc.value.code == "self-otp-reset"
    c = login(admin)
    r = c.post(f"/accounts/staff/{clerk.pk}/otp-reset/", {"reason": "Mất điện thoại"}, follow=True)
    assert "Đã đặt lại xác thực hai bước" in r.content.decode()
    assert not services.otp_enabled(clerk) and not StaticToken.objects.filter(device__user=clerk).exists()
    log = AuditLog.objects.get(verb="otp_reset")
    assert log.actor == admin and log.reason == "Mất điện thoại" and log.object_id == str(clerk.pk)
    assert Client().post(LOGIN, {"username": "onestop", "password": PASSWORD}).status_code == 302


def test_unverified_administrator_session_is_sent_back_to_the_code_step(users, client):
    admin = users["province_admin"]
    client.force_login(admin)  # e.g. a session opened before two-factor sign-in existed
    r = client.get("/accounts/staff/")
    assert r.status_code == 302 and r["Location"] == VERIFY and not _signed_in(client)
    r = client.post(VERIFY, {"token": otp_token(admin)})
    assert r["Location"] == "/accounts/staff/" and client.get("/accounts/staff/").status_code == 200
    api = Client()
    api.force_login(admin)
    r = api.get("/api/v1/accounts/staff")
    assert r.status_code == 401 and r.json()["code"] == "otp-required"


def test_api_tokens_are_not_affected(users):
    _token, raw = ApiToken.issue(user=users["province_admin"], name="Cổng tỉnh")
    r = Client().get("/api/v1/accounts/staff", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and r.json()["count"] >= 1


def test_required_roles():
    from coso.accounts.models import User

    assert services.otp_required_for(User(role=Role.PROVINCE_ADMIN)) and services.otp_required_for(User(role=Role.SYSTEM_ADMIN))
    assert not services.otp_required_for(User(role=Role.COMMUNE_LEADER))
    assert services.otp_allowed_for(User(role=Role.COMMUNE_LEADER)) and not services.otp_allowed_for(User(role=Role.CITIZEN))


def _wrong_codes(c: Client, user, times: int) -> list:  # type: ignore[no-untyped-def]
    answers = []
    for _ in range(times):
        # django-otp's own per-device delay after a failure is not what is tested here
        TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
        answers.append(c.post(VERIFY, {"token": "000000"}))
    return answers


def test_five_wrong_codes_abandon_the_sign_in(users):
    c = Client()
    c.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
    answers = _wrong_codes(c, users["province_admin"], 5)
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 302]
    assert answers[-1]["Location"] == LOGIN
    # the right code no longer signs in: the password step starts again
    r = c.post(VERIFY, {"token": otp_token(users["province_admin"])})
    assert r.status_code == 302 and r["Location"] == LOGIN and not _signed_in(c)


def test_wrong_codes_sent_at_once_are_all_counted(users, monkeypatch):
    """Requests of one session sent at once each read the session before any other saves it: emulated by
    not saving it after the wrong codes. Each failure still counts, and the fifth abandons the sign-in for
    every request of that session."""
    from django.contrib.sessions.backends.db import SessionStore

    c = Client()
    c.post(LOGIN, {"username": "province_admin", "password": PASSWORD})
    monkeypatch.setattr(SessionStore, "save", lambda self, must_create=False: None)
    answers = _wrong_codes(c, users["province_admin"], 5)
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 302]
    monkeypatch.undo()
    assert "coso_2fa_pending" in c.session  # the session as the requests found it (none was saved)...
    r = c.post(VERIFY, {"token": otp_token(users["province_admin"])})
    assert r.status_code == 302 and r["Location"] == LOGIN and not _signed_in(c)  # ...but its sign-in is over
