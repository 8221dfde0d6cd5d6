"""After a reorganisation of communes, the rollups of the communes involved are counted again: the lineage now counts
the ended communes' history (the records they keep under their codes) under the commune that took them over, and the
movers moved open records from one commune to another without the save signals that keep the rollups up to date.
Registered with ``coso.units.reorg.register_after_apply``; the re-count runs once the reorganisation is committed (a
job, as the event-driven updates of ``signals.py``), so that a failure there never undoes a reorganisation."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from coso.units.reorg import MovePlan, register_after_apply

logger = logging.getLogger(__name__)


def communes_of(plan: MovePlan) -> list[str]:
    """The communes whose figures a reorganisation changes: those it ends or splits and those that take them over."""
    return sorted({*plan.commune_map, *plan.commune_map.values(), *plan.village_commune.values()})


def _recount(codes: list[str]) -> None:
    try:
        from coso.indices.tasks import refresh_units_task

        refresh_units_task(codes)
    except Exception:  # noqa: BLE001 -- the reorganisation is committed; `manage.py rebuild_indices` repairs the figures
        logger.exception("indices: re-count of the reorganised communes %s failed", codes)


def after_apply(plan: MovePlan, *, actor: Any = None) -> None:
    codes = communes_of(plan)
    if codes:
        transaction.on_commit(lambda: _recount(codes))


register_after_apply("indices.rollups", after_apply)
