"""The API's endpoints on one person or evaluation read their body once the object is the caller's: another commune's
person or evaluation answers 404 whatever the body (as one that does not exist), and nothing changes; the caller's own
object with a bad body still answers 422."""

import pytest

from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.workforce import services
from coso.workforce.models import Evaluation, Person, PositionHolding, WorkItem

from .helpers import person

pytestmark = pytest.mark.django_db

BAD = '{"version": "x", "title": [], "points": "many", "birth_date": "31/02/2026", "position_code": 7, "started_on": "soon"}'


@pytest.fixture
def objects(users, commune):
    p = person(commune, full_name="Phạm Thị Dung")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    return {"person": p, "evaluation": ev}


def urls(o):
    p, ev = o["person"].pk, o["evaluation"].pk
    return [("patch", f"/api/v1/workforce/people/{p}"), ("post", f"/api/v1/workforce/people/{p}/positions"),
            ("post", f"/api/v1/workforce/evaluations/{ev}/items"), ("post", f"/api/v1/workforce/evaluations/{ev}/self"),
            ("post", f"/api/v1/workforce/evaluations/{ev}/leader")]


def _state():
    return (AuditLog.objects.count(), list(Person.objects.values_list("pk", "version", "full_name")), PositionHolding.objects.count(),
            WorkItem.objects.count(), list(Evaluation.objects.values_list("pk", "version", "status")))


def test_another_communes_object_is_404_whatever_the_body(login, users, make_user, other_commune, objects):
    c = login(make_user("other_home_affairs", Role.COMMUNE_HOME_AFFAIRS, other_commune))
    before = _state()
    for method, url in urls(objects):
        for body in (BAD, "not json"):
            res = getattr(c, method)(url, body, content_type="application/json")
            assert res.status_code == 404, (url, body, res.status_code, res.content)
            assert res.json()["code"] == "not-found"
    assert _state() == before


def test_own_object_with_a_bad_body_is_still_422(login, users, objects):
    c = login(users["home_affairs"])
    before = _state()
    for method, url in urls(objects):
        res = getattr(c, method)(url, BAD, content_type="application/json")
        assert res.status_code == 422, (url, res.status_code, res.content)
        res = getattr(c, method)(url, "not json", content_type="application/json")
        assert res.status_code == 400 and res.json()["code"] == "invalid-json", (url, res.status_code, res.content)
    assert _state() == before
    res = c.patch(f"/api/v1/workforce/people/{objects['person'].pk}", {"version": objects["person"].version, "full_name": "Phạm Thị Dung Mới"},
                  content_type="application/json")
    assert res.status_code == 200 and res.json()["full_name"] == "Phạm Thị Dung Mới"


# Query parameters are read the same way: django-ninja validated ``?on=`` before the scope check, so another commune's
# person with a bad date answered 422 where one that does not exist answers 404.
BAD_DAYS = ("31/02/2026", "soon", "2026-13-01", "")


def test_another_communes_person_is_404_whatever_the_query(login, users, make_user, other_commune, objects):
    c = login(make_user("other_home_affairs", Role.COMMUNE_HOME_AFFAIRS, other_commune))
    before = _state()
    for on in BAD_DAYS:
        res = c.get(f"/api/v1/workforce/people/{objects['person'].pk}", {"on": on})
        assert res.status_code == 404 and res.json()["code"] == "not-found", (on, res.status_code, res.content)
    assert _state() == before


def test_own_person_with_a_bad_query_is_still_422(login, users, objects):
    c = login(users["home_affairs"])
    before = _state()
    url = f"/api/v1/workforce/people/{objects['person'].pk}"
    for on in BAD_DAYS:
        res = c.get(url, {"on": on})
        assert res.status_code == 422 and res.json()["code"] == "validation-error", (on, res.status_code, res.content)
        assert list(res.json()["details"]["fields"]) == ["on"], res.content
    assert _state() == before  # nothing read, nothing logged
    res = c.get(url, {"on": "2026-06-30"})
    assert res.status_code == 200 and res.json()["full_name"] == "Phạm Thị Dung", res.content
    assert c.get(url).status_code == 200
