"""Event-driven update of the rollups: when a dossier, its rating or attachments, or a feedback item is saved,
the rollups of its commune and days are re-counted through the job queue once the transaction commits.

The periodic job (``indices_rollups``) re-counts whatever changed since its last run anyway, so a
lost event only delays a figure until then. Senders are named by label: no model of another app is imported.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _enqueue(dossier_ids: list[int], feedback_ids: list[int]) -> None:
    try:
        from coso.indices.tasks import refresh_records_task

        refresh_records_task(dossier_ids, feedback_ids)
    except Exception:  # noqa: BLE001 -- never fail the user's action; the periodic job catches up
        logger.exception("indices: event-driven rollup update failed (the periodic job will catch up)")


def _dossier_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    pk = getattr(instance, "dossier_id", None) or instance.pk
    if getattr(settings, "COSO_INDICES_LIVE", True) and pk:
        transaction.on_commit(lambda: _enqueue([pk], []))


def _feedback_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(settings, "COSO_INDICES_LIVE", True) and instance.pk:
        transaction.on_commit(lambda: _enqueue([], [instance.pk]))


def connect() -> None:
    post_save.connect(_dossier_saved, sender="dossiers.Dossier", dispatch_uid="indices-dossier")
    post_save.connect(_dossier_saved, sender="dossiers.DossierRating", dispatch_uid="indices-dossier-rating")
    post_save.connect(_dossier_saved, sender="dossiers.DossierAttachment", dispatch_uid="indices-dossier-attachment")
    post_save.connect(_feedback_saved, sender="feedback.Feedback", dispatch_uid="indices-feedback")
