"""Event-driven update of the rollups: when a dossier, its rating or attachments, or a feedback item is saved,
the rollups of its commune and days are re-counted through the job queue once the transaction commits.

Bulk updates that send no ``post_save`` (``QuerySet.update()``) are announced by the
records' managers (``coso.core.signals.records_changed_in_bulk``, sent before an update): the (commune, day)
pairs the records counted on *before* the change are read then, and re-counted on commit together with
the pairs they count on after it. Deletions likewise (``pre_delete`` / ``post_delete``).

The periodic job (``indices_rollups``) re-counts whatever changed since its last run anyway, so a
lost event only delays a figure until then. Senders are named by label: no model of another app is imported.

The commune-strength index also reads other apps (tasks, workforce, planning: ``STRENGTH_INPUT_APPS``): a row of
theirs saved or deleted bumps the generation of its province's strength inputs (``cache.bump_inputs``), so the index
shows it on the next view; their bulk writes without signals are caught by the inputs' time limit (``STRENGTH_TTL``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete

from coso.core.signals import records_changed_in_bulk

logger = logging.getLogger(__name__)

DOSSIER_SENDERS = ("dossiers.Dossier", "dossiers.DossierRating", "dossiers.DossierAttachment")
FEEDBACK_SENDERS = ("feedback.Feedback",)


def _live() -> bool:
    return bool(getattr(settings, "COSO_INDICES_LIVE", True))


def _enqueue(dossier_ids: list[int], feedback_ids: list[int], keys: list[tuple[str, str]] | None = None) -> None:
    try:
        from coso.indices.tasks import refresh_records_task

        refresh_records_task(dossier_ids, feedback_ids, keys or [])
    except Exception:  # noqa: BLE001 -- never fail the user's action; the periodic job catches up
        logger.exception("indices: event-driven rollup update failed (the periodic job will catch up)")


def _keys_now(*, dossier_ids: list[int] | None = None, feedback_ids: list[int] | None = None) -> list[tuple[str, str]]:
    """The (commune, ISO day) pairs the records count on now (before a change)."""
    from coso.dossiers.selectors import index_dirty_keys as dossier_keys
    from coso.feedback.selectors import index_dirty_keys as feedback_keys

    keys: set[tuple[str, dt.date]] = set()
    if dossier_ids:
        keys |= dossier_keys(pks=dossier_ids)
    if feedback_ids:
        keys |= feedback_keys(pks=feedback_ids)
    return sorted((unit, day.isoformat()) for unit, day in keys)


def _communes(*, dossier_ids: list[int], feedback_ids: list[int]) -> set[str]:
    """The communes of the records (their own codes and the current ones they count under)."""
    from coso.dossiers.selectors import index_dirty_keys as dossier_keys
    from coso.feedback.selectors import index_dirty_keys as feedback_keys

    keys = (dossier_keys(pks=dossier_ids) if dossier_ids else set()) | (feedback_keys(pks=feedback_ids) if feedback_ids else set())
    return {unit for unit, _day in keys}


def _label(sender: Any) -> str:
    return sender._meta.label if hasattr(sender, "_meta") else str(sender)


def _queue_changed(*codes: str) -> None:
    from coso.indices.cache import bump_queue

    try:
        bump_queue(codes)
    except Exception:  # noqa: BLE001 -- never fail the user's action over a cache
        logger.exception("indices: queue cache not invalidated")


def _dossier_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    _queue_changed(getattr(instance, "commune_code", "") or "")
    pk = getattr(instance, "dossier_id", None) or instance.pk
    if _live() and pk:
        transaction.on_commit(lambda: _enqueue([pk], []))


def _feedback_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    _queue_changed(instance.commune_code or "")
    if _live() and instance.pk:
        transaction.on_commit(lambda: _enqueue([], [instance.pk]))


def _changed_in_bulk(sender: Any, pks: list[int], using: str | None = None, **kwargs: Any) -> None:
    """Before a bulk update: note the pairs counted on now, re-count them and the new ones on commit."""
    if not pks:
        return
    ids = list(pks)
    feedback = _label(sender) in FEEDBACK_SENDERS
    _queue_changed(*_communes(dossier_ids=[] if feedback else ids, feedback_ids=ids if feedback else []))
    if not _live():
        return
    if feedback:
        before = _keys_now(feedback_ids=ids)
        transaction.on_commit(lambda: _enqueue([], ids, before), using=using)
    else:
        before = _keys_now(dossier_ids=ids)
        transaction.on_commit(lambda: _enqueue(ids, [], before), using=using)


def _record_deleting(sender: Any, instance: Any, using: str | None = None, **kwargs: Any) -> None:
    """A dossier or feedback item about to be deleted: re-count the pairs it counted on once it is gone."""
    _queue_changed(instance.commune_code or "")
    if not _live() or not instance.pk:
        return
    feedback = _label(sender) in FEEDBACK_SENDERS
    before = _keys_now(feedback_ids=[instance.pk]) if feedback else _keys_now(dossier_ids=[instance.pk])
    transaction.on_commit(lambda: _enqueue([], [], before), using=using)


def _row_deleted(sender: Any, instance: Any, using: str | None = None, **kwargs: Any) -> None:
    """A dossier's rating or attachment deleted: re-count its dossier."""
    pk = getattr(instance, "dossier_id", None)
    if _live() and pk:
        transaction.on_commit(lambda: _enqueue([pk], []), using=using)


def _catalogue_changed(sender: Any, **kwargs: Any) -> None:
    """A procedure, version or step changed: figures 1.3, 3.1 and 3.2 (and every score using them) are computed again."""
    from coso.indices.cache import bump_catalogue

    try:
        bump_catalogue()
    except Exception:  # noqa: BLE001 -- never fail the catalogue edit over a cache
        logger.exception("indices: figures cache not invalidated after a catalogue change")


# Apps whose rows feed the commune-strength index's inputs (see ``strength.py`` and each app's ``indices_inputs``).
STRENGTH_INPUT_APPS = ("tasks", "workforce", "planning")


def _province_of(instance: Any) -> str | None:
    """The province of a row of an input app: its own ``province_code``, else that of the row it belongs to (a task's
    report, a candidate's event); None when it has neither (or the row it belonged to is gone: its own deletion
    bumped the province)."""
    code = getattr(instance, "province_code", None)
    if code is not None:
        return str(code)
    for f in instance._meta.concrete_fields:
        if f.is_relation and f.many_to_one and hasattr(f.related_model, "province_code") and getattr(instance, f.attname, None) is not None:
            try:
                return str(getattr(instance, f.name).province_code)
            except Exception:  # noqa: BLE001 -- deleted with it (cascade): nothing left to bump for
                return None
    return None


def _strength_input_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A row feeding the strength index's inputs changed: the province's strength figures are computed again."""
    from coso.indices.cache import bump_inputs

    if kwargs.get("raw"):  # fixtures loaded as they are
        return
    code = _province_of(instance)
    if code is None:
        return
    try:
        bump_inputs(code)
    except Exception:  # noqa: BLE001 -- never fail the user's action over a cache
        logger.exception("indices: strength inputs cache not invalidated")


def _connect_strength_inputs() -> None:
    from django.apps import apps

    for label in STRENGTH_INPUT_APPS:
        if not apps.is_installed(f"coso.{label}"):
            continue
        for model in apps.get_app_config(label).get_models():
            uid = f"indices-inputs-{model._meta.label}"
            post_save.connect(_strength_input_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_strength_input_changed, sender=model, dispatch_uid=f"{uid}-del")


def connect() -> None:
    _connect_strength_inputs()
    for label in ("procedures.Procedure", "procedures.ProcedureVersion", "procedures.ProcedureStep"):
        post_save.connect(_catalogue_changed, sender=label, dispatch_uid=f"indices-catalogue-{label}")
        post_delete.connect(_catalogue_changed, sender=label, dispatch_uid=f"indices-catalogue-del-{label}")
    post_save.connect(_dossier_saved, sender="dossiers.Dossier", dispatch_uid="indices-dossier")
    post_save.connect(_dossier_saved, sender="dossiers.DossierRating", dispatch_uid="indices-dossier-rating")
    post_save.connect(_dossier_saved, sender="dossiers.DossierAttachment", dispatch_uid="indices-dossier-attachment")
    post_save.connect(_feedback_saved, sender="feedback.Feedback", dispatch_uid="indices-feedback")
    for label in (*DOSSIER_SENDERS, *FEEDBACK_SENDERS):
        records_changed_in_bulk.connect(_changed_in_bulk, sender=label, dispatch_uid=f"indices-bulk-{label}")
    pre_delete.connect(_record_deleting, sender="dossiers.Dossier", dispatch_uid="indices-dossier-delete")
    pre_delete.connect(_record_deleting, sender="feedback.Feedback", dispatch_uid="indices-feedback-delete")
    post_delete.connect(_row_deleted, sender="dossiers.DossierRating", dispatch_uid="indices-rating-delete")
    post_delete.connect(_row_deleted, sender="dossiers.DossierAttachment", dispatch_uid="indices-attachment-delete")
