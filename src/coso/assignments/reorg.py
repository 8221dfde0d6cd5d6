"""Reorganisation mover of appointments: decisions recorded and not yet in force move to the commune that takes over, so
that the daily job applies them there on their date (the ended commune can no longer take a position); decisions already
applied stay under the old commune (history, reached through the unit lineage). Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.assignments.models import Decision
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, register_mover


def _pending() -> Any:
    return Decision.objects.filter(status=Decision.Status.PENDING)


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_pending(), plan)


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    return move_by_commune(_pending(), plan, actor=actor)


register_mover("assignments.pending_decisions", label=_("Quyết định bổ nhiệm chưa đến ngày hiệu lực"), order=55, count=count, move=move)
