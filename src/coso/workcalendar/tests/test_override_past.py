"""A day gone by is never rewritten: administrators add, change and delete overrides only from today on (the service,
the API and the page); the loaders of the official calendar (``actor=None``) still write any date."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.workcalendar import services
from coso.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))
URL = "/api/v1/calendar/overrides"
TODAY = dt.date(2027, 3, 10)  # a Wednesday
NOW = dt.datetime(2027, 3, 10, 0, 30, tzinfo=TZ)  # still 9 March in UTC: today is the local date


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def _audited() -> int:
    return AuditLog.objects.filter(object_type="workcalendar.CalendarOverride").count()


def test_the_service_refuses_a_past_day_and_keeps_it(users, now):
    admin = users["sysadmin"]
    past = services.override_create(actor=None, date=dt.date(2027, 3, 9), kind="day_off", reason="Nạp từ lịch chính thức")
    future = services.override_create(actor=admin, date=dt.date(2027, 3, 12), kind="day_off", reason="Nghỉ thử")
    before = _audited()
    with pytest.raises(ApplicationError) as exc:
        services.override_create(actor=admin, date=dt.date(2027, 3, 8), kind="day_off", reason="Nghỉ bù")
    assert exc.value.code == "override-past" and "10/03/2027" in exc.value.details["fields"]["date"][0]
    with pytest.raises(ApplicationError) as exc:
        services.override_update(actor=admin, override=past, reason="Sửa")
    assert exc.value.code == "override-past" and "09/03/2027" in exc.value.details["fields"]["date"][0]
    with pytest.raises(ApplicationError) as exc:
        services.override_update(actor=admin, override=future, date=dt.date(2027, 3, 8))
    assert exc.value.code == "override-past"
    with pytest.raises(ApplicationError) as exc:
        services.override_delete(actor=admin, override=past)
    assert exc.value.code == "override-past"
    assert not CalendarOverride.objects.filter(date=dt.date(2027, 3, 8)).exists()
    assert CalendarOverride.objects.get(pk=past.pk).reason == "Nạp từ lịch chính thức"
    assert CalendarOverride.objects.get(pk=future.pk).date == dt.date(2027, 3, 12)
    assert _audited() == before
    # Today is not the past.
    today = services.override_create(actor=admin, date=TODAY, kind="day_off", reason="Nghỉ hôm nay")
    services.override_update(actor=admin, override=today, reason="Nghỉ đột xuất")
    services.override_delete(actor=admin, override=CalendarOverride.objects.get(pk=today.pk))


def test_the_api_refuses_a_past_day_on_the_date_field(login, users, now):
    c = login(users["province_admin"])
    province = users["province_admin"].province_code
    past = CalendarOverride.objects.create(date=dt.date(2027, 3, 9), kind="day_off", reason="Lễ hội của tỉnh", province_code=province)
    future = CalendarOverride.objects.create(date=dt.date(2027, 3, 12), kind="day_off", reason="Lễ hội", province_code=province)
    r = c.post(URL, {"date": "2027-03-08", "kind": "day_off", "reason": "Nghỉ bù"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "override-past", r.content
    assert set(r.json()) == {"code", "message", "details"} and "Không được sửa quá khứ" in r.json()["details"]["fields"]["date"][0]
    r = c.patch(f"{URL}/{past.pk}", {"reason": "Sửa"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "override-past" and "date" in r.json()["details"]["fields"]
    r = c.patch(f"{URL}/{future.pk}", {"date": "2027-03-08"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "override-past" and "date" in r.json()["details"]["fields"]
    r = c.delete(f"{URL}/{past.pk}")
    assert r.status_code == 400 and r.json()["code"] == "override-past"
    assert not CalendarOverride.objects.filter(date=dt.date(2027, 3, 8)).exists()
    assert CalendarOverride.objects.get(pk=past.pk).reason == "Lễ hội của tỉnh"
    assert CalendarOverride.objects.get(pk=future.pk).date == dt.date(2027, 3, 12)
    assert _audited() == 0


def test_the_page_refuses_a_past_day_in_vietnamese(login, users, now):
    c = login(users["sysadmin"])
    r = c.post(reverse("workcalendar:overrides"), {"date": "2027-03-08", "kind": "day_off", "reason": "Nghỉ bù"})
    assert r.status_code == 400
    assert "Không được sửa quá khứ" in r.context["form"].errors["date"][0]
    past = CalendarOverride.objects.create(date=dt.date(2027, 3, 9), kind="day_off", reason="Nghỉ")
    r = c.post(reverse("workcalendar:override_delete", args=[past.pk]), follow=True)
    assert "đã qua" in r.content.decode()
    assert CalendarOverride.objects.filter(pk=past.pk).exists()
    assert not CalendarOverride.objects.filter(date=dt.date(2027, 3, 8)).exists()
    assert _audited() == 0


def test_the_loader_of_the_official_calendar_still_writes_past_days(now, tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text("date,kind,reason,source\n2027-03-09,day_off,Nghỉ thử nạp lại,Thông báo\n", encoding="utf-8")
    counts = services.overrides_load_shipped(actor=None, path=path)
    assert counts["created"] + counts["updated"] == 1
    assert not services.is_working_day(dt.date(2027, 3, 9))
