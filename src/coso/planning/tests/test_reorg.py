"""Cadre planning through a commune merger: every source commune's lists reach the target, never two lists of one term
and position in one commune (the unique rule), and the merger does not fail."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.planning.models import Candidate, PlanningList
from coso.units import services as units
from coso.units.models import Reorganisation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 4, 1)


def _merge(users, sources, target):  # type: ignore[no-untyped-def]
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="15/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập",
        spec={"sources": [s.code for s in sources], "target": target.code}, today=TODAY)
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    return r


def _list(commune, position_code="chu_tich"):  # type: ignore[no-untyped-def]
    return PlanningList.objects.create(province_code="79", commune_code=commune.code, term="2025-2030", position_code=position_code)


def _candidate(planning_list, commune, name):  # type: ignore[no-untyped-def]
    from coso.units.tests import reorg_helpers as h

    return Candidate.objects.create(province_code="79", commune_code=commune.code, planning_list=planning_list,
                                    person=h.person(commune, name=name), entered_on=dt.date(2025, 9, 1), decision="1/QĐ")


def test_two_sources_with_the_same_list_merge_into_one_list_of_the_target(users, province, commune, other_commune):  # type: ignore[no-untyped-def]
    """Three communes merge into one; two of the merged communes planned for the same post and term, the target did not. Both
    lists moved to the target as they were: the second broke the unique rule and the whole merger failed."""
    from conftest import _commune

    third = _commune(province, "26740", "Phường Đa Kao")
    first_list, second_list = _list(other_commune), _list(third)
    a = _candidate(first_list, other_commune, "Nguyễn Văn An")
    b = _candidate(second_list, third, "Trần Thị Bình")
    r = _merge(users, [other_commune, third], commune)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED
    lists = PlanningList.objects.filter(commune_code=commune.code, term="2025-2030", position_code="chu_tich")
    assert lists.count() == 1
    for c in (a, b):
        c.refresh_from_db()
        assert (c.planning_list_id, c.commune_code) == (lists.get().pk, commune.code)
    kept = [pl for pl in (first_list, second_list) if pl.pk != lists.get().pk]
    assert len(kept) == 1
    kept[0].refresh_from_db()
    assert not kept[0].candidates.exists()  # kept, empty, as history in its old commune


def test_a_list_only_one_source_has_still_moves_whole(users, province, commune, other_commune):  # type: ignore[no-untyped-def]
    own = _list(other_commune, "pho_chu_tich")
    _merge(users, [other_commune], commune)
    own.refresh_from_db()
    assert own.commune_code == commune.code


def test_open_proposals_and_pending_postgrad_requests_follow_to_the_commune_that_takes_over(users, login, commune, other_commune):  # type: ignore[no-untyped-def]
    """They stayed with the ended commune: the officers of the commune that took over could neither see nor close the open
    proposal (which still blocks the person's planning for that post) nor decide the postgraduate request."""
    from coso.planning.models import AppointmentProposal, PostgradRequest
    from coso.units.tests import reorg_helpers as h

    p = h.person(other_commune, name="Nguyễn Văn An")
    prop = AppointmentProposal.objects.create(person=p, position_code="chu_tich", kind="appointment", proposed_on=dt.date(2026, 2, 1),
                                              reference="Tờ trình 1/TTr", province_code="79", commune_code=other_commune.code)
    closed = AppointmentProposal.objects.create(person=p, position_code="pho_chu_tich", kind="appointment", proposed_on=dt.date(2025, 2, 1),
                                                reference="Tờ trình 2/TTr", status="closed", province_code="79", commune_code=other_commune.code)
    req = PostgradRequest.objects.create(person=p, level="thac_si", field="luat", institution="Học viện Hành chính", starts_on=dt.date(2026, 9, 1),
                                         ends_on=dt.date(2028, 9, 1), cost=100_000_000, checks=[], eligible=False, rule_source={},
                                         training_months=24, commitment_months=72, commitment_end=dt.date(2034, 9, 1),
                                         province_code="79", commune_code=other_commune.code)
    _merge(users, [other_commune], commune)
    for obj in (prop, closed, req):
        obj.refresh_from_db()
    assert (prop.commune_code, req.commune_code) == (commune.code, commune.code)
    assert closed.commune_code == other_commune.code  # history stays
    c = login(users["home_affairs"])
    assert c.get(f"/api/v1/planning/postgrad/{req.pk}").status_code == 200
    r = c.post(f"/api/v1/planning/appointment-proposals/{prop.pk}/close", {"outcome": "Không bổ nhiệm"}, content_type="application/json")
    assert r.status_code == 200, r.content


def test_a_person_in_the_same_list_of_two_merging_communes_keeps_one_entry_and_the_merger_goes_through(users, commune, other_commune):  # type: ignore[no-untyped-def]
    """A person planned for the same post and term in both communes (one active entry per person and list): the merger
    failed on the unique rule and was rolled back. Now the joined list keeps the entry approved first and the other is
    closed as merged, naming the list it went to; the merger's result counts it."""
    from coso.core.models import AuditLog
    from coso.planning.models import CandidateEvent
    from coso.units.tests import reorg_helpers as h

    mine, theirs = _list(commune), _list(other_commune)
    p = h.person(other_commune, name="Nguyễn Văn An")
    later = Candidate.objects.create(province_code="79", commune_code=commune.code, planning_list=mine, person=p, entered_on=dt.date(2025, 10, 1),
                                     decision="5/QĐ-ĐU")
    first = Candidate.objects.create(province_code="79", commune_code=other_commune.code, planning_list=theirs, person=p,
                                     entered_on=dt.date(2025, 9, 1), decision="1/QĐ-ĐU")
    r = _merge(users, [other_commune], commune)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED, r.error
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.planning_list_id, first.commune_code, first.status) == (mine.pk, commune.code, Candidate.Status.ACTIVE)
    assert later.status == Candidate.Status.REMOVED
    assert later.removed_on == EFFECTIVE and later.removal_decision.startswith("15/NQ-HĐND")
    assert "1/QĐ-ĐU" in later.removal_reason and f"#{first.pk}" in later.removal_reason
    assert CandidateEvent.objects.filter(candidate=later, kind="merged").exists()
    assert AuditLog.objects.filter(verb="planning.merge_duplicate", object_id=str(later.pk)).exists()
    assert Candidate.objects.filter(planning_list=mine, person=p, status=Candidate.Status.ACTIVE).count() == 1
    assert r.result["movers"]["planning.lists"][f"duplicates_closed:{commune.code}"] == 1


def test_the_preview_counts_the_proposals_and_postgrad_requests_the_merger_then_moves(users, login, commune, other_commune):  # type: ignore[no-untyped-def]
    """The preview showed only the planning lists; open proposals and postgraduate requests under way moved unannounced.
    Now each has its row in the preview, with the counts the merger's result then gives."""
    import time_machine

    from coso.planning.models import AppointmentProposal, PostgradRequest
    from coso.units.tests import reorg_helpers as h

    p = h.person(other_commune, name="Nguyễn Văn An")
    _list(other_commune)
    for i, status in enumerate(["open", "open", "closed"]):
        AppointmentProposal.objects.create(person=p, position_code="chu_tich", kind="appointment", proposed_on=dt.date(2026, 2, 1),
                                           reference=f"Tờ trình {i}/TTr", status=status, province_code="79", commune_code=other_commune.code)
    for status, repay in [("submitted", ""), ("approved", ""), ("approved", "1"), ("rejected", "")]:
        PostgradRequest.objects.create(person=p, level="thac_si", field="luat", institution="Học viện Hành chính", starts_on=dt.date(2026, 9, 1),
                                       ends_on=dt.date(2028, 9, 1), cost=100_000_000, checks=[], eligible=False, rule_source={},
                                       training_months=24, commitment_months=72, commitment_end=dt.date(2034, 9, 1), status=status,
                                       repay_case=repay, province_code="79", commune_code=other_commune.code)
    payload = {"kind": "commune_merge", "decision_number": "15/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
               "title": "Sáp nhập", "spec": {"sources": [other_commune.code], "target": commune.code}}
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        res = login(users["province_admin"]).post("/api/v1/units/reorganisations/preview", payload, content_type="application/json")
    assert res.status_code == 200, res.content
    preview = {m["key"]: m["counts"] for m in res.json()["movers"]}
    labels = {m["key"]: m["label"] for m in res.json()["movers"]}
    r = _merge(users, [other_commune], commune)
    r.refresh_from_db()
    assert preview["planning.appointment_proposals"] == {commune.code: 2} == r.result["movers"]["planning.appointment_proposals"]
    assert preview["planning.postgrad_requests"] == {commune.code: 2} == r.result["movers"]["planning.postgrad_requests"]
    assert preview["planning.lists"] == {commune.code: 1} == r.result["movers"]["planning.lists"]
    assert labels["planning.postgrad_requests"] == "Đề nghị cử đi đào tạo sau đại học đang giải quyết"
    assert AppointmentProposal.objects.filter(commune_code=commune.code).count() == 2
    assert PostgradRequest.objects.filter(commune_code=commune.code).count() == 2


def test_a_person_in_the_same_list_of_two_merged_communes_the_target_has_no_list(users, province, commune, other_commune):  # type: ignore[no-untyped-def]
    """Both entries come from merged communes: the first list moves whole and the second joins it; the closed entry names the
    commune that takes over (the list it went to ends up there), not the commune the first list came from."""
    from conftest import _commune

    from coso.units.tests import reorg_helpers as h

    third = _commune(province, "26740", "Phường Đa Kao")
    first_list, second_list = _list(other_commune), _list(third)
    p = h.person(other_commune, name="Nguyễn Văn An")
    later = Candidate.objects.create(province_code="79", commune_code=other_commune.code, planning_list=first_list, person=p,
                                     entered_on=dt.date(2025, 10, 1), decision="5/QĐ-ĐU")
    first = Candidate.objects.create(province_code="79", commune_code=third.code, planning_list=second_list, person=p, entered_on=dt.date(2025, 9, 1),
                                     decision="1/QĐ-ĐU")
    r = _merge(users, [other_commune, third], commune)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED, r.error
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.planning_list_id, first.commune_code, first.status) == (first_list.pk, commune.code, Candidate.Status.ACTIVE)
    assert (later.planning_list_id, later.commune_code, later.status) == (first_list.pk, commune.code, Candidate.Status.REMOVED)
    assert f"#{first.pk}" in later.removal_reason and f"mã {commune.code}" in later.removal_reason
    assert r.result["movers"]["planning.lists"][f"duplicates_closed:{commune.code}"] == 1


def test_the_reorganisation_page_names_the_closed_duplicate_entries_with_the_commune(users, login, commune, other_commune):  # type: ignore[no-untyped-def]
    """The page showed the merger's result as raw keys (``duplicates_closed:26734 → 1``); a commune officer reads a labelled
    line with the commune's name. The API keeps the keys."""
    from coso.units.tests import reorg_helpers as h

    mine, theirs = _list(commune), _list(other_commune)
    p = h.person(other_commune, name="Nguyễn Văn An")
    Candidate.objects.create(province_code="79", commune_code=commune.code, planning_list=mine, person=p, entered_on=dt.date(2025, 10, 1),
                             decision="5/QĐ-ĐU")
    Candidate.objects.create(province_code="79", commune_code=other_commune.code, planning_list=theirs, person=p, entered_on=dt.date(2025, 9, 1),
                             decision="1/QĐ-ĐU")
    r = _merge(users, [other_commune], commune)
    c = login(users["province_admin"])
    page = c.get(f"/units/reorganisations/{r.pk}/").content.decode()
    result = page[page.index('data-testid="reorg-result"'):]
    result = result[:result.index("</ul>\n")]
    assert f"Hồ sơ quy hoạch trùng người đã đóng ({commune.name}): 1" in result
    assert f"Danh sách quy hoạch cán bộ: {commune.name} → 1" in result
    assert "duplicates_closed" not in page
    body = c.get(f"/api/v1/units/reorganisations/{r.pk}").json()
    assert body["result"]["movers"]["planning.lists"] == {commune.code: 1, f"duplicates_closed:{commune.code}": 1}


def test_the_preview_warns_of_the_duplicate_entries_the_merger_then_closes(users, login, province, commune, other_commune):  # type: ignore[no-untyped-def]
    """The preview said nothing of the entries the merger closes as duplicates (a person in the same list of two merging
    communes). Now it warns, page and API, with the figure the merger's result then gives; three communes, a person in all
    three lists and another in two of them: three entries closed."""
    import time_machine
    from conftest import _commune

    from coso.units.tests import reorg_helpers as h

    third = _commune(province, "26740", "Phường Đa Kao")
    lists = {c.code: _list(c) for c in (commune, other_commune, third)}
    a, b = h.person(other_commune, name="Nguyễn Văn An"), h.person(third, name="Trần Thị Bình")
    for i, (c, p) in enumerate([(commune, a), (other_commune, a), (third, a), (other_commune, b), (third, b)]):
        Candidate.objects.create(province_code="79", commune_code=c.code, planning_list=lists[c.code], person=p,
                                 entered_on=dt.date(2025, 9, 1) + dt.timedelta(days=i), decision=f"{i}/QĐ-ĐU")
    payload = {"kind": "commune_merge", "decision_number": "15/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
               "title": "Sáp nhập", "spec": {"sources": [other_commune.code, third.code], "target": commune.code}}
    c = login(users["province_admin"])
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        res = c.post("/api/v1/units/reorganisations/preview", payload, content_type="application/json")
        page = c.post("/units/reorganisations/new/", {
            "kind": "commune_merge", "decision_number": "15/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
            "title": "Sáp nhập", "source_communes": [other_commune.code, third.code], "target": commune.code, "category": "other",
            "action": "preview"}).content.decode()
    assert res.status_code == 200, res.content
    [note] = res.json()["notes"]
    assert (note["mover"], note["key"], note["count"], note["name"]) == ("planning.lists", f"duplicates_closed:{commune.code}", 3, commune.name)
    notes = page[page.index('data-testid="reorg-notes"'):]
    assert f"Hồ sơ quy hoạch trùng người sẽ đóng (giữ hồ sơ vào quy hoạch trước) ({commune.name}): 3" in notes[:notes.index("</div>")]
    r = _merge(users, [other_commune, third], commune)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED, r.error
    assert r.result["movers"]["planning.lists"][note["key"]] == note["count"]
    assert [n["count"] for n in r.preview["notes"]] == [3]
    assert Candidate.objects.filter(status=Candidate.Status.REMOVED).count() == 3
    assert Candidate.objects.filter(planning_list=lists[commune.code], status=Candidate.Status.ACTIVE).count() == 2
