"""What a forward writes: the step it closes and the one it opens (in one statement), and on the dossier's row only
the columns the action changed."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from coso.dossiers.models import DossierStep

pytestmark = pytest.mark.django_db


def _forward(client, d):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/dossiers/{d.pk}/actions/forward", {"version": d.version}, content_type="application/json", secure=True)


def test_forward_closes_the_step_and_opens_the_next(client, users, receive):
    d = receive()
    client.force_login(users["onestop"])
    r = _forward(client, d)
    assert r.status_code == 200, r.content
    steps = {s.order: s for s in DossierStep.objects.filter(dossier=d)}
    assert steps[1].finished_at is not None and steps[1].handled_by_id == users["onestop"].pk
    assert steps[2].started_at == steps[1].finished_at and steps[2].finished_at is None and steps[2].handled_by_id is None
    assert steps[3].started_at is None and steps[4].started_at is None and steps[3].finished_at is None
    client.force_login(users["specialist"])
    d.refresh_from_db()
    assert _forward(client, d).status_code == 200
    steps = {s.order: s for s in DossierStep.objects.filter(dossier=d)}
    assert steps[1].handled_by_id == users["onestop"].pk  # the first step keeps who handled it
    assert steps[2].finished_at is not None and steps[2].handled_by_id == users["specialist"].pk
    assert steps[3].started_at == steps[2].finished_at and steps[4].started_at is None


def test_forward_writes_the_steps_once_and_only_changed_columns(client, users, receive):
    d = receive()
    client.force_login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        assert _forward(client, d).status_code == 200
    step_writes = [x["sql"] for x in q.captured_queries if x["sql"].startswith('UPDATE "dossiers_dossierstep"')]
    assert len(step_writes) == 1
    dossier_writes = [x["sql"] for x in q.captured_queries if x["sql"].startswith('UPDATE "dossiers_dossier"')]
    assert len(dossier_writes) == 1
    written = dossier_writes[0]
    for column in ("current_step", "version", "updated_at", "waiting_role"):
        assert f'"{column}"' in written
    for column in ("applicant_name", "applicant_citizen_id", "code", "due_date", "has_input_files"):
        assert f'"{column}" =' not in written



def test_forward_reads_the_dossier_row_once(client, users, receive):
    """The scope is checked on the locked row: no separate read of the dossier before the transaction."""
    d = receive()
    client.force_login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        assert _forward(client, d).status_code == 200
    reads = [x["sql"] for x in q.captured_queries if x["sql"].startswith("SELECT") and 'FROM "dossiers_dossier" ' in x["sql"]]
    assert len(reads) == 1
    assert "FOR UPDATE" in reads[0] or not connection.features.has_select_for_update


def test_another_communes_dossier_is_not_found_whatever_the_input(client, users, receive):
    d = receive()
    client.force_login(users["other_onestop"])
    for action, body in [("forward", {"version": d.version}), ("bogus", {"version": d.version}), ("refuse", {"version": d.version, "reason": ""}),
                         ("forward", {"version": d.version, "reason": "x" * 100_000})]:
        r = client.post(f"/api/v1/dossiers/{d.pk}/actions/{action}", body, content_type="application/json", secure=True)
        assert r.status_code == 404, (action, r.content)
