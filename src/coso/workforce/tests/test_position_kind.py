"""A person holds posts of their kind: the register refuses a new person whose post is of another kind, and a post
given to a person already in the register (the position history's current line, an appointment decision) makes the
person of the post's kind: a civil servant elected to a cadre post becomes a cadre, the civil-servant years staying
lines of the history. The register never holds a civil servant on a cadre post."""

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.workforce import services
from coso.workforce.models import Person, PositionHolding

from .helpers import person

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


def _with_history(commune, **kw) -> Person:
    p = person(commune, **kw)
    PositionHolding.objects.create(person=p, position_code=p.position_code, started_on=D(2020, 1, 1), province_code=p.province_code,
                                   commune_code=p.commune_code)
    return p


def _unchanged(p: Person) -> None:
    before = (p.version, p.position_code, p.office_code, p.kind)
    p.refresh_from_db()
    assert (p.version, p.position_code, p.office_code, p.kind) == before
    assert list(PositionHolding.objects.filter(person=p).values_list("position_code", "ended_on")) == [(p.position_code, None)]
    assert not AuditLog.objects.filter(verb__in=["workforce.position_add", "workforce.position_change", "workforce.position_end",
                                                 "workforce.position_start"]).exists()


@pytest.mark.parametrize(("kind", "own", "given", "post_kind"), [
    ("civil_servant", "cv_vp", "ct_ubnd", "cadre"),  # a civil servant elected to a cadre post
    ("cadre", "pct_ubnd", "cv_kinh_te", "civil_servant"),  # a cadre given a civil-servant post at the end of a term
    ("commune_part_time", "kct_xa", "pct_ubnd", "cadre"),  # a part-time worker elected to a cadre post
])
def test_api_position_of_another_kind_makes_the_person_of_that_kind(login, users, commune, kind, own, given, post_kind):
    p = _with_history(commune, kind=kind, position_code=own)
    c = login(users["home_affairs"])
    res = c.post(f"/api/v1/workforce/people/{p.pk}/positions", {"version": 1, "position_code": given, "started_on": "2026-05-01",
                                                                  "decision": "QĐ 15/QĐ-UBND"}, content_type="application/json")
    assert res.status_code == 201, res.content
    p.refresh_from_db()
    assert (p.position_code, p.kind, p.version) == (given, post_kind, 2) and post_kind != kind
    entry = AuditLog.objects.get(verb="workforce.position_change", object_id=str(p.pk))
    assert entry.before["kind"] == kind and entry.after["kind"] == post_kind
    assert list(PositionHolding.objects.filter(person=p).order_by("started_on").values_list("position_code", "ended_on")) == [
        (own, D(2026, 4, 30)), (given, None)]


def test_api_position_of_the_persons_kind_is_accepted(login, users, commune):
    p = _with_history(commune, kind="cadre", position_code="pct_ubnd")
    res = login(users["home_affairs"]).post(f"/api/v1/workforce/people/{p.pk}/positions",
                                            {"version": 1, "position_code": "ct_ubnd", "started_on": "2026-05-01"}, content_type="application/json")
    assert res.status_code == 201, res.content
    p.refresh_from_db()
    assert (p.position_code, p.version) == ("ct_ubnd", 2)


def test_past_line_of_another_kind_is_kept(login, users, commune):
    """A cadre who was a civil servant before: the civil-servant years are a line of the history, not the post held."""
    p = _with_history(commune, kind="cadre", position_code="pct_ubnd")
    res = login(users["home_affairs"]).post(f"/api/v1/workforce/people/{p.pk}/positions",
                                            {"version": 1, "position_code": "vp_tk", "started_on": "2012-01-01", "ended_on": "2019-12-31"},
                                            content_type="application/json")
    assert res.status_code == 201, res.content
    p.refresh_from_db()
    assert (p.position_code, p.kind) == ("pct_ubnd", "cadre")


def test_page_position_of_another_kind_makes_the_person_of_that_kind(login, users, commune):
    p = _with_history(commune)  # a civil servant
    c = login(users["home_affairs"])
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "ct_ubnd", "pos-started_on": "01/05/2026",
                                                   "pos-version": 1})
    assert res.status_code == 302, res.content.decode()[:500]
    p.refresh_from_db()
    assert (p.position_code, p.kind) == ("ct_ubnd", "cadre")


def test_an_appointment_decision_makes_the_person_of_the_posts_kind(users, commune):
    """The appointment door (used by coso.assignments) does the same."""
    p = _with_history(commune)
    services.position_change(actor=users["home_affairs"], person_id=p.pk, position_code="ct_ubnd", effective_on=D(2026, 5, 1),
                             decision="QĐ 15/QĐ-UBND")
    p.refresh_from_db()
    assert (p.position_code, p.kind, p.version) == ("ct_ubnd", "cadre", 2)


@pytest.mark.parametrize(("field", "limit"), [("decision", 100), ("unit_name", 200)])
def test_api_overlong_decision_or_unit_is_refused_not_stored_cut(login, users, commune, field, limit):
    p = _with_history(commune, kind="cadre", position_code="pct_ubnd")
    res = login(users["home_affairs"]).post(f"/api/v1/workforce/people/{p.pk}/positions",
                                            {"version": 1, "position_code": "ct_ubnd", "started_on": "2026-05-01", field: "Q" * (limit + 1)},
                                            content_type="application/json")
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "too-long" and field in res.json()["details"]["fields"] and str(limit) in res.json()["message"]
    _unchanged(p)
    res = login(users["home_affairs"]).post(f"/api/v1/workforce/people/{p.pk}/positions",
                                            {"version": 1, "position_code": "ct_ubnd", "started_on": "2026-05-01", field: "Q" * limit},
                                            content_type="application/json")
    assert res.status_code == 201, res.content
    assert getattr(PositionHolding.objects.get(person=p, ended_on=None), field) == "Q" * limit
