"""A JSON body the API cannot read is refused in Vietnamese, in the one error shape (django-ninja says it in English)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", ["{", '{"key": ' + "[" * 5000 + "]" * 5000 + "}", '{"value": 1' + "0" * 5000 + "}"])
def test_an_unreadable_json_body_is_refused_in_vietnamese(login, users, body):
    c = login(users["province_admin"])
    r = c.post("/api/v1/rules/changes", body, content_type="application/json")
    assert r.status_code == 400
    data = r.json()
    assert set(data) == {"code", "message", "details"} and data["code"] == "invalid-json"
    assert "Cannot parse" not in data["message"] and "Không đọc được dữ liệu gửi lên" in data["message"]
