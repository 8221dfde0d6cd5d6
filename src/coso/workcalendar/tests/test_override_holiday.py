"""A province's make-up working day falls on a weekend, never on a public holiday or a day off announced for the whole
country: a make-up day typed on Tết (or on 1 January, for the Saturday after) was kept, and every deadline in the province
counted the holiday as a working day."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coso.core.models import AuditLog
from coso.workcalendar import services
from coso.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/overrides"


def _audited() -> int:
    return AuditLog.objects.filter(object_type="workcalendar.CalendarOverride").count()


@pytest.mark.parametrize("day", ["2027-02-08", "2027-01-01", "2027-02-06", "2027-05-03"])  # Mùng ba Tết, New Year, Tết on a Saturday, a day in lieu
def test_a_province_s_make_up_day_on_a_public_holiday_is_refused(login, users, province, day):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    before, audit = CalendarOverride.objects.count(), _audited()
    r = c.post(URL, json.dumps({"date": day, "kind": "working_day", "reason": "Làm bù"}), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-override"
    assert "ngày nghỉ chung của cả nước" in r.json()["details"]["fields"]["date"][0]
    assert CalendarOverride.objects.count() == before and _audited() == audit
    assert not services.is_working_day(dt.date.fromisoformat(day), province_code=province.code)


def test_a_province_s_make_up_day_on_a_nationwide_announced_day_off_is_refused(login, users, province):  # type: ignore[no-untyped-def]
    services.override_create(actor=users["sysadmin"], date=dt.date(2027, 1, 4), kind="day_off", reason="Nghỉ Tết Dương lịch", province_code="")
    c = login(users["province_admin"])
    r = c.post(URL, json.dumps({"date": "2027-01-04", "kind": "working_day", "reason": "Làm bù"}), content_type="application/json")
    assert r.status_code == 400, r.content
    assert "Nghỉ Tết Dương lịch" in r.json()["details"]["fields"]["date"][0]
    assert not services.is_working_day(dt.date(2027, 1, 4), province_code=province.code)


def test_a_province_s_make_up_saturday_is_kept_and_cannot_be_moved_onto_a_holiday(login, users, province):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    r = c.post(URL, json.dumps({"date": "2027-01-09", "kind": "working_day", "reason": "Làm bù"}), content_type="application/json")
    assert r.status_code == 201, r.content
    assert services.is_working_day(dt.date(2027, 1, 9), province_code=province.code)
    pk, audit = r.json()["id"], _audited()
    r = c.patch(f"{URL}/{pk}", json.dumps({"date": "2027-02-08"}), content_type="application/json")
    assert r.status_code == 400, r.content
    assert CalendarOverride.objects.get(pk=pk).date == dt.date(2027, 1, 9) and _audited() == audit
    assert not services.is_working_day(dt.date(2027, 2, 8), province_code=province.code)


def test_the_page_shows_the_refusal_next_to_the_date(login, users, province):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    r = c.post("/calendar/", {"date": "2027-02-08", "kind": "working_day", "reason": "Làm bù"})
    assert r.status_code == 400 and "ngày nghỉ chung của cả nước" in r.content.decode()
    assert not CalendarOverride.objects.filter(date=dt.date(2027, 2, 8)).exists()
