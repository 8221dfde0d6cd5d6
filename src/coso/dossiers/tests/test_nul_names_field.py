"""A NUL character (or half of a UTF-16 pair) in one field of a request is refused before any view runs, as before, but
the answer now names that field: the API's one error shape with ``details.fields``, the page's 400 with the field's name
in its message. Nothing is written."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.test import Client

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(users, commune, version):  # type: ignore[no-untyped-def]
    return DossierFactory(staff=users, commune=commune, procedure_version=version)


def _state(d):  # type: ignore[no-untyped-def]
    fresh = Dossier.objects.get(pk=d.pk)
    return fresh.version, fresh.status, fresh.events.count(), AuditLog.objects.count(), Dossier.objects.count()


@pytest.mark.parametrize(("body", "field"), [
    ({"version": 1, "reason": "Thiếu\x00 giấy"}, "reason"),
    (b'{"version": 1, "reason": "x\x00"}', "reason"),
    ('{"version": 1, "reason": "x\\u0000"}', "reason"),
    ('{"version": 1, "reason": "x\\ud800"}', "reason"),
    ({"version": 1, "documents": ["Tờ khai", "Bản\x00 sao"]}, "documents.1"),
])
def test_an_api_action_with_a_nul_names_the_field(login, users, dossier, body, field):
    c = login(users["onestop"])
    before = _state(dossier)
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    r = c.post(f"/api/v1/dossiers/{dossier.pk}/actions/request_supplement", raw, content_type="application/json")
    assert r.status_code == 400, r.content
    out = r.json()
    assert set(out) == {"code", "message", "details"} and out["code"] == "bad-request"
    assert list(out["details"]["fields"]) == [field] and out["details"]["fields"][field][0]
    assert field in out["message"]
    assert _state(dossier) == before


def test_the_intake_api_with_a_nul_in_a_nested_paper_names_it(login, users, version, dossier):
    c = login(users["onestop"])
    before = _state(dossier)
    body = {"procedure_code": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111",
            "documents": [{"name": "Tờ khai\x00", "copies": 1}]}
    r = c.post("/api/v1/dossiers/intake", json.dumps(body), content_type="application/json")
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["documents.0.name"], r.content
    assert _state(dossier) == before


def test_a_query_parameter_with_a_nul_is_named(login, users):
    r = login(users["onestop"]).get("/api/v1/dossiers/stats?start=2026-01-01&end=2026-01%0001")
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["end"], r.content


def test_the_public_lookup_api_names_the_field(version):
    r = Client().get("/api/v1/dossiers/lookup?code=H79%00&phone=0909000111")
    assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["code"], r.content


@pytest.mark.parametrize("content", ["form", "urlencoded"])
def test_the_page_action_form_with_a_nul_names_the_field(login, users, dossier, content):
    c = login(users["onestop"])
    before = _state(dossier)
    data = {"version": dossier.version, "reason": "Thiếu\x00 giấy"}
    url = f"/dossiers/{dossier.pk}/act/request_supplement/"
    r = c.post(url, data) if content == "form" else c.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400
    assert "reason" in r.content.decode()
    assert _state(dossier) == before
