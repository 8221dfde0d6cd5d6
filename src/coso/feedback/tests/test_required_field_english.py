"""A required field left empty in a feedback action (answer, reject, hide, ask for information, forward, edit, supplement)
named its field in the error's details with "Bắt buộc." in every language: the message was a plain string, never
translated. It is now translated (English "Required."), as the other apps' field errors."""

from __future__ import annotations

from django.utils import translation

import pytest

from coso.core.exceptions import ApplicationError
from coso.feedback import services as svc

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("call", "field"), [
    (lambda fb, u: svc.feedback_answer(feedback=fb, actor=u, text="", publish=False), "text"),
    (lambda fb, u: svc.feedback_reject(feedback=fb, actor=u, reason=""), "reason"),
    (lambda fb, u: svc.feedback_hide(feedback=fb, actor=u, reason=""), "reason"),
    (lambda fb, u: svc.feedback_request_info(feedback=fb, actor=u, message=""), "message"),
    (lambda fb, u: svc.feedback_forward(feedback=fb, actor=u, target="commune", reason=""), "reason"),
    (lambda fb, u: svc.feedback_edit(feedback=fb, actor=u, title="Rác", text=""), "text"),
])
def test_a_missing_field_is_named_in_the_readers_language(submit, users, call, field):
    fb = submit(actor=users["citizen"])
    for language, expected in (("vi", "Bắt buộc."), ("en", "Required.")):
        with translation.override(language), pytest.raises(ApplicationError) as exc:
            call(fb, users["onestop"])
        assert exc.value.details["fields"][field] == [expected]


def test_the_api_names_the_missing_field_in_english(login, users, submit):
    fb = submit(actor=users["citizen"])
    c = login(users["onestop"])
    c.cookies["django_language"] = "en"  # English chosen
    r = c.post(f"/api/v1/feedback/{fb.pk}/answer", {"text": "", "publish": False}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["details"]["fields"]["text"] == ["Required."]
