"""English shell: the language selector switches the menu, roles and page chrome to English."""

from __future__ import annotations

from django.utils import translation

import pytest

pytestmark = pytest.mark.django_db


def test_setlang_english_then_home_shows_english_menu(login, users):
    c = login(users["province_admin"])
    html_vi = c.get("/", follow=True).content.decode()
    assert "Trang chủ" in html_vi and "Đăng xuất" in html_vi
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    html = c.get("/", follow=True).content.decode()
    assert '<html lang="en">' in html
    for text in ("Home", "Administrative units", "Working calendar", "Audit log", "Log out", "Province system administrator", "Skip to main content"):
        assert text in html, text
    assert "Đăng xuất" not in html and "Trang chủ" not in html
    # and back to Vietnamese
    c.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Trang chủ" in c.get("/", follow=True).content.decode()


def test_anonymous_english_home(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Log in" in html and "Administrative procedures" in html and "Track a dossier" in html


def test_catalogue_covers_roles_and_menu():
    from coso.accounts.navigation import MENU
    from coso.accounts.roles import Role

    with translation.override("en"):
        for _value, label in Role.choices:
            assert str(label).isascii(), f"role label not translated: {label}"
        for label, _name, _roles in MENU:
            assert str(label).isascii(), f"menu label not translated: {label}"


def test_calendar_page_in_english(login, users):
    c = login(users["sysadmin"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = c.get("/calendar/", {"year": 2026, "month": 11}).content.decode()
    assert "Working calendar" in html and "Month 11/2026" in html and "Mon" in html
