"""Browser journey: a province administrator (signing in with TOTP) creates a clerk account; the clerk
sets a password from the one-time link, enrols an authenticator and signs in with it."""

import base64
import re
import time

from django.core import mail

import pytest
from conftest import otp_token
from django_otp.oath import TOTP

from coso.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLERK_PASSWORD = "Mot-cua-Sai-Gon-2026"


def _code_from_secret(secret: str) -> str:
    """What the clerk's authenticator app shows for the secret read off the enrolment page."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_province_admin_creates_a_clerk_who_enrols_totp_and_signs_in(browser, live_server, users, commune, blogin):
    errors: list[str] = []
    admin_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    admin = admin_ctx.new_page()
    admin.base = live_server.url
    admin.set_default_timeout(15_000)
    admin.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    blogin(admin, "province_admin")  # password, then the code from the administrator's authenticator
    assert "/2fa/" not in admin.url

    admin.goto(live_server.url + "/accounts/staff/")
    admin.click("#staff-new")
    admin.fill("#id_username", "hanh.tt")
    admin.fill("#id_full_name", "Trần Thị Hạnh")
    admin.select_option("#id_role", "onestop_officer")
    admin.select_option("#id_unit", commune.code)
    admin.fill("#id_email", "hanh.tt@example.vn")
    admin.click("#staff-save")
    admin.wait_for_load_state()
    assert admin.locator("#detail-username").inner_text() == "hanh.tt"
    assert "Đã tạo tài khoản hanh.tt" in admin.content()
    admin_ctx.close()

    link = re.search(r"https?://\S+/accounts/password/\S+/\S+/", mail.outbox[-1].body).group(0)
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    clerk = ctx.new_page()
    clerk.set_default_timeout(15_000)
    clerk.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    clerk.goto(live_server.url + "/" + link.split("/", 3)[3])
    clerk.fill("#id_new_password1", CLERK_PASSWORD)
    clerk.fill("#id_new_password2", CLERK_PASSWORD)
    clerk.click("button.primary")
    clerk.click("#to-login")
    clerk.fill("#id_username", "hanh.tt")
    clerk.fill("#id_password", CLERK_PASSWORD)
    clerk.click("button[type=submit].primary")
    clerk.wait_for_load_state()
    assert "Trần Thị Hạnh" in clerk.locator(".user-name").inner_text()

    # Optional for a clerk: she turns it on from the security page.
    clerk.goto(live_server.url + "/accounts/security/")
    clerk.click("#otp-enrol-link")
    assert clerk.locator("#otp-qr").is_visible()
    secret = clerk.locator("#otp-secret").inner_text()
    clerk.fill("#id_token", _code_from_secret(secret))
    clerk.click("#otp-confirm")
    assert clerk.locator("#recovery-codes li").count() == 10
    clerk.click("#codes-continue")
    assert "Đang bật" in clerk.locator("#otp-status").inner_text()
    clerk.click(".user-box button.link")  # sign out
    clerk.wait_for_load_state()

    # Next sign-in: password, then the code.
    clerk.goto(live_server.url + "/accounts/login/")
    clerk.fill("#id_username", "hanh.tt")
    clerk.fill("#id_password", CLERK_PASSWORD)
    clerk.click("button[type=submit].primary")
    clerk.wait_for_url("**/accounts/2fa/verify/")
    clerk.fill("#id_token", "000000")
    clerk.click("#otp-submit")
    assert clerk.locator("#id_token_error").is_visible()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="hanh.tt").update(throttling_failure_count=0, throttling_failure_timestamp=None)
    clerk.fill("#id_token", otp_token(User.objects.get(username="hanh.tt")))
    clerk.click("#otp-submit")
    clerk.wait_for_load_state()
    assert "/2fa/" not in clerk.url and "Trần Thị Hạnh" in clerk.locator(".user-name").inner_text()
    ctx.close()
    assert not [e for e in errors if "Content Security Policy" in e]
