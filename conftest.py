"""Shared fixtures: units, users per role, API and browser helpers.

Every test runs on the database DATABASE_URL points at: SQLite by default, PostgreSQL in
CI (`make test` runs the suite on both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# Property-based tests judge behaviour, never speed: no per-example deadline and no "input generation is slow" check,
# which fail on a loaded machine (CI shares its machine) although every example passes.
hypothesis_settings.register_profile("coso", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("coso")


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Every test starts in the default language (Vietnamese): a test that switched to English must not leak it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_calendar(monkeypatch):  # type: ignore[no-untyped-def]
    """Tests roll back overrides; let the calendar cache re-check the database on every call."""
    from coso.workcalendar import services

    monkeypatch.setattr(services, "REFRESH_SECONDS", 0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test databases, and on the stand-in read replica (created from the models, without migrations: see
    ``coso.conf.test``) the full-text index of the search documents that migration core 0009 creates on the primary:
    a real replica is a copy of the primary and has it, so a search routed to it must find it here too."""
    import importlib

    from django.db import connections

    if "replica" not in connections:
        return
    conn = connections["replica"]
    if conn.settings_dict["NAME"] != conn.creation._get_test_db_name():  # no test asked for the replica: not created
        return
    migration = importlib.import_module("coso.core.migrations.0009_search_document")
    with django_db_blocker.unblock(), conn.cursor() as cur:
        for statement in migration.POSTGRES if conn.vendor == "postgresql" else migration.SQLITE:
            cur.execute(statement)


@pytest.fixture(autouse=True)
def _empty_cache(request, django_db_blocker):  # type: ignore[no-untyped-def]
    """Rate-limit counters live in the database cache table: the rollback of an ordinary test removes
    them, the flush after a transactional test does not (the table has no model). Empty it then."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if (marker is not None and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture
def province(db):
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.create(code="79", name="Thành phố Hồ Chí Minh", name_folded="thanh pho ho chi minh", level="province", kind="thanh_pho_tw", province_code="79")


@pytest.fixture
def other_province(db):
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.create(code="01", name="Thành phố Hà Nội", name_folded="thanh pho ha noi", level="province", kind="thanh_pho_tw", province_code="01")


def _commune(province, code: str, name: str, kind: str = "phuong", classification: str = "I"):  # type: ignore[no-untyped-def]
    from coso.core.text import fold
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.create(
        code=code, name=name, name_folded=fold(name), level="commune", kind=kind, parent=province, province_code=province.code,
        classification=classification, population=50_000, agency_code=f"H{province.code}.{code}",
    )


@pytest.fixture
def commune(province):
    return _commune(province, "26734", "Phường Sài Gòn")


@pytest.fixture
def other_commune(province):
    return _commune(province, "26737", "Phường Tân Định")


@pytest.fixture
def foreign_commune(other_province):
    return _commune(other_province, "00004", "Phường Ba Đình")


@pytest.fixture
def make_user(db):
    from coso.accounts.models import User

    def make(username: str, role: str, unit=None, **extra):  # type: ignore[no-untyped-def]
        user = User(username=username, role=role, unit=unit, full_name=extra.pop("full_name", username), **extra)
        if unit is not None:
            user.province_code = unit.province_code or unit.code
            user.commune_code = unit.code if unit.level == "commune" else ""
        user.set_password("pw-Coso-2026!")
        user.save()
        if user.is_superuser or role in ("province_admin", "system_admin"):
            # Administrators must sign in with a second factor: give them an enrolled authenticator
            # (fixed test key; see otp_token) so that `login` and `blogin` can complete the sign-in.
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True, key=TEST_TOTP_KEY)
        return user

    return make


TEST_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238 test secret "12345678901234567890"


def otp_token(user) -> str:  # type: ignore[no-untyped-def]
    """A TOTP code the user's authenticator would show now, not yet used (django-otp refuses a code
    from a time step at or before the last accepted one, so take the next step when needed)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    assert device is not None, f"{user} has no authenticator"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def verify_session(client, user) -> None:  # type: ignore[no-untyped-def]
    """Mark a test client's session as verified by the user's second factor (what the sign-in form's
    code step does), for administrators logged in with force_login."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()
    if device is None:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def users(make_user, province, commune, other_commune):  # type: ignore[no-untyped-def]
    """One user per role: commune roles in `commune`, province roles in `province`."""
    from coso.accounts.roles import Role

    return {
        "citizen": make_user("citizen", Role.CITIZEN, phone="0909123456", email="c@example.vn"),
        "citizen2": make_user("citizen2", Role.CITIZEN, phone="0912000111"),
        "onestop": make_user("onestop", Role.ONESTOP_OFFICER, commune),
        "specialist": make_user("specialist", Role.SPECIALIST, commune),
        "leader": make_user("leader", Role.COMMUNE_LEADER, commune),
        "home_affairs": make_user("home_affairs", Role.COMMUNE_HOME_AFFAIRS, commune),
        "finance": make_user("finance", Role.COMMUNE_FINANCE, commune),
        "other_onestop": make_user("other_onestop", Role.ONESTOP_OFFICER, other_commune),
        "other_leader": make_user("other_leader", Role.COMMUNE_LEADER, other_commune),
        "province_home_affairs": make_user("province_home_affairs", Role.PROVINCE_HOME_AFFAIRS, province),
        "province_finance": make_user("province_finance", Role.PROVINCE_FINANCE, province),
        "province_admin": make_user("province_admin", Role.PROVINCE_ADMIN, province),
        "sysadmin": make_user("sysadmin", Role.SYSTEM_ADMIN, None, is_superuser=True, is_staff=True),
    }


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """login(user) → the Django test client, logged in as that user."""

    def do(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        verify_session(client, user)
        return client

    return do


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """The system Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        pytest.skip(f"Chromium not found at {path}")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A phone-sized page (360×740) on the live server; ``page.base`` is the server URL."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    pg = context.new_page()
    pg.base = live_server.url  # type: ignore[attr-defined]
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.base = live_server.url  # type: ignore[attr-defined]
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def browser_login(page, username: str, password: str = "pw-Coso-2026!") -> None:  # type: ignore[no-untyped-def]  # noqa: S107 -- the documented test-fixture password, not a secret
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    if "/accounts/2fa/verify/" in page.url:  # administrators: the second factor
        from coso.accounts.models import User

        page.fill("#id_token", otp_token(User.objects.get(username=username)))
        page.click("button[type=submit].primary")
        page.wait_for_load_state()


@pytest.fixture
def blogin():  # type: ignore[no-untyped-def]
    """blogin(page, username) logs the browser page in through the login form."""
    return browser_login


@pytest.fixture(autouse=True)
def _reference_data(request):  # type: ignore[no-untyped-def]
    """Reference data shipped by data migrations (calendar overrides, feedback categories and
    deadline rules, funding rules) is wiped when a transactional (browser) test flushes the
    database. Reload it, idempotently, before every database test."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = (marker is not None and marker.kwargs.get("transaction", False)) or bool(names & {"transactional_db", "live_server"})
    request.getfixturevalue("transactional_db" if transactional else "db")
    load_reference_data()


def load_reference_data() -> None:
    """Every app's shipped reference data (rule book first), loaded when missing."""
    import importlib

    from coso.core.management.commands.load_reference import reference_modules
    from coso.workcalendar.models import CalendarOverride
    from coso.workcalendar.shipped import apply_rows, read_overrides_csv

    for path in reference_modules():
        module = importlib.import_module(path)
        if not getattr(module, "AUTOLOAD_IN_TESTS", True):
            continue  # e.g. the procedure catalogue: tests that need it load it themselves
        if not module.is_loaded():
            module.load()
    if not CalendarOverride.objects.exists():
        apply_rows(CalendarOverride, read_overrides_csv())


@pytest.fixture(autouse=True)
def _fresh_rules(monkeypatch):  # type: ignore[no-untyped-def]
    """Tests roll back rule changes: check the rule book's stamp on every lookup."""
    from coso.rules import lookup

    monkeypatch.setattr(lookup, "REFRESH_SECONDS", 0)


@pytest.fixture
def english_catalogue(tmp_path, settings):  # type: ignore[no-untyped-def]
    """The English catalogue compiled from the .po as it stands (the committed .mo may lag behind its new entries): for
    tests of new translations."""
    import subprocess
    from pathlib import Path

    from django.utils.translation import trans_real

    po = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(["msgfmt", "-o", str(target / "django.mo"), str(po)], check=True)  # noqa: S603, S607 - a test's own tool
    settings.LOCALE_PATHS = [str(tmp_path), *settings.LOCALE_PATHS]
    trans_real._translations = {}
    trans_real._active = trans_real.Local()
    yield
    trans_real._translations = {}
    trans_real._active = trans_real.Local()
