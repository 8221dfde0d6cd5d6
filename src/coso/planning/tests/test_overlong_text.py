"""Text longer than its column is refused with the field's name and limit, never stored cut, and nothing is written:
removal from a list, a review decision, a course, a postgraduate request and its decision, an appointment proposal
and its outcome, the certificate of a completed course."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.planning import services
from coso.planning.models import AppointmentProposal, Candidate, CandidateEvent, Course, PostgradRequest, RemovalProposal
from coso.planning.tests.helpers import D, discipline, evaluation, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def cand(users, commune):
    ha = users["home_affairs"]
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    return services.candidate_add(actor=ha, planning_list=pl, person_id=p.pk, entered_on=D(2026, 1, 5), decision="QĐ 3-QĐ/ĐU")


def _refused(res, field: str, message: str) -> None:
    assert res.status_code == 400, res.content
    body = res.json()
    assert body["code"] == "too-long" and body["details"]["fields"] == {field: [message]} and body["message"] == message


def test_api_candidate_removal_decision_and_reason(login, users, cand):
    c = login(users["home_affairs"])
    url = f"/api/v1/planning/candidates/{cand.pk}/remove"
    ok = {"on": "2026-06-01", "decision": "QĐ 9-QĐ/ĐU", "reason": "Chuyển công tác"}
    _refused(c.post(url, {**ok, "decision": "Q" * 121}, content_type="application/json"), "decision", "Quyết định đưa ra dài quá 120 ký tự.")
    _refused(c.post(url, {**ok, "reason": "l" * 501}, content_type="application/json"), "reason", "Lý do đưa ra dài quá 500 ký tự.")
    cand.refresh_from_db()
    assert (cand.status, cand.removal_decision, cand.removal_reason) == ("active", "", "")
    assert not AuditLog.objects.filter(verb="planning.candidate_remove").exists() and not CandidateEvent.objects.filter(kind="removed").exists()
    res = c.post(url, {**ok, "decision": "Q" * 120, "reason": "l" * 500}, content_type="application/json")
    assert res.status_code == 200, res.content
    cand.refresh_from_db()
    assert (cand.status, len(cand.removal_decision), len(cand.removal_reason)) == ("removed", 120, 500)


def test_api_review_decision_note(login, users, cand):
    from coso.workforce.models import Person

    discipline(Person.objects.get(pk=cand.person_id), "cach_chuc", D(2026, 5, 1))
    c = login(users["home_affairs"])
    assert c.post("/api/v1/planning/review").json()["proposed"] == 1
    prop = RemovalProposal.objects.get()
    url = f"/api/v1/planning/proposals/{prop.pk}/decide"
    _refused(c.post(url, {"accept": False, "note": "n" * 501}, content_type="application/json"), "note", "Ghi chú quyết định dài quá 500 ký tự.")
    _refused(c.post(url, {"accept": True, "decision": "Q" * 121, "note": "n" * 501}, content_type="application/json"), "note",
             "Ghi chú quyết định dài quá 500 ký tự.")
    _refused(c.post(url, {"accept": True, "decision": "Q" * 121}, content_type="application/json"), "decision",
             "Quyết định đưa ra dài quá 120 ký tự.")
    prop.refresh_from_db()
    assert (prop.status, prop.decision_note) == ("pending", "")
    assert Candidate.objects.get(pk=cand.pk).status == "active"
    assert not CandidateEvent.objects.filter(kind__in=["kept", "removed"]).exists()
    assert not AuditLog.objects.filter(verb__in=["planning.proposal_decide", "planning.candidate_remove"]).exists()
    res = c.post(url, {"accept": False, "note": "n" * 500}, content_type="application/json")
    assert res.status_code == 200, res.content
    assert len(RemovalProposal.objects.get().decision_note) == 500


def test_page_course_name(login, users):
    c = login(users["home_affairs"])
    course = {"action": "course", "kind": "tin_hoc_co_ban", "year": "2027", "duration_days": "5", "seats": "10"}
    res = c.post("/quy-hoach/dao-tao/", {**course, "name": "K" * 201})
    assert res.status_code == 200 and "Tên khóa dài quá 200 ký tự." in res.content.decode()
    assert not Course.objects.exists() and not AuditLog.objects.filter(verb="planning.course_create").exists()
    assert c.post("/quy-hoach/dao-tao/", {**course, "name": "K" * 200}).status_code == 302
    assert len(Course.objects.get().name) == 200


@pytest.fixture
def staff(commune):
    p = person(commune, full_name="Phạm Thị Học", gender="female", birth_date=D(1986, 4, 4), started_on=D(2018, 1, 1))
    evaluation(p, 2024, "tot")
    evaluation(p, 2025, "tot")
    return p


def test_api_postgrad_request_and_decision(login, users, staff):
    c = login(users["home_affairs"])
    body = {"person_id": staff.pk, "level": "thac_si", "field": "hanh_chinh", "institution": "Học viện", "starts_on": "2026-09-01",
            "ends_on": "2028-09-01", "cost": 80000000, "field_note": "Phù hợp vị trí việc làm"}
    _refused(c.post("/api/v1/planning/postgrad", {**body, "institution": "H" * 201}, content_type="application/json"), "institution",
             "Cơ sở đào tạo dài quá 200 ký tự.")
    _refused(c.post("/api/v1/planning/postgrad", {**body, "field_note": "g" * 501}, content_type="application/json"), "field_note",
             "Giải trình chuyên ngành phù hợp vị trí việc làm dài quá 500 ký tự.")
    assert not PostgradRequest.objects.exists() and not AuditLog.objects.filter(verb="planning.postgrad_create").exists()
    res = c.post("/api/v1/planning/postgrad", {**body, "institution": "H" * 200}, content_type="application/json")
    assert res.status_code == 201, res.content
    pk = res.json()["id"]
    _refused(c.post(f"/api/v1/planning/postgrad/{pk}/decide", {"approve": False, "decision": "Q" * 121}, content_type="application/json"),
             "decision", "Quyết định dài quá 120 ký tự.")
    req = PostgradRequest.objects.get()
    assert (req.status, req.decision, req.version) == ("submitted", "", 1)
    assert not AuditLog.objects.filter(verb="planning.postgrad_decide").exists()


def test_api_appointment_proposal_reference_and_outcome(login, users, commune):
    p = person(commune, full_name="Ngô Văn Đề", birth_date=D(1988, 2, 2))
    c = login(users["home_affairs"])
    body = {"person_id": p.pk, "position_code": "ct_ubnd", "proposed_on": "2026-01-05", "reference": "T" * 121}
    _refused(c.post("/api/v1/planning/appointment-proposals", body, content_type="application/json"), "reference",
             "Văn bản đề nghị dài quá 120 ký tự.")
    assert not AppointmentProposal.objects.exists()
    res = c.post("/api/v1/planning/appointment-proposals", {**body, "reference": "T" * 120}, content_type="application/json")
    assert res.status_code == 201, res.content
    url = f"/api/v1/planning/appointment-proposals/{res.json()['id']}/close"
    _refused(c.post(url, {"outcome": "k" * 301}, content_type="application/json"), "outcome", "Kết quả dài quá 300 ký tự.")
    prop = AppointmentProposal.objects.get()
    assert (prop.status, prop.outcome, prop.closed_on) == ("open", "", None)
    assert not AuditLog.objects.filter(verb="planning.appointment_proposal_close").exists()


def test_page_completed_course_certificate(login, users, commune):
    from coso.workforce.models import Person, Training

    ha = users["home_affairs"]
    cand = person(commune, full_name="Người quy hoạch", political_theory="so_cap")
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    services.candidate_add(actor=ha, planning_list=pl, person_id=cand.pk, entered_on=D(2026, 1, 5), decision="QĐ 2")
    course = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                                    year=2026, duration_days=60, seats=5)
    plan = services.plan_build(actor=ha, province_code=commune.province_code, commune_code=commune.code, year=2026, budget=50_000_000)
    c = login(ha)
    form = {"person": cand.pk, "course": course.pk, "ended_on": "30/10/2026"}
    res = c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {**form, "certificate": "C" * 101})
    assert res.status_code == 200 and "Văn bằng, chứng chỉ dài quá 100 ký tự." in res.content.decode()
    assert not Training.objects.filter(person=cand).exists() and Person.objects.get(pk=cand.pk).political_theory == "so_cap"
    plan.refresh_from_db()
    assert plan.result.get("completed", []) == []
    assert not AuditLog.objects.filter(verb__in=["planning.attendance_complete", "workforce.training_completed"]).exists()
    assert c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {**form, "certificate": "C" * 100}).status_code == 302
    assert len(Training.objects.get(person=cand).certificate) == 100
