"""A commune merger carries the extra part-time workers of the merged communes (Decree 33/2023/NĐ-CP, Art. 34) to the
commune that takes over, from the effective date: the merged commune's number stayed behind with the ended commune and the
successor's fund counted only its own. The preview announces what the merger then does; a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.models import ExtraWorkers
from coso.funding.reorg import extra_workers_count, extra_workers_move
from coso.funding.selectors import extra_workers_on
from coso.units import services as units
from coso.units.models import Reorganisation
from coso.units.reorg_spec import plan_for

pytestmark = pytest.mark.django_db
EFFECTIVE = dt.date(2026, 4, 1)


def _set(actor, commune, n: int, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        services.commune_profile_set(actor=actor, commune=commune, extra_pt_workers=n, valid_from=day)


def test_a_merger_gives_the_successor_the_sum_of_the_extra_workers_from_the_effective_date(users, commune, other_commune):
    finance = users["province_finance"]
    _set(finance, commune, 1, dt.date(2025, 8, 1))
    _set(finance, commune, 2, dt.date(2025, 10, 1))  # the successor's own, in force before the merger
    _set(finance, other_commune, 3, dt.date(2025, 9, 1))
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="15/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập", spec={"sources": [other_commune.code], "target": commune.code},
        today=dt.date(2026, 3, 2))
    preview = {m["key"]: m["counts"] for m in r.preview["movers"]}
    assert preview["funding.extra_workers"] == {commune.code: 1}  # one merged commune's number
    notes = {n["key"]: n["count"] for n in r.preview["notes"] if n["mover"] == "funding.extra_workers"}
    assert notes == {f"workers:{commune.code}": 3}
    # applied by the job on a date already past for the officers
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE + dt.timedelta(days=20))
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED
    assert r.result["movers"]["funding.extra_workers"] == {**preview["funding.extra_workers"], **notes}
    history = list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from"))
    assert [(x.valid_from, x.extra_pt_workers) for x in history] == [(dt.date(2025, 8, 1), 1), (dt.date(2025, 10, 1), 2), (EFFECTIVE, 5)]
    assert extra_workers_on(history, EFFECTIVE - dt.timedelta(days=1)) == 2  # the months before keep their number
    assert extra_workers_on(history, dt.date(2025, 9, 1)) == 1
    assert extra_workers_on(history, EFFECTIVE) == 5
    entry = AuditLog.objects.get(verb="reorganisation_extra_workers")
    assert entry.commune_code == commune.code and entry.after["extra_pt_workers"] == 5
    # a second run finds nothing to do and doubles nothing
    plan = plan_for(r)
    assert extra_workers_count(plan) == {}
    assert extra_workers_move(plan, actor=users["province_admin"]) == {}
    assert ExtraWorkers.objects.get(commune=commune, valid_from=EFFECTIVE).extra_pt_workers == 5
    assert AuditLog.objects.filter(verb="reorganisation_extra_workers").count() == 1
    # the reorganisation's page names it
    from coso.units.selectors import reorganisation_result

    row = next(x for x in reorganisation_result(r) if x["key"] == "funding.extra_workers")
    assert row["moved"][0]["count"] == 1 and row["notes"][0]["count"] == 3
    assert row["notes"][0]["label"] == "Người hoạt động không chuyên trách tăng thêm đã cộng cho xã tiếp nhận từ ngày hiệu lực"


def test_a_successor_without_a_number_of_its_own_gets_the_merged_communes_number(users, commune, other_commune):
    _set(users["province_finance"], other_commune, 3, dt.date(2025, 9, 1))
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="16/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập", spec={"sources": [other_commune.code], "target": commune.code},
        today=dt.date(2026, 3, 2))
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    assert list(ExtraWorkers.objects.filter(commune=commune).values_list("valid_from", "extra_pt_workers")) == [(EFFECTIVE, 3)]


def test_a_split_carries_no_number(users, commune, other_commune):
    from coso.units.reorg import MovePlan

    _set(users["province_finance"], other_commune, 3, dt.date(2025, 9, 1))
    split = MovePlan(province_code="79", effective_on=EFFECTIVE, reference="17/NQ-HĐND", kind="commune_split",
                     commune_map={other_commune.code: commune.code})
    assert extra_workers_count(split) == {} == extra_workers_move(split, actor=users["province_admin"])
    assert not ExtraWorkers.objects.filter(commune=commune).exists()


def test_a_number_the_successor_had_set_for_a_later_date_also_gets_the_merged_communes_workers(users, commune, other_commune):
    """The successor's number set for itself alone from a date after the effective date replaced the merged sum from that
    date (its fund lost the merged commune's workers again); the merger now adds them to that number too."""
    finance = users["province_finance"]
    _set(finance, commune, 2, dt.date(2025, 10, 1))
    _set(finance, other_commune, 3, dt.date(2025, 9, 1))
    # entered on 1/3/2026, before the merger was decided, for the successor alone from 1/6/2026
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=4, valid_from=dt.date(2026, 6, 1))
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="18/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập", spec={"sources": [other_commune.code], "target": commune.code},
        today=dt.date(2026, 3, 2))
    preview = {m["key"]: m["counts"] for m in r.preview["movers"]}
    assert preview["funding.extra_workers"] == {commune.code: 1}
    notes = {n["key"]: n["count"] for n in r.preview["notes"] if n["mover"] == "funding.extra_workers"}
    assert notes == {f"workers:{commune.code}": 3, f"later:{commune.code}": 1}
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE + dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED
    assert r.result["movers"]["funding.extra_workers"] == {**preview["funding.extra_workers"], **notes}  # preview and result agree
    history = list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from"))
    assert [(x.valid_from, x.extra_pt_workers) for x in history] == [
        (dt.date(2025, 10, 1), 2), (EFFECTIVE, 5), (dt.date(2026, 6, 1), 7)]
    assert extra_workers_on(history, EFFECTIVE - dt.timedelta(days=1)) == 2  # before: its own
    assert extra_workers_on(history, dt.date(2026, 5, 31)) == 5  # 2 of its own + 3 merged
    assert extra_workers_on(history, dt.date(2026, 7, 1)) == 7  # its later number (4) + 3 merged, not 4 alone
    entries = AuditLog.objects.filter(verb="reorganisation_extra_workers").order_by("pk")
    assert [(e.after["extra_pt_workers"], e.commune_code) for e in entries] == [(5, commune.code), (7, commune.code)]
    assert entries[1].before["extra_pt_workers"] == 4 and entries[1].reason.startswith("18/NQ-HĐND")
    # a second run finds both numbers holding the merged workers and adds nothing
    plan = plan_for(r)
    assert extra_workers_count(plan) == {}
    assert extra_workers_move(plan, actor=users["province_admin"]) == {}
    assert list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from").values_list("extra_pt_workers", flat=True)) == [2, 5, 7]
    assert AuditLog.objects.filter(verb="reorganisation_extra_workers").count() == 2
    # a number the officers enter once the merger is carried is the whole number: neither a run nor the funds add to it
    with time_machine.travel(dt.datetime(2026, 8, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=6, valid_from=dt.date(2026, 9, 1))
    assert extra_workers_move(plan, actor=users["province_admin"]) == {}
    assert ExtraWorkers.objects.get(commune=commune, valid_from=dt.date(2026, 9, 1)).extra_pt_workers == 6


def test_a_number_the_successor_had_set_for_the_effective_date_itself_is_kept_and_the_merged_workers_added(users, commune, other_commune):
    finance = users["province_finance"]
    _set(finance, commune, 2, dt.date(2025, 10, 1))
    _set(finance, other_commune, 3, dt.date(2025, 9, 1))
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=4, valid_from=EFFECTIVE)
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number="19/NQ-HĐND",
        decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập", spec={"sources": [other_commune.code], "target": commune.code},
        today=dt.date(2026, 3, 2))
    notes = {n["key"]: n["count"] for n in r.preview["notes"] if n["mover"] == "funding.extra_workers"}
    assert notes == {f"workers:{commune.code}": 3}
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    assert list(ExtraWorkers.objects.filter(commune=commune).values_list("valid_from", "extra_pt_workers")) == [
        (dt.date(2025, 10, 1), 2), (EFFECTIVE, 7)]
    assert extra_workers_move(plan_for(r), actor=users["province_admin"]) == {}


# ---------------------------------------------------------------- numbers entered after the merger was scheduled
def _at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)


def _schedule(users, commune, other_commune, number: str):  # type: ignore[no-untyped-def]
    with _at(dt.date(2026, 3, 2)):
        return units.reorganisation_schedule(
            actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE, decision_number=number,
            decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập",
            spec={"sources": [other_commune.code], "target": commune.code}, today=dt.date(2026, 3, 2))


def _scheduled_merger(users, commune, other_commune, number: str):  # type: ignore[no-untyped-def]
    """The successor with 2 extra workers from 1/10/2025 and the merged commune with 3 from 1/9/2025, then the merger of
    the second into the first scheduled on 2/3/2026 (decision ``number``)."""
    finance = users["province_finance"]
    _set(finance, commune, 2, dt.date(2025, 10, 1))
    _set(finance, other_commune, 3, dt.date(2025, 9, 1))
    return _schedule(users, commune, other_commune, number)


def _notes(plan) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from coso.units import reorg

    mover = next(m for m in reorg.movers() if m.key == "funding.extra_workers")
    return {f"{what}:{code}": n for what, note in mover.notes.items() for code, n in (note.count(plan) if note.count else {}).items()}


def test_a_later_number_entered_after_the_merger_was_scheduled_is_taken_as_counting_the_merged_workers(users, commune, other_commune):
    """A number for the successor from a date after the merger, entered once the merger was scheduled, already counts the
    merged commune's workers (the officer enters the successor's figure): the merger added them again, paying them twice."""
    finance = users["province_finance"]
    r = _scheduled_merger(users, commune, other_commune, "20/NQ-HĐND")
    with _at(dt.date(2026, 3, 10)):  # 2 of its own + 3 of the merged commune + 4 more from 1/6/2026
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=9, valid_from=dt.date(2026, 6, 1))
    plan = plan_for(r)
    # what the merger will do, read again before the day: the sum on the effective date, the later number left alone
    assert _notes(plan) == {f"workers:{commune.code}": 3, f"kept:{commune.code}": 1}
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    r.refresh_from_db()
    assert r.status == Reorganisation.Status.APPLIED
    assert r.result["movers"]["funding.extra_workers"] == {commune.code: 1, f"workers:{commune.code}": 3, f"kept:{commune.code}": 1}
    history = list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from"))
    assert [(x.valid_from, x.extra_pt_workers, x.merged_workers) for x in history] == [
        (dt.date(2025, 10, 1), 2, 0), (EFFECTIVE, 5, 3), (dt.date(2026, 6, 1), 9, 0)]
    assert extra_workers_on(history, dt.date(2026, 7, 1)) == 9  # not 12
    assert AuditLog.objects.filter(verb="reorganisation_extra_workers").count() == 1
    from coso.units.selectors import reorganisation_result

    row = next(x for x in reorganisation_result(r) if x["key"] == "funding.extra_workers")
    assert {n["label"] for n in row["notes"]} >= {
        "Số nhập cho xã tiếp nhận sau khi lên lịch sắp xếp, áp dụng từ ngày hiệu lực trở đi: coi là đã gồm người của các xã sáp nhập, giữ nguyên"}
    # a second run writes nothing
    assert extra_workers_count(plan_for(r)) == {}
    extra_workers_move(plan_for(r), actor=users["province_admin"])
    assert [x.extra_pt_workers for x in ExtraWorkers.objects.filter(commune=commune).order_by("valid_from")] == [2, 5, 9]
    assert AuditLog.objects.filter(verb="reorganisation_extra_workers").count() == 1


def test_a_later_number_changed_after_the_merger_was_scheduled_is_left_as_it_is(users, commune, other_commune):
    finance = users["province_finance"]
    _set(finance, commune, 2, dt.date(2025, 10, 1))
    _set(finance, other_commune, 3, dt.date(2025, 9, 1))
    with _at(dt.date(2026, 3, 1)):  # before the merger was scheduled: for the successor alone
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=4, valid_from=dt.date(2026, 6, 1))
    r = _schedule(users, commune, other_commune, "21/NQ-HĐND")
    assert _notes(plan_for(r)) == {f"workers:{commune.code}": 3, f"later:{commune.code}": 1}
    with _at(dt.date(2026, 3, 10)):  # changed since, knowing the merger: the merged commune's 3 counted
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=7,
                                     valid_from=dt.date(2026, 6, 1))
    assert _notes(plan_for(r)) == {f"workers:{commune.code}": 3, f"kept:{commune.code}": 1}
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    assert list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from").values_list("valid_from", "extra_pt_workers")) == [
        (dt.date(2025, 10, 1), 2), (EFFECTIVE, 5), (dt.date(2026, 6, 1), 7)]


def test_a_number_for_the_effective_date_entered_after_the_merger_was_scheduled_is_the_successors_whole_number(users, commune, other_commune):
    finance = users["province_finance"]
    r = _scheduled_merger(users, commune, other_commune, "22/NQ-HĐND")
    with _at(dt.date(2026, 3, 10)):
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=6, valid_from=EFFECTIVE)
    assert _notes(plan_for(r)) == {f"kept:{commune.code}": 1}
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    r.refresh_from_db()
    assert r.result["movers"]["funding.extra_workers"] == {f"kept:{commune.code}": 1}
    assert list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from").values_list("valid_from", "extra_pt_workers")) == [
        (dt.date(2025, 10, 1), 2), (EFFECTIVE, 6)]
    assert not AuditLog.objects.filter(verb="reorganisation_extra_workers").exists()


# ---------------------------------------------------------------- the preview of a scheduled merger, read later
KEPT_AHEAD = ("Số nhập cho xã tiếp nhận sau khi lên lịch sắp xếp, áp dụng từ ngày hiệu lực trở đi: coi là đã gồm người của các xã sáp nhập, "
              "sẽ giữ nguyên")


def test_the_page_and_api_of_a_scheduled_merger_show_a_number_entered_since_as_kept(users, commune, other_commune, login):
    """The preview was saved when the merger was scheduled: a number the officers entered since for the successor, which
    the merger will leave as it is, did not show; the page and the API now show the plan as of today."""
    finance = users["province_finance"]
    r = _scheduled_merger(users, commune, other_commune, "23/NQ-HĐND")
    with _at(dt.date(2026, 3, 10)):
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=9, valid_from=dt.date(2026, 6, 1))
    c = login(users["province_admin"])
    with _at(dt.date(2026, 3, 11)):
        body = c.get(f"/api/v1/units/reorganisations/{r.pk}").json()
        page = c.get(f"/units/reorganisations/{r.pk}/")
    notes = {n["key"]: (n["count"], n["label"]) for n in body["preview"]["notes"] if n["mover"] == "funding.extra_workers"}
    assert notes == {f"workers:{commune.code}": (3, "Người hoạt động không chuyên trách tăng thêm sẽ cộng cho xã tiếp nhận từ ngày hiệu lực"),
                     f"kept:{commune.code}": (1, KEPT_AHEAD)}
    assert page.status_code == 200 and KEPT_AHEAD in page.content.decode()
    assert body["status"] == "scheduled" and ExtraWorkers.objects.filter(commune=commune).count() == 2  # read only: nothing written
    # once applied, the page keeps what was announced and shows the result
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    r.refresh_from_db()
    assert c.get(f"/api/v1/units/reorganisations/{r.pk}").json()["preview"] == r.preview
    assert r.result["movers"]["funding.extra_workers"][f"kept:{commune.code}"] == 1


def test_a_repeated_run_after_a_kept_number_has_nothing_to_do(users, commune, other_commune):
    """The successor's number for the effective date, entered once the merger was scheduled, is kept by the merger and
    reported so, once: a run repeated after the merger was applied has nothing to do (the merged commune has ended) and
    reports nothing, kept included."""
    finance = users["province_finance"]
    r = _scheduled_merger(users, commune, other_commune, "24/NQ-HĐND")
    with _at(dt.date(2026, 3, 10)):
        services.commune_profile_set(actor=finance, commune=commune, extra_pt_workers=6, valid_from=EFFECTIVE)
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    r.refresh_from_db()
    assert r.result["movers"]["funding.extra_workers"] == {f"kept:{commune.code}": 1}
    plan = plan_for(r)
    assert _notes(plan) == {}
    assert extra_workers_move(plan, actor=users["province_admin"]) == {}
    assert list(ExtraWorkers.objects.filter(commune=commune).order_by("valid_from").values_list("valid_from", "extra_pt_workers")) == [
        (dt.date(2025, 10, 1), 2), (EFFECTIVE, 6)]
    assert not AuditLog.objects.filter(verb="reorganisation_extra_workers").exists()
