import datetime as dt
import io

from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
import time_machine

from coso.accounts.models import ApiToken, User
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "pw-Coso-2026!"


def _login(client, password):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": "onestop", "password": password})


def test_lockout_after_max_failures_then_unlocks(client, users):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(settings.LOGIN_MAX_FAILURES):
            r = _login(client, "wrong-password")
            assert r.status_code == 200 and "không đúng" in r.content.decode()
        user = User.objects.get(username="onestop")
        # Even the right password is refused while locked, with the lockout message.
        r = _login(client, PASSWORD)
        assert r.status_code == 429 and "tạm khoá" in r.content.decode()
        assert r["Retry-After"] == str(settings.LOGIN_LOCKOUT_MINUTES * 60)
        assert "_auth_user_id" not in client.session
        assert AuditLog.objects.filter(action="login_failed").count() == settings.LOGIN_MAX_FAILURES
        traveller.shift(dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1))
        r = _login(client, PASSWORD)
        assert r.status_code == 302
        assert AuditLog.objects.filter(action="login", actor=user).count() == 1


def test_fewer_failures_do_not_lock_and_success_resets(client, users):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login(client, "wrong-password")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    # The success started the count afresh: as many failures again still do not lock.
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login(client, "wrong-password")
    assert _login(client, PASSWORD).status_code == 302


def test_unknown_username_is_not_an_error(client, users):
    r = client.post(LOGIN, {"username": "khong-ai", "password": "x"})
    assert r.status_code == 200 and "không đúng" in r.content.decode()


def test_issue_api_token_prints_it_once(client, users):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "province_admin", "Cổng dịch vụ công", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("coso_") and len(raw) > 40
    token = ApiToken.objects.get(user=users["province_admin"])
    assert token.name == "Cổng dịch vụ công" and token.token_hash == ApiToken.hash(raw) and raw not in token.token_hash
    assert raw not in err.getvalue()
    assert ApiToken.resolve(raw) == users["province_admin"]
    r = client.get("/api/v1/core/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and r.json()["username"] == "province_admin"
    assert AuditLog.objects.filter(verb="api_token_issue").exists()
    with pytest.raises(CommandError):
        call_command("issue_api_token", "nobody-here", "x", stdout=io.StringIO(), stderr=io.StringIO())


def test_inactive_users_tokens_stop_working(client, users):
    _token, raw = ApiToken.issue(user=users["leader"], name="x")
    User.objects.filter(pk=users["leader"].pk).update(is_active=False)
    assert client.get("/api/v1/core/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
