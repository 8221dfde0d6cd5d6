"""An appointment decision dated outside the project's span of dates (a year typed 9999 or 0001) is refused on its field
with one clear message and changes nothing: a decision not yet in force holds its post until its effective date, so one
effective in 9999 kept the post out of every vacancy list for good."""

import json

import pytest
import time_machine

from coso.assignments.models import Decision
from coso.assignments.tests.helpers import D, person, plan

pytestmark = pytest.mark.django_db
TODAY = D(2026, 12, 2)
MESSAGE = "Ngày phải trong khoảng 01/01/1900–31/12/2200."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def a(users, commune, other_commune):
    p = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2020, 1, 1))
    plan(users["province_home_affairs"], commune, p, "ct_ubnd")
    return p


@pytest.mark.parametrize(("field", "decided_on", "effective_on"), [
    ("effective_on", "2026-12-01", "9999-12-31"),
    ("effective_on", "2026-12-01", "2201-01-01"),
    ("decided_on", "0001-01-01", "2026-12-01"),
    ("decided_on", "1899-12-31", "2026-12-01"),
])
def test_api_refuses_a_decision_dated_outside_1900_2200(login, users, commune, a, field, decided_on, effective_on):
    c = login(users["province_home_affairs"])
    r = c.post("/api/v1/assignments/decisions", data=json.dumps({
        "commune_code": commune.code, "position_code": "ct_ubnd", "person_id": a.pk, "number": "125/QĐ-UBND",
        "decided_on": decided_on, "effective_on": effective_on}), content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "date-out-of-range" and body["message"] == MESSAGE
    assert body["details"]["fields"] == {field: [MESSAGE]}
    assert not Decision.objects.exists()
    assert f'data-post="{commune.code}:ct_ubnd"' in c.get(f"/bo-tri/?commune={commune.code}").text


def test_page_refuses_a_decision_effective_in_9999(login, users, commune, a):
    c = login(users["province_home_affairs"])
    r = c.post(f"/bo-tri/ung-vien/?commune={commune.code}&position=ct_ubnd",
               {"person": a.pk, "number": "125/QĐ-UBND", "decided_on": "01/12/2026", "effective_on": "31/12/9999"})
    assert r.status_code == 400 and MESSAGE in r.text
    assert not Decision.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_vacancies_and_candidates_on_a_day_outside_1900_2200_are_refused(login, users, commune, foreign_commune, a, day):
    """The vacancies, the ranked candidates and the matching on 1/1/0001 or 31/12/9999 (a year typed short or long) answered
    200 with figures of no meaning (no commune at all in year 1); they are refused on the day's field, as the decision's
    dates are; another province's commune is still 404 whatever the day, and the page shows the message with today's list."""
    c = login(users["province_home_affairs"])
    for r in (c.get("/api/v1/assignments/vacancies", {"commune": commune.code, "on": day}),
              c.get("/api/v1/assignments/candidates", {"commune_code": commune.code, "position_code": "ct_ubnd", "on": day}),
              c.post("/api/v1/assignments/match", {"keys": [f"{commune.code}:ct_ubnd"], "on": day}, content_type="application/json")):
        assert r.status_code == 400, r.content
        assert r.json()["code"] == "date-out-of-range" and r.json()["details"]["fields"] == {"on": [MESSAGE]}
    r = c.get("/api/v1/assignments/candidates", {"commune_code": foreign_commune.code, "position_code": "ct_ubnd", "on": day})
    assert r.status_code == 404
    page = c.get("/bo-tri/", {"commune": commune.code, "on": day})
    assert page.status_code == 200 and MESSAGE in page.text and f'data-post="{commune.code}:ct_ubnd"' in page.text
