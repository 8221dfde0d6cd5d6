"""Reorganisation mover of funding: the organisations that receive funds and the fund distributions from the
effective month move to the commune that takes over (a village's lines follow the village). An organisation the
target already has (same kind and association) is not duplicated: it is marked inactive and stays, audited.
Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.core.audit import audited_update
from coso.funding.models import FundDistribution, Organisation
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, register_mover
from coso.units.selectors import commune_ids


def _lines(plan: MovePlan) -> Any:
    return FundDistribution.objects.filter(month__gte=plan.effective_on.replace(day=1))


def _targets(plan: MovePlan) -> set[str]:
    return set(plan.commune_map.values()) | set(plan.village_commune.values())


def count(plan: MovePlan) -> dict[str, int]:
    out = count_by_commune(Organisation.objects.filter(active=True), plan)
    for k, n in count_by_commune(_lines(plan), plan, village_field="village").items():
        out[k] = out.get(k, 0) + n
    return out


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    ids = commune_ids(_targets(plan))
    # Organisations the target already has stay with the old commune, inactive.
    for src, target in plan.commune_map.items():
        if src == target:
            continue
        have = set(Organisation.objects.filter(commune_code=target).values_list("kind", "association_code"))
        for org in Organisation.objects.filter(commune_code=src, active=True):
            if (org.kind, org.association_code) in have:
                audited_update(org, actor=actor, changes={"active": False}, verb="reorganisation_merge_duplicate", reason=plan.reference)
    moved = move_by_commune(Organisation.objects.filter(active=True), plan, actor=actor, extra=lambda t: {"commune_id": ids[t]})
    for k, n in move_by_commune(_lines(plan), plan, actor=actor, village_field="village", extra=lambda t: {"commune_id": ids[t]}).items():
        moved[k] = moved.get(k, 0) + n
    return moved


register_mover("funding.lines", label=_("Tổ chức nhận kinh phí và dòng phân bổ quỹ từ tháng hiệu lực"), order=40, count=count, move=move)
