"""A request of staff signed in with a second factor reads the verifying device with its session (the session engine
joins it, as it joins the account): no query of its own on every request, so the same queries as staff without one.
A device removed (an administrator's reset, turned off) or no longer confirmed stops verifying the browser at its next
request, exactly as before: administrators are asked for the second factor again."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from conftest import TEST_TOTP_KEY, verify_session
from django_otp.plugins.otp_totp.models import TOTPDevice

from coso.accounts import services
from coso.accounts.models import SignInSession

pytestmark = pytest.mark.django_db
URL = "/api/v1/core/me"


def _get(c: Client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as q:
        r = c.get(URL)
    return r.status_code, [s["sql"] for s in q.captured_queries]


def _device_reads(sqls: list[str]) -> list[str]:
    return [s for s in sqls if s.lstrip().startswith("SELECT") and 'FROM "otp_totp_totpdevice"' in s]


def _signed_in(user, verified: bool = True) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    if verified:
        verify_session(c, user)
    assert c.get(URL).status_code == 200  # warm: the catalogues read once per process
    return c


def test_staff_with_a_second_factor_read_the_same_queries_as_without(users):
    specialist = users["specialist"]
    status, without = _get(_signed_in(specialist))
    assert status == 200
    TOTPDevice.objects.create(user=specialist, name="TOTP", confirmed=True, key=TEST_TOTP_KEY)
    c = _signed_in(specialist)
    assert c.session.get("otp_device_id")  # verified by the device
    status, with_device = _get(c)
    assert status == 200
    assert _device_reads(with_device) == []
    assert len(with_device) == len(without)
    for _ in range(3):  # and it does not grow
        assert len(_get(c)[1]) == len(without)


def test_a_verified_administrator_reads_no_device_on_a_request(users):
    c = _signed_in(users["province_admin"])
    status, sqls = _get(c)
    assert status == 200
    assert _device_reads(sqls) == []
    sessions = [s for s in sqls if 'FROM "accounts_session"' in s]
    assert len(sessions) == 1 and '"otp_totp_totpdevice"' in sessions[0]  # one query: the session joined to its device


def test_a_removed_device_asks_the_administrator_for_the_second_factor_again(users):
    admin = users["province_admin"]
    c, page = _signed_in(admin), _signed_in(admin)
    services.otp_reset(actor=users["sysadmin"], user=admin, reason="Mất điện thoại.")
    r = c.get(URL)
    assert r.status_code == 401 and r.json()["code"] == "otp-required"
    r = page.get("/")
    assert r.status_code == 302 and "/accounts/2fa/" in r["Location"]


def test_a_device_no_longer_confirmed_stops_verifying(users):
    admin = users["province_admin"]
    c = _signed_in(admin)
    TOTPDevice.objects.filter(user=admin).update(confirmed=False)
    r = c.get(URL)
    assert r.status_code == 401 and r.json()["code"] == "otp-required"


def test_a_device_of_another_account_does_not_verify(users):
    admin = users["province_admin"]
    c = _signed_in(admin)
    TOTPDevice.objects.filter(user=admin).update(user=users["sysadmin"])
    assert c.get(URL).status_code == 401


def test_a_session_saved_without_the_column_still_reads_its_device(users):
    """A session saved before the column existed (or whose copy disagrees with its data): the device is read by the
    session's own data, one query, as before."""
    admin = users["province_admin"]
    c = _signed_in(admin)
    SignInSession.objects.filter(session_key=c.session.session_key).update(otp_device=None)
    status, sqls = _get(c)
    assert status == 200 and len(_device_reads(sqls)) == 1
    TOTPDevice.objects.filter(user=admin).delete()
    assert c.get(URL).status_code == 401
