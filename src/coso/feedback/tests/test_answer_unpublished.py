"""Answering an item that moderation has not published yet. Before, "answer and publish" on a pending item closed it
("Đã trả lời, đã công khai") while the item itself was never public: its "published" answer was public nowhere, and the
item skipped moderation. Publishing the answer now waits for the item's publication (``feedback-not-public``, 409);
the answer may be saved unpublished meanwhile."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback"


def _answer_audits(fb: Feedback) -> int:
    return AuditLog.objects.filter(object_type="feedback.Feedback", object_id=str(fb.pk), verb__in=["feedback_answer", "feedback_publish_answer"]).count()


def test_publishing_the_answer_of_a_pending_item_is_refused_and_changes_nothing(submit, users):
    fb = submit(actor=users["citizen"])
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.")
    assert exc.value.code == "feedback-not-public" and exc.value.status == 409
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PENDING and not fb.answer_text and fb.answered_at is None and fb.version == 1
    assert not fb.events.filter(kind__in=[FeedbackEvent.Kind.ANSWER, FeedbackEvent.Kind.PUBLISH_ANSWER]).exists()
    assert _answer_audits(fb) == 0


def test_an_answer_saved_unpublished_is_published_once_the_item_is(submit, users):
    fb = submit(actor=users["citizen"])
    fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.", publish=False)
    assert fb.status == Feedback.Status.ANSWERED and not fb.is_public
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_publish_answer(feedback=fb, actor=users["specialist"])
    assert exc.value.code == "feedback-not-public"
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.ANSWERED and fb.answer_published_at is None and fb.closed_at is None
    fb = svc.feedback_publish(feedback=fb, actor=users["onestop"])
    assert fb.is_public and fb.status == Feedback.Status.ANSWERED
    fb = svc.feedback_publish_answer(feedback=fb, actor=users["specialist"])
    assert fb.status == Feedback.Status.CLOSED and fb.answer_published_at is not None


def test_api_answer_with_publish_on_a_pending_item_answers_409(submit, users, login):
    fb = submit(actor=users["citizen"])
    c = login(users["specialist"])
    r = c.post(f"{API}/{fb.pk}/answer", {"text": "Đã thu gom.", "publish": True}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "feedback-not-public"
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PENDING and not fb.answer_text
    r = c.post(f"{API}/{fb.pk}/answer", {"text": "Đã thu gom.", "publish": False}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = c.post(f"{API}/{fb.pk}/moderate", {"action": "publish_answer"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "feedback-not-public"
    # an item asked for information before its moderation is not public either
    asked = svc.feedback_request_info(feedback=submit(actor=users["citizen"]), actor=users["onestop"], message="Số nhà?")
    r = c.post(f"{API}/{asked.pk}/answer", {"text": "Đã thu gom.", "publish": True}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "feedback-not-public"


def test_page_answer_with_publish_on_a_pending_item_says_why(submit, users, login):
    fb = submit(actor=users["citizen"])
    c = login(users["specialist"])
    r = c.post(reverse("feedback:action", args=[fb.pk, "answer"]), {"text": "Đã thu gom.", "publish": "on"}, follow=True)
    assert r.status_code == 200 and "chưa được kiểm duyệt" in r.content.decode()
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PENDING and not fb.answer_text


def test_manage_page_offers_publishing_the_answer_only_on_a_published_item(submit, users, login):
    fb = submit(actor=users["citizen"])
    c = login(users["specialist"])
    page = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    [box] = re.findall(r'<input[^>]*name="publish"[^>]*>', page)
    assert "checked" not in box  # "answer and publish" is not offered ticked on an item not yet published
    svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.", publish=False)
    page = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert reverse("feedback:action", args=[fb.pk, "publish_answer"]) not in page and "công khai phản ánh trước" in page
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    page = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert reverse("feedback:action", args=[fb.pk, "publish_answer"]) in page
