"""A reason or note too long is refused naming the field in the reader's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_too_long_reason_names_the_field_in_english_and_in_vietnamese(client, users, receive):
    d = receive()
    client.force_login(users["onestop"])
    url = f"/api/v1/dossiers/{d.pk}/actions/refuse"
    body = {"version": d.version, "reason": "x" * 4001}
    r = client.post(url, body, content_type="application/json", secure=True)
    assert r.status_code == 400 and r.json()["message"].startswith("Lý do dài quá")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.post(url, body, content_type="application/json", secure=True)
    assert r.status_code == 400 and r.json()["message"].startswith("Reason "), r.json()
    assert "Lý do" not in r.json()["message"]
