"""Reorganisation mover of the one-stop shop: open dossiers move to the commune that takes over; finished ones stay
under the old commune and are counted under the new one through the unit lineage. Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.core.search import search_index_move
from coso.dossiers.models import Dossier, DossierApology, DossierRating
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, move_dependents, register_mover


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(Dossier.objects.filter(is_open=True), plan)


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    def dependents(ids: list[Any], src: str, target: str) -> None:
        for model in (DossierApology, DossierRating):
            move_dependents(model, parent_field="dossier", parent_ids=ids, src=src, target=target, plan=plan, actor=actor)
        search_index_move(kind="dossier", object_ids=ids, commune_code=target)

    return move_by_commune(Dossier.objects.filter(is_open=True), plan, actor=actor, after_move=dependents)


register_mover("dossiers.open", label=_("Hồ sơ thủ tục hành chính đang giải quyết"), order=20, count=count, move=move)
