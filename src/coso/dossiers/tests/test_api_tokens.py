"""Issue 13 item 1: integrations write with an API token and no CSRF token; browser sessions keep CSRF."""

from __future__ import annotations

from django.test import Client

import pytest

from coso.accounts.models import ApiToken
from coso.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _intake(version, name: str) -> dict:  # type: ignore[no-untyped-def]
    return {"procedure_code": version.procedure.code, "applicant_name": name, "applicant_phone": "0912345678",
            "documents": ["Tờ khai đăng ký khai sinh"]}


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"])
def test_token_requests_write_without_csrf(users, version, header):
    _token, raw = ApiToken.issue(user=users["onestop"], name="Cổng DVC")
    c = Client(enforce_csrf_checks=True)  # a real client: no session, no CSRF cookie
    auth = {header: f"Bearer {raw}" if header == "HTTP_AUTHORIZATION" else raw}
    r = c.post("/api/v1/dossiers/intake", _intake(version, "Phạm Minh Tuấn"), content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    body = r.json()
    r = c.post(f"/api/v1/dossiers/{body['id']}/actions/forward", {"version": body["version"]}, content_type="application/json", **auth)
    assert r.status_code == 200, r.content
    assert Dossier.objects.get(pk=body["id"]).waiting_role == "specialist"


def test_token_wins_over_a_session_cookie_without_csrf(users, version):
    _token, raw = ApiToken.issue(user=users["onestop"], name="Cổng DVC")
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["citizen"])
    r = c.post("/api/v1/dossiers/intake", _intake(version, "Lê Thị Mai"), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201, r.content
    assert Dossier.objects.get(pk=r.json()["id"]).received_by == users["onestop"]


def test_session_writes_still_need_the_csrf_token(users, version):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake(version, "Phạm Minh Tuấn"), content_type="application/json")
    assert r.status_code == 403 and set(r.json()) == {"code", "message", "details"}
    assert not Dossier.objects.exists()
    # A wrong token does not bypass it either: the session is used, with its CSRF check.
    r = c.post("/api/v1/dossiers/intake", _intake(version, "Phạm Minh Tuấn"), content_type="application/json", HTTP_AUTHORIZATION="Bearer coso_wrong")
    assert r.status_code == 403 and not Dossier.objects.exists()
    c.get("/", follow=True)  # the page sets the CSRF cookie
    r = c.post("/api/v1/dossiers/intake", _intake(version, "Phạm Minh Tuấn"), content_type="application/json",
               HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value)
    assert r.status_code == 201, r.content
