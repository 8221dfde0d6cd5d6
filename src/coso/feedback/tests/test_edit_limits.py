"""The moderator's edit of the public text is held to the submission's limit. Before, the page's form refused a text over
4,000 characters but the API's edit and publish actions took any length (the model's text column has no limit of its
own), so a text the sender could never have sent went public."""

from __future__ import annotations

import pytest

from coso.core.exceptions import ApplicationError
from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback"


def test_api_edit_and_publish_refuse_a_text_over_the_limit(submit, users, login):
    fb = submit(actor=users["citizen"])
    c = login(users["onestop"])
    too_long = "Rác ùn ứ. " * 500  # 5,000 characters
    for payload in ({"action": "edit", "title": "Rác", "text": too_long}, {"action": "publish", "title": "Rác", "text": too_long}):
        before = Feedback.objects.filter(pk=fb.pk).values().get()
        events = fb.events.count()
        r = c.post(f"{API}/{fb.pk}/moderate", payload, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "validation-error", r.content
        assert "4.000" in r.json()["message"] and r.json()["details"]["fields"] == {"text": [r.json()["message"]]}
        assert Feedback.objects.filter(pk=fb.pk).values().get() == before and fb.events.count() == events
    at_limit = "Rác" + "x" * (svc.TEXT_MAX - 3)
    r = c.post(f"{API}/{fb.pk}/moderate", {"action": "edit", "title": "Rác", "text": at_limit}, content_type="application/json")
    assert r.status_code == 200 and len(r.json()["text"]) == svc.TEXT_MAX


def test_service_edit_refuses_a_text_over_the_limit(submit, users):
    fb = submit(actor=users["citizen"])
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_edit(feedback=fb, actor=users["onestop"], title="Rác", text="a" * (svc.TEXT_MAX + 1))
    assert exc.value.code == "validation-error"
    fb.refresh_from_db()
    assert fb.version == 1 and len(fb.text) < svc.TEXT_MAX
