"""A date the calendar does not cover (a start in year 1 or 9999, or a working-day offset that runs off the calendar)
is answered in the one error shape, in the reader's language (Vietnamese by default), naming the field at fault."""

from __future__ import annotations

import pytest

from coso.workcalendar import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar"


def _span() -> tuple[int, int]:
    cal = services.get_calendar()
    return cal.first_year, cal.last_year


@pytest.mark.parametrize(("params", "field"), [
    ({"start": "0001-01-01", "n": 1}, "start"),
    ({"start": "9999-12-31", "n": 0}, "start"),
    ({"start": "1999-01-01", "n": -3}, "start"),
    ({"start": "2040-12-20", "n": 300}, "n"),
    ({"start": "2015-01-05", "n": -3650}, "n"),
])
def test_out_of_calendar_names_the_field_in_vietnamese(login, users, params, field):
    first, last = _span()
    r = login(users["onestop"]).get(f"{URL}/working-days", params)
    assert r.status_code == 400, r.content
    body = r.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == "date-out-of-range"
    assert set(body["details"]) == {"fields"} and list(body["details"]["fields"]) == [field], body
    message = body["details"]["fields"][field][0]
    assert f"{first}–{last}" in message and "calendar" not in message.lower() and "lịch" in message
    assert "outside" not in body["message"] and "beyond" not in body["message"]


def test_out_of_calendar_in_english_when_chosen(login, users):
    c = login(users["onestop"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.get(f"{URL}/working-days", {"start": "2040-12-20", "n": 300})
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["n"]
    assert "calendar" in r.json()["message"].lower(), r.content


def test_a_month_of_a_year_beyond_the_calendar_names_the_year(login, users):
    first, _last = _span()
    r = login(users["onestop"]).get(f"{URL}/days", {"year": first - 1, "month": 1})
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["year"], r.content
