"""Planning services: every rule refuses with a Vietnamese message; the review only proposes; scoping; audit."""

import pytest

from coso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.planning import services
from coso.planning.models import Candidate, RemovalProposal
from coso.planning.tests.helpers import D, discipline, evaluation, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def plist(users, commune):
    return services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")


JAN_10 = D(2026, 1, 10)


def add(users, plist, p, on=JAN_10):
    return services.candidate_add(actor=users["home_affairs"], planning_list=plist, person_id=p.pk, entered_on=on, decision="QĐ 1-QĐ/ĐU")


def test_add_candidate_with_history_and_audit(users, commune, plist):
    c = add(users, plist, person(commune))
    assert c.status == "active" and c.events.get().kind == "entered"
    assert AuditLog.objects.filter(verb="planning.candidate_add", object_id=str(c.pk)).exists()


def test_at_most_three_candidates_per_position(users, commune, plist):
    for i in range(3):
        add(users, plist, person(commune, full_name=f"Người {i}"))
    with pytest.raises(ApplicationError) as e:
        add(users, plist, person(commune, full_name="Người thứ tư"))
    assert e.value.code == "list-full" and "không quá 3 người" in e.value.message


def test_at_most_three_positions_per_candidate(users, commune):
    p = person(commune)
    for pos in ("ct_ubnd", "pct_ubnd", "bi_thu"):
        pl = services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code=pos)
        add(users, pl, p)
    fourth = services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="ct_hdnd")
    with pytest.raises(ApplicationError) as e:
        add(users, fourth, p)
    assert e.value.code == "too-many-positions"


def test_only_higher_positions(users, commune, plist):
    with pytest.raises(ApplicationError) as e:
        add(users, plist, person(commune, kind="cadre", position_code="bi_thu"))
    assert e.value.code == "not-eligible" and "cao hơn" in e.value.message


def test_too_old_for_the_next_term(users, commune, plist):
    # a man born 5/1972 retires at 62 on 1/6/2034: 47 months from 1/7/2030
    with pytest.raises(ApplicationError) as e:
        add(users, plist, person(commune, birth_date=D(1972, 5, 6)))
    assert "Không đủ tuổi công tác trọn nhiệm kỳ" in e.value.message


def test_two_terms_is_only_a_warning(users, commune, plist):
    c = add(users, plist, person(commune, birth_date=D(1975, 1, 6)))
    assert [w["code"] for w in c.warnings] == ["age_two_terms"]


@pytest.mark.parametrize(("decided", "on", "refused"), [
    (D(2024, 6, 1), D(2025, 7, 1), False),   # QĐ 80: 12 months over
    (D(2024, 6, 1), D(2025, 11, 1), True),   # QĐ 377 from 8/10/2025: 24 months
])
def test_discipline_wait_by_the_rule_in_force(users, commune, plist, decided, on, refused):
    p = person(commune)
    discipline(p, "khien_trach", decided)
    if refused:
        with pytest.raises(ApplicationError) as e:
            add(users, plist, p, on=on)
        assert "thời gian chờ sau kỷ luật" in e.value.message
    else:
        assert add(users, plist, p, on=on).pk


def test_standards_basically_met_gaps_shown(users, commune, plist):
    c = add(users, plist, person(commune, political_theory="so_cap"))  # chairman needs trung cấp: shown, not refused
    assert any(w["code"] == "standard" for w in c.warnings)
    with pytest.raises(ApplicationError):
        add(users, plist, person(commune, full_name="Không bằng", degree_level="none"))


def test_bad_input_and_scoping(users, commune, other_commune, plist):
    with pytest.raises(ApplicationError):
        services.candidate_add(actor=users["home_affairs"], planning_list=plist, person_id=person(commune).pk, entered_on=D(2026, 1, 1), decision=" ")
    with pytest.raises(ApplicationError):
        services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2099-2104", position_code="ct_ubnd")
    with pytest.raises(ConflictError):
        services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    with pytest.raises(PermissionDeniedError):
        services.list_create(actor=users["other_leader"], commune_code=commune.code, term="2025-2030", position_code="ct_ubnd")
    with pytest.raises(PermissionDeniedError):
        services.list_create(actor=users["onestop"], commune_code=commune.code, term="2025-2030", position_code="ct_ubnd")
    stranger = person(other_commune, full_name="Người xã khác")
    from django.http import Http404

    with pytest.raises(Http404):
        add(users, plist, stranger)  # the commune officer cannot see another commune's register


def test_review_proposes_and_never_removes(users, commune, plist):
    ok = add(users, plist, person(commune, full_name="Đủ điều kiện"))
    bad = person(commune, full_name="Bị kỷ luật")
    flagged = add(users, plist, bad)
    discipline(bad, "canh_cao", D(2026, 3, 1))
    weak = person(commune, full_name="Xếp loại thấp")
    weak_c = add(users, plist, weak)
    evaluation(weak, 2025, "khong_hoan_thanh")
    counts = services.review_run(on=D(2026, 6, 1))
    assert counts["proposed"] == 2 and Candidate.objects.filter(status="active").count() == 3
    props = {p.candidate_id: p for p in RemovalProposal.objects.all()}
    assert set(props) == {flagged.pk, weak_c.pk} and ok.pk not in props
    assert services.review_run(on=D(2026, 6, 2))["already"] == 2  # one proposal a year
    with pytest.raises(ApplicationError):
        services.proposal_decide(actor=users["home_affairs"], proposal=props[flagged.pk], accept=True, decision="")
    services.proposal_decide(actor=users["home_affairs"], proposal=props[flagged.pk], accept=True, decision="QĐ 9-QĐ/ĐU ngày 2/6/2026")
    services.proposal_decide(actor=users["home_affairs"], proposal=props[weak_c.pk], accept=False, note="Đã khắc phục")
    flagged.refresh_from_db()
    weak_c.refresh_from_db()
    assert flagged.status == "removed" and weak_c.status == "active"
    assert flagged.events.filter(kind="removed").exists()
    with pytest.raises(ConflictError):
        services.proposal_decide(actor=users["home_affairs"], proposal=props[weak_c.pk], accept=True, decision="x")


def test_review_job_runs(users, commune, plist):
    from coso.jobs.services import run_periodic

    p = person(commune)
    add(users, plist, p)
    discipline(p, "cach_chuc", D(2026, 2, 1))
    run = run_periodic("planning_review", today=D(2026, 6, 1))
    assert run.status == "ok" and run.result["proposed"] == 1
    assert Candidate.objects.get().status == "active"


def test_proposal_of_a_candidate_removed_meanwhile(users, commune, plist, login):
    """The review proposed a removal; the officer then removed the person by another decision. Keeping them in planning
    ("rejecting" the proposal) wrote "Giữ lại trong quy hoạch" into the history of a person no longer in it, and accepting
    answered "already removed", leaving the proposal pending for good. Now keeping is refused and accepting closes the
    proposal without a second removal."""
    from django.utils import timezone

    p = person(commune, full_name="Bị kỷ luật")
    cand = add(users, plist, p)
    discipline(p, "canh_cao", D(2026, 3, 1))
    services.review_run(on=D(2026, 6, 1))
    prop = RemovalProposal.objects.get(candidate=cand)
    ha = users["home_affairs"]
    services.candidate_remove(actor=ha, candidate=cand, on=timezone.localdate(), decision="QĐ 10-QĐ/ĐU", reason="Chuyển công tác")
    res = login(ha).post(f"/api/v1/planning/proposals/{prop.pk}/decide", {"accept": False, "note": "Đã khắc phục"}, content_type="application/json")
    assert res.status_code == 409 and res.json()["code"] == "already-removed"
    assert not cand.events.filter(kind="kept").exists() and RemovalProposal.objects.get(pk=prop.pk).status == "pending"
    services.proposal_decide(actor=ha, proposal=prop, accept=True, decision="QĐ 11-QĐ/ĐU")
    prop.refresh_from_db()
    cand.refresh_from_db()
    assert prop.status == "accepted" and cand.status == "removed" and cand.removal_decision == "QĐ 10-QĐ/ĐU"
    assert cand.events.filter(kind="removed").count() == 1
    assert AuditLog.objects.filter(verb="planning.proposal_decide", object_id=str(prop.pk)).exists()


def test_review_reads_the_communes_own_rule_values_as_adding_a_candidate_does(users, commune, plist, monkeypatch):
    """Adding a candidate and the list's flags read the rule values of the list's commune (its own value over the
    province's); the yearly review read the province's only, so a commune's stricter value refused a new candidate but never
    proposed the removal of one already in planning. The key is opened to the commune scope here (a province may let its
    communes set it): the review now reads the same values as adding a candidate."""
    import dataclasses

    from coso.rules import registry
    from coso.rules.testing import set_rule

    key = "planning.review.min_evaluation"
    monkeypatch.setitem(registry._REGISTRY, key, dataclasses.replace(registry.declaration(key), scopes=registry.SCOPES))
    p = person(commune, full_name="Hoàn thành nhiệm vụ")
    cand = add(users, plist, p)
    evaluation(p, 2025, "hoan_thanh")
    set_rule(key, "tot", valid_from=D(2026, 2, 1), province_code=commune.province_code, commune_code=commune.code)
    other = services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="pct_ubnd")
    with pytest.raises(ApplicationError) as e:
        add(users, other, p, on=D(2026, 3, 1))
    assert e.value.code == "not-eligible"
    counts = services.review_run(on=D(2026, 6, 1))
    assert counts["proposed"] == 1 and RemovalProposal.objects.get().candidate_id == cand.pk


def test_unit_structure_reads_the_communes_own_targets(users, commune, plist, monkeypatch):
    """The structure figures of a commune's planning compare its shares with the commune's own targets when the commune
    has a value (as the list page and adding a candidate read them); the list of lists read the province's value only."""
    import dataclasses

    from coso.planning import selectors
    from coso.rules import registry
    from coso.rules.testing import set_rule

    key = "planning.structure.women_target"
    monkeypatch.setitem(registry._REGISTRY, key, dataclasses.replace(registry.declaration(key), scopes=registry.SCOPES))
    add(users, plist, person(commune, full_name="Nguyễn Thị Hoa", gender="female"))
    set_rule(key, 40, valid_from=D(2026, 2, 1), province_code=commune.province_code, commune_code=commune.code)
    for user, code in ((users["home_affairs"], ""), (users["province_home_affairs"], commune.code)):
        s = selectors.unit_structure(fetched_by=user, term="2030-2035", commune=code)
        women = next(line for line in s["lines"] if line["key"] == "women")
        assert float(women["target"]) == 40
    s = selectors.unit_structure(fetched_by=users["province_home_affairs"], term="2030-2035")
    assert float(next(line for line in s["lines"] if line["key"] == "women")["target"]) == 25  # the whole province: its own value


def test_review_run_twice_at_once_proposes_once(users, commune, plist, monkeypatch):
    """Two reviews side by side (the "Rà soát" button clicked twice, the daily job while an officer runs it): the second read
    the year's proposals before the first wrote them, and its insert broke the one-proposal-a-year constraint (a 500). It now
    skips, under the review's lock, the candidates proposed meanwhile: one proposal, one audit entry."""
    from coso.core.models import AuditLog
    from coso.planning import services as svc

    bad = person(commune, full_name="Bị kỷ luật")
    cand = add(users, plist, bad)
    discipline(bad, "canh_cao", D(2026, 3, 1))
    real = svc.wf.planning_profiles
    calls = []

    def profiles_then_other_review(*args, **kwargs):  # the other review runs whole between this one's read and its write
        calls.append(1)
        if len(calls) == 1:
            assert svc.review_run(on=D(2026, 6, 1), actor=users["province_home_affairs"])["proposed"] == 1
        return real(*args, **kwargs)

    monkeypatch.setattr(svc.wf, "planning_profiles", profiles_then_other_review)
    counts = svc.review_run(on=D(2026, 6, 1), actor=users["home_affairs"])
    assert counts["proposed"] == 0 and counts["already"] == 1
    assert RemovalProposal.objects.filter(candidate=cand).count() == 1
    assert AuditLog.objects.filter(verb="planning.review_propose").count() == 1
