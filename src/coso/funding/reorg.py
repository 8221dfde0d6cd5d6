"""Reorganisation mover of funding: the organisations that receive funds and the fund distributions from the
effective month move to the commune that takes over (a village's lines follow the village). An organisation the
target already has (same kind and association) is not duplicated: it is marked inactive and stays, audited. From the
effective date the commune that takes over counts the extra part-time workers of the communes merged into it, on
that date and on each of its own numbers dated later (but those entered once the merger was scheduled, which count them
already). Registered with ``coso.units.reorg``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.core.audit import audited_create, audited_update
from coso.funding.models import ExtraWorkers, FundDistribution, Organisation
from coso.units.reorg import MovePlan, Note, count_by_commune, move_by_commune, register_mover
from coso.units.selectors import commune_ids


def _lines(plan: MovePlan) -> Any:
    return FundDistribution.objects.filter(month__gte=plan.effective_on.replace(day=1))


def _targets(plan: MovePlan) -> set[str]:
    return set(plan.commune_map.values()) | set(plan.village_commune.values())


def _duplicates(plan: MovePlan) -> dict[str, list[int]]:
    """{target commune code: ids of the merged communes' active organisations it would hold twice}: one of a kind (and
    association) the target already has, or takes over from another commune merged into it (two communes' Hội Khuyến
    học merged into a commune without one: the first moves, the second would be a second one, funded twice). They stay
    with the old commune, inactive. Read by the preview and the move alike."""
    have: dict[str, set[tuple[str, str]]] = {}
    out: dict[str, list[int]] = {}
    for src, target in sorted(plan.commune_map.items()):
        if src == target:
            continue
        if target not in have:
            have[target] = set(Organisation.objects.filter(commune_code=target).values_list("kind", "association_code"))
        for pk, kind, association in Organisation.objects.filter(commune_code=src, active=True).order_by("pk").values_list("pk", "kind", "association_code"):
            if (kind, association) in have[target]:
                out.setdefault(target, []).append(pk)
            else:
                have[target].add((kind, association))
    return out


def _movable_organisations(duplicates: dict[str, list[int]]) -> Any:
    return Organisation.objects.filter(active=True).exclude(pk__in=[pk for ids in duplicates.values() for pk in ids])


def count(plan: MovePlan) -> dict[str, int]:
    out = count_by_commune(_movable_organisations(_duplicates(plan)), plan)
    for k, n in count_by_commune(_lines(plan), plan, village_field="village").items():
        out[k] = out.get(k, 0) + n
    return out


def duplicates_count(plan: MovePlan) -> dict[str, int]:
    """{target commune code: the merged communes' organisations kept with them, inactive, as duplicates} (the note beside)."""
    return {target: len(ids) for target, ids in _duplicates(plan).items()}


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    ids = commune_ids(_targets(plan))
    # Organisations the target already has (or takes over from another merged commune) stay with the old commune, inactive.
    duplicates = _duplicates(plan)
    for pks in duplicates.values():
        for org in Organisation.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            audited_update(org, actor=actor, changes={"active": False}, verb="reorganisation_merge_duplicate", reason=plan.reference)
    moved = move_by_commune(Organisation.objects.filter(active=True), plan, actor=actor, extra=lambda t: {"commune_id": ids[t]})
    for k, n in move_by_commune(_lines(plan), plan, actor=actor, village_field="village", extra=lambda t: {"commune_id": ids[t]}).items():
        moved[k] = moved.get(k, 0) + n
    for target, pks in duplicates.items():
        moved[f"duplicates:{target}"] = len(pks)
    return moved


register_mover("funding.lines", label=_("Tổ chức nhận kinh phí và dòng phân bổ quỹ từ tháng hiệu lực"), order=40, count=count, move=move,
               notes={"duplicates": Note(_("Tổ chức trùng với tổ chức của xã tiếp nhận, giữ lại ở xã cũ và ngừng hoạt động"),
                                         count=duplicates_count,
                                         ahead=_("Tổ chức trùng với tổ chức của xã tiếp nhận, sẽ giữ lại ở xã cũ và ngừng hoạt động"))})


# ---------------------------------------------------------------- extra part-time workers
@dataclass(frozen=True)
class _Write:
    """One number of the target commune the merger sets: on the effective date (``row`` None: created) or later."""

    row: ExtraWorkers | None
    valid_from: dt.date
    total: int
    merged: int


def _entered_knowing(plan: MovePlan, row: ExtraWorkers) -> bool:
    """Whether the successor's ``row`` (dated on or after the effective date, without a merged part) was entered once the
    merger was scheduled: set for the commune the merger forms, from a date the merger is in force, it is taken as its whole
    number, the merged communes' workers already counted (an officer entering a figure for after the merger counts them;
    adding them again paid them twice)."""
    return plan.scheduled_at is not None and row.created_at is not None and row.created_at >= plan.scheduled_at


def _extra_workers_plan(plan: MovePlan) -> list[tuple[str, int, int, int, list[_Write], int]]:
    """(target commune code, its id, how many merged communes' numbers it takes over, the extra part-time workers they add,
    the numbers to write, how many of its numbers are left as they are since entered after the merger was scheduled) for
    each target whose numbers from the effective date do not yet hold the merged communes' workers.

    From the effective date the target's number is its own plus the numbers in force that day of the communes merged into
    it: on the effective date (its own in force the day before, or its own dated that day) and on every later date the
    target already had a number of its own (entered for it alone, it would otherwise replace the sum from its date). Each
    row keeps the part it carries (``merged_workers``), so that the figures are not added twice: a second run finds every
    row holding them and does nothing, and once the merger is carried a number an officer enters later (the whole number,
    ``merged_workers`` 0) is left as it is. So is a number of the target dated on or after the effective date that was
    entered (or last changed) after the merger was scheduled (``_entered_knowing``): it already counts the merged communes'
    workers; when it is dated the effective date itself, nothing is written for that day either. Read by the preview and
    the move alike, so the figures match."""
    if plan.kind != "commune_merge":
        # A split leaves the divided commune's number where it is (the province sets the new communes' numbers): the same
        # workers are not counted twice.
        return []
    day = plan.effective_on
    sources: dict[str, list[str]] = {}
    for src, target in plan.commune_map.items():
        if src != target:
            sources.setdefault(target, []).append(src)
    if not sources:
        return []
    ids = commune_ids({*sources, *(s for group in sources.values() for s in group)})
    in_force: dict[int, int] = {}  # commune id → number in force on ``day``, from rows dated before it
    on_day: dict[int, int] = {}  # commune id → number of its row dated ``day``
    ahead: dict[int, list[ExtraWorkers]] = {}  # commune id → its rows dated ``day`` and later
    rows = ExtraWorkers.objects.filter(commune_id__in=list(ids.values())).order_by("commune_id", "valid_from")  # a few rows a commune
    for row in rows:
        if row.valid_from < day:
            in_force[row.commune_id] = row.extra_pt_workers
        else:
            ahead.setdefault(row.commune_id, []).append(row)
            if row.valid_from == day:
                on_day[row.commune_id] = row.extra_pt_workers
    out = []
    for target, group in sorted(sources.items()):
        numbers = [n for s in group if s in ids and (n := on_day.get(ids[s], in_force.get(ids[s], 0)))]
        carried = sum(numbers)
        tid = ids.get(target)
        if not carried or tid is None:
            continue
        own_rows = ahead.get(tid, [])
        carried_before = any(r.merged_workers for r in own_rows)  # the merger was carried: a row without a part is whole
        writes = []
        kept = 0
        if not own_rows or own_rows[0].valid_from != day:
            writes.append(_Write(None, day, in_force.get(tid, 0) + carried, carried))
        for r in own_rows:
            if r.merged_workers == carried or (carried_before and not r.merged_workers):
                continue
            if not r.merged_workers and _entered_knowing(plan, r):
                kept += 1
                continue
            writes.append(_Write(r, r.valid_from, r.extra_pt_workers - r.merged_workers + carried, carried))
        if writes or kept:
            out.append((target, tid, len(numbers) if writes else 0, carried if writes else 0, writes, kept))
    return out


def extra_workers_count(plan: MovePlan) -> dict[str, int]:
    """{target commune code: the merged communes' numbers it takes over} (records, as the other movers count them)."""
    return {target: n for target, _tid, n, _carried, _writes, _kept in _extra_workers_plan(plan) if n}


def extra_workers_added(plan: MovePlan) -> dict[str, int]:
    """{target commune code: the extra part-time workers the merged communes add to its number} (the note beside)."""
    return {target: carried for target, _tid, _n, carried, _writes, _kept in _extra_workers_plan(plan) if carried}


def extra_workers_later(plan: MovePlan) -> dict[str, int]:
    """{target commune code: its numbers dated after the effective date to which the merged communes' workers are added}."""
    out = {}
    for target, _tid, _n, _carried, writes, _kept in _extra_workers_plan(plan):
        if later := sum(1 for w in writes if w.valid_from > plan.effective_on):
            out[target] = later
    return out


def extra_workers_kept(plan: MovePlan) -> dict[str, int]:
    """{target commune code: its numbers from the effective date on, entered after the merger was scheduled, taken as
    already counting the merged communes' workers and left as they are}."""
    return {target: kept for target, _tid, _n, _carried, _writes, kept in _extra_workers_plan(plan) if kept}


def extra_workers_move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    """From the effective date the commune that takes over counts the extra part-time workers of the communes merged into it
    (Decree 33/2023/NĐ-CP, Art. 34, as each commune's number is set in ``coso.funding.services.commune_profile_set``): one
    number dated the effective date, and the same workers added to each of its numbers dated later, each write audited.
    Written by the reorganisation, which may take effect on a past date (the refusal of past dates is for the officers'
    changes)."""
    out: dict[str, int] = {}
    for target, tid, n, carried, writes, kept in _extra_workers_plan(plan):
        if kept:
            out[f"kept:{target}"] = kept
        if not writes:
            continue
        for w in writes:
            if w.row is None:
                audited_create(ExtraWorkers(commune_id=tid, province_code=plan.province_code, commune_code=target, valid_from=w.valid_from,
                                            extra_pt_workers=w.total, merged_workers=w.merged, created_by=actor),
                               actor=actor, verb="reorganisation_extra_workers", reason=plan.reference)
            else:
                row = ExtraWorkers.objects.select_for_update().get(pk=w.row.pk)
                audited_update(row, actor=actor, changes={"extra_pt_workers": w.total, "merged_workers": w.merged}, verb="reorganisation_extra_workers",
                               reason=plan.reference)
        out[target] = n
        out[f"workers:{target}"] = carried
        if later := sum(1 for w in writes if w.valid_from > plan.effective_on):
            out[f"later:{target}"] = later
    return out


register_mover("funding.extra_workers", label=_("Số người hoạt động không chuyên trách tăng thêm của xã bị sáp nhập, cộng vào số của xã tiếp nhận"),
               order=41, count=extra_workers_count, move=extra_workers_move,
               notes={"workers": Note(_("Người hoạt động không chuyên trách tăng thêm đã cộng cho xã tiếp nhận từ ngày hiệu lực"),
                                      count=extra_workers_added,
                                      ahead=_("Người hoạt động không chuyên trách tăng thêm sẽ cộng cho xã tiếp nhận từ ngày hiệu lực")),
                      "later": Note(_("Số đã đặt cho xã tiếp nhận từ một ngày sau ngày hiệu lực, đã cộng thêm người của các xã sáp nhập"),
                                    count=extra_workers_later,
                                    ahead=_("Số đã đặt cho xã tiếp nhận từ một ngày sau ngày hiệu lực, sẽ cộng thêm người của các xã sáp nhập")),
                      "kept": Note(_("Số nhập cho xã tiếp nhận sau khi lên lịch sắp xếp, áp dụng từ ngày hiệu lực trở đi: coi là đã gồm người "
                                     "của các xã sáp nhập, giữ nguyên"),
                                   count=extra_workers_kept,
                                   ahead=_("Số nhập cho xã tiếp nhận sau khi lên lịch sắp xếp, áp dụng từ ngày hiệu lực trở đi: coi là đã gồm "
                                           "người của các xã sáp nhập, sẽ giữ nguyên"))})
