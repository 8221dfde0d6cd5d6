"""Signing in with the user name as people type it: a phone keyboard's capital first letter, spaces around it, and, for a
citizen whose user name is their phone number, the number written with spaces, dots or +84, all name the account.
The lock counts them as one account."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.test import Client

import pytest

from coso.accounts.backends import sign_in_name
from coso.accounts.roles import Role

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "pw-Coso-2026!"


@pytest.fixture(autouse=True)
def _clean():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _signed_in(username: str, password: str = PASSWORD) -> bool:
    c = Client(REMOTE_ADDR="192.0.2.20")
    r = c.post(LOGIN, {"username": username, "password": password})
    return r.status_code == 302 and c.get("/accounts/me/").status_code == 200


@pytest.mark.parametrize("typed", ["Specialist", " specialist ", "SPECIALIST"])
def test_staff_sign_in_whatever_the_letter_case(users, typed):
    assert _signed_in(typed)


@pytest.mark.parametrize("typed", ["0933444555", "0933 444 555", "0933.444.555", "+84 933 444 555", "84933444555"])
def test_citizen_signs_in_with_the_phone_number_as_written(make_user, typed):
    make_user("0933444555", Role.CITIZEN, phone="0933444555")
    assert _signed_in(typed)


def test_citizen_signs_in_with_the_e_mail_in_any_case(make_user):
    make_user("hoa@example.vn", Role.CITIZEN, email="hoa@example.vn")
    assert _signed_in("Hoa@Example.VN")


def test_a_wrong_password_still_fails_and_the_lock_counts_the_variants_as_one(make_user):
    make_user("0933444555", Role.CITIZEN, phone="0933444555")
    written = ["0933 444 555", "+84933444555", "0933.444.555", "84933444555"]
    for i in range(settings.LOGIN_MAX_FAILURES):  # each way of writing it fewer times than the limit
        assert not _signed_in(written[i % len(written)], "sai-mat-khau")
    c = Client(REMOTE_ADDR="192.0.2.20")
    r = c.post(LOGIN, {"username": "0933444555", "password": PASSWORD})
    assert r.status_code == 429  # every way of writing the number counted on the same account


def test_an_exact_user_name_wins_over_a_case_variant(make_user):
    """Accounts made outside Coso's forms (createsuperuser) may differ only in letter case: the exact one signs in, and
    a name in other letters means the lower-case one, the way Coso writes user names."""
    make_user("Admin", Role.CITIZEN)
    other = make_user("admin", Role.CITIZEN)
    other.set_password("Khac-hoan-toan-2026")
    other.save()
    assert _signed_in("Admin") and _signed_in("admin", "Khac-hoan-toan-2026")
    assert _signed_in("ADMIN", "Khac-hoan-toan-2026") and not _signed_in("ADMIN")


def test_sign_in_name():
    assert sign_in_name("  An.NV ") == "An.NV"
    assert sign_in_name("+84 912-345-678") == "0912345678"
    assert sign_in_name("Hoa@Example.VN") == "Hoa@Example.VN"
    assert sign_in_name("0912345") == "0912345" and sign_in_name("") == ""


@pytest.mark.parametrize("url", [LOGIN, "/accounts/password/forgot/", "/accounts/register/"])
def test_name_boxes_do_not_capitalise_on_phones(client, url):
    html = client.get(url).content.decode()
    assert 'autocapitalize="none"' in html and 'spellcheck="false"' in html
