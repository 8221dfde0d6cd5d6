"""Reorganisation mover of tasks: tasks still open move to the commune that takes over (with the directives the
commune registered); completed and cancelled tasks stay. Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coso.tasks.models import Directive, Task
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, register_mover


def _open() -> Any:
    return Task.objects.filter(state=Task.State.OPEN)


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_open(), plan)


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    moved = move_by_commune(_open(), plan, actor=actor)
    # The commune's own register of directives goes with it (province directives have no commune code).
    move_by_commune(Directive.objects.exclude(commune_code=""), plan, actor=actor)
    return moved


register_mover("tasks.open", label=_("Nhiệm vụ được giao đang thực hiện"), order=60, count=count, move=move)
