"""A value from the shipped data files that has not taken effect yet cannot be withdrawn: the page shows no control for
it and ``load_rules`` would put it back at the next deploy, so the API refuses it too (409 ``rule-from-data``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.rules.lookup import rule
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
BEFORE = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # the shipped row of 20/7/2026 is still to come
API = "/api/v1/rules"


def _shipped_future_row() -> Rule:
    return Rule.objects.get(key=KEY, province_code="", commune_code="", valid_from=dt.date(2026, 7, 20))


def test_the_api_refuses_to_withdraw_a_shipped_value_still_to_come(login, users):
    row = _shipped_future_row()
    assert row.origin == Rule.Origin.DATA
    before = list(Rule.objects.filter(key=KEY).order_by("pk").values())
    audits = AuditLog.objects.filter(object_type="rules.Rule").count()
    with time_machine.travel(BEFORE, tick=False):
        r = login(users["sysadmin"]).delete(f"{API}/changes/{row.pk}?reason=nhầm")
        assert r.status_code == 409, r.content
        assert r.json()["code"] == "rule-from-data" and set(r.json()) == {"code", "message", "details"}
        assert "dữ liệu phát hành" in r.json()["message"]
        assert rule(KEY, on=dt.date(2026, 7, 20)) == 15
    assert list(Rule.objects.filter(key=KEY).order_by("pk").values()) == before
    assert AuditLog.objects.filter(object_type="rules.Rule").count() == audits


def test_the_page_shows_no_withdraw_control_for_it_and_refuses_a_forged_post(login, users):
    row = _shipped_future_row()
    c = login(users["sysadmin"])
    with time_machine.travel(BEFORE, tick=False):
        page = c.get(reverse("rules:detail", args=[KEY])).content.decode()
        assert reverse("rules:withdraw", args=[KEY, row.pk]) not in page
        r = c.post(reverse("rules:withdraw", args=[KEY, row.pk]), {"reason": "nhầm"}, follow=True)
        assert "dữ liệu phát hành" in r.content.decode()
    assert Rule.objects.filter(pk=row.pk).exists()


def test_a_value_the_administrator_set_from_a_later_date_is_still_withdrawn(login, users):
    c = login(users["sysadmin"])
    with time_machine.travel(BEFORE, tick=False):
        r = c.post(f"{API}/changes", {"key": KEY, "value": 12, "valid_from": "2026-07-10", "valid_to": "2026-07-15", "reason": "thử", "province_code": ""},
                   content_type="application/json")
        assert r.status_code == 201, r.content
        assert c.delete(f"{API}/changes/{r.json()['rule']['id']}?reason=nhầm").status_code == 204
        assert rule(KEY, on=dt.date(2026, 7, 10)) == 15
