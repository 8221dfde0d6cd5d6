"""Changing an override through the API reads the body once the override is the caller's: another province's override
answers 404 whatever the body (as one that does not exist), and nothing changes; the caller's own with a bad body still
answers 422."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.workcalendar import services
from coso.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db
BAD = '{"date": "31/02/2027", "kind": [], "reason": {}}'


def _state():  # type: ignore[no-untyped-def]
    return AuditLog.objects.exclude(verb__in=["login", "rule_load"]).count(), list(CalendarOverride.objects.values_list("pk", "date", "kind", "reason"))


def test_another_provinces_override_is_404_whatever_the_body(login, users, make_user, province, other_province):  # type: ignore[no-untyped-def]
    ov = services.override_create(actor=users["province_admin"], date=dt.date(2027, 3, 10), kind="day_off", reason="Lễ hội của tỉnh")
    outsider = make_user("foreign_admin", Role.PROVINCE_ADMIN, other_province)
    before = _state()
    c = login(outsider)
    for body in (BAD, "not json"):
        r = c.patch(f"/api/v1/calendar/overrides/{ov.pk}", body, content_type="application/json")
        assert r.status_code == 404 and r.json()["code"] == "not-found", (body, r.status_code, r.content)
    assert _state() == before
    c = login(users["province_admin"])
    r = c.patch(f"/api/v1/calendar/overrides/{ov.pk}", BAD, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "validation-error", r.content
    r = c.patch(f"/api/v1/calendar/overrides/{ov.pk}", "not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-json", r.content
    assert _state() == before
    r = c.patch(f"/api/v1/calendar/overrides/{ov.pk}", {"reason": "Lễ hội của tỉnh (sửa)"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["reason"] == "Lễ hội của tỉnh (sửa)"
