"""Dates of the rule book stay within the days the project works with (1/1/1900–31/12/2200, ``coso.core.params``).

A value in force from 31/12/9999, or until 31/12/9999, was written by the change page, the API and the service (and a
rule book read on 1/1/0001 answered as if the date meant something). Each write is refused on its field (pages) or
with the one error shape, code ``invalid-date`` (API), and nothing is written; a page read on such a date shows the
rules of today with the reason, the API refuses it.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.core.params import LAST_DAY
from coso.rules import services
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
TODAY = NOW.date()
MESSAGE = "Ngày phải trong khoảng 01/01/1900–31/12/2200."
BAD_DAYS = ["9999-12-31", "2201-01-01", "1899-12-31", "0001-01-01"]
API = "/api/v1/rules"


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def _edited() -> list[tuple[dt.date, dt.date | None]]:
    return list(Rule.objects.filter(key=KEY).exclude(origin=Rule.Origin.DATA).values_list("valid_from", "valid_to"))


def _nothing_written() -> bool:
    return not _edited() and not AuditLog.objects.filter(verb__in=["rule_change", "rule_close", "rule_continue"]).exists()


# ---------------------------------------------------------------- the service

@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
@pytest.mark.parametrize("day", BAD_DAYS)
def test_the_service_refuses_a_date_out_of_bounds(users, province, field, day):
    dates = {"valid_from": dt.date(2027, 1, 4), field: dt.date.fromisoformat(day)}
    for actor in (users["province_admin"], None):  # None: loaders and set_rule, which may write the past but not year 9999
        with pytest.raises(ApplicationError) as exc:
            services.rule_change(actor=actor, key=KEY, value=10, reason="NQ 9", province_code=province.code, allow_past=actor is None, **dates)
        assert exc.value.code == "invalid-date" and exc.value.status == 400
        assert exc.value.message == MESSAGE and exc.value.details == {"fields": {field: [MESSAGE]}}
    assert _nothing_written()


def test_the_last_day_of_the_span_is_accepted(users, province):
    services.rule_change(actor=users["province_admin"], key=KEY, value=10, valid_from=dt.date(2027, 1, 4), valid_to=LAST_DAY, reason="NQ 9",
                         province_code=province.code)
    services.rule_change(actor=users["province_admin"], key=KEY, value=12, valid_from=LAST_DAY, reason="NQ 10", province_code=province.code)
    assert _edited() == [(dt.date(2027, 1, 4), LAST_DAY), (LAST_DAY, None)]


def test_shipped_rows_out_of_bounds_are_refused_by_the_loader():
    row = {"key": KEY, "value": 15, "valid_from": "9999-12-31", "source": {"document": "Quyết định 766/QĐ-TTg"}, "_file": "rules.json"}
    with pytest.raises(ValueError, match="outside 1900-01-01–2200-12-31"):
        services.load_rules(rows=[row])
    with pytest.raises(ValueError, match="outside"):
        services.load_rules(rows=[{**row, "valid_from": "2026-01-01", "valid_to": "0001-01-01"}])
    assert not Rule.objects.filter(key=KEY, valid_from__gt=LAST_DAY).exists()


# ---------------------------------------------------------------- the change page and the API

@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
@pytest.mark.parametrize("day", BAD_DAYS)
def test_the_change_page_refuses_a_date_out_of_bounds(login, users, province, field, day):
    body = {"value": "10", "valid_from": "2027-01-04", "reason": "NQ 9", field: day}
    r = login(users["province_admin"]).post(reverse("rules:detail", args=[KEY]), body)
    assert r.status_code == 400
    assert MESSAGE in r.content.decode() and r.context["form"].errors[field] == [MESSAGE]
    assert _nothing_written()


@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
@pytest.mark.parametrize("day", BAD_DAYS)
def test_the_change_api_refuses_a_date_out_of_bounds(login, users, province, field, day):
    body = {"key": KEY, "value": 10, "valid_from": "2027-01-04", "reason": "NQ 9", field: day}
    r = login(users["province_admin"]).post(f"{API}/changes", body, content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "invalid-date", "message": MESSAGE, "details": {"fields": {field: [MESSAGE]}}}
    assert _nothing_written()


def test_a_value_written_before_the_bounds_can_still_be_withdrawn(login, users, province):
    """A province that saved a value from 31/12/9999 before the bounds removes it the usual way."""
    row = Rule.objects.create(key=KEY, scope="province", province_code=province.code, valid_from=dt.date(9999, 12, 31), value=10,
                              origin=Rule.Origin.EDITED, reason="x")
    r = login(users["province_admin"]).delete(f"{API}/changes/{row.pk}?reason=nhầm")
    assert r.status_code == 204 and not _edited()


# ---------------------------------------------------------------- reads on a date (?on=, ?date_from=, ?date_to=)

@pytest.mark.parametrize("day", [*BAD_DAYS, "x"])
def test_pages_read_on_a_date_out_of_bounds_show_today_and_why(login, users, province, day):
    c = login(users["province_admin"])
    message = "Ngày không hợp lệ." if day == "x" else MESSAGE
    for url in (reverse("rules:index"), reverse("rules:detail", args=[KEY])):
        r = c.get(url, {"on": day})
        assert r.status_code == 200, url
        assert message in r.content.decode() and r.context["on"] == TODAY


def test_a_page_read_keeps_the_scope_when_the_date_is_refused(login, users, province):
    r = login(users["sysadmin"]).get(reverse("rules:index"), {"on": "9999-12-31", "province": province.code})
    assert r.status_code == 200 and r.context["province_code"] == province.code and r.context["on"] == TODAY


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", BAD_DAYS)
def test_the_diff_page_refuses_a_date_out_of_bounds(login, users, province, field, day):
    r = login(users["province_admin"]).get(reverse("rules:diff"), {"date_from": "2026-12-01", "date_to": "2027-01-01", field: day})
    assert r.status_code == 400 and MESSAGE in r.content.decode() and r.context["form"].errors[field] == [MESSAGE]
    assert r.context["rows"] is None


@pytest.mark.parametrize("day", BAD_DAYS)
def test_the_api_refuses_a_read_on_a_date_out_of_bounds(login, users, province, day):
    c = login(users["province_admin"])
    for url, params, field in ((f"{API}/", {"on": day}, "on"), (f"{API}/{KEY}", {"on": day}, "on"),
                               (f"{API}/diff", {"date_from": day, "date_to": "2027-01-01"}, "date_from"),
                               (f"{API}/diff", {"date_from": "2026-12-01", "date_to": day}, "date_to")):
        r = c.get(url, params)
        assert r.status_code == 400, url
        assert r.json() == {"code": "invalid-date", "message": MESSAGE, "details": {"fields": {field: [MESSAGE]}}}, url


def test_reads_within_the_span_still_answer(login, users, province):
    c = login(users["province_admin"])
    assert c.get(f"{API}/{KEY}", {"on": LAST_DAY.isoformat()}).json()["in_force"]["value"] == 15
    assert c.get(f"{API}/diff", {"date_from": "1900-01-01", "date_to": LAST_DAY.isoformat()}).status_code == 200
    assert c.get(reverse("rules:index"), {"on": "1900-01-01"}).context["on"] == dt.date(1900, 1, 1)
