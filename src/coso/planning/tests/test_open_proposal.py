"""No planning entry for a post while the same person has an open appointment or nomination proposal for it (Quy định 377-QĐ/TW)."""

import pytest

from coso.core.exceptions import ConflictError
from coso.core.models import AuditLog
from coso.planning import services
from coso.planning.models import Candidate
from coso.planning.tests.helpers import D, person

pytestmark = pytest.mark.django_db


def test_open_proposal_blocks_the_same_post_only(users, commune, login):
    ha = users["home_affairs"]
    chair = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    deputy = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="pct_ubnd")
    p = person(commune, full_name="Ngô Văn Đề", birth_date=D(1988, 2, 2))
    c = login(ha)
    res = c.post("/api/v1/planning/appointment-proposals", {"person_id": p.pk, "position_code": "ct_ubnd", "proposed_on": "2026-01-05",
                                                            "reference": "Tờ trình 7/TTr-UBND ngày 5/1/2026"}, content_type="application/json")
    assert res.status_code == 201, res.content
    prop_id = res.json()["id"]
    with pytest.raises(ConflictError) as exc:
        services.candidate_add(actor=ha, planning_list=chair, person_id=p.pk, entered_on=D(2026, 1, 10), decision="QĐ 1-QĐ/ĐU")
    assert exc.value.code == "open-proposal" and "Tờ trình 7/TTr-UBND" in exc.value.message
    assert not Candidate.objects.filter(planning_list=chair).exists()
    services.candidate_add(actor=ha, planning_list=deputy, person_id=p.pk, entered_on=D(2026, 1, 10), decision="QĐ 1-QĐ/ĐU")
    res = c.post(f"/api/v1/planning/appointment-proposals/{prop_id}/close", {"outcome": "Không bổ nhiệm"}, content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "closed"
    services.candidate_add(actor=ha, planning_list=chair, person_id=p.pk, entered_on=D(2026, 1, 10), decision="QĐ 2-QĐ/ĐU")
    assert AuditLog.objects.filter(verb__startswith="planning.appointment_proposal").count() == 2
    assert c.post(f"/api/v1/planning/appointment-proposals/{prop_id}/close", {}, content_type="application/json").status_code == 409
    assert login(users["other_leader"]).post(f"/api/v1/planning/appointment-proposals/{prop_id}/close", {},
                                             content_type="application/json").status_code == 404


def test_proposal_bad_input(users, commune, login):
    p = person(commune)
    c = login(users["home_affairs"])
    res = c.post("/api/v1/planning/appointment-proposals", {"person_id": p.pk, "position_code": "ct_ubnd", "proposed_on": "2026-01-05",
                                                            "reference": " "}, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "reference-required"
    res = c.post("/api/v1/planning/appointment-proposals", {"person_id": p.pk, "position_code": "xx", "proposed_on": "2026-01-05",
                                                            "reference": "TTr 1"}, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "not-plannable"


def test_the_same_proposal_opened_twice_is_recorded_once(users, commune, login):
    """A repeated call opened a second identical proposal (same person, post and kind) beside the open one: closing the one
    the officer saw left the other blocking the planning entry. The second is refused (409) while the first is open."""
    p = person(commune, full_name="Ngô Văn Đề", birth_date=D(1988, 2, 2))
    c = login(users["home_affairs"])
    body = {"person_id": p.pk, "position_code": "ct_ubnd", "proposed_on": "2026-01-05", "reference": "Tờ trình 7/TTr-UBND"}
    first = c.post("/api/v1/planning/appointment-proposals", body, content_type="application/json")
    assert first.status_code == 201
    again = c.post("/api/v1/planning/appointment-proposals", {**body, "reference": "Tờ trình 8/TTr-UBND"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "proposal-open" and "Tờ trình 7/TTr-UBND" in again.json()["message"]
    assert AuditLog.objects.filter(verb="planning.appointment_proposal_open").count() == 1
    assert c.post(f"/api/v1/planning/appointment-proposals/{first.json()['id']}/close", {}, content_type="application/json").status_code == 200
    assert c.post("/api/v1/planning/appointment-proposals", body, content_type="application/json").status_code == 201


def test_proposal_dated_outside_the_project_span_is_refused(users, commune, login):
    """A proposal dated 1/1/0001 was recorded: it is refused on its field, nothing written."""
    from coso.planning.models import AppointmentProposal

    p = person(commune)
    res = login(users["home_affairs"]).post("/api/v1/planning/appointment-proposals", {
        "person_id": p.pk, "position_code": "ct_ubnd", "proposed_on": "0001-01-01", "reference": "TTr 1"}, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "invalid-date", res.content
    assert list(res.json()["details"]["fields"]) == ["proposed_on"]
    assert not AppointmentProposal.objects.exists() and not AuditLog.objects.filter(verb__startswith="planning.appointment_proposal").exists()
