"""Pages of the planning app on bad input: a clear error, never a 500, and nothing written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.planning import services
from coso.planning.models import Candidate, PlanningList
from coso.planning.tests.helpers import D, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def plist(users, commune):  # type: ignore[no-untyped-def]
    return services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")


@pytest.mark.parametrize("entered_on", ["15/06/2020", "26/12/2021"])
def test_entering_a_candidate_before_the_planning_rules_is_refused_not_a_500(login, users, commune, plist, entered_on):
    """A date before Regulation 50-QĐ/TW (27/12/2021) found no planning limits and answered 500 (int of None)."""
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    r = login(users["home_affairs"]).post(f"/quy-hoach/danh-sach/{plist.pk}/",
                                          {"action": "add", "person": str(p.pk), "entered_on": entered_on, "decision": "QĐ 3-QĐ/ĐU"})
    assert r.status_code == 200
    assert "Chưa có quy định về quy hoạch cán bộ áp dụng cho ngày" in r.text
    assert not Candidate.objects.exists() and not AuditLog.objects.filter(verb="planning.candidate_add").exists()


@pytest.mark.parametrize("entered_on", ["01/01/0001", "31/12/1899"])
def test_entering_a_candidate_on_a_day_outside_the_project_span_is_refused_on_the_date(login, users, commune, plist, entered_on):
    """A date of year 1 was answered "no planning rule for 01/01/1": refused on the date field like every other date of the app."""
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    r = login(users["home_affairs"]).post(f"/quy-hoach/danh-sach/{plist.pk}/",
                                          {"action": "add", "person": str(p.pk), "entered_on": entered_on, "decision": "QĐ 3-QĐ/ĐU"})
    assert r.status_code == 200
    assert "Ngày phải trong khoảng 01/01/1900–31/12/2200." in r.text and "Chưa có quy định" not in r.text
    assert not Candidate.objects.exists() and not AuditLog.objects.filter(verb="planning.candidate_add").exists()


@pytest.mark.parametrize("entered_on", ["0001-01-01", "1899-12-31"])
def test_api_refuses_the_same_date_with_the_error_shape(login, users, commune, plist, entered_on):
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    r = login(users["home_affairs"]).post(f"/api/v1/planning/lists/{plist.pk}/candidates",
                                          {"person_id": p.pk, "entered_on": entered_on, "decision": "QĐ 3"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-date", r.content
    assert r.json()["details"]["fields"] == {"entered_on": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    assert not Candidate.objects.exists()
    r = login(users["home_affairs"]).post(f"/api/v1/planning/lists/{plist.pk}/candidates",
                                          {"person_id": p.pk, "entered_on": "2020-06-15", "decision": "QĐ 3"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "no-rule"


def test_the_first_day_of_the_planning_rules_is_accepted(login, users, commune, plist):
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    r = login(users["home_affairs"]).post(f"/quy-hoach/danh-sach/{plist.pk}/",
                                          {"action": "add", "person": str(p.pk), "entered_on": "27/12/2021", "decision": "QĐ 3-QĐ/ĐU"})
    assert r.status_code == 302 and Candidate.objects.filter(planning_list=plist, person_id=p.pk).exists()


def test_overlong_note_and_decision_are_refused_not_cut(login, users, commune, plist):
    """A list note of 100,000 characters was stored cut to 300, a candidate's decision of 500 cut to 120."""
    c = login(users["home_affairs"])
    r = c.post("/api/v1/planning/lists", {"commune_code": commune.code, "term": "2025-2030", "position_code": "pct_ubnd", "note": "x" * 100_000},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-long", r.content
    assert r.json()["details"]["fields"] == {"note": ["Ghi chú dài quá 300 ký tự."]}
    assert not PlanningList.objects.exclude(pk=plist.pk).exists()
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    r = c.post(f"/api/v1/planning/lists/{plist.pk}/candidates", {"person_id": p.pk, "entered_on": "2026-01-05", "decision": "Q" * 500},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-long", r.content
    assert r.json()["details"]["fields"] == {"decision": ["Quyết định phê duyệt dài quá 120 ký tự."]}
    assert not Candidate.objects.exists() and not AuditLog.objects.filter(verb="planning.candidate_add").exists()
    r = c.post(f"/api/v1/planning/lists/{plist.pk}/candidates", {"person_id": p.pk, "entered_on": "2026-01-05", "decision": "Q" * 120},
               content_type="application/json")
    assert r.status_code == 201, r.content
