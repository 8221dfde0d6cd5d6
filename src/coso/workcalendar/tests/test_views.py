from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest

from coso.workcalendar.models import CalendarOverride

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["province_admin", "sysadmin"])
def test_admins_see_the_calendar(login, users, who):
    c = login(users[who])
    r = c.get(reverse("workcalendar:overrides"), {"year": 2026, "month": 11})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Ngày Văn hóa Việt Nam" in html and "Tháng 11/2026" in html
    # the menu links the page
    assert 'href="/calendar/"' in c.get("/", follow=True).content.decode()


@pytest.mark.parametrize("who", ["onestop", "leader", "province_home_affairs", "citizen"])
def test_others_get_404(login, users, who):
    c = login(users[who])
    assert c.get(reverse("workcalendar:overrides")).status_code == 404
    r = c.post(reverse("workcalendar:overrides"), {"date": "2027-03-10", "kind": "day_off", "reason": "x"})
    assert r.status_code == 404
    assert not CalendarOverride.objects.filter(date=dt.date(2027, 3, 10)).exists()


def test_anonymous_is_sent_to_login(client):
    r = client.get(reverse("workcalendar:overrides"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_add_and_delete(login, users):
    c = login(users["province_admin"])
    r = c.post(reverse("workcalendar:overrides"), {"date": "2027-03-13", "kind": "working_day", "reason": "Làm bù thử", "source": "TB"})
    assert r.status_code == 302
    obj = CalendarOverride.objects.get(date=dt.date(2027, 3, 13))
    r = c.get(r["Location"])
    assert "Làm bù thử" in r.content.decode()
    r = c.post(reverse("workcalendar:override_delete", args=[obj.pk]))
    assert r.status_code == 302 and not CalendarOverride.objects.filter(pk=obj.pk).exists()


def test_delete_needs_post_and_admin(login, users):
    admin = users["sysadmin"]
    obj = CalendarOverride.objects.create(date=dt.date(2027, 3, 10), kind="day_off", reason="x")
    assert login(users["onestop"]).post(reverse("workcalendar:override_delete", args=[obj.pk])).status_code == 404
    assert login(admin).get(reverse("workcalendar:override_delete", args=[obj.pk])).status_code == 405
    assert login(admin).post(reverse("workcalendar:override_delete", args=[999999])).status_code == 404
    assert CalendarOverride.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "", "kind": "day_off", "reason": "x"}, "date", "Hãy chọn ngày."),
        ({"date": "31/02/2027", "kind": "day_off", "reason": "x"}, "date", "Ngày không hợp lệ"),
        ({"date": "2027-03-14", "kind": "day_off", "reason": "x"}, "date", "vốn đã là ngày nghỉ"),
        ({"date": "2027-03-10", "kind": "working_day", "reason": "x"}, "date", "vốn đã là ngày làm việc"),
        ({"date": "2027-03-10", "kind": "day_off", "reason": ""}, "reason", "Hãy nhập lý do."),
        ({"date": "2027-03-10", "kind": "nghỉ", "reason": "x"}, "kind", "Loại điều chỉnh không hợp lệ."),
    ],
)
def test_form_errors_in_vietnamese(login, users, data, field, message):
    r = login(users["sysadmin"]).post(reverse("workcalendar:overrides"), data)
    assert r.status_code == 400
    assert message in r.context["form"].errors[field][0]
    assert not CalendarOverride.objects.filter(date__year=2027).exists()


def test_bad_month_query_falls_back(login, users):
    r = login(users["sysadmin"]).get(reverse("workcalendar:overrides"), {"year": "abc", "month": "99"})
    assert r.status_code == 200
