"""“Phiên đăng nhập”: a person sees where their account is signed in (browser, system, address, sign-in time) and ends
one other device's session, through the page and the JSON API; the session engine keeps who signed in beside Django's
own session data."""

from django.core.cache import cache
from django.test import Client

import pytest

from coso.accounts import services
from coso.accounts.models import ApiToken, SignInSession, User
from coso.accounts.sessions import device_label, session_id
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Coso-2026!"
DESK_PC = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _signed_in(user: User, agent: str, ip: str = "203.0.113.7") -> Client:
    """A browser that signs in through the sign-in form (a citizen: no second step)."""
    c = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    r = c.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302 and "/accounts/login/" not in r["Location"]
    return c


def test_device_label_names_common_browsers():
    assert device_label(DESK_PC) == ("Chrome", "Windows")
    assert device_label(PHONE) == ("Chrome", "Android")
    assert device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120.0") == ("Edge", "Windows")
    assert device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1") == ("Safari", "iPhone")
    assert device_label("Mozilla/5.0 (Windows NT 10.0) coc_coc_browser/120.0 Chrome/120 Safari/537.36") == ("Cốc Cốc", "Windows")
    assert device_label("python-requests/2.32") == ("", "")


def test_sign_in_records_the_device_and_the_list_shows_each_session(users):
    citizen = users["citizen"]
    desk, phone = _signed_in(citizen, DESK_PC), _signed_in(citizen, PHONE, ip="198.51.100.9")
    row = SignInSession.objects.get(session_key=desk.session.session_key)
    assert row.user_id == citizen.pk and row.device == DESK_PC and row.ip == "203.0.113.7" and row.signed_in_at is not None
    r = phone.get("/api/v1/accounts/me/sessions")
    assert r.status_code == 200
    listed = r.json()
    assert [(s["browser"], s["system"], s["ip"], s["current"]) for s in listed] == [
        ("Chrome", "Android", "198.51.100.9", True), ("Chrome", "Windows", "203.0.113.7", False)]
    assert desk.session.session_key not in r.content.decode()  # the key signs a browser in: never shown
    html = desk.get("/accounts/me/").content.decode()
    assert html.count('class="session-row"') == 2 and "Android" in html and "Phiên này" in html
    assert html.count('class="session-end"') == 1  # no "sign out this device" on the session being used


def test_ending_one_device_signs_it_out_only_and_is_audited(users):
    citizen = users["citizen"]
    desk, phone, laptop = _signed_in(citizen, DESK_PC), _signed_in(citizen, PHONE), _signed_in(citizen, DESK_PC)
    sid = session_id(desk.session.session_key)
    r = phone.post(f"/accounts/me/sessions/{sid}/end/")
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"
    assert "Đã đăng xuất tài khoản trên Chrome · Windows" in phone.get("/accounts/me/").content.decode()
    r = desk.get("/accounts/me/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]  # the desk PC is signed out at once
    assert laptop.get("/api/v1/accounts/me").status_code == 200 and phone.get("/api/v1/accounts/me").status_code == 200
    log = AuditLog.objects.get(verb="session_end")
    assert log.actor_id == citizen.pk and log.before["session"] == sid and "Windows" in log.before["device"]
    assert len(phone.get("/api/v1/accounts/me/sessions").json()) == 2


def test_api_ends_one_device_and_refuses_what_is_not_its_own(users):
    citizen, clerk = users["citizen"], users["onestop"]
    desk, phone = _signed_in(citizen, DESK_PC), _signed_in(citizen, PHONE)
    sid = session_id(desk.session.session_key)
    # the session making the call: that is "Đăng xuất", refused, nothing ends
    r = phone.post(f"/api/v1/accounts/me/sessions/{session_id(phone.session.session_key)}/end")
    assert r.status_code == 400 and r.json()["code"] == "session-current"
    # another person's session: not found, as an unknown one
    other = Client(HTTP_USER_AGENT=PHONE)
    other.force_login(clerk)
    assert phone.post(f"/api/v1/accounts/me/sessions/{session_id(other.session.session_key)}/end").status_code == 404
    assert phone.post("/api/v1/accounts/me/sessions/nope/end").json()["code"] == "not-found"
    assert not AuditLog.objects.filter(verb="session_end").exists()
    assert desk.get("/api/v1/accounts/me").status_code == 200
    r = phone.post(f"/api/v1/accounts/me/sessions/{sid}/end")
    assert r.status_code == 200 and r.json()["system"] == "Windows" and r.json()["current"] is False
    assert desk.get("/api/v1/accounts/me").status_code == 401
    # a second time: already over
    assert phone.post(f"/api/v1/accounts/me/sessions/{sid}/end").status_code == 404
    # with an API token every session is "another" one, and the token is none
    _token, raw = ApiToken.issue(user=citizen, name="x")
    api = Client()
    listed = api.get("/api/v1/accounts/me/sessions", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [s["current"] for s in listed] == [False]
    assert Client().get("/api/v1/accounts/me/sessions").status_code == 401


def test_sessions_ended_by_end_others_or_a_password_change_are_not_listed(users):
    citizen = users["citizen"]
    desk, here = _signed_in(citizen, DESK_PC), _signed_in(citizen, PHONE)
    assert here.post("/accounts/me/sessions/end-others/").status_code == 302
    listed = here.get("/api/v1/accounts/me/sessions").json()
    assert [s["system"] for s in listed] == ["Android"] and listed[0]["current"]  # the key changed, the device stayed
    with pytest.raises(ApplicationError) as err:
        services.session_end(user=User.objects.get(pk=citizen.pk), session_id=session_id(desk.session.session_key))
    assert err.value.code == "not-found"


def test_a_session_before_sign_in_has_no_user(users, client):
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": users["citizen"].username, "password": "wrong"})
    assert not SignInSession.objects.exclude(user_id=None).exists()


def test_the_daily_job_deletes_expired_sessions_only(users):
    import datetime as dt

    from django.utils import timezone

    from coso.jobs.services import run_periodic

    citizen = users["citizen"]
    live, gone = _signed_in(citizen, PHONE), _signed_in(citizen, DESK_PC)
    SignInSession.objects.filter(session_key=gone.session.session_key).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    run = run_periodic("sessions_clear_expired")
    assert run.result == {"deleted": 1}
    assert list(SignInSession.objects.values_list("session_key", flat=True)) == [live.session.session_key]
    assert live.get("/api/v1/accounts/me").status_code == 200
