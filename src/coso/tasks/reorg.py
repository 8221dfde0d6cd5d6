"""Reorganisation mover of tasks: what is still under way moves to the commune that takes over, finished records stay under
the old code (reached through the unit lineage), and a directive always ends up with its tasks.

- A task of a province's directive (commune_code ""): open, it moves; completed or stopped, it stays.
- A commune's own directive (it gives tasks to that commune only) moves as one record with its tasks: while it is under
  way (an open task, or no task given yet) the directive and *all* its tasks move, the closed ones too (as a planning
  list moves with its closed entries); once every task of it is completed or stopped it stays with them as history.
  Moving the directive alone would leave its closed tasks under the old code while the directive (and its number in the
  register) went to the commune that takes over; moving its open tasks alone would leave them under a directive the new
  commune cannot manage (extensions, stopping).

Registered with ``coso.units.reorg``."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from coso.tasks.models import Directive, Task
from coso.units.reorg import MovePlan, count_by_commune, move_by_commune, register_mover


def _directives_under_way() -> Any:
    """A commune's own directives still under way: one with an open task, or with no task given yet."""
    return Directive.objects.exclude(commune_code="").filter(
        Exists(Task.objects.filter(directive=OuterRef("pk"), state=Task.State.OPEN)) | ~Exists(Task.objects.filter(directive=OuterRef("pk")))
    )


def _tasks() -> Any:
    """The tasks that move: every open task, and the closed tasks of a commune's directive still under way."""
    own_open = Exists(Task.objects.filter(directive=OuterRef("directive_id"), state=Task.State.OPEN))
    return Task.objects.filter(Q(state=Task.State.OPEN) | (~Q(directive__commune_code="") & own_open))


def count(plan: MovePlan) -> dict[str, int]:
    return count_by_commune(_tasks(), plan)


def move(plan: MovePlan, *, actor: Any) -> dict[str, int]:
    # The directives first, chosen while their tasks are still where they were (the tasks' move changes no state).
    move_by_commune(_directives_under_way(), plan, actor=actor)
    return move_by_commune(_tasks(), plan, actor=actor)


register_mover("tasks.open", label=_("Nhiệm vụ được giao đang thực hiện"), order=60, count=count, move=move)
