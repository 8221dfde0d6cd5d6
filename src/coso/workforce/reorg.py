"""Reorganisation mover of the workforce register: people in post move to the commune that takes over their unit.

Their positions, training, disciplines, evaluations and work items move with them; people who have left stay
under the old commune (history, reached through the unit lineage). Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.core.search import search_index_move
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, move_dependents, register_mover
from coso.workforce.models import Discipline, Evaluation, Person, PositionHolding, Training, WorkItem
from coso.workforce.services import SEARCH_KIND

_DEPENDENTS = (PositionHolding, Training, Discipline, Evaluation, WorkItem)


def _in_post() -> Any:
    return Person.objects.filter(left_on__isnull=True)


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_in_post(), plan)


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    def dependents(ids: list[Any], src: str, target: str) -> None:
        for model in _DEPENDENTS:
            move_dependents(model, parent_field="person", parent_ids=ids, src=src, target=target, plan=plan, actor=actor)
        search_index_move(kind=SEARCH_KIND, object_ids=ids, commune_code=target)

    return move_by_commune(_in_post(), plan, actor=actor, after_move=dependents)


register_mover("workforce.people", label=_("Cán bộ, công chức đang công tác (vị trí việc làm)"), order=10, count=count, move=move)
