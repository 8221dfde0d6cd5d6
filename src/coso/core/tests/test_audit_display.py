"""The audit page reads like a record, not like Python (issue 13, item 26): field labels, local times,
Vietnamese dates, choice labels; no dicts, no UTC ISO strings."""

from __future__ import annotations

import pytest

from coso.core.audit import audit_log
from coso.core.audit_display import field_changes, format_value

pytestmark = pytest.mark.django_db


def test_values_are_formatted_for_people():
    assert format_value("2026-03-05T01:30:00+00:00") == "08:30 05/03/2026"  # UTC → Asia/Ho_Chi_Minh
    assert format_value("2026-03-05") == "05/03/2026"
    assert format_value(True) == "Có" and format_value(False) == "Không"
    assert format_value(None) == "—" and format_value("") == "—"
    assert format_value(["a", "b"]) == "a, b"
    assert format_value({"x": 1}) == "x: 1"


def test_audit_page_shows_labels_and_local_times(login, users):
    audit_log(
        actor=users["province_admin"],
        action="update",
        object_type="units.AdministrativeUnit",
        object_id=1,
        object_repr="Phường Sài Gòn",
        before={"population": 1, "valid_to": None},
        after={"population": 2, "valid_to": "2025-06-30"},
    )
    audit_log(actor=users["province_admin"], action="action", object_type="test.Thing", object_id=2, after={"sent_at": "2026-03-05T01:30:00+00:00"})
    resp = login(users["province_admin"]).get("/audit/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "{&#x27;" not in html and "{'" not in html  # no Python dicts
    assert "+00:00" not in html and "T01:30" not in html  # no UTC ISO strings
    assert "08:30 05/03/2026" in html
    assert "30/06/2025" in html
    assert "1 → 2" in html


def test_field_changes_uses_model_labels():
    entry = audit_log(
        actor=None, action="update", object_type="units.AdministrativeUnit", object_id=1, before={"population": 1}, after={"population": 2}
    )
    rows = field_changes(entry)
    assert len(rows) == 1 and rows[0]["label"] != "population" and rows[0]["before"] == "1" and rows[0]["after"] == "2"


def test_choice_codes_show_their_labels():
    from coso.accounts.roles import Role

    entry = audit_log(
        actor=None, action="update", object_type="accounts.User", object_id=1, before={"role": Role.SPECIALIST}, after={"role": Role.COMMUNE_LEADER}
    )
    row = field_changes(entry)[0]
    assert row["before"] == str(Role.SPECIALIST.label) and row["after"] == str(Role.COMMUNE_LEADER.label)
