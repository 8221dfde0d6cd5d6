"""A redaction replaces each phrase with "[đã ẩn]", which is longer than a short phrase: the redacted text could grow past
the 4,000 characters the edit refuses (and the title past its 200, silently cut). Such a redaction is now refused with
the edit's error for a too-long text (or title), nothing saved; a redaction that fits is kept as before."""

from __future__ import annotations

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback"
# 3,990 characters with ten "ông Tư": each becomes "[đã ẩn]" (one character longer), 4,000 in all, at the limit
NEAR = ("Nhà ông Tư xả rác ra đường. " * 10) + "x" * (3990 - 280)
assert len(NEAR) == 3990


def _state(fb: Feedback) -> tuple:
    return (Feedback.objects.filter(pk=fb.pk).values().get(), fb.events.count(),
            AuditLog.objects.filter(object_type="feedback.Feedback", object_id=str(fb.pk)).count())


def test_the_service_refuses_a_redaction_past_the_text_limit(submit, users):
    fb = submit(actor=users["citizen"], text=NEAR + "ông Tư")  # eleven: 4,001 once redacted
    before = _state(fb)
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_redact(feedback=fb, actor=users["onestop"], phrases=["ông Tư"], patterns=False)
    with pytest.raises(ApplicationError) as edit:
        svc.feedback_edit(feedback=fb, actor=users["onestop"], title=fb.title, text="a" * (svc.TEXT_MAX + 1))
    assert exc.value.code == edit.value.code == "validation-error"
    assert exc.value.message == edit.value.message and exc.value.details == edit.value.details
    assert _state(fb) == before


def test_the_service_keeps_a_redaction_at_the_limit(submit, users):
    fb = submit(actor=users["citizen"], text=NEAR)
    fb = svc.feedback_redact(feedback=fb, actor=users["onestop"], phrases=["ông Tư"], patterns=False)
    fb.refresh_from_db()
    assert len(fb.text) == svc.TEXT_MAX and "ông Tư" not in fb.text


def test_the_service_refuses_a_redaction_past_the_title_limit(submit, users):
    title = "Ô " * 99 + "x"  # 199 characters; ninety-nine "Ô" each become seven characters
    fb = submit(actor=users["citizen"], title=title)
    before = _state(fb)
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_redact(feedback=fb, actor=users["onestop"], phrases=["Ô"], patterns=False)
    assert "title" in exc.value.details["fields"]
    assert _state(fb) == before


def test_the_api_refuses_a_redaction_past_the_text_limit(submit, users, login):
    fb = submit(actor=users["citizen"], text=NEAR + "ông Tư")
    c = login(users["onestop"])
    before = _state(fb)
    r = c.post(f"{API}/{fb.pk}/moderate", {"action": "redact", "phrases": ["ông Tư"]}, content_type="application/json")
    assert r.status_code == 400, r.content
    edit = c.post(f"{API}/{fb.pk}/moderate", {"action": "edit", "title": fb.title, "text": "a" * (svc.TEXT_MAX + 1)},
                  content_type="application/json")
    assert edit.status_code == 400
    assert r.json() == edit.json()
    assert r.json()["details"]["fields"] == {"text": [r.json()["message"]]} and "4.000" in r.json()["message"]
    assert _state(fb) == before
