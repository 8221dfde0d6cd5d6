"""My account (“Tài khoản của tôi”): every signed-in person sees their own account and changes what is theirs to change
(staff: e-mail and phone; citizens also their name) and their password while signed in — through the services, the
JSON API and the pages."""

import re

from django.core.cache import cache
from django.test import Client
from django.utils import translation

import pytest
from conftest import verify_session

from coso.accounts import services
from coso.accounts.models import ApiToken, User
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Coso-2026!"
NEW_PASSWORD = "Mat-khau-moi-2026"


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


# ------------------------------------------------------------------ service: profile_update
def test_staff_changes_own_email_and_phone_audited(users):
    clerk = users["onestop"]
    updated = services.profile_update(user=clerk, data={"email": " An.NV@Example.VN ", "phone": "+84 912 345 678"}, current_password=PASSWORD)
    assert updated.email == "an.nv@example.vn" and updated.phone == "0912345678"
    stored = _fresh(clerk)
    assert stored.email == "an.nv@example.vn" and stored.phone == "0912345678"
    log = AuditLog.objects.get(verb="profile_update")
    assert log.actor == clerk and log.object_id == str(clerk.pk) and log.commune_code == clerk.commune_code
    assert log.after == {"email": "an.nv@example.vn", "phone": "0912345678"}


@pytest.mark.parametrize("field, value", [
    ("full_name", "Tên Khác"), ("role", "province_admin"), ("unit", None), ("citizen_id", "079123456789"),
    ("username", "khac"), ("is_superuser", True), ("password", "x"),
])
def test_staff_cannot_change_what_the_administrator_manages(users, field, value):
    clerk = users["onestop"]
    before = {f: getattr(clerk, f) for f in ("full_name", "role", "unit_id", "citizen_id", "username", "is_superuser", "password", "phone")}
    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=clerk, data={field: value, "phone": "0912345678"})
    assert err.value.code == "field-not-editable" and err.value.status == 400
    assert field in err.value.details["fields"] and err.value.details["allowed"] == ["email", "phone"]
    assert "quản trị" in err.value.message
    stored = _fresh(clerk)
    assert {f: getattr(stored, f) for f in before} == before  # nothing changed, not even the allowed field sent with it
    assert not AuditLog.objects.filter(verb="profile_update").exists()


def test_citizen_changes_name_email_phone_but_not_citizen_id(users):
    citizen = users["citizen"]
    services.profile_update(user=citizen, data={"full_name": "  Nguyễn Thị Hoa ", "email": "hoa@example.vn", "phone": "0987 654 321"},
                            current_password=PASSWORD)
    stored = _fresh(citizen)
    assert (stored.full_name, stored.email, stored.phone) == ("Nguyễn Thị Hoa", "hoa@example.vn", "0987654321")
    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=citizen, data={"citizen_id": "079123456789"})
    assert err.value.code == "field-not-editable" and err.value.details["allowed"] == ["full_name", "email", "phone"]
    assert _fresh(citizen).citizen_id == ""


@pytest.mark.parametrize("data, field", [
    ({"email": "khong-phai-email"}, "email"),
    ({"email": "a" * 250 + "@x.vn"}, "email"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "０９１２３４５６７８"}, "phone"),  # full-width digits
    ({"full_name": "   "}, "full_name"),
    ({"full_name": "A" * 201}, "full_name"),
])
def test_bad_values_are_refused_on_their_field_and_change_nothing(users, data, field):
    citizen = users["citizen"]
    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=citizen, data={**data})
    assert err.value.code == "validation-error" and field in err.value.details["fields"]
    stored = _fresh(citizen)
    assert (stored.full_name, stored.email, stored.phone) == (citizen.full_name, citizen.email, citizen.phone)


def test_citizen_user_name_follows_the_phone_it_is_and_frees_the_old_number(make_user, mailoutbox, django_capture_on_commit_callbacks):
    from coso.accounts.roles import Role
    from coso.core.notify import MemoryBackend

    MemoryBackend.outbox.clear()
    hoa = make_user("0933444555", Role.CITIZEN, phone="0933444555", email="hoa@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        updated = services.profile_update(user=hoa, data={"phone": "0988 777 666"}, current_password=PASSWORD)
    assert updated.username == "0988777666" and hoa.username == "0988777666"
    stored = _fresh(hoa)
    assert (stored.username, stored.phone) == ("0988777666", "0988777666") and stored.check_password(PASSWORD)
    log = AuditLog.objects.get(verb="profile_update", object_id=str(hoa.pk))
    assert log.before["username"] == "0933444555" and log.after["username"] == "0988777666"
    # The old number and address are told, under the old user name, and never see the new number.
    told = [m.text for m in MemoryBackend.outbox if m.to == "0933444555"] + [m.body for m in mailoutbox]
    assert told and all("0933444555" in t and "0988777666" not in t for t in told)
    # Signing in: the new number works, the old one is no account any more.
    assert Client().login(username="0988777666", password=PASSWORD)
    assert not Client().login(username="0933444555", password=PASSWORD)
    # The old number's next owner can take it.
    lan = make_user("lan", Role.CITIZEN, phone="0911222333")
    services.profile_update(user=lan, data={"phone": "0933444555"}, current_password=PASSWORD)
    assert _fresh(lan).phone == "0933444555" and _fresh(lan).username == "lan"  # "lan" is no contact: it stays


def test_citizen_user_name_moves_to_the_other_contact_when_cleared_and_stays_when_none_is_left(make_user):
    from coso.accounts.roles import Role

    hoa = make_user("hoa@example.vn", Role.CITIZEN, email="hoa@example.vn", phone="0933444555")
    services.profile_update(user=hoa, data={"email": ""}, current_password=PASSWORD)
    assert (_fresh(hoa).username, _fresh(hoa).email) == ("0933444555", "")
    services.profile_update(user=hoa, data={"phone": ""}, current_password=PASSWORD)
    assert (_fresh(hoa).username, _fresh(hoa).phone) == ("0933444555", "")  # nothing to move to: it stays
    # Same address in other letter case: nothing changes.
    tam = make_user("tam@example.vn", Role.CITIZEN, email="tam@example.vn")
    services.profile_update(user=tam, data={"email": "TAM@Example.vn"})
    assert _fresh(tam).username == "tam@example.vn"
    # A new address that cannot be a user name (an apostrophe): the contact changes, the user name stays.
    services.profile_update(user=tam, data={"email": "o'neil@example.vn"}, current_password=PASSWORD)
    assert (_fresh(tam).username, _fresh(tam).email) == ("tam@example.vn", "o'neil@example.vn")


def test_staff_user_name_never_follows_the_contact(make_user, commune):
    """A staff user name is given by the administrator, even one that happens to be the person's phone number."""
    from coso.accounts.roles import Role

    clerk = make_user("0933444555", Role.ONESTOP_OFFICER, commune, phone="0933444555")
    services.profile_update(user=clerk, data={"phone": "0988777666"}, current_password=PASSWORD)
    assert (_fresh(clerk).username, _fresh(clerk).phone) == ("0933444555", "0988777666")


def test_contact_details_can_be_cleared(users):
    citizen = users["citizen"]
    services.profile_update(user=citizen, data={"email": "", "phone": None}, current_password=PASSWORD)
    stored = _fresh(citizen)
    assert stored.email == "" and stored.phone == ""


def test_citizen_cannot_take_another_accounts_phone_or_email(users, make_user):
    """As at sign-up: a phone or address that already has an account is refused (it signs that account in and gets its
    password links)."""
    citizen = users["citizen"]
    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=citizen, data={"phone": "0912 000 111"}, current_password=PASSWORD)  # citizen2's
    assert err.value.code == "contact-taken" and "phone" in err.value.details["fields"]
    make_user("0933444555", "citizen")  # a citizen whose user name is that phone number
    with pytest.raises(ApplicationError):
        services.profile_update(user=citizen, data={"phone": "0933444555"}, current_password=PASSWORD)
    users["onestop"].email = "mot.cua@example.vn"
    users["onestop"].save()
    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=citizen, data={"email": "Mot.Cua@example.vn"}, current_password=PASSWORD)
    assert "email" in err.value.details["fields"]
    assert _fresh(citizen).phone == "0909123456" and _fresh(citizen).email == "c@example.vn"
    # their own current values are not "taken"
    services.profile_update(user=citizen, data={"phone": "0909123456", "email": "C@example.vn", "full_name": "Công dân Một"})
    assert _fresh(citizen).full_name == "Công dân Một"


def test_province_admin_edits_own_phone(users):
    """The case that motivated the page: administrators manage only lower roles, so nobody but a system administrator
    could change a province administrator's phone number."""
    admin = users["province_admin"]
    with pytest.raises(ApplicationError):
        services.staff_update(actor=admin, user=admin, phone="0912345678")
    services.profile_update(user=admin, data={"phone": "0912345678"}, current_password=PASSWORD)
    assert _fresh(admin).phone == "0912345678"
    assert AuditLog.objects.filter(verb="profile_update", actor=admin, object_id=str(admin.pk)).exists()


def test_a_new_email_or_phone_needs_the_current_password_and_the_old_ones_are_told(users, mailoutbox, settings,
                                                                                    django_capture_on_commit_callbacks):
    """The "Quên mật khẩu" link goes to the e-mail (or phone): a session left open on a shared office PC must not be enough
    to point it elsewhere and take the account. The name alone needs no password; the old address hears of a change."""
    settings.LOGIN_MAX_FAILURES = 2
    clerk = users["onestop"]
    clerk.email = "cu@example.vn"
    clerk.save()
    for wrong in (None, "sai-mat-khau"):
        with pytest.raises(ApplicationError) as err:
            services.profile_update(user=clerk, data={"email": "moi@example.vn"}, current_password=wrong)
        assert err.value.code == "wrong-password" and "current_password" in err.value.details["fields"]
    assert _fresh(clerk).email == "cu@example.vn" and not AuditLog.objects.filter(verb="profile_update").exists()
    assert AuditLog.objects.filter(verb="password_change_failed", actor=clerk).count() == 2
    with pytest.raises(ApplicationError) as err:  # counted with the password change's attempts: now even the right one waits
        services.profile_update(user=clerk, data={"email": "moi@example.vn"}, current_password=PASSWORD)
    assert err.value.status == 429 and _fresh(clerk).email == "cu@example.vn"
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(user=clerk, data={"email": "moi@example.vn"}, current_password=PASSWORD)
    assert _fresh(clerk).email == "moi@example.vn"
    assert [m.to for m in mailoutbox] == [["cu@example.vn"]] and "onestop" in mailoutbox[0].body and "moi@" not in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(user=clerk, data={"email": "MOI@example.vn"})  # the same address: no password, nobody told
    citizen = users["citizen"]
    services.profile_update(user=citizen, data={"full_name": "Lê Thị Tám"})  # the name alone: no password
    assert _fresh(citizen).full_name == "Lê Thị Tám" and len(mailoutbox) == 1
    citizen.set_unusable_password()
    citizen.save()
    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=citizen, data={"phone": "0933000111"}, current_password="")
    assert err.value.code == "no-password" and _fresh(citizen).phone == "0909123456"


def test_anonymous_is_refused():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ApplicationError) as err:
        services.profile_update(user=AnonymousUser(), data={"phone": "0912345678"})
    assert err.value.code == "not-authenticated"


# ------------------------------------------------------------------ service: password_change
def test_password_change_audited_without_the_password(users):
    clerk = users["onestop"]
    services.password_change(user=clerk, old=PASSWORD, new=NEW_PASSWORD)
    stored = _fresh(clerk)
    assert stored.check_password(NEW_PASSWORD) and not stored.check_password(PASSWORD)
    assert clerk.check_password(NEW_PASSWORD)  # the caller's object too (the session keeps its hash from it)
    log = AuditLog.objects.get(verb="password_change")
    assert log.actor == clerk and log.object_id == str(clerk.pk)
    assert PASSWORD not in str(log.before) + str(log.after) and NEW_PASSWORD not in str(log.before) + str(log.after)
    assert "password" not in (log.after or {})


def test_wrong_current_password_changes_nothing(users):
    clerk = users["onestop"]
    with pytest.raises(ApplicationError) as err:
        services.password_change(user=clerk, old="sai-mat-khau", new=NEW_PASSWORD)
    assert err.value.code == "wrong-password" and "old_password" in err.value.details["fields"]
    assert _fresh(clerk).check_password(PASSWORD)
    assert not AuditLog.objects.filter(verb="password_change").exists()
    failed = AuditLog.objects.get(verb="password_change_failed")
    assert failed.actor == clerk and "sai-mat-khau" not in str(failed.after)


@pytest.mark.parametrize("new", ["ngan-qua", "1234567890123", "password123", "onestop1234"])
def test_password_validators_apply(users, new):
    clerk = users["onestop"]
    with pytest.raises(ApplicationError) as err:
        services.password_change(user=clerk, old=PASSWORD, new=new)
    assert err.value.code == "validation-error" and err.value.details["fields"]["new_password"]
    assert _fresh(clerk).check_password(PASSWORD)


def test_validator_messages_are_vietnamese(users):
    with translation.override("vi"), pytest.raises(ApplicationError) as err:
        services.password_change(user=users["onestop"], old=PASSWORD, new="ngan")
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự" in err.value.details["fields"]["new_password"][0]


def test_wrong_current_passwords_are_rate_limited(users, settings):
    settings.LOGIN_MAX_FAILURES = 3
    clerk = users["onestop"]
    for _i in range(3):
        with pytest.raises(ApplicationError) as err:
            services.password_change(user=clerk, old="sai", new=NEW_PASSWORD)
        assert err.value.code == "wrong-password"
    with pytest.raises(ApplicationError) as err:
        services.password_change(user=clerk, old=PASSWORD, new=NEW_PASSWORD)  # even the right one, until the window ends
    assert err.value.code == "rate-limited" and err.value.status == 429 and err.value.details["retry_after"] > 0
    assert _fresh(clerk).check_password(PASSWORD)
    # another account is not affected
    services.password_change(user=users["specialist"], old=PASSWORD, new=NEW_PASSWORD)


def test_account_without_password_is_sent_to_the_reset_link(users):
    citizen = users["citizen"]
    citizen.set_unusable_password()
    citizen.save()
    with pytest.raises(ApplicationError) as err:
        services.password_change(user=citizen, old="", new=NEW_PASSWORD)
    assert err.value.code == "no-password"


# ------------------------------------------------------------------ JSON API
def _shape(r):  # type: ignore[no-untyped-def]
    body = r.json()
    assert set(body) == {"code", "message", "details"}, body
    return body


def test_api_me_shows_own_account_with_masked_citizen_id(users, login):
    clerk = users["onestop"]
    clerk.citizen_id = "079123456789"
    clerk.save()
    body = login(clerk).get("/api/v1/accounts/me").json()
    assert body["username"] == "onestop" and body["role"] == "onestop_officer" and body["role_label"] == "Cán bộ một cửa"
    assert body["unit_code"] == clerk.unit.code and body["unit_name"] == clerk.unit.name
    assert body["citizen_id_masked"] == "*********789" and "079123456789" not in str(body)
    assert body["editable_fields"] == ["email", "phone"] and body["otp_allowed"] is True and body["has_password"] is True


def test_api_patch_uses_the_service_and_its_errors(users, login):
    c = login(users["onestop"])
    r = c.patch("/api/v1/accounts/me", {"phone": "0912 345 678"}, content_type="application/json")
    assert r.status_code == 400 and _shape(r)["code"] == "wrong-password" and "current_password" in _shape(r)["details"]["fields"]
    assert _fresh(users["onestop"]).phone == ""
    r = c.patch("/api/v1/accounts/me", {"phone": "0912 345 678", "current_password": PASSWORD}, content_type="application/json")
    assert r.status_code == 200 and r.json()["phone"] == "0912345678"
    r = c.patch("/api/v1/accounts/me", {"full_name": "Tên Khác", "role": "system_admin"}, content_type="application/json")
    assert r.status_code == 400
    body = _shape(r)
    assert body["code"] == "field-not-editable" and set(body["details"]["fields"]) == {"full_name", "role"}
    r = c.patch("/api/v1/accounts/me", {"unit_code": "00001"}, content_type="application/json")
    assert r.status_code == 400 and _shape(r)["code"] == "field-not-editable"
    r = c.patch("/api/v1/accounts/me", {"email": "khong-hop-le"}, content_type="application/json")
    assert r.status_code == 400 and _shape(r)["details"]["fields"]["email"]
    stored = _fresh(users["onestop"])
    assert stored.full_name == "onestop" and stored.role == "onestop_officer" and stored.email == ""


def test_api_citizen_patches_name(users, login):
    r = login(users["citizen"]).patch("/api/v1/accounts/me", {"full_name": "Trần Văn Bảy"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["full_name"] == "Trần Văn Bảy" and r.json()["editable_fields"] == ["full_name", "email", "phone"]


def test_api_with_a_token(users, client):
    _token, raw = ApiToken.issue(user=users["specialist"], name="x")
    r = client.patch("/api/v1/accounts/me", {"phone": "0912345678", "current_password": PASSWORD}, content_type="application/json",
                     HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and r.json()["username"] == "specialist"


def test_api_anonymous_gets_401(client):
    for r in (client.get("/api/v1/accounts/me"),
              client.patch("/api/v1/accounts/me", {"phone": "0912345678"}, content_type="application/json"),
              client.post("/api/v1/accounts/me/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                          content_type="application/json")):
        assert r.status_code == 401 and _shape(r)["code"] == "not-authenticated"


def test_api_password_change_keeps_the_session(users, login):
    clerk = users["onestop"]
    c = login(clerk)
    r = c.post("/api/v1/accounts/me/password", {"old_password": "sai", "new_password": NEW_PASSWORD}, content_type="application/json")
    assert r.status_code == 400 and _shape(r)["code"] == "wrong-password"
    r = c.post("/api/v1/accounts/me/password", {"old_password": PASSWORD, "new_password": "ngan"}, content_type="application/json")
    assert r.status_code == 400 and _shape(r)["details"]["fields"]["new_password"]
    r = c.post("/api/v1/accounts/me/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"changed": True}
    assert _fresh(clerk).check_password(NEW_PASSWORD)
    assert c.get("/api/v1/accounts/me").status_code == 200  # still signed in


def test_api_password_change_with_a_token_opens_no_session(users, client):
    _token, raw = ApiToken.issue(user=users["specialist"], name="x")
    r = client.post("/api/v1/accounts/me/password", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and "sessionid" not in r.cookies
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


# ------------------------------------------------------------------ pages
def test_page_needs_sign_in(client):
    r = client.get("/accounts/me/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    r = client.get("/accounts/me/password/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_staff_page_shows_account_and_edits_phone(users, login):
    clerk = users["onestop"]
    clerk.citizen_id = "079123456789"
    clerk.save()
    c = login(clerk)
    html = c.get("/accounts/me/").content.decode()
    assert "Tài khoản của tôi" in html and "onestop" in html and "Cán bộ một cửa" in html and clerk.unit.name in html
    assert "*********789" in html and "079123456789" not in html
    assert 'name="phone"' in html and 'name="email"' in html and 'name="full_name"' not in html
    assert 'href="/accounts/security/"' in html and 'href="/accounts/me/password/"' in html and 'name="current_password"' in html
    r = c.post("/accounts/me/", {"phone": "0912 345 678", "email": ""})
    assert r.status_code == 200 and "Mật khẩu hiện tại không đúng" in r.content.decode() and _fresh(clerk).phone == ""
    r = c.post("/accounts/me/", {"phone": "0912 345 678", "email": "", "full_name": "Tên Khác", "role": "system_admin",
                                 "current_password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"
    stored = _fresh(clerk)
    assert stored.phone == "0912345678" and stored.full_name == "onestop" and stored.role == "onestop_officer"
    assert "Đã lưu" in c.get("/accounts/me/").content.decode()


def test_staff_page_bad_phone_shows_error_and_changes_nothing(users, login):
    c = login(users["specialist"])
    r = c.post("/accounts/me/", {"phone": "12345", "email": "x@example.vn"})
    assert r.status_code == 200 and "Số điện thoại phải có 10 chữ số" in r.content.decode()
    stored = _fresh(users["specialist"])
    assert stored.phone == "" and stored.email == ""


def test_citizen_page_edits_name(users, login):
    c = login(users["citizen"])
    html = c.get("/accounts/me/").content.decode()
    assert 'name="full_name"' in html and 'name="citizen_id"' not in html
    assert 'href="/accounts/security/"' not in html  # two-factor sign-in is not offered to citizens
    r = c.post("/accounts/me/", {"full_name": "Lê Thị Mai", "email": "c@example.vn", "phone": "0909123456"})
    assert r.status_code == 302
    assert _fresh(users["citizen"]).full_name == "Lê Thị Mai"
    assert "Lê Thị Mai" in c.get("/accounts/me/").content.decode()


def test_citizen_page_and_api_say_the_new_user_name(make_user, login):
    from coso.accounts.roles import Role

    hoa = make_user("0933444555", Role.CITIZEN, phone="0933444555")
    c = login(hoa)
    assert 'id="me-citizen-note"' in c.get("/accounts/me/").content.decode()
    r = c.post("/accounts/me/", {"full_name": "Hoa", "email": "", "phone": "0988 777 666", "current_password": PASSWORD})
    assert r.status_code == 302
    html = c.get("/accounts/me/").content.decode()  # still signed in, told how to sign in from now on
    assert "Từ nay bạn đăng nhập bằng 0988777666" in html and '<dd id="me-username">0988777666</dd>' in html
    r = c.patch("/api/v1/accounts/me", {"phone": "0977111222", "current_password": PASSWORD}, content_type="application/json")
    assert r.status_code == 200 and r.json()["username"] == "0977111222" and r.json()["phone"] == "0977111222"


def test_province_admin_page_edits_own_phone(users, login):
    admin = users["province_admin"]
    c = login(admin)
    r = c.post("/accounts/me/", {"phone": "0987654321", "email": "admin@example.vn", "current_password": PASSWORD})
    assert r.status_code == 302
    stored = _fresh(admin)
    assert stored.phone == "0987654321" and stored.email == "admin@example.vn"


def test_page_shows_only_the_signed_in_users_data(users, login):
    users["citizen"].citizen_id = "079111222333"
    users["citizen"].save()
    c = login(users["citizen2"])
    for url in ("/accounts/me/", f"/accounts/me/?pk={users['citizen'].pk}", f"/accounts/me/?user={users['citizen'].pk}"):
        html = c.get(url).content.decode()
        assert "citizen2" in html and "0912000111" in html
        # the other user's citizen id, whole or masked to its last digits; the page's own random hex tokens (a session
        # row's id, a nonce) are left out first: "333" can occur in them by chance
        shown = re.sub(r"\b[0-9a-f]{16,}\b", "", html)
        assert "c@example.vn" not in shown and "0909123456" not in shown and "333" not in shown
    r = c.post("/accounts/me/", {"full_name": "Hai", "email": "", "phone": "0912000111", "pk": users["citizen"].pk, "username": "citizen"})
    assert r.status_code == 302
    assert _fresh(users["citizen"]).full_name == "citizen" and _fresh(users["citizen2"]).full_name == "Hai"


def test_password_page_keeps_this_session_and_ends_the_others(users, login):
    clerk = users["onestop"]
    other = Client()
    other.force_login(clerk)
    assert other.get("/accounts/me/").status_code == 200
    c = login(clerk)
    r = c.post("/accounts/me/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"
    assert _fresh(clerk).check_password(NEW_PASSWORD)
    r = c.get("/accounts/me/")
    assert r.status_code == 200 and "Đã đổi mật khẩu" in r.content.decode()
    r = other.get("/accounts/me/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_password_page_administrator_stays_verified(users, login):
    admin = users["province_admin"]
    c = login(admin)
    r = c.post("/accounts/me/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"
    assert c.get("/accounts/me/").status_code == 200  # no return to the code step


def test_password_page_errors(users, login):
    clerk = users["onestop"]
    c = login(clerk)
    r = c.post("/accounts/me/password/", {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 200 and "Mật khẩu hiện tại không đúng" in r.content.decode()
    r = c.post("/accounts/me/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert r.status_code == 200 and "Hai mật khẩu không khớp" in r.content.decode()
    r = c.post("/accounts/me/password/", {"old_password": PASSWORD, "new_password1": "1234567890123", "new_password2": "1234567890123"})
    assert r.status_code == 200 and "hoàn toàn là số" in r.content.decode()
    assert _fresh(clerk).check_password(PASSWORD)
    assert c.get("/accounts/me/").status_code == 200


def test_password_page_rate_limited(users, login, settings):
    settings.LOGIN_MAX_FAILURES = 2
    c = login(users["onestop"])
    for _i in range(2):
        c.post("/accounts/me/password/", {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    r = c.post("/accounts/me/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 429 and "quá nhiều lần" in r.content.decode() and int(r["Retry-After"]) > 0
    assert _fresh(users["onestop"]).check_password(PASSWORD)


def test_link_in_header_and_menu_for_every_role(users, login):
    for user in users.values():
        c = login(user)
        html = c.get("/accounts/me/").content.decode()
        assert 'id="my-account-link"' in html, user.username
        c.logout()
    from coso.accounts.navigation import menu_for

    assert all(any(i["url"] == "/accounts/me/" for i in menu_for(u)) for u in users.values())
    assert not any(i["url"] == "/accounts/me/" for i in menu_for(None))


def test_page_in_english(users, login):
    c = login(users["onestop"])
    c.cookies["django_language"] = "en"
    html = c.get("/accounts/me/").content.decode()
    assert "My account" in html and "Change password" in html
    html = c.get("/accounts/me/password/").content.decode()
    assert "Current password" in html


def test_administrator_session_must_still_be_verified(users, client):
    """The page is behind the same second-factor check as every page."""
    admin = users["province_admin"]
    client.force_login(admin)
    r = client.get("/accounts/me/")
    assert r.status_code == 302 and "/accounts/2fa/" in r["Location"]
    verify_session(client, admin)


def test_province_admin_own_staff_page_points_to_my_account(users, login):
    """Her own account on the staff pages is shown, not managed (she does not outrank herself): it sends her here."""
    admin = users["province_admin"]
    html = login(admin).get(f"/accounts/staff/{admin.pk}/").content.decode()
    assert 'id="not-manageable"' in html and 'id="to-my-account"' in html and 'href="/accounts/me/"' in html
    with pytest.raises(ApplicationError) as err:
        services.password_reset_send(actor=admin, user=admin)
    assert "Tài khoản của tôi" in err.value.message


# ------------------------------------------------------------------ sign out on every other device
def _desk(user: User) -> Client:
    """Another device signed in with the password, as at the one-stop desk."""
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    verify_session(c, user)
    return c


def test_ending_other_sessions_keeps_this_one_ends_the_others_and_is_audited(users):
    clerk = users["onestop"]
    desk, here = _desk(clerk), _desk(clerk)
    other_account = _desk(users["specialist"])
    r = here.post("/accounts/me/sessions/end-others/")
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"
    html = here.get("/accounts/me/").content.decode()
    assert "Đã đăng xuất tài khoản khỏi mọi thiết bị khác" in html
    r = desk.get("/accounts/me/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]  # the desk PC is signed out
    assert desk.get("/api/v1/accounts/me").status_code == 401
    assert other_account.get("/accounts/me/").status_code == 200  # another person's sessions are not touched
    stored = _fresh(clerk)
    assert stored.session_epoch == 1 and stored.check_password(PASSWORD)  # no password change
    log = AuditLog.objects.get(verb="sessions_end_others")
    assert log.actor_id == clerk.pk and log.object_id == str(clerk.pk)
    assert _desk(clerk).get("/accounts/me/").status_code == 200  # signing in again works as before


def test_ending_other_sessions_needs_post_and_sign_in(users, client):
    r = client.post("/accounts/me/sessions/end-others/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    c = _desk(users["onestop"])
    assert c.get("/accounts/me/sessions/end-others/").status_code == 405
    assert _fresh(users["onestop"]).session_epoch == 0 and not AuditLog.objects.filter(verb="sessions_end_others").exists()


def test_a_password_change_still_ends_other_sessions_after_an_epoch(users):
    clerk = users["onestop"]
    services.sessions_end_others(user=clerk)
    desk, here = _desk(clerk), _desk(clerk)
    r = here.post("/accounts/me/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert here.get("/accounts/me/").status_code == 200
    assert desk.get("/accounts/me/").status_code == 302


def test_api_ending_other_sessions(users, client):
    clerk = users["onestop"]
    desk, here = _desk(clerk), _desk(clerk)
    r = here.post("/api/v1/accounts/me/sessions/end-others")
    assert r.status_code == 200 and r.json() == {"ended": True}
    assert here.get("/api/v1/accounts/me").status_code == 200 and desk.get("/api/v1/accounts/me").status_code == 401
    # With an API token: every session ends (the token has none of its own) and the token keeps working.
    _token, raw = ApiToken.issue(user=clerk, name="x")
    r = client.post("/api/v1/accounts/me/sessions/end-others", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and "sessionid" not in r.cookies
    assert here.get("/api/v1/accounts/me").status_code == 401
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert client.post("/api/v1/accounts/me/sessions/end-others").status_code == 401  # anonymous


def test_epoch_zero_keeps_djangos_own_session_hash(users):
    """Deploying the epoch signs nobody out: at 0 the hash is the one Django already stored in every session."""
    from django.contrib.auth.base_user import AbstractBaseUser

    clerk = users["onestop"]
    assert clerk.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(clerk)
    services.sessions_end_others(user=clerk)
    assert clerk.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(clerk)
