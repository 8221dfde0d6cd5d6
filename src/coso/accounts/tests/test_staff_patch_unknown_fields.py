"""PATCH /api/v1/accounts/staff/{pk} dropped the fields its schema does not declare: {"username": "…"}, {"is_active": false} or
{"is_superuser": true} answered 200 with nothing changed, so an administrator believed a change made that was not (the
service refuses such fields, as the workforce register's PATCH does). They now reach the service: 400 invalid-fields
naming them, nothing written."""

from __future__ import annotations

from conftest import verify_session

from coso.accounts.models import User
from coso.core.models import AuditLog


def test_an_undeclared_field_is_refused_not_ignored(users, commune, login):
    admin = users["province_admin"]
    client = login(admin)
    verify_session(client, admin)
    target = users["specialist"]
    entries = AuditLog.objects.count()
    for body in ({"username": "doi.ten"}, {"is_superuser": True}, {"is_active": False, "phone": "0912111222"}):
        resp = client.patch(f"/api/v1/accounts/staff/{target.pk}", body, content_type="application/json")
        assert resp.status_code == 400 and resp.json()["code"] == "invalid-fields", resp.json()
        assert next(iter(body)) in resp.json()["message"]
    target.refresh_from_db()
    assert (target.username, target.is_superuser, target.is_active, target.phone) == ("specialist", False, True, User.objects.get(pk=target.pk).phone)
    assert target.phone != "0912111222" and AuditLog.objects.count() == entries
    ok = client.patch(f"/api/v1/accounts/staff/{target.pk}", {"phone": "0912111222"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["phone"] == "0912111222"
