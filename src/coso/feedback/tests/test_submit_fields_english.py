"""The field messages of a submission (no text, no commune, a bad phone number...), of an officer's score outside 1–5 and
of a forwarding to the item's own commune or outside the province were plain Vietnamese strings, shown in Vietnamese on
English pages and API answers. They are translated now (Vietnamese by default), the codes unchanged."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text", "phone"), [
    ("vi", "Vui lòng nhập nội dung phản ánh.", "Số điện thoại không hợp lệ."),
    ("en", "Please enter the text of the feedback.", "Invalid phone number."),
])
def test_a_submission_names_its_faults_in_the_readers_language(english_catalogue, client, cats, commune, language, text, phone):
    client.cookies["django_language"] = language
    r = client.post("/api/v1/feedback/", {"category": "MT", "commune": commune.code, "text": "", "contact_name": "Lan",
                                          "contact_phone": "abc"})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error"
    assert body["details"]["fields"]["text"] == [text]
    assert body["details"]["fields"]["contact_phone"] == [phone]
    assert body["message"] == text


def test_an_officer_score_and_a_forwarding_name_their_faults_in_english(english_catalogue, login, users, submit, commune):
    fb = submit(actor=users["citizen"])
    c = login(users["onestop"])
    c.cookies["django_language"] = "en"
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "forward", "target": "commune", "target_commune": commune.code,
                                                      "reason": "Không thuộc thẩm quyền."}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["details"]["fields"]["target_commune"] == ["Choose another commune or ward."]
    c = login(users["citizen"])
    c.cookies["django_language"] = "en"
    r = c.post(f"/api/v1/feedback/{fb.pk}/rate", {"rating": "useful", "officer_rating": 7}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["details"]["fields"]["officer_rating"] == ["From 1 to 5."]
