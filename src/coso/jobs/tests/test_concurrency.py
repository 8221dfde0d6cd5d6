"""Concurrency on PostgreSQL: the same export asked for twice at once (a double click) makes one job, one file."""

from __future__ import annotations

from django.db import connection

import pytest

from coso.core.tests.threads import side_by_side
from coso.jobs import services, tasks
from coso.jobs.models import ExportJob

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]

PARAMS = {"format": "xlsx", "start": "2026-01-01", "end": "2026-03-31"}


def test_one_export_asked_for_twice_at_once(users, monkeypatch):
    monkeypatch.setattr(tasks, "run_export_task", lambda job_id: None)  # queued, not run: both requests see it waiting

    def ask():  # type: ignore[no-untyped-def]
        return services.export_request(actor=users["onestop"], kind="dossiers.register", params=PARAMS)

    results, errors, _waited = side_by_side(monkeypatch, services, "audit_log", ask, ask)
    assert not errors, errors
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert ExportJob.objects.count() == 1
