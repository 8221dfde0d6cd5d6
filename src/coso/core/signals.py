"""Signals shared by the apps.

``records_changed_in_bulk``: a queryset write that Django sends no per-object ``post_save`` for
(``QuerySet.update()``) is announced with the ids of the records it touches, so that
derived data (the Decision 766 rollups of ``coso.indices``) stays right. It is sent *before*
the rows change, inside the writing transaction: a listener can read the old values (e.g. the old day a
record counted on) and act on commit. A model's manager opts in with :class:`coso.core.models.ChangeSignallingQuerySet`.
Senders may be named by label ("dossiers.Dossier"), as for Django's model signals.
"""

from __future__ import annotations

from django.db.models.signals import ModelSignal

# Arguments: sender (the model), pks (ids of the records, see ``ChangeSignallingQuerySet.record_field``), using (database alias).
records_changed_in_bulk = ModelSignal(use_caching=True)
