"""The task-execution pillar of the commune-strength index (coso.indices.strength): tasks assigned by the levels above,
completed on time, as a share of the tasks due (the government's denominator: completed + overdue not completed)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def on_time_provider(ctx: Any) -> dict[str, float | None]:
    if ctx.viewer is None:
        return {}
    from coso.rules.lookup import RuleMissingError
    from coso.tasks.selectors import commune_task_figures

    try:
        figures = commune_task_figures(fetched_by=ctx.viewer, start=ctx.period.start, end=ctx.period.end)
    except RuleMissingError:  # a period before the task rules (10/9/2014) has no deadline rule to count against: no figure
        return dict.fromkeys(ctx.codes)
    out: dict[str, float | None] = {}
    for code in ctx.codes:
        row = figures.get(code) or {}
        due = row.get("due") or 0
        out[code] = round(row.get("completed_on_time", 0) * 100 / due, 2) if due else None
    return out


def register() -> None:
    from coso.indices.strength import register_input

    register_input(
        "tasks.on_time",
        pillar="tasks",
        label=_("Nhiệm vụ cấp trên giao hoàn thành đúng hạn (trên số nhiệm vụ đến hạn)"),
        source=_("Theo dõi nhiệm vụ được giao (Nghị định 09/2019/NĐ-CP)"),
        provider=on_time_provider,
    )
