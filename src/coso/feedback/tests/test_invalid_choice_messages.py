"""A rating or a forwarding target outside the choices was refused with "Không hợp lệ." on its field, in every language and
without saying what was wrong. The field now says which values are accepted, in the reader's language; the code is kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "Mức đánh giá phải là một trong: useful, not_useful, reraised."),
    ("en", "The rating must be one of: useful, not_useful, reraised."),
])
def test_an_unknown_rating_names_the_accepted_ones(english_catalogue, login, users, submit, language, expected):
    fb = submit(actor=users["citizen"])
    c = login(users["citizen"])
    c.cookies["django_language"] = language
    r = c.post(f"/api/v1/feedback/{fb.pk}/rate", {"rating": "excellent"}, content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error"
    assert body["details"]["fields"]["rating"] == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("vi", "Nơi chuyển đến phải là một trong: commune, province, external."),
    ("en", "The target must be one of: commune, province, external."),
])
def test_an_unknown_forwarding_target_names_the_accepted_ones(english_catalogue, login, users, submit, language, expected):
    fb = submit(actor=users["citizen"])
    c = login(users["onestop"])
    c.cookies["django_language"] = language
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "forward", "target": "ministry", "reason": "Không thuộc thẩm quyền."},
               content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error"
    assert body["details"]["fields"]["target"] == [expected]
    fb.refresh_from_db()
    assert fb.status == "pending"
