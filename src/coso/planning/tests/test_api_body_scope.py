"""The API's endpoints on one object read their body once the object is the caller's: another unit's list, candidate,
proposal, postgraduate request or appointment proposal answers 404 whatever the body (as one that does not exist), and
nothing changes; the caller's own object with a bad body answers 422."""

import pytest

from coso.core.models import AuditLog
from coso.planning import services
from coso.planning.models import Candidate, RemovalProposal
from coso.planning.tests.helpers import D, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(users, other_commune):
    """Objects of the other commune, made by the province."""
    pha = users["province_home_affairs"]
    pl = services.list_create(actor=pha, commune_code=other_commune.code, term="2030-2035", position_code="ct_ubnd")
    p = person(other_commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    cand = services.candidate_add(actor=pha, planning_list=pl, person_id=p.pk, entered_on=D(2026, 1, 5), decision="QĐ 3-QĐ/ĐU")
    prop = RemovalProposal.objects.create(candidate=cand, review_on=D(2026, 1, 15), year=2026, reasons=[{"code": "x", "text": "Lý do"}],
                                          province_code=cand.province_code, commune_code=cand.commune_code)
    req = services.postgrad_create(actor=pha, person_id=p.pk, level="thac_si", field="hanh_chinh", institution="Học viện",
                                   starts_on=D(2026, 9, 1), ends_on=D(2028, 9, 1), cost=1000)
    ap = services.appointment_proposal_open(actor=pha, person_id=p.pk, position_code="pct_ubnd", proposed_on=D(2026, 1, 5), reference="Tờ trình 1")
    return {"list": pl, "candidate": cand, "proposal": prop, "postgrad": req, "appointment": ap}


def urls(o):
    return [f"/api/v1/planning/lists/{o['list'].pk}/candidates", f"/api/v1/planning/candidates/{o['candidate'].pk}/remove",
            f"/api/v1/planning/proposals/{o['proposal'].pk}/decide", f"/api/v1/planning/postgrad/{o['postgrad'].pk}/decide",
            f"/api/v1/planning/postgrad/{o['postgrad'].pk}/repayment", f"/api/v1/planning/appointment-proposals/{o['appointment'].pk}/close"]


def test_another_units_object_is_404_whatever_the_body(login, users, others):
    c = login(users["home_affairs"])
    audits, active = AuditLog.objects.count(), Candidate.objects.filter(status="active").count()
    for url in urls(others):
        for body in ('{"person_id": "x", "on": "31/02/2026", "accept": "maybe", "approve": [], "case": 5, "outcome": 7}', "not json"):
            res = c.post(url, body, content_type="application/json")
            assert res.status_code == 404, (url, body, res.status_code, res.content)
    assert AuditLog.objects.count() == audits and Candidate.objects.filter(status="active").count() == active


def test_own_object_with_a_bad_body_is_422(login, users, others):
    c = login(users["province_home_affairs"])
    for url in urls(others):
        res = c.post(url, '{"person_id": "x", "on": "31/02/2026", "accept": "maybe", "approve": [], "case": 5, "outcome": 7}',
                     content_type="application/json")
        assert res.status_code == 422, (url, res.status_code, res.content)
    res = c.post(f"/api/v1/planning/candidates/{others['candidate'].pk}/remove", {"on": "2026-02-01", "decision": "QĐ 9", "reason": "Chuyển công tác"},
                 content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "removed"
