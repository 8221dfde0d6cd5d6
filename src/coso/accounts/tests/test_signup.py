"""Citizens register themselves with a one-time code sent by SMS or e-mail (rate-limited), and the
VNeID extension point links an external identity to a citizen account."""

import datetime as dt
import re

from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

import pytest
import time_machine

from coso.accounts import services
from coso.accounts.models import SignupCode, User
from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.core.notify import MemoryBackend

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Hoa-sen-2026-xanh"


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    cache.clear()
    MemoryBackend.outbox.clear()
    yield
    cache.clear()


def _sms_code() -> str:
    return re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1].text).group(1)


def test_phone_signup_end_to_end_on_pages(client):
    r = client.post("/accounts/register/", {"contact": "+84 912 345 678"})
    assert r.status_code == 302 and r["Location"] == "/accounts/register/verify/"
    assert MemoryBackend.outbox[-1].to == "0912345678" and MemoryBackend.outbox[-1].channel == "sms"
    code = _sms_code()
    record = SignupCode.objects.get()
    assert code not in record.code_hash and record.channel == "sms"
    r = client.post("/accounts/register/verify/", {"code": code, "full_name": "Nguyễn Thị Hoa", "password1": "123", "password2": "123"})
    assert r.status_code == 200 and "has-error" in r.content.decode() and not User.objects.filter(username="0912345678").exists()
    r = client.post("/accounts/register/verify/", {"code": code, "full_name": "Nguyễn Thị Hoa", "password1": GOOD_PASSWORD,
                                                   "password2": GOOD_PASSWORD})
    assert r.status_code == 302
    user = User.objects.get(username="0912345678")
    assert user.role == Role.CITIZEN and user.phone == "0912345678" and user.check_password(GOOD_PASSWORD) and user.unit is None
    assert "_auth_user_id" in client.session
    assert AuditLog.objects.filter(verb="citizen_signup_verified", actor=user).exists()
    # The code is spent, and the phone now has an account.
    with pytest.raises(ApplicationError) as exc:
        services.signup_complete(contact="0912345678", code=code, full_name="X", password=GOOD_PASSWORD)
    assert exc.value.code == "code-invalid"
    with pytest.raises(ApplicationError) as exc:
        services.signup_send_code(contact="0912345678")
    assert exc.value.code == "contact-taken"
    assert Client().post("/accounts/login/", {"username": "0912345678", "password": GOOD_PASSWORD}).status_code == 302


def test_email_signup_through_the_api(client):
    r = client.post("/api/v1/accounts/signup/code", {"contact": "Hoa@Example.VN"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["channel"] == "email" and r.json()["destination"] == "hoa@example.vn"
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    r = client.post("/api/v1/accounts/signup", {"contact": "hoa@example.vn", "code": "000000" if code != "000000" else "111111",
                                                "full_name": "Hoa", "password": GOOD_PASSWORD}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "code-invalid" and set(r.json()) == {"code", "message", "details"}
    r = client.post("/api/v1/accounts/signup", {"contact": "hoa@example.vn", "code": code, "full_name": "Lê Thị Hoa", "password": GOOD_PASSWORD},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["username"] == "hoa@example.vn" and r.json()["role"] == "citizen"
    assert User.objects.get(username="hoa@example.vn").email == "hoa@example.vn"


def test_wrong_codes_use_up_the_attempts(users):
    services.signup_send_code(contact="0933000111")
    code = _sms_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ApplicationError):
            services.signup_complete(contact="0933000111", code=wrong, full_name="X", password=GOOD_PASSWORD)
    assert SignupCode.objects.get().attempts == 5
    with pytest.raises(ApplicationError) as exc:
        services.signup_complete(contact="0933000111", code=code, full_name="X", password=GOOD_PASSWORD)
    assert exc.value.code == "code-invalid" and not User.objects.filter(username="0933000111").exists()


def test_code_expires_and_a_new_code_replaces_the_old(users):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services.signup_send_code(contact="0933000222")
        first = _sms_code()
        traveller.shift(dt.timedelta(minutes=11))
        with pytest.raises(ApplicationError):
            services.signup_complete(contact="0933000222", code=first, full_name="X", password=GOOD_PASSWORD)
        services.signup_send_code(contact="0933000222")
        second = _sms_code()
        if first != second:
            with pytest.raises(ApplicationError):
                services.signup_complete(contact="0933000222", code=first, full_name="X", password=GOOD_PASSWORD)
        assert services.signup_complete(contact="0933000222", code=second, full_name="Ông X", password=GOOD_PASSWORD).full_name == "Ông X"


def test_rate_limits_per_destination_and_per_ip(users, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services.signup_send_code(contact="0944000111")
        with pytest.raises(ApplicationError) as exc:
            services.signup_send_code(contact="0944000111")
        assert exc.value.code == "rate-limited" and exc.value.status == 429
        for _ in range(4):
            traveller.shift(dt.timedelta(seconds=61))
            services.signup_send_code(contact="0944000111")
        traveller.shift(dt.timedelta(seconds=61))
        with pytest.raises(ApplicationError) as exc:
            services.signup_send_code(contact="0944000111")  # the sixth in an hour
        assert exc.value.code == "rate-limited"
        assert len(MemoryBackend.outbox) == 5
        traveller.shift(dt.timedelta(hours=1))
        services.signup_send_code(contact="0944000111")
        # Per IP address: 20 an hour whatever the destinations.
        for i in range(20):
            services.signup_send_code(contact=f"09550001{i:02d}", ip="10.0.0.9")
        with pytest.raises(ApplicationError):
            services.signup_send_code(contact="0955000199", ip="10.0.0.9")
        r = client.post("/api/v1/accounts/signup/code", {"contact": "0944000111"}, content_type="application/json")
        assert r.status_code == 429 and r.json()["code"] == "rate-limited" and r.json()["details"]["retry_after"] == 60
        assert r["Retry-After"] == "60"  # the header clients and proxies read, as well as the body's figure


def test_the_api_counts_each_client_behind_the_proxy_apart(settings, client):
    """Behind the reverse proxy REMOTE_ADDR is the proxy: the API takes the client's address as the pages do (the last one
    the proxy appended to X-Forwarded-For; what the client wrote before it is not believed), one rate bucket per citizen."""
    settings.BEHIND_PROXY = True
    settings.COSO_SIGNUP_MAX_PER_IP_HOUR = 2
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def send(contact: str, forwarded: str) -> int:
        return client.post("/api/v1/accounts/signup/code", {"contact": contact}, content_type="application/json",
                           HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code

    assert [send(f"09660001{i:02d}", "203.0.113.7") for i in range(3)] == [201, 201, 429]
    assert send("0966000200", "203.0.113.8") == 201  # another citizen: their own bucket
    assert send("0966000201", "198.51.100.1, 203.0.113.7") == 429  # a forged first address does not make a new bucket
    r = client.post("/api/v1/accounts/signup", {"contact": "0966000200", "code": _sms_code(), "full_name": "Trần Văn Bình",
                                                "password": GOOD_PASSWORD}, content_type="application/json", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert r.status_code == 201
    assert AuditLog.objects.get(verb="citizen_signup_verified").ip == "203.0.113.8"


@pytest.mark.parametrize("backend", ["database", "locmem"])
def test_a_rate_window_ending_between_two_requests_counts_both(settings, monkeypatch, backend):
    """A request whose hour ended between its look at the window and its count, and another one that started the new
    window meanwhile: both are counted in it. The first one used to write the count back to 1 over the other's, so a
    third request in that hour passed a limit of 2."""
    from django.core.cache import caches

    if backend == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-window"}}
    store = caches["default"]
    store.clear()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        services._rate("coso:test:window", 2, 3600)
        real_incr = store.incr
        state = {"first": True}

        def incr(*args, **kwargs):  # type: ignore[no-untyped-def]
            if not state["first"]:
                return real_incr(*args, **kwargs)
            state["first"] = False
            traveller.shift(dt.timedelta(seconds=3601))  # the hour ends after the first request found its window
            try:
                return real_incr(*args, **kwargs)
            except ValueError:
                services._rate("coso:test:window", 2, 3600)  # the second request starts the new hour meanwhile
                raise

        monkeypatch.setattr(store, "incr", incr)
        services._rate("coso:test:window", 2, 3600)
        assert not state["first"]
        with pytest.raises(ApplicationError) as exc:
            services._rate("coso:test:window", 2, 3600)  # the third in the new hour
        assert exc.value.code == "rate-limited"
    store.clear()


@pytest.mark.parametrize("contact", ["", "12345", "abc@", "0812 34"])
def test_bad_contacts_are_refused(contact, client):
    with pytest.raises(ApplicationError) as exc:
        services.signup_send_code(contact=contact)
    assert "contact" in exc.value.details["fields"]
    r = client.post("/accounts/register/", {"contact": contact or "x"})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    assert not SignupCode.objects.exists() and not MemoryBackend.outbox


def test_staff_contact_is_taken(users):
    with pytest.raises(ApplicationError) as exc:
        services.signup_send_code(contact="c@example.vn")  # the fixture citizen's e-mail
    assert exc.value.code == "contact-taken"


def test_signup_verify_page_needs_the_first_step(client):
    assert client.get("/accounts/register/verify/").status_code == 302


# ------------------------------------------------------------------ VNeID extension point
def test_external_identity_links_or_creates_a_citizen(users):
    from coso.accounts.external_identity import ExternalIdentityBackend, IdentityClaims

    class Backend(ExternalIdentityBackend):
        provider = "test-vneid"

        def verify(self, request, **credentials):  # type: ignore[no-untyped-def]
            if credentials.get("assertion") != "ok":
                return None
            return IdentityClaims(subject="S-1", citizen_id=credentials["cccd"], full_name="Trần Văn Bình", phone="0966000111")

    backend = Backend()
    assert backend.authenticate(None, assertion="bad", cccd="079090001111") is None
    user = backend.authenticate(None, assertion="ok", cccd="079090001111")
    assert user.role == Role.CITIZEN and user.citizen_id == "079090001111" and user.username == "vneid.079090001111"
    assert not user.has_usable_password()
    assert backend.authenticate(None, assertion="ok", cccd="079090001111") == user  # the same person next time
    assert AuditLog.objects.filter(verb="external_identity_create", object_id=str(user.pk)).count() == 1
    # A staff account is never taken over by an external identity.
    User.objects.filter(pk=users["onestop"].pk).update(citizen_id="079090002222")
    assert backend.authenticate(None, assertion="ok", cccd="079090002222") is None


def test_pages_in_english(users, login, client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.post("/accounts/register/", {"contact": "12"})
    body = r.content.decode()
    assert "Citizen account registration" in body and "Enter a mobile phone number" in body
    c = login(users["province_admin"])
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = c.get("/accounts/staff/").content.decode()
    assert "Staff accounts" in body and "Create from the workforce register" in body
    body = c.get("/accounts/security/").content.decode()
    assert "Account security" in body and "Create new recovery codes" in body


@pytest.mark.parametrize("contact", ["０９１２３４５６７８", "0٩١٢٣٤٥٦٧٨", "0९१२३४५६७८"])
def test_a_phone_written_with_other_digits_than_ascii_is_refused(contact, client):
    r = client.post("/api/v1/accounts/signup/code", {"contact": contact}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "validation-error" and "contact" in r.json()["details"]["fields"]
    r = client.post("/accounts/register/", {"contact": contact})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    assert not SignupCode.objects.exists() and not MemoryBackend.outbox


@pytest.mark.parametrize("contact", ["o'neil@example.vn", "a" * 64 + "@" + "b" * 63 + "." + "c" * 40 + ".vn"])
def test_an_email_the_user_name_cannot_hold_is_refused_before_a_code_is_sent(client, contact):
    # An apostrophe is allowed in an e-mail address, not in a user name; nor are more than 150 characters. The account
    # could never be created (a 500 at the second step): the first step says so, and no code goes out.
    r = client.post("/accounts/register/", {"contact": contact})
    assert r.status_code == 200 and "has-error" in r.content.decode() and "tên đăng nhập" in r.content.decode()
    assert not MemoryBackend.outbox and not mail.outbox and not SignupCode.objects.exists()
    r = client.post("/api/v1/accounts/signup/code", {"contact": contact}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error" and "contact" in r.json()["details"]["fields"]
    assert not SignupCode.objects.exists()


def test_signup_verify_page_with_a_session_contact_the_user_name_cannot_hold_is_an_error_not_a_500(client):
    # A code sent before the check above (or a session otherwise holding such an address) ends in a clear error.
    session = client.session
    session["coso_signup_contact"] = "o'neil@example.vn"
    session.save()
    r = client.post("/accounts/register/verify/", {"code": "123456", "full_name": "Nguyễn Văn An", "password1": GOOD_PASSWORD,
                                                   "password2": GOOD_PASSWORD})
    assert r.status_code == 200 and "không dùng làm tên đăng nhập" in r.content.decode()
    assert not User.objects.filter(role=Role.CITIZEN).exists()


def test_signup_full_name_over_the_column_is_refused_by_the_service():
    services.signup_send_code(contact="0933000999")
    with pytest.raises(ApplicationError) as exc:
        services.signup_complete(contact="0933000999", code=_sms_code(), full_name="A" * 201, password=GOOD_PASSWORD)
    assert exc.value.code == "validation-error" and "full_name" in exc.value.details["fields"]
    assert not User.objects.filter(username="0933000999").exists()
