"""django-ninja's own refusals (a body that is not JSON, a session write without its CSRF token) answer in the API's one
error shape and the user's language, not ninja's English "Cannot parse request body" / "CSRF check Failed"."""

from __future__ import annotations

from django.test import Client

import pytest

from coso.accounts.models import ApiToken
from coso.units.models import Village

pytestmark = pytest.mark.django_db
VILLAGES = "/api/v1/units/villages"


def _error(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, (r.status_code, r.content[:300])
    body = r.json()
    assert set(body) == {"code", "message", "details"}
    return body


@pytest.mark.parametrize("body", ["{bad json", b"{\"name\": \"\xc3\x28\"}", "[" * 100_000, '{"name": "Thôn 1",}'])
def test_a_body_that_is_not_json_is_a_vietnamese_400(login, users, body):
    c = login(users["leader"])
    before = Village.objects.count()
    err = _error(c.post(VILLAGES, body, content_type="application/json"), 400)
    assert err["code"] == "invalid-json"
    assert err["message"].startswith("Không đọc được dữ liệu gửi lên") and "Cannot parse" not in err["message"]
    assert Village.objects.count() == before


def test_a_body_that_is_not_json_in_english_when_chosen(login, users):
    c = login(users["leader"])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    err = _error(c.post(VILLAGES, "{bad json", content_type="application/json"), 400)
    assert err["code"] == "invalid-json" and err["message"].startswith("The data sent could not be read")


def test_a_token_request_with_a_bad_body_gets_the_same_answer(users):
    _token, raw = ApiToken.issue(user=users["leader"], name="test")
    r = Client().post(VILLAGES, "{bad json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert _error(r, 400)["code"] == "invalid-json"


def test_a_session_write_without_the_csrf_token_is_a_vietnamese_403(users):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["leader"])
    before = Village.objects.count()
    err = _error(c.post(VILLAGES, {"name": "Thôn Mới"}, content_type="application/json"), 403)
    assert err["code"] == "csrf-failed" and "CSRF" in err["message"] and err["message"].startswith("Thiếu hoặc sai mã chống giả mạo")
    assert "check Failed" not in err["message"]
    assert Village.objects.count() == before
    c.cookies["django_language"] = "en"  # English chosen (the setlang form would need the CSRF token too)
    err = _error(c.post(VILLAGES, {"name": "Thôn Mới"}, content_type="application/json"), 403)
    assert err["code"] == "csrf-failed" and err["message"].startswith("The anti-forgery (CSRF) token")
