"""Reorganisation wizard: schedule with a preview, cancel before the date, apply on the date through the job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.units import services
from coso.units.models import AdministrativeUnit, Reorganisation, UnitSuccession, Village
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 4, 1)


def _schedule(users, reorg_kind, spec, **kw):  # type: ignore[no-untyped-def]
    args = {"actor": users["province_admin"], "province_code": "79", "kind": reorg_kind, "decision_number": "15/NQ-HĐND",
            "decision_date": dt.date(2026, 2, 20), "effective_on": EFFECTIVE, "title": "Sáp nhập", "spec": spec, "today": TODAY}
    args.update(kw)
    return services.reorganisation_schedule(**args)


def test_village_merge_preview_cancel_and_apply(users, commune):  # type: ignore[no-untyped-def]
    a, b, keep = h.village(commune, "Tổ dân phố 1", 200, 700), h.village(commune, "Tổ dân phố 2", 150, 500), h.village(commune, "Tổ dân phố 3")
    fb = h.feedback(commune, a)
    closed = h.feedback(commune, b, status="closed")
    r = _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [a, b]))
    assert r.status == Reorganisation.Status.SCHEDULED
    by_key = {m["key"]: m for m in r.preview["movers"]}
    assert by_key["units.villages"]["total"] == 2
    assert by_key["feedback.open"]["total"] == 1  # only feedback still being handled
    assert r.preview["units"][0]["households"] == 350
    assert AuditLog.objects.filter(verb="reorganisation_schedule").count() == 1

    # Not before the effective date.
    with pytest.raises(ApplicationError) as e:
        services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE - dt.timedelta(days=1))
    assert e.value.code == "reorg-not-due"

    # Applied by the job on the date.
    from coso.jobs.services import run_periodic

    run = run_periodic("reorganisations_apply", today=EFFECTIVE)
    assert run.result.get("applied") == 1, run.result
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED
    merged = Village.objects.get(commune=commune, name="Tổ dân phố Hòa Bình")
    assert (merged.households, merged.population, merged.valid_from) == (350, 1200, EFFECTIVE)
    a.refresh_from_db()
    b.refresh_from_db()
    keep.refresh_from_db()
    assert a.valid_to == b.valid_to == EFFECTIVE and keep.valid_to is None
    fb.refresh_from_db()
    closed.refresh_from_db()
    assert fb.village_id == merged.pk and closed.village_id == b.pk  # history stays with the old village
    from coso.units.selectors import village_list

    listed = {v.name for v in village_list(fetched_by=users["province_admin"], commune_code=commune.code)}
    assert listed == {"Tổ dân phố Hòa Bình", "Tổ dân phố 3"}
    assert len(village_list(fetched_by=users["province_admin"], commune_code=commune.code, include_ended=True)) == 4
    move = AuditLog.objects.get(verb="reorganisation_move", object_type="feedback.Feedback")
    assert move.after["ids"] == [fb.pk] and move.before["village"] == a.pk
    # Idempotent: a second run finds nothing to do.
    assert run_periodic("reorganisations_apply", today=EFFECTIVE).result.get("applied") == 0


def test_cancel_only_before_the_date(users, commune):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ 1"), h.village(commune, "Tổ 2")
    r = _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [a, b]))
    with pytest.raises(ApplicationError) as e:
        services.reorganisation_cancel(actor=users["province_admin"], reorganisation_id=r.pk, reason="", today=TODAY)
    assert e.value.code == "reorg-cancel-reason"
    with pytest.raises(ApplicationError) as e:
        services.reorganisation_cancel(actor=users["province_admin"], reorganisation_id=r.pk, reason="Chờ HĐND", today=EFFECTIVE)
    assert e.value.code == "reorg-too-late"
    services.reorganisation_cancel(actor=users["province_admin"], reorganisation_id=r.pk, reason="HĐND hoãn", today=EFFECTIVE - dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.CANCELLED
    assert services.reorganisations_apply_due(today=EFFECTIVE) == {"applied": 0, "failed": 0}
    assert Village.objects.filter(valid_to__isnull=False).count() == 0


def test_only_the_province_administrator(users, commune, foreign_commune, make_user):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ 1"), h.village(commune, "Tổ 2")
    for who in ("province_home_affairs", "leader"):
        with pytest.raises(ApplicationError) as e:
            _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [a, b]), actor=users[who])
        assert e.value.code == "reorg-forbidden"
    hanoi_admin = make_user("hn_admin", "province_admin", foreign_commune.parent)
    with pytest.raises(ApplicationError) as e:
        _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [a, b]), actor=hanoi_admin)
    assert e.value.code == "reorg-forbidden"
    assert not Reorganisation.objects.exists()


@pytest.mark.parametrize(("field", "value", "code"), [
    ("decision_number", " ", "reorg-decision-number"),
    ("decision_date", TODAY + dt.timedelta(days=1), "reorg-decision-date"),
    ("effective_on", TODAY, "reorg-effective-date"),
    ("title", "", "reorg-title"),
    ("kind", "district_merge", "reorg-kind"),
])
def test_bad_input_changes_nothing(users, commune, field, value, code):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ 1"), h.village(commune, "Tổ 2")
    with pytest.raises(ApplicationError) as e:
        _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [a, b]), **{field: value})
    assert e.value.code == code
    assert not Reorganisation.objects.exists()


def test_a_unit_in_two_pending_reorganisations_is_refused(users, commune, other_commune):  # type: ignore[no-untyped-def]
    a, b, c = h.village(commune, "Tổ 1"), h.village(commune, "Tổ 2"), h.village(commune, "Tổ 3")
    _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [a, b]))
    with pytest.raises(ApplicationError) as e:
        _schedule(users, Reorganisation.Kind.VILLAGE_MERGE, h.spec_village_merge(commune, [b, c], new_name="Tổ mới"))
    assert e.value.code == "reorg-busy" and e.value.status == 409
    with pytest.raises(ApplicationError) as e:
        _schedule(users, Reorganisation.Kind.COMMUNE_MERGE, {"sources": [other_commune.code], "target": commune.code})
    assert e.value.code == "reorg-busy"


def test_commune_merge_moves_open_records_and_keeps_history(users, commune, other_commune):  # type: ignore[no-untyped-def]
    v_same = h.village(other_commune, "Tổ dân phố 1")
    h.village(commune, "Tổ dân phố 1")
    staff, gone = h.person(other_commune), h.person(other_commune, "Trần Thị Bình", left=True)
    fb, fb_closed = h.feedback(other_commune, v_same), h.feedback(other_commune, status="closed")
    spec = {"sources": [other_commune.code], "target": commune.code, "new_name": "Phường Sài Gòn Mới", "category": "other"}
    r = _schedule(users, Reorganisation.Kind.COMMUNE_MERGE, spec)
    totals = {m["key"]: m["total"] for m in r.preview["movers"]}
    assert totals["units.villages"] == 1 and totals["workforce.people"] == 1 and totals["feedback.open"] == 1
    assert totals["accounts.users"] == 2  # other_onestop, other_leader
    services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    old = AdministrativeUnit.all_objects.get(code=other_commune.code)
    assert old.valid_to == EFFECTIVE
    assert AdministrativeUnit.objects.get(code=commune.code).name == "Phường Sài Gòn Mới"
    succ = UnitSuccession.objects.get(predecessor=old)
    assert succ.successor.code == commune.code and succ.decision_number == "15/NQ-HĐND"
    v_same.refresh_from_db()
    assert v_same.commune_code == commune.code and v_same.name == "Tổ dân phố 1 (Phường Tân Định)"
    staff.refresh_from_db()
    gone.refresh_from_db()
    assert staff.commune_code == commune.code and gone.commune_code == other_commune.code
    assert staff.positions.get().commune_code == commune.code
    fb.refresh_from_db()
    fb_closed.refresh_from_db()
    assert fb.commune_code == commune.code and fb_closed.commune_code == other_commune.code
    users["other_leader"].refresh_from_db()
    assert users["other_leader"].commune_code == commune.code and users["other_leader"].unit_id == commune.pk
    from coso.units import lineage

    assert lineage.successor_codes(other_commune.code, effective_on=EFFECTIVE) == [commune.code]


def test_commune_split_new_unit_and_standards_warning(users, commune):  # type: ignore[no-untyped-def]
    north, south = h.village(commune, "Tổ Bắc"), h.village(commune, "Tổ Nam")
    fb = h.feedback(commune, south)
    spec = {"source": commune.code, "primary": commune.code, "villages": {str(south.pk): "26999"},
            "targets": [{"code": commune.code, "name": "Phường Sài Gòn", "kind": "phuong", "population": 40000, "area_km2": "6"},
                        {"code": "26999", "name": "Phường Bến Nghé", "kind": "phuong", "population": 9000, "area_km2": "3.2"}]}
    r = _schedule(users, Reorganisation.Kind.COMMUNE_SPLIT, spec)
    assert any("Phường Bến Nghé" in w and "21.000" in w for w in r.preview["warnings"])
    assert any("3,2 km²" in w for w in r.preview["warnings"])
    assert not any("Phường Sài Gòn:" in w for w in r.preview["warnings"])
    assert r.preview["units"][1]["villages"] == 1
    services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    new = AdministrativeUnit.objects.get(code="26999")
    assert new.valid_from == EFFECTIVE and new.population == 9000 and new.area_km2 == Decimal("3.20")
    assert AdministrativeUnit.objects.filter(code=commune.code).exists()  # the source continues
    south.refresh_from_db()
    north.refresh_from_db()
    fb.refresh_from_db()
    assert (south.commune_code, north.commune_code, fb.commune_code) == ("26999", commune.code, "26999")
    assert UnitSuccession.objects.filter(predecessor__code=commune.code, successor=new, kind="split").exists()


def test_unit_standards_are_dated_rules(users, commune, other_commune):  # type: ignore[no-untyped-def]
    from coso.units.reorg_spec import standard_warnings

    args = {"name": "Xã A", "kind": "xa", "population": 12000, "area_km2": Decimal(50), "category": "other"}
    assert standard_warnings(**args, day=dt.date(2025, 12, 31)) == []  # NQ 112/2025 not yet in force
    assert len(standard_warnings(**args, day=dt.date(2026, 1, 1))) == 1  # 12.000 < 16.000
    assert standard_warnings(**{**args, "category": "mountain"}, day=dt.date(2026, 1, 1)) == [
        "Xã A: diện tích 50 km², thấp hơn tiêu chuẩn 100 km² (Nghị quyết 112/2025/UBTVQH15)."]
    # One reduction: Red River Delta communes need 70 % of the area (21 km²), specially difficult coastal ones 50 % of the population.
    assert standard_warnings(**{**args, "area_km2": Decimal(22), "population": 20000, "category": "red_river_delta"}, day=dt.date(2026, 1, 1)) == []
    assert standard_warnings(**{**args, "area_km2": Decimal(20), "population": 20000, "category": "red_river_delta"}, day=dt.date(2026, 1, 1)) == [
        "Xã A: diện tích 20 km², thấp hơn tiêu chuẩn 21 km² (Nghị quyết 112/2025/UBTVQH15)."]
    assert standard_warnings(**{**args, "population": 8000, "category": "coastal_difficult"}, day=dt.date(2026, 1, 1)) == []
    from coso.rules.testing import set_rule

    set_rule("units.standard.commune.population.other", 10000, valid_from=dt.date(2026, 6, 1))
    assert standard_warnings(**args, day=dt.date(2026, 6, 1)) == []
    assert len(standard_warnings(**args, day=dt.date(2026, 5, 31))) == 1


def test_failure_rolls_back_and_is_recorded(users, commune, other_commune, monkeypatch):  # type: ignore[no-untyped-def]
    h.village(other_commune, "Tổ 9")
    staff = h.person(other_commune)
    r = _schedule(users, Reorganisation.Kind.COMMUNE_MERGE, {"sources": [other_commune.code], "target": commune.code})
    from coso.units import reorg

    def boom(plan, *, actor):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setitem(reorg.MOVERS, "zz.boom", reorg.Mover("zz.boom", "boom", 999, lambda plan: {}, boom))
    with time_machine.travel(dt.datetime(2026, 4, 1, 1, 0), tick=False):
        assert services.reorganisations_apply_due(today=EFFECTIVE) == {"applied": 0, "failed": 1}
    r.refresh_from_db()
    staff.refresh_from_db()
    assert r.status == Reorganisation.Status.FAILED and "disk full" in r.error
    assert staff.commune_code == other_commune.code
    assert AdministrativeUnit.objects.filter(code=other_commune.code).exists()
    # A failed one can be cancelled (nothing moved) and the decision entered again.
    services.reorganisation_cancel(actor=users["province_admin"], reorganisation_id=r.pk, reason="Sửa lỗi dữ liệu", today=EFFECTIVE)
    assert _schedule(users, Reorganisation.Kind.COMMUNE_MERGE, {"sources": [other_commune.code], "target": commune.code}).status == "scheduled"


def test_every_app_moves_its_records_and_nothing_is_lost(users, commune, other_commune):  # type: ignore[no-untyped-def]
    """A merge touching every registered mover: open dossiers, tasks and the commune's directives, planning lists (merged into
    the target's list of the same term and position), funding organisations (a duplicate stays, inactive) and lines."""
    from coso.dossiers.tests.conftest import make_procedure
    from coso.funding.models import FundDistribution, Organisation
    from coso.planning.models import Candidate, PlanningList
    from coso.tasks.models import Directive, Task

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        from coso.dossiers import services as dossiers

        version = make_procedure()
        applicant = dossiers.Applicant(name="Lê Văn Tám", phone="0909123456")
        dossier = dossiers.receive_at_counter(actor=users["other_onestop"], commune=other_commune, applicant=applicant,
                                              procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])
    directive = Directive.objects.create(number="5/KH-UBND", issued_on=dt.date(2026, 1, 5), issuer="UBND xã", level="commune",
                                         summary="Kế hoạch", province_code="79", commune_code=other_commune.code)
    open_task = Task.objects.create(directive=directive, title="Rà soát", lead_unit="UBND", assigned_on=dt.date(2026, 1, 5),
                                    due_on=dt.date(2026, 6, 30), effective_due=dt.date(2026, 6, 30), province_code="79",
                                    commune_code=other_commune.code)
    done_task = Task.objects.create(directive=directive, title="Báo cáo", lead_unit="UBND", assigned_on=dt.date(2026, 1, 5),
                                    due_on=dt.date(2026, 2, 1), effective_due=dt.date(2026, 2, 1), province_code="79",
                                    commune_code=other_commune.code, state="completed", completed_on=dt.date(2026, 1, 30))
    target_list = PlanningList.objects.create(province_code="79", commune_code=commune.code, term="2025-2030", position_code="chu_tich")
    old_list = PlanningList.objects.create(province_code="79", commune_code=other_commune.code, term="2025-2030", position_code="chu_tich")
    own_list = PlanningList.objects.create(province_code="79", commune_code=other_commune.code, term="2025-2030", position_code="pho_chu_tich")
    cand = Candidate.objects.create(province_code="79", commune_code=other_commune.code, planning_list=old_list, person=h.person(other_commune),
                                    entered_on=dt.date(2025, 9, 1), decision="1/QĐ")
    Organisation.objects.create(province_code="79", commune_code=commune.code, commune=commune, kind="mttq", name="MTTQ Sài Gòn")
    dup = Organisation.objects.create(province_code="79", commune_code=other_commune.code, commune=other_commune, kind="mttq", name="MTTQ Tân Định")
    farmers = Organisation.objects.create(province_code="79", commune_code=other_commune.code, commune=other_commune, kind="nong_dan",
                                          name="Hội Nông dân Tân Định")
    future = FundDistribution.objects.create(province_code="79", commune_code=other_commune.code, commune=other_commune, kind="commune_pt",
                                             month=dt.date(2026, 4, 1), fund=100, total=100)
    past = FundDistribution.objects.create(province_code="79", commune_code=other_commune.code, commune=other_commune, kind="commune_pt",
                                           month=dt.date(2026, 3, 1), fund=100, total=100)
    r = _schedule(users, Reorganisation.Kind.COMMUNE_MERGE, {"sources": [other_commune.code], "target": commune.code})
    totals = {m["key"]: m["total"] for m in r.preview["movers"]}
    assert totals["dossiers.open"] == 1 and totals["tasks.open"] == 2 and totals["planning.lists"] == 2
    assert totals["funding.lines"] == 2  # one organisation (the duplicate stays, inactive: a note) and one distribution from April
    assert {n["key"]: n["count"] for n in r.preview["notes"] if n["mover"] == "funding.lines"} == {f"duplicates:{commune.code}": 1}
    services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    for obj in (dossier, open_task, done_task, directive, cand, old_list, own_list, dup, farmers, future, past):
        obj.refresh_from_db()
    assert dossier.commune_code == commune.code
    # The commune's directive under way moves with all its tasks (tasks/reorg.py).
    assert (open_task.commune_code, done_task.commune_code, directive.commune_code) == (commune.code, commune.code, commune.code)
    assert cand.planning_list_id == target_list.pk and cand.commune_code == commune.code
    assert old_list.commune_code == other_commune.code and not old_list.candidates.exists()  # kept, empty, as history
    assert own_list.commune_code == commune.code
    assert (dup.active, dup.commune_code) == (False, other_commune.code)
    assert (farmers.commune_code, farmers.commune_id) == (commune.code, commune.pk)
    assert (future.commune_code, past.commune_code) == (commune.code, other_commune.code)
    moved_ids = set()
    for entry in AuditLog.objects.filter(verb="reorganisation_move", object_type="dossiers.Dossier"):
        moved_ids |= set(entry.after["ids"])
    assert moved_ids == {dossier.pk}


def test_moved_records_are_found_by_name_in_their_new_commune(users, make_user, commune, other_commune):  # type: ignore[no-untyped-def]
    """A search within a unit reads the search index by unit: the records a merge moves are found by the target commune's
    officers, for dossiers, people and feedback."""
    from coso.accounts.roles import Role
    from coso.dossiers import selectors as dossier_selectors
    from coso.dossiers import services as dossiers
    from coso.dossiers.tests.conftest import make_procedure
    from coso.feedback import selectors as feedback_selectors
    from coso.feedback import services as feedback
    from coso.feedback.models import FeedbackCategory
    from coso.workforce import selectors as workforce_selectors
    from coso.workforce import services as workforce

    other_home_affairs = make_user("other_home_affairs", Role.COMMUNE_HOME_AFFAIRS, other_commune)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        dossier = dossiers.receive_at_counter(actor=users["other_onestop"], commune=other_commune, procedure_version=make_procedure(),
                                              applicant=dossiers.Applicant(name="Lê Văn Tám", phone="0909123456"),
                                              documents=["Tờ khai đăng ký khai sinh"])
        item = feedback.feedback_submit(actor=None, category=FeedbackCategory.objects.first(), commune=other_commune, title="Đèn đường hỏng",
                                        text="Đèn đường hẻm Tám Danh hỏng đã lâu", contact_name="Lê Văn Tám", contact_phone="0909123456")
    person = workforce.person_create(actor=other_home_affairs, province_code="79", commune_code=other_commune.code,
                                     full_name="Phạm Thị Tám", birth_date=dt.date(1985, 1, 1), gender="female", kind="civil_servant")

    def found(user):  # type: ignore[no-untyped-def]
        return (set(dossier_selectors.dossier_list(fetched_by=user, query="tam").values_list("pk", flat=True)),
                set(feedback_selectors.feedback_list(fetched_by=user, tab="pending", query="tam").values_list("pk", flat=True)),
                set(workforce_selectors.person_list(fetched_by=user, q="tam").values_list("pk", flat=True)))

    moved = ({dossier.pk}, {item.pk}, {person.pk})
    assert found(users["other_onestop"])[:2] == moved[:2] and found(other_home_affairs)[2] == moved[2]
    assert found(users["onestop"])[:2] == (set(), set()) and found(users["home_affairs"])[2] == set()
    r = _schedule(users, Reorganisation.Kind.COMMUNE_MERGE, {"sources": [other_commune.code], "target": commune.code})
    services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    assert found(users["onestop"])[:2] == moved[:2] and found(users["home_affairs"])[2] == moved[2]
    assert found(users["province_admin"])[:2] == moved[:2]


def _split_to(commune, code):  # type: ignore[no-untyped-def]
    return {"source": commune.code, "primary": commune.code, "villages": {},
            "targets": [{"code": commune.code, "name": "Phường Sài Gòn", "kind": "phuong", "population": 40000, "area_km2": "6"},
                        {"code": code, "name": "Phường Bến Nghé", "kind": "phuong", "population": 30000, "area_km2": "4"}]}


def _ended_commune(code, successor):  # type: ignore[no-untyped-def]
    old = AdministrativeUnit.all_objects.create(code=code, name="Phường Đa Kao", level="commune", kind="phuong", province_code="79",
                                                valid_from=None, valid_to=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=old, successor=successor, kind="merge", effective_on=dt.date(2025, 7, 1), is_primary=True)


def test_a_split_does_not_give_again_the_code_of_an_ended_commune_of_another_lineage(users, commune, other_commune):  # type: ignore[no-untyped-def]
    """An old commune merged into ``other_commune`` on 1/7/2025 carried 26999: a new unit split from ``commune`` may not take
    that code (its old dossiers and feedback would look like the new unit's), through the preview or the schedule."""
    _ended_commune("26999", other_commune)
    for dry_run in (True, False):
        with pytest.raises(ApplicationError) as e:
            _schedule(users, Reorganisation.Kind.COMMUNE_SPLIT, _split_to(commune, "26999"), dry_run=dry_run)
        assert e.value.code == "reorg-target-code-ended" and e.value.status == 409
        assert "26999" in str(e.value) and "Phường Đa Kao" in str(e.value)
    assert not Reorganisation.objects.exists()
    assert _schedule(users, Reorganisation.Kind.COMMUNE_SPLIT, _split_to(commune, "26998")).status == Reorganisation.Status.SCHEDULED


def test_a_split_may_give_again_the_code_of_a_commune_merged_into_the_source(users, commune):  # type: ignore[no-untyped-def]
    _ended_commune("26999", commune)
    r = _schedule(users, Reorganisation.Kind.COMMUNE_SPLIT, _split_to(commune, "26999"))
    assert r.status == Reorganisation.Status.SCHEDULED
