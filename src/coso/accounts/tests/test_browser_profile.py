"""Browser journey on a phone (360 px): a clerk opens “Tài khoản của tôi” from the header, corrects her phone number,
changes her password and stays signed in, then signs out the desk PC she left signed in."""

from django.test import Client

import pytest

from coso.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Mot-cua-Sai-Gon-2026"


def test_clerk_edits_phone_and_changes_password_on_a_phone(page, users, blogin):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    blogin(page, "onestop")
    page.click("#my-account-link")
    page.wait_for_selector("#my-account")
    assert page.locator("#me-username").inner_text() == "onestop"
    assert page.locator("#id_full_name").count() == 0 and page.locator("#me-managed-note").is_visible()
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_current_password", "pw-Coso-2026!")  # a new phone or e-mail needs the current password
    page.click("#profile-save")
    page.wait_for_selector(".msg-success")
    assert User.objects.get(username="onestop").phone == "0912345678"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.click("#me-password-link")
    page.fill("#id_old_password", "pw-Coso-2026!")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#password-save")
    page.wait_for_selector("#my-account")
    assert "Đã đổi mật khẩu" in page.content()
    assert User.objects.get(username="onestop").check_password(NEW_PASSWORD)
    page.goto(page.base + "/accounts/me/password/")  # still signed in
    assert "/accounts/login/" not in page.url and page.evaluate("document.documentElement.scrollWidth") <= 360

    desk = Client()  # the PC at the one-stop desk, left signed in
    assert desk.login(username="onestop", password=NEW_PASSWORD)
    assert desk.get("/accounts/me/").status_code == 200
    page.goto(page.base + "/accounts/me/")
    page.click("#sessions-end-others")
    page.wait_for_selector(".msg-success")
    assert "Đã đăng xuất tài khoản khỏi mọi thiết bị khác" in page.content() and page.locator("#my-account").is_visible()
    assert desk.get("/accounts/me/").status_code == 302  # signed out there
    assert errors == []
