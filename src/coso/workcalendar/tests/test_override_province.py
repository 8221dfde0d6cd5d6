"""A system administrator's day off for one province names a province that exists: "97" typed for "79" was kept, and the
province meant kept working that day (its deadlines did not move)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coso.core.models import AuditLog
from coso.workcalendar import services
from coso.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/overrides"


@pytest.mark.parametrize("code", ["97", "zz", " 7 "])
def test_an_override_for_a_province_that_does_not_exist_is_refused(login, users, province, code):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    before, audit = CalendarOverride.objects.count(), AuditLog.objects.count()
    body = {"date": "2027-03-10", "kind": "day_off", "reason": "Lễ hội của tỉnh", "province_code": code}
    r = c.post(URL, json.dumps(body), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "province-unknown"
    assert r.json()["details"]["fields"] == {"province_code": [f"Không có tỉnh mã “{code.strip()}”."]}
    assert CalendarOverride.objects.count() == before and AuditLog.objects.count() == audit


def test_an_override_for_a_province_that_exists_is_kept(login, users, province):  # type: ignore[no-untyped-def]
    c = login(users["sysadmin"])
    body = {"date": "2027-03-10", "kind": "day_off", "reason": "Lễ hội của tỉnh", "province_code": "79"}
    r = c.post(URL, json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    assert not services.is_working_day(dt.date(2027, 3, 10), province_code="79")
    body = {"date": "2027-03-11", "kind": "day_off", "reason": "Nghỉ toàn quốc", "province_code": ""}
    assert c.post(URL, json.dumps(body), content_type="application/json").status_code == 201


def test_a_province_administrator_s_nationwide_day_off_is_refused_not_made_her_province_s(login, users, province):  # type: ignore[no-untyped-def]
    """A province administrator who asked for a nationwide day off (province_code "") silently got one for her own province."""
    c = login(users["province_admin"])
    before, audit = CalendarOverride.objects.count(), AuditLog.objects.count()
    body = {"date": "2027-03-10", "kind": "day_off", "reason": "Nghỉ toàn quốc", "province_code": ""}
    r = c.post(URL, json.dumps(body), content_type="application/json")
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "override-forbidden" and "Chỉ quản trị hệ thống" in r.json()["message"]
    assert "province_code" in r.json()["details"]["fields"]
    assert CalendarOverride.objects.count() == before and AuditLog.objects.count() == audit
    assert services.is_working_day(dt.date(2027, 3, 10), province_code="79")
    body["province_code"] = "79"
    assert c.post(URL, json.dumps(body), content_type="application/json").status_code == 201
    del body["province_code"]
    body["date"] = "2027-03-11"
    assert c.post(URL, json.dumps(body), content_type="application/json").status_code == 201
    assert sorted(CalendarOverride.objects.filter(reason="Nghỉ toàn quốc").values_list("date", "province_code")) == [
        (dt.date(2027, 3, 10), "79"), (dt.date(2027, 3, 11), "79")]
