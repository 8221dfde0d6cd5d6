"""Reorganisation mover of cadre planning: a commune's planning lists move to the commune that takes over. When
that commune already has a list for the same term and position (its own, or one moved from another commune of the same
merger), the candidates join it and the old list stays (empty) as history. A person active in both lists keeps one entry
(the one approved first) and the other is closed as merged, naming the entry kept (``_close_duplicates``; the preview
warns of them with ``count_duplicates``). Open
appointment proposals and postgraduate requests still under way move as well (movers ``planning.appointment_proposals``
and ``planning.postgrad_requests``, so that the preview counts them). Registered with ``coso.units.reorg``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.audit import audited_update
from coso.planning.models import AppointmentProposal, Candidate, PlanningList, PostgradRequest, RemovalProposal
from coso.units.reorg import MovePlan, Note, _audit_move, count_by_commune, move_by_commune, move_dependents, register_mover


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(PlanningList.objects.all(), plan)


def _joins(plan: MovePlan) -> list[tuple[PlanningList, PlanningList, str]]:
    """The lists that join another one, in the order the move joins them: (source list, list it joins, commune that takes
    over). The lists each target will hold are its own and those of the sources that move whole (several communes merging
    into one may each have a list of the same term and position: the first moves, the next ones join it)."""
    joins: list[tuple[PlanningList, PlanningList, str]] = []
    existing: dict[str, dict[tuple[str, str], PlanningList]] = {}
    for src, target in plan.commune_map.items():
        if src == target:
            continue
        if target not in existing:
            existing[target] = {(pl.term, pl.position_code): pl for pl in PlanningList.objects.filter(commune_code=target)}
        for pl in PlanningList.objects.filter(commune_code=src).order_by("pk"):
            into = existing[target].get((pl.term, pl.position_code))
            if into is None:
                existing[target][(pl.term, pl.position_code)] = pl
                continue
            joins.append((pl, into, target))
    return joins


def count_duplicates(plan: MovePlan) -> dict[str, int]:
    """How many entries the move will close as duplicates (``_close_duplicates``), per commune that takes over: a person
    active in a joining list and in the list it joins (with the entries joined into it before)."""
    out: dict[str, int] = {}
    active: dict[int, set[int]] = {}
    for pl, into, target in _joins(plan):
        if into.pk not in active:
            active[into.pk] = _active_persons(into)
        theirs = _active_persons(pl)
        n = len(theirs & active[into.pk])
        active[into.pk] |= theirs
        if n:
            out[target] = out.get(target, 0) + n
    return out


def _active_persons(pl: PlanningList) -> set[int]:
    return set(Candidate.objects.filter(planning_list=pl, status=Candidate.Status.ACTIVE).values_list("person_id", flat=True))


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    moved: dict[str, int] = {}
    merged: set[int] = set()
    for pl, into, target in _joins(plan):
        src = pl.commune_code
        merged.add(pl.pk)
        closed = _close_duplicates(pl, into, target=target, plan=plan, actor=actor)
        if closed:
            moved[f"duplicates_closed:{target}"] = moved.get(f"duplicates_closed:{target}", 0) + closed
        ids = list(Candidate.objects.filter(planning_list=pl).values_list("pk", flat=True))
        Candidate.objects.filter(pk__in=ids).update(planning_list=into, commune_code=target)
        _audit_move(actor=actor, plan=plan, object_type=Candidate._meta.label, ids=ids, before={"planning_list_id": pl.pk, "commune_code": src},
                    after={"planning_list_id": into.pk, "commune_code": target}, commune_code=target)
        move_dependents(RemovalProposal, parent_field="candidate", parent_ids=ids, src=src, target=target, plan=plan, actor=actor)
        moved[target] = moved.get(target, 0) + 1

    def dependents(ids: list[Any], src: str, target: str) -> None:
        cand = list(Candidate.objects.filter(planning_list_id__in=ids).values_list("pk", flat=True))
        move_dependents(Candidate, parent_field="planning_list", parent_ids=ids, src=src, target=target, plan=plan, actor=actor)
        move_dependents(RemovalProposal, parent_field="candidate", parent_ids=cand, src=src, target=target, plan=plan, actor=actor)

    for k, n in move_by_commune(PlanningList.objects.exclude(pk__in=merged), plan, actor=actor, after_move=dependents).items():
        moved[k] = moved.get(k, 0) + n
    return moved


def _close_duplicates(pl: PlanningList, into: PlanningList, *, target: str, plan: MovePlan, actor: Any) -> int:
    """A person active in both lists (one active entry per person and list): the joined list keeps the entry approved
    first (earlier date of entry; on the same day the joined list's own) and the other is closed as merged on the
    effective date under the reorganisation's decision, its reason naming the entry kept and the commune ``target`` whose list
    it is (``into`` may still be another source's list that moves there whole afterwards). Returns how many were closed."""
    from coso.planning.services import EVENT_MERGED, _event

    theirs = {c.person_id: c for c in Candidate.objects.select_for_update().filter(planning_list=into, status=Candidate.Status.ACTIVE)}
    n = 0
    for cand in Candidate.objects.select_for_update().filter(planning_list=pl, status=Candidate.Status.ACTIVE).order_by("pk"):
        other = theirs.get(cand.person_id)
        if other is None:
            continue
        keep, drop = (cand, other) if cand.entered_on < other.entered_on else (other, cand)
        reason = (f"Trùng quy hoạch khi sắp xếp đơn vị theo {plan.reference}: giữ mục #{keep.pk} (vào quy hoạch ngày "
                  f"{keep.entered_on:%d/%m/%Y} theo {keep.decision}) trong danh sách #{into.pk} của xã/phường mã {target}")[:500]
        on = max(plan.effective_on, drop.entered_on)
        audited_update(drop, actor=actor, verb="planning.merge_duplicate", reason=reason,
                       changes={"status": Candidate.Status.REMOVED, "removed_on": on, "removal_decision": plan.reference[:120], "removal_reason": reason})
        _event(drop, on=on, kind="merged", message=EVENT_MERGED, params={
            "reference": plan.reference, "kept": keep.pk, "entered_on": f"{keep.entered_on:%d/%m/%Y}", "decision": keep.decision, "list": into.pk,
            "commune": target}, actor=actor)
        if keep is cand:
            theirs[cand.person_id] = cand
        n += 1
    return n


# What is still under way goes with the commune too (decided or closed ones stay as history): an open proposal (which
# blocks the person's planning for that post until closed) and a postgraduate request not decided, or approved and
# without a repayment recorded. Each is a mover of its own, so that the preview counts them with the same query the
# move uses (the preview and the result agree).
def _open_proposals() -> Any:
    return AppointmentProposal.objects.filter(status=AppointmentProposal.Status.OPEN)


def _postgrad_under_way() -> Any:
    return PostgradRequest.objects.filter(Q(status=PostgradRequest.Status.SUBMITTED) | Q(status=PostgradRequest.Status.APPROVED, repay_case=""))


def _mover_of(records: Callable[[], Any]) -> tuple[Callable[[MovePlan], dict[str, int]], Callable[..., dict[str, int]]]:
    def count_(plan: MovePlan) -> dict[str, int]:
        return count_by_commune(records(), plan)

    def move_(plan: MovePlan, *, actor: Any) -> dict[str, int]:
        return move_by_commune(records(), plan, actor=actor)

    return count_, move_


register_mover("planning.lists", label=_("Danh sách quy hoạch cán bộ"), order=50, count=count, move=move,
               notes={"duplicates_closed": Note(_("Hồ sơ quy hoạch trùng người đã đóng"), count=count_duplicates,
                                                ahead=_("Hồ sơ quy hoạch trùng người sẽ đóng (giữ hồ sơ vào quy hoạch trước)"))})
_c, _m = _mover_of(_open_proposals)
register_mover("planning.appointment_proposals", label=_("Đề nghị bổ nhiệm, giới thiệu ứng cử đang xem xét"), order=51, count=_c, move=_m)
_c, _m = _mover_of(_postgrad_under_way)
register_mover("planning.postgrad_requests", label=_("Đề nghị cử đi đào tạo sau đại học đang giải quyết"), order=52, count=_c, move=_m)
