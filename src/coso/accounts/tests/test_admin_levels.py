"""Account management by level: an administrator manages the accounts of lower roles in their scope; only a system
administrator manages province administrators; nobody manages a higher level's account; a user's own password is
reset through the "forgot password" page. A province administrator could reset the password of, edit or lock another
province administrator of the same province, and take the account over."""

from __future__ import annotations

import re

import pytest

from coso.accounts import services
from coso.accounts.models import User
from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.core.notify import MemoryBackend

pytestmark = pytest.mark.django_db
PEER_MESSAGE = "tài khoản quản trị hệ thống tỉnh do quản trị hệ thống quản lý"


@pytest.fixture
def peer(make_user, province):  # type: ignore[no-untyped-def]
    return make_user("qt.tinh2", Role.PROVINCE_ADMIN, province, email="peer@example.vn", phone="0911000222")


def _state(user: User) -> tuple:
    user.refresh_from_db()
    return (user.is_active, user.full_name, user.email, user.role, user.password, user.unit_id)


def test_a_province_admin_cannot_manage_a_peer_through_the_api(users, login, peer):
    c = login(users["province_admin"])
    before, audits, sent = _state(peer), AuditLog.objects.count(), len(MemoryBackend.outbox)
    assert c.get(f"/api/v1/accounts/staff/{peer.pk}").status_code == 200  # shown, not managed
    calls = [
        ("patch", f"/api/v1/accounts/staff/{peer.pk}", {"email": "attacker@example.vn"}),
        ("post", f"/api/v1/accounts/staff/{peer.pk}/password-reset", None),
        ("post", f"/api/v1/accounts/staff/{peer.pk}/deactivate", {"reason": "x"}),
        ("post", f"/api/v1/accounts/staff/{peer.pk}/otp-reset", {"reason": "Mất điện thoại"}),
        ("patch", f"/api/v1/accounts/staff/{peer.pk}", {"role": "specialist", "unit_code": "26734"}),
    ]
    for method, path, body in calls:
        r = getattr(c, method)(path, body or {}, content_type="application/json")
        assert r.status_code == 403, (path, r.content)
        assert set(r.json()) >= {"code", "message"} and r.json()["code"] == "forbidden" and PEER_MESSAGE in r.json()["message"], r.json()
    User.objects.filter(pk=peer.pk).update(is_active=False)
    r = c.post(f"/api/v1/accounts/staff/{peer.pk}/reactivate", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    User.objects.filter(pk=peer.pk).update(is_active=True)
    assert _state(peer) == before and AuditLog.objects.count() == audits and len(MemoryBackend.outbox) == sent
    assert peer.totpdevice_set.exists()
    # nor create one, or make a lower account one
    r = c.post("/api/v1/accounts/staff", {"username": "qt.tinh3", "full_name": "QT 3", "role": "province_admin", "unit_code": "79"},
               content_type="application/json")
    assert r.status_code == 400 and "role" in r.json()["details"]["fields"]
    r = c.patch(f"/api/v1/accounts/staff/{users['onestop'].pk}", {"role": "province_admin", "unit_code": "79"}, content_type="application/json")
    assert r.status_code == 400 and "role" in r.json()["details"]["fields"]
    assert User.objects.get(pk=users["onestop"].pk).role == Role.ONESTOP_OFFICER
    # their own account: the password through "forgot password", the rest by a system administrator
    own = users["province_admin"]
    r = c.post(f"/api/v1/accounts/staff/{own.pk}/password-reset")
    assert r.status_code == 403 and "Quên mật khẩu" in r.json()["message"]
    r = c.patch(f"/api/v1/accounts/staff/{own.pk}", {"email": "x@example.vn"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    # the lower roles of the province stay theirs to manage
    r = c.post(f"/api/v1/accounts/staff/{users['onestop'].pk}/deactivate", {"reason": "Chuyển công tác"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False


def test_the_system_admin_manages_province_admins(users, login, peer):
    c = login(users["sysadmin"])
    r = c.patch(f"/api/v1/accounts/staff/{peer.pk}", {"phone": "0911 000 333"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["phone"] == "0911000333"
    assert c.post(f"/api/v1/accounts/staff/{peer.pk}/password-reset").status_code == 200
    r = c.post(f"/api/v1/accounts/staff/{peer.pk}/deactivate", {"reason": "Nghỉ hưu"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_active"] is False
    r = c.post(f"/api/v1/accounts/staff/{users['sysadmin'].pk}/password-reset")
    assert r.status_code == 403 and "Quên mật khẩu" in r.json()["message"]
    assert services.outranks(users["sysadmin"], peer) and not services.outranks(peer, users["province_admin"])
    assert not services.outranks(users["province_admin"], users["sysadmin"])


def test_a_province_admin_cannot_manage_a_peer_through_the_pages(users, login, peer):
    c = login(users["province_admin"])
    before, audits = _state(peer), AuditLog.objects.count()
    page = c.get(f"/accounts/staff/{peer.pk}/").content.decode()
    assert 'id="not-manageable"' in page and 'id="send-reset"' not in page and 'id="deactivate"' not in page and 'id="staff-edit"' not in page
    for path, data in ((f"/accounts/staff/{peer.pk}/password/", {}), (f"/accounts/staff/{peer.pk}/deactivate/", {"reason": "x"}),
                       (f"/accounts/staff/{peer.pk}/otp-reset/", {"reason": "Mất điện thoại"})):
        r = c.post(path, data, follow=True)
        body = r.content.decode()
        assert PEER_MESSAGE in body, (path, re.findall(r"<p class=\"msg[^<]*", body))
    for method in ("get", "post"):
        r = getattr(c, method)(f"/accounts/staff/{peer.pk}/edit/", {"full_name": "Kẻ chiếm quyền", "role": "province_admin", "unit": "79",
                                                                   "email": "attacker@example.vn", "phone": "", "citizen_id": ""}, follow=True)
        assert r.redirect_chain[-1][0] == f"/accounts/staff/{peer.pk}/" and PEER_MESSAGE in r.content.decode(), method
    assert _state(peer) == before and AuditLog.objects.count() == audits
    page = c.get(f"/accounts/staff/{users['onestop'].pk}/").content.decode()
    assert 'id="send-reset"' in page and 'id="not-manageable"' not in page
    page = login(users["sysadmin"]).get(f"/accounts/staff/{peer.pk}/").content.decode()
    assert 'id="send-reset"' in page and 'id="not-manageable"' not in page
