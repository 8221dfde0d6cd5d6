from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar"


def test_working_days(login, users):
    c = login(users["onestop"])
    r = c.get(f"{URL}/working-days", {"start": "2026-02-13", "n": 1})
    assert r.status_code == 200
    assert r.json()["result"] == "2026-02-23" and r.json()["working_days_between"] == 1


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"start": "13/02/2026", "n": 1}, 422),
        ({"start": "2026-02-30", "n": 1}, 422),
        ({"start": "2026-02-13", "n": "x"}, 422),
        ({"start": "2026-02-13"}, 422),
        ({"start": "2026-02-13", "n": 10**6}, 422),
        ({"start": "2040-12-20", "n": 300}, 400),
        ({"start": "1999-01-01", "n": 1}, 400),
    ],
)
def test_working_days_bad_input(login, users, params, status):
    r = login(users["onestop"]).get(f"{URL}/working-days", params)
    assert r.status_code == status
    assert set(r.json()) == {"code", "message", "details"}


def test_working_days_needs_login(client):
    r = client.get(f"{URL}/working-days", {"start": "2026-02-13", "n": 1})
    assert r.status_code == 401 and r.json()["code"] == "not-authenticated"


def test_days_of_month(login, users):
    r = login(users["specialist"]).get(f"{URL}/days", {"year": 2026, "month": 11})
    assert r.status_code == 200
    data = r.json()
    assert len(data["days"]) == 30
    d24 = data["days"][23]
    assert d24["date"] == "2026-11-24" and d24["working"] is False and d24["reason"] == "Ngày Văn hóa Việt Nam"
    assert data["working_days"] == 20


@pytest.mark.parametrize("params", [{"year": 2026, "month": 13}, {"year": 1990, "month": 1}, {"year": "x", "month": 1}])
def test_days_bad_input(login, users, params):
    r = login(users["specialist"]).get(f"{URL}/days", params)
    assert r.status_code in (400, 422)
    assert set(r.json()) == {"code", "message", "details"}


def test_override_crud(login, users):
    c = login(users["province_admin"])
    r = c.post(f"{URL}/overrides", {"date": "2027-03-10", "kind": "day_off", "reason": "Nghỉ thử", "source": "TB 1"}, content_type="application/json")
    assert r.status_code == 201, r.content
    oid = r.json()["id"]
    assert r.json()["kind_label"] == "Ngày nghỉ"
    r = c.get(f"{URL}/working-days", {"start": "2027-03-09", "n": 1})
    assert r.json()["result"] == "2027-03-11"
    r = c.get(f"{URL}/overrides", {"year": 2027})
    assert r.status_code == 200 and [o["id"] for o in r.json()["items"]] == [oid]
    r = c.patch(f"{URL}/overrides/{oid}", {"reason": "Lý do mới"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["reason"] == "Lý do mới"
    r = c.delete(f"{URL}/overrides/{oid}")
    assert r.status_code == 204
    assert c.get(f"{URL}/overrides/{oid}").status_code == 404


def test_override_create_errors(login, users):
    c = login(users["sysadmin"])
    r = c.post(f"{URL}/overrides", {"date": "2027-03-14", "kind": "day_off", "reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-override"
    assert "date" in r.json()["details"]["fields"]
    r = c.post(f"{URL}/overrides", {"date": "không phải ngày", "kind": "day_off", "reason": "x"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "validation-error"
    assert not CalendarOverride.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize("who", ["onestop", "leader", "province_home_affairs", "citizen"])
def test_override_admin_only(login, users, who):
    c = login(users[who])
    assert c.get(f"{URL}/overrides").status_code == 403
    r = c.post(f"{URL}/overrides", {"date": "2027-03-10", "kind": "day_off", "reason": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not CalendarOverride.objects.filter(date=dt.date(2027, 3, 10)).exists()


@pytest.mark.parametrize(("language", "monday", "sunday"), [("vi", "Thứ Hai", "Chủ nhật"), ("en", "Monday", "Sunday")])
def test_the_days_of_the_week_are_named_in_the_readers_language(login, users, language, monday, sunday):
    c = login(users["onestop"])
    c.post("/i18n/setlang/", {"language": language, "next": "/"})
    r = c.get(f"{URL}/working-days", {"start": "2026-02-13", "n": 1})
    assert r.status_code == 200 and r.json()["result_weekday"] == monday  # 23/02/2026
    r = c.get(f"{URL}/days", {"year": 2026, "month": 3})
    assert r.status_code == 200
    days = {d["date"]: d["weekday_label"] for d in r.json()["days"]}
    assert days["2026-03-02"] == monday and days["2026-03-01"] == sunday


def test_holiday_names_follow_the_readers_language_and_typed_reasons_stay_as_typed(login, users):
    """The names of the statutory holidays come from the `holidays` package in the reader's language; the reason an
    administrator typed for a province's day off is shown as typed."""
    admin = login(users["province_admin"])
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):  # announced before the day
        r = admin.post(f"{URL}/overrides", {"date": "2026-11-23", "kind": "day_off", "reason": "Lễ hội Nghinh Ông của tỉnh"},
                       content_type="application/json")
    assert r.status_code == 201, r.content
    for language, culture, makeup, sunday in (("vi", "Ngày Văn hóa Việt Nam", "Làm bù", "Chủ nhật"),
                                              ("en", "Vietnam Cultural Day", "Make-up working day", "Sunday")):
        admin.post("/i18n/setlang/", {"language": language, "next": "/"})
        days = {d["date"]: d["reason"] for d in admin.get(f"{URL}/days", {"year": 2026, "month": 11}).json()["days"]}
        assert days["2026-11-24"] == culture and days["2026-11-22"] == sunday
        assert days["2026-11-23"] == "Lễ hội Nghinh Ông của tỉnh"  # typed by the province: kept as typed
        days = {d["date"]: d["reason"] for d in admin.get(f"{URL}/days", {"year": 2026, "month": 8}).json()["days"]}
        assert days["2026-08-22"] == makeup
        html = admin.get("/calendar/", {"year": 2026, "month": 11}).content.decode()
        assert culture in html and "Lễ hội Nghinh Ông của tỉnh" in html
    assert "Ngày Văn hóa Việt Nam" not in html and "Làm bù" not in html
    # A substituted day off names the day it replaces day first in English too (the package writes 08/22/2026).
    days = {d["date"]: d["reason"] for d in admin.get(f"{URL}/days", {"year": 2026, "month": 8}).json()["days"]}
    assert days["2026-08-31"] == "Day off (substituted from 22/08/2026)"
    admin.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    days = {d["date"]: d["reason"] for d in admin.get(f"{URL}/days", {"year": 2026, "month": 8}).json()["days"]}
    assert days["2026-08-31"] == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    admin.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # An override refused because the day is already a holiday names the holiday in the reader's language.
    with time_machine.travel(dt.datetime(2026, 8, 3, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        r = admin.post(f"{URL}/overrides", {"date": "2026-09-02", "kind": "day_off", "reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and "(National Day)" in r.json()["message"]


@pytest.mark.parametrize(("start", "n", "result"), [
    ("2027-03-13", -1, "2027-03-12"),  # a Saturday: one working day back is the Friday
    ("2027-03-14", -3, "2027-03-10"),  # a Sunday
    ("2027-03-10", -1, "2027-03-09"),  # a Wednesday
    ("2027-03-13", 1, "2027-03-15"),
])
def test_working_days_backwards_from_a_day_off_counts_the_days_gone_back(login, users, start, n, result):
    """From a Saturday with n = -1 the answer was the Friday beside working_days_between 0: the count now agrees with n."""
    r = login(users["onestop"]).get(f"{URL}/working-days", {"start": start, "n": n})
    assert r.status_code == 200, r.content
    assert (r.json()["result"], r.json()["working_days_between"]) == (result, n)
