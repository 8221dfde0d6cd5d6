"""Dismissing the public abuse reports of an item a moderator finds fine ("Bỏ qua báo cáo vi phạm"; Decidim's "Unreport",
FixMyStreet's clearing of flags). Before, reports on an item left visible stayed forever: its report count, the
"Gắn cờ / bị báo" tab and the count towards automatic hiding kept them, and only hiding then unhiding cleared them."""

from __future__ import annotations

import html

from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackEvent, FeedbackReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(submit, users):  # type: ignore[no-untyped-def]
    """A published item with two public reports from two addresses (below the automatic hiding's three)."""
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_report(feedback=fb, address="203.0.113.1", reason="Sai sự thật.")
    svc.feedback_report(feedback=fb, address="203.0.113.2", reason="Xúc phạm.")
    fb.refresh_from_db()
    assert fb.report_count == 2 and not fb.hidden
    return fb


def _audits(verb: str = "") -> int:
    qs = AuditLog.objects.filter(object_type="feedback.Feedback")
    return qs.filter(verb=verb).count() if verb else qs.count()


def _flagged_ids(c) -> set[int]:  # type: ignore[no-untyped-def]
    r = c.get("/api/v1/feedback/", {"tab": "flagged"})
    assert r.status_code == 200
    return {row["id"] for row in r.json()["items"]}


def test_a_moderator_dismisses_the_reports_through_the_service(reported, users, login):
    c = login(users["onestop"])
    assert reported.pk in _flagged_ids(c)
    version = reported.version
    fb = svc.feedback_dismiss_reports(feedback=reported, actor=users["onestop"], note="Nội dung đúng sự thật.")
    fb.refresh_from_db()
    assert fb.report_count == 0 and not fb.hidden and fb.is_public and fb.version == version + 1
    # kept, marked dismissed: none counts any more
    assert FeedbackReport.objects.filter(feedback=fb).count() == 2
    assert not FeedbackReport.objects.filter(feedback=fb, dismissed_at__isnull=True).exists()
    assert reported.pk not in _flagged_ids(c)  # out of the "Gắn cờ / bị báo" queue
    event = FeedbackEvent.objects.get(feedback=fb, kind=FeedbackEvent.Kind.DISMISS_REPORTS)
    assert not event.public and event.actor == users["onestop"] and "2 báo cáo" in event.note and "đúng sự thật" in event.note
    # the reasons of the reports stay in the staff history
    assert FeedbackEvent.objects.filter(feedback=fb, kind=FeedbackEvent.Kind.REPORT).count() == 2
    entry = AuditLog.objects.get(object_type="feedback.Feedback", verb="feedback_dismiss_reports")
    assert entry.before["report_count"] == 2 and entry.after["report_count"] == 0 and entry.reason == "Nội dung đúng sự thật."
    # the same reporters cannot report it again (they would hide it again at once, three of them)
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_report(feedback=fb, address="203.0.113.1", reason="Lại sai.")
    assert exc.value.code == "already-reported"
    fb.refresh_from_db()
    assert fb.report_count == 0 and not fb.hidden
    # the automatic hiding counts again from zero: a new reporter's report is the first
    again = svc.feedback_report(feedback=fb, address="203.0.113.9", reason="Lại sai.")
    assert again.report_count == 1 and not again.hidden


def test_dismissed_reporters_cannot_hide_the_item_again(reported, users):
    """Three reporters hide an item; the moderator unhides it (found fine): the same three cannot hide it again."""
    svc.feedback_report(feedback=reported, address="203.0.113.3", reason="Sai.")
    reported.refresh_from_db()
    assert reported.hidden
    fb = svc.feedback_unhide(feedback=reported, actor=users["onestop"], note="Đúng sự thật.")
    for n in (1, 2, 3):
        with pytest.raises(ApplicationError) as exc:
            svc.feedback_report(feedback=fb, address=f"203.0.113.{n}", reason="Lại.")
        assert exc.value.code == "already-reported"
    fb.refresh_from_db()
    assert not fb.hidden and fb.report_count == 0
    assert FeedbackReport.objects.filter(feedback=fb, dismissed_at__isnull=False).count() == 3


def test_nothing_to_dismiss_a_hidden_item_and_other_roles_are_refused(reported, submit, users):
    clean = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    audits = _audits()
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_dismiss_reports(feedback=clean, actor=users["onestop"])
    assert exc.value.code == "no-reports" and exc.value.status == 409
    assert exc.value.message == "Phản ánh không có báo cáo vi phạm nào để bỏ qua."
    with pytest.raises(ApplicationError) as exc:  # a finance officer only reads; a citizen never moderates
        svc.feedback_dismiss_reports(feedback=reported, actor=users["finance"])
    assert exc.value.status == 403
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_dismiss_reports(feedback=reported, actor=users["other_onestop"])
    assert exc.value.status == 404  # another commune's item does not exist for its staff
    # a hidden item found fine is unhidden (which dismisses its reports); one left hidden keeps the reports that hid it
    svc.feedback_hide(feedback=reported, actor=users["onestop"], reason="Đang xem xét.")
    audits = _audits()
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_dismiss_reports(feedback=reported, actor=users["onestop"])
    assert exc.value.code == "feedback-hidden" and exc.value.status == 409
    reported.refresh_from_db()
    assert reported.report_count == 2 and FeedbackReport.objects.filter(feedback=reported).count() == 2
    assert _audits() == audits and not FeedbackEvent.objects.filter(kind=FeedbackEvent.Kind.DISMISS_REPORTS).exists()


def test_the_api_dismisses_the_reports_and_answers_404_for_another_units_item(reported, users, login):
    url = f"/api/v1/feedback/{reported.pk}/dismiss-reports"
    # another commune's moderator: 404, as for an id that does not exist, before the body is looked at
    other = login(users["other_onestop"])
    for body in ({}, {"reason": "x" * 5000}, {"version": 999}):
        r = other.post(url, body, content_type="application/json")
        assert r.status_code == 404, (body, r.content)
    r = other.post(f"/api/v1/feedback/{reported.pk}/moderate", {"action": "dismiss_reports", "reason": "x" * 5000},
                   content_type="application/json")
    assert r.status_code == 404
    assert login(users["citizen"]).post(url, {}, content_type="application/json").status_code == 404
    c = login(users["onestop"])  # the same test client
    r = c.post(url, {"reason": "x" * 301}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error" and "reason" in r.json()["details"]["fields"]
    r = c.post(url, {"version": reported.version + 5}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "feedback-changed"
    assert Feedback.objects.get(pk=reported.pk).report_count == 2 and _audits("feedback_dismiss_reports") == 0
    r = c.post(url, {"reason": "Không vi phạm.", "version": reported.version}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["report_count"] == 0 and r.json()["hidden"] is False
    r = c.post(url, {}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "no-reports"
    r = c.post(f"/api/v1/feedback/{reported.pk}/moderate", {"action": "dismiss_reports"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "no-reports"
    assert _audits("feedback_dismiss_reports") == 1


def test_the_moderation_action_dismisses_the_reports(reported, submit, users, login):
    svc.feedback_report(feedback=reported, address="203.0.113.3", reason="Sai.")  # threshold 3: hidden
    reported.refresh_from_db()
    assert reported.hidden
    svc.feedback_unhide(feedback=reported, actor=users["onestop"], note="Không vi phạm.")
    svc.feedback_report(feedback=reported, address="203.0.113.4", reason="Sai.")
    c = login(users["onestop"])
    r = c.post(f"/api/v1/feedback/{reported.pk}/moderate", {"action": "dismiss_reports", "reason": "Đã xem."},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["report_count"] == 0


def test_the_moderation_page_offers_and_performs_the_dismissal(reported, submit, users, login):
    c = login(users["onestop"])
    manage = reverse("feedback:manage", args=[reported.pk])
    action = reverse("feedback:action", args=[reported.pk, "dismiss_reports"])
    page = c.get(manage).content.decode()
    assert action in page and "Bỏ qua báo cáo vi phạm" in page
    # another commune's moderator: 404, nothing changed
    assert login(users["other_onestop"]).post(action, {"reason": "Đã xem."}).status_code == 404
    assert Feedback.objects.get(pk=reported.pk).report_count == 2
    c = login(users["onestop"])  # the same test client
    r = c.post(action, {"reason": "Không vi phạm.", "version": str(reported.version)})
    assert r.status_code == 302
    follow = html.unescape(c.get(r["Location"]).content.decode())
    assert "Đã bỏ qua các báo cáo vi phạm." in follow and action not in follow
    assert Feedback.objects.get(pk=reported.pk).report_count == 0 and _audits("feedback_dismiss_reports") == 1
    # a stale page: nothing left to dismiss, said on the page, nothing audited
    r = c.post(action, {"reason": "Không vi phạm."})
    assert "Phản ánh không có báo cáo vi phạm nào để bỏ qua." in html.unescape(c.get(r["Location"]).content.decode())
    assert _audits("feedback_dismiss_reports") == 1
    # not offered for an item without reports, nor for a hidden one (its section is "Bỏ ẩn")
    clean = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert reverse("feedback:action", args=[clean.pk, "dismiss_reports"]) not in c.get(reverse("feedback:manage", args=[clean.pk])).content.decode()
    svc.feedback_report(feedback=clean, address="203.0.113.9", reason="Sai.")
    svc.feedback_hide(feedback=clean, actor=users["onestop"], reason="Đang xem.")
    assert reverse("feedback:action", args=[clean.pk, "dismiss_reports"]) not in c.get(reverse("feedback:manage", args=[clean.pk])).content.decode()
