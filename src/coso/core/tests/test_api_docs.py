"""The API docs page loads its assets from the app itself (issue 13, item 17): the CSP allows 'self' only."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders

import pytest

pytestmark = pytest.mark.django_db


def test_docs_reference_only_same_origin_assets(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200
    html = resp.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(r.endswith("swagger-ui-bundle.js") for r in refs)
    assert any(r.endswith("swagger-ui.css") for r in refs)
    for ref in refs:
        assert ref.startswith("/"), ref
        assert not ref.startswith("//"), ref
        assert "cdn" not in ref
    for ref in refs:
        if ref.startswith("/static/"):
            assert finders.find(ref.removeprefix("/static/")), ref
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp


def test_openapi_schema_still_served(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    assert resp.json()["info"]["title"] == "Coso API"
