"""Reorganisation mover of appointments: decisions recorded and not yet in force move to the commune that takes over, so
that the daily job applies them there on their date (the ended commune can no longer take a position); decisions already
applied stay under the old commune (history, reached through the unit lineage). A decision for a post the commune that
takes over lacks is returned to the officers with the reason (see ``move``). Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.assignments.models import Decision
from coso.core.audit import audited_update
from coso.units.reorg import MovePlan, Note, count_by_commune, move_by_commune, register_mover
from coso.workforce import selectors as wf


def _pending() -> Any:
    return Decision.objects.filter(status=Decision.Status.PENDING)


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_pending(), plan)


def _lacking(plan: MovePlan) -> dict[int, tuple[str, str]]:
    """The pending decisions whose post the commune taking over does not have on their effective date (a job position the
    ended commune defined for itself): decision id → (commune taking over, reason for the officers)."""
    lacking: dict[int, tuple[str, str]] = {}
    catalogues: dict[tuple[str, Any], dict[str, dict[str, Any]]] = {}
    for src, target in plan.commune_map.items():
        if src == target:
            continue
        for d in _pending().filter(commune_code=src).order_by("pk"):
            key = (target, d.effective_on)
            if key not in catalogues:
                catalogues[key] = wf.position_catalogue(plan.province_code, target, on=d.effective_on)
            if d.position_code not in catalogues[key]:
                name = str(wf.position_catalogue(plan.province_code, src, on=d.effective_on).get(d.position_code, {}).get("name", d.position_code))
                lacking[d.pk] = (target, (f"Khi sắp xếp đơn vị theo {plan.reference}, xã/phường tiếp nhận không có vị trí “{name}” trong danh mục "
                                          f"vị trí việc làm vào ngày {d.effective_on:%d/%m/%Y}: quyết định không thực hiện được, cần ban hành "
                                          f"quyết định mới cho vị trí tương ứng.")[:500])
    return lacking


def count_returned(plan: MovePlan) -> dict[str, int]:
    """How many pending decisions the move will return (``_lacking``), per commune taking over: the preview warns of them."""
    out: dict[str, int] = {}
    for target, _reason in _lacking(plan).values():
        out[target] = out.get(target, 0) + 1
    return out


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    """Move the pending decisions; those whose post the commune taking over does not have on their effective date (a job
    position the ended commune defined for itself) move too but are returned: a signed decision names its post, so no
    other post is chosen for it; the officers see the reason and issue a new decision. The daily job leaves it alone (it
    failed on it every day) and it no longer holds a vacancy. Counted in the result as ``returned:<commune>``."""
    lacking = _lacking(plan)
    moved = move_by_commune(_pending(), plan, actor=actor)
    for d in Decision.objects.select_for_update().filter(pk__in=list(lacking)).order_by("pk"):
        audited_update(d, actor=actor, verb="assignments.decision_return", reason=plan.reference,
                       changes={"status": Decision.Status.RETURNED, "return_reason": lacking[d.pk][1]})
        moved[f"returned:{d.commune_code}"] = moved.get(f"returned:{d.commune_code}", 0) + 1
    return moved


register_mover("assignments.pending_decisions", label=_("Quyết định bổ nhiệm chưa đến ngày hiệu lực"), order=55, count=count, move=move,
               notes={"returned": Note(_("Quyết định trả lại, cần quyết định mới"), count=count_returned,
                                       ahead=_("Quyết định bổ nhiệm sẽ trả lại vì xã, phường tiếp nhận không có vị trí trong danh mục; cần quyết định mới"))})
