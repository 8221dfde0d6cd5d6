"""The moderator's note sent with publish, edit, redact and unhide (the API's ``reason``) is held to the page's note field
(``HIDE_REASON_MAX``), as the hiding, the dismissal of reports and the clearing of a flag are: over it a validation error
on ``reason``, nothing written."""

from __future__ import annotations

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback"
LONG = "ghi chú " * 40  # 320 characters
assert len(LONG) > svc.HIDE_REASON_MAX


def _item(action: str, submit, users) -> Feedback:  # type: ignore[no-untyped-def]
    fb = submit(actor=users["citizen"])
    if action == "unhide":
        fb = svc.feedback_publish(feedback=fb, actor=users["onestop"])
        fb = svc.feedback_hide(feedback=fb, actor=users["onestop"], reason="Cần xem lại.")
    return fb


def _state(fb: Feedback) -> tuple[dict, int, int]:
    return (Feedback.objects.filter(pk=fb.pk).values().get(), fb.events.count(),
            AuditLog.objects.filter(object_type="feedback.Feedback", object_id=str(fb.pk)).count())


def _call(action: str, fb: Feedback, actor, note: str) -> Feedback:  # type: ignore[no-untyped-def]
    if action == "publish":
        return svc.feedback_publish(feedback=fb, actor=actor, title="Rác ở đầu hẻm", text=fb.text, note=note)
    if action == "edit":
        return svc.feedback_edit(feedback=fb, actor=actor, title="Rác ở đầu hẻm", text=fb.text, note=note)
    if action == "redact":
        return svc.feedback_redact(feedback=fb, actor=actor, phrases=["đầu hẻm"], note=note)
    return svc.feedback_unhide(feedback=fb, actor=actor, note=note)


def _body(action: str, fb: Feedback, note: str) -> dict:
    body = {"action": action, "reason": note}
    if action in ("publish", "edit"):
        body |= {"title": "Rác ở đầu hẻm", "text": fb.text}
    if action == "redact":
        body |= {"phrases": ["đầu hẻm"]}
    return body


ACTIONS = ["publish", "edit", "redact", "unhide"]


@pytest.mark.parametrize("action", ACTIONS)
def test_the_service_refuses_a_note_over_the_limit(action, submit, users):
    fb = _item(action, submit, users)
    before = _state(fb)
    with pytest.raises(ApplicationError) as exc:
        _call(action, fb, users["onestop"], LONG)
    assert exc.value.code == "validation-error" and "reason" in exc.value.details["fields"]
    assert _state(fb) == before
    _call(action, fb, users["onestop"], "n" * svc.HIDE_REASON_MAX)  # at the limit: taken whole
    assert AuditLog.objects.filter(object_id=str(fb.pk), reason="n" * svc.HIDE_REASON_MAX).exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_the_api_refuses_a_note_over_the_limit(action, submit, users, login):
    fb = _item(action, submit, users)
    before = _state(fb)
    # another commune's moderator: 404 as for an item that does not exist, before the note is looked at
    assert login(users["other_onestop"]).post(f"{API}/{fb.pk}/moderate", _body(action, fb, LONG),
                                              content_type="application/json").status_code == 404
    c = login(users["onestop"])
    r = c.post(f"{API}/{fb.pk}/moderate", _body(action, fb, LONG), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "validation-error" and "reason" in r.json()["details"]["fields"] and "300" in r.json()["message"]
    assert _state(fb) == before
    r = c.post(f"{API}/{fb.pk}/moderate", _body(action, fb, "Đã xem."), content_type="application/json")
    assert r.status_code == 200, r.content
