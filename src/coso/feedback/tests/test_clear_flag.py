"""Clearing the wording flag of an item a moderator has read and found fine ("Bỏ cờ từ ngữ"; FixMyStreet's moderators
clear flags). Before, an item flagged at submission for its wording stayed in the "Gắn cờ / bị báo" tab for good, published,
answered and closed alike: nothing cleared the flag."""

from __future__ import annotations

import html

from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackEvent

pytestmark = pytest.mark.django_db

WORDING = "Cán bộ phường làm việc như đồ ngu với dân, rác ùn ứ cả tuần."


def _flagged_ids(c) -> set[int]:  # type: ignore[no-untyped-def]
    r = c.get("/api/v1/feedback/", {"tab": "flagged"})
    assert r.status_code == 200
    return {row["id"] for row in r.json()["items"]}


def _audits() -> int:
    return AuditLog.objects.filter(object_type="feedback.Feedback", verb="feedback_clear_flag").count()


def test_a_moderator_clears_the_flag_through_the_service(submit, users, login):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"], text=WORDING), actor=users["onestop"])
    assert fb.flagged and fb.flag_words == ["đồ ngu"]
    c = login(users["onestop"])
    assert fb.pk in _flagged_ids(c)
    done = svc.feedback_clear_flag(feedback=fb, actor=users["onestop"], note="Bức xúc, không xúc phạm cá nhân.")
    done.refresh_from_db()
    assert not done.flagged and done.flag_words == ["đồ ngu"] and done.is_public
    assert fb.pk not in _flagged_ids(c)
    event = FeedbackEvent.objects.get(feedback=fb, kind=FeedbackEvent.Kind.UNFLAG)
    assert not event.public and event.actor == users["onestop"] and "đồ ngu" in event.note
    entry = AuditLog.objects.get(object_type="feedback.Feedback", verb="feedback_clear_flag")
    assert entry.before["flagged"] is True and entry.after["flagged"] is False
    # nothing left to clear; a finance officer (reads only) and another commune's moderator may not
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_clear_flag(feedback=done, actor=users["onestop"])
    assert exc.value.code == "not-flagged" and exc.value.status == 409
    other = submit(actor=users["citizen"], text=WORDING)
    for who, status in (("finance", 403), ("other_onestop", 404)):  # another commune's item does not exist for its staff
        with pytest.raises(ApplicationError) as exc:
            svc.feedback_clear_flag(feedback=other, actor=users[who])
        assert exc.value.status == status, who
    assert Feedback.objects.get(pk=other.pk).flagged and _audits() == 1


def test_the_api_and_the_page_clear_the_flag_and_answer_404_for_another_units_item(submit, users, login):
    fb = submit(actor=users["citizen"], text=WORDING)
    c = login(users["other_onestop"])
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "clear_flag", "reason": "x" * 5000}, content_type="application/json")
    assert r.status_code == 404
    assert c.post(reverse("feedback:action", args=[fb.pk, "clear_flag"]), {"reason": "x" * 5000}).status_code == 404
    assert Feedback.objects.get(pk=fb.pk).flagged
    c = login(users["onestop"])  # the same test client
    page = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert reverse("feedback:action", args=[fb.pk, "clear_flag"]) in page
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "clear_flag", "version": fb.version + 3}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "feedback-changed" and _audits() == 0
    r = c.post(reverse("feedback:action", args=[fb.pk, "clear_flag"]), {"reason": "Đã xem.", "version": str(fb.version)})
    follow = html.unescape(c.get(r["Location"]).content.decode())
    assert r.status_code == 302 and "Đã bỏ cờ từ ngữ." in follow
    assert reverse("feedback:action", args=[fb.pk, "clear_flag"]) not in follow
    assert not Feedback.objects.get(pk=fb.pk).flagged and _audits() == 1
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "clear_flag"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "not-flagged"
    assert r.json()["message"] == "Phản ánh không bị gắn cờ từ ngữ nên không cần bỏ cờ."
    second = submit(actor=users["citizen"], text=WORDING)
    r = c.post(f"/api/v1/feedback/{second.pk}/moderate", {"action": "clear_flag", "reason": "Đã xem."}, content_type="application/json")
    assert r.status_code == 200 and r.json()["flagged"] is False and _audits() == 2
