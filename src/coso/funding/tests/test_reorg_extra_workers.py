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
