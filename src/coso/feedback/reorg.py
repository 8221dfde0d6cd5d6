"""Reorganisation mover of citizen feedback: feedback still being handled follows its village (or the commune that
takes over), an answer still to be published included; feedback closed (answer published), rejected or forwarded stays
where it was (the history of the commune that answered it). A closed item its sender raises again afterwards goes to the
commune that took over at that moment (``services.feedback_rate``, through the units lineage). Registered with
``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.core.search import search_index_move
from coso.feedback.models import Feedback
from coso.feedback.services import SEARCH_KIND
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, register_mover


def _open() -> Any:
    # ANSWERED: the answer waits for its publication, which only the commune's staff can do (and the leader is told when late)
    return Feedback.objects.filter(status__in=[*Feedback.OPEN_STATUSES, Feedback.Status.ANSWERED])


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_open(), plan, village_field="village")


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    def index(ids: list[Any], src: str, target: str) -> None:
        search_index_move(kind=SEARCH_KIND, object_ids=ids, commune_code=target)

    return move_by_commune(_open(), plan, actor=actor, village_field="village", after_move=index)


register_mover("feedback.open", label=_("Phản ánh, kiến nghị đang xử lý"), order=30, count=count, move=move)
