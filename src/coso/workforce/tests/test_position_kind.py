"""A position given to a person already in the register is of the person's kind, as at creation: no cadre post for a
civil servant or a part-time worker, no civil-servant post for a cadre. Refused with the creation's message (400),
nothing changed; a past line of the position history may be of another kind."""

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
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


def _creation_message(login, users, **body) -> str:
    """The message person creation gives for the same mismatch (the register's check, reused)."""
    create = {"full_name": "Võ Thị Lan", "birth_date": "1991-04-05", "gender": "female", "started_on": "2015-03-01", **body}
    res = login(users["home_affairs"]).post("/api/v1/workforce/people", create, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "position-kind-mismatch"
    return str(res.json()["message"])


@pytest.mark.parametrize(("kind", "own", "given"), [
    ("civil_servant", "cv_vp", "ct_ubnd"),  # a cadre post for a civil servant
    ("cadre", "pct_ubnd", "cv_kinh_te"),  # a civil-servant post for a cadre
    ("commune_part_time", "kct_xa", "pct_ubnd"),  # a cadre post for a part-time worker
])
def test_api_position_of_another_kind_is_refused_with_the_creation_message(login, users, commune, kind, own, given):
    p = _with_history(commune, kind=kind, position_code=own)
    c = login(users["home_affairs"])
    res = c.post(f"/api/v1/workforce/people/{p.pk}/positions", {"version": 1, "position_code": given, "started_on": "2026-05-01",
                                                                  "decision": "QĐ 15/QĐ-UBND"}, content_type="application/json")
    assert res.status_code == 400, res.content
    body = res.json()
    assert body["code"] == "position-kind-mismatch" and "position_code" in body["details"]["fields"]
    assert body["message"] == _creation_message(login, users, kind=kind, position_code=given)
    _unchanged(p)


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


def test_page_position_of_another_kind_is_shown_on_the_field_and_changes_nothing(login, users, commune):
    p = _with_history(commune)
    c = login(users["home_affairs"])
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "ct_ubnd", "pos-started_on": "01/05/2026",
                                                   "pos-version": 1})
    html = res.content.decode()
    assert res.status_code == 200
    assert 'id="id_pos-position_code_error"' in html and "không khớp loại đã chọn" in html and "Cán bộ" in html
    _unchanged(p)


def test_position_change_service_refuses_another_kind(users, commune):
    """The appointment door (used by coso.assignments) applies the same check."""
    p = _with_history(commune)
    with pytest.raises(ApplicationError) as exc:
        services.position_change(actor=users["home_affairs"], person_id=p.pk, position_code="ct_ubnd", effective_on=D(2026, 5, 1),
                                 decision="QĐ 15/QĐ-UBND")
    assert exc.value.code == "position-kind-mismatch" and exc.value.status == 400
    _unchanged(p)


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
