"""Online submission (POST /api/v1/dossiers/online) by a signed-in member of staff: refused for the role (403) whatever the
body, as the service refuses it for a known procedure; before, an unknown procedure, a missing field or a body that is not
JSON was answered first (unknown-procedure, validation-error, invalid-json)."""

from __future__ import annotations

import pytest

from coso.dossiers.models import Dossier
from coso.dossiers.tests.test_online_unknown_commune import _body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["unknown-procedure", "unknown-commune", "known", "missing-fields", "not-json"])
@pytest.mark.parametrize("who", ["onestop", "specialist", "leader"])
def test_staff_get_the_role_refusal_whatever_the_body(login, users, commune, version, who, body):
    payload = {"unknown-procedure": _body("9.999999", commune.code), "unknown-commune": _body(version.procedure.code, "99999"),
               "known": _body(version.procedure.code, commune.code), "missing-fields": {"procedure_code": "9.999999"}}.get(body)
    c = login(users[who])
    if payload is None:
        r = c.post("/api/v1/dossiers/online", b"{not json", content_type="application/json")
    else:
        r = c.post("/api/v1/dossiers/online", payload, content_type="application/json")
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "forbidden" and r.json()["message"] == "Chỉ công dân có tài khoản được nộp hồ sơ trực tuyến."
    assert Dossier.objects.count() == 0
