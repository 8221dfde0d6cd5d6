"""Bad input on the feedback pages: a clear error on the page (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import html
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from coso.feedback.tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db

NOT_IDS = ["²", "١٢", "18446744073709551617", "2147483648", "-1", "1e3", " 1", "9" * 5000]  # the last: more digits than int() reads


@pytest.mark.parametrize("value", NOT_IDS)
def test_assigning_someone_whose_id_is_not_one_is_refused(login, users, submit, value):
    fb = submit(actor=users["citizen"])
    c = login(users["leader"])
    assigned, audit = fb.assigned_to_id, AuditLog.objects.count()
    r = c.post(reverse("feedback:action", args=[fb.pk, "assign"]), {"assignee": value})
    assert r.status_code == 302
    fb.refresh_from_db()
    assert fb.assigned_to_id == assigned and AuditLog.objects.count() == audit
    assert "Người được giao phải là cán bộ của xã." in html.unescape(c.get(r["Location"]).content.decode())


@pytest.mark.parametrize("value", NOT_IDS)
def test_redacting_with_an_attachment_id_that_is_not_one_hides_no_file(login, users, submit, media, value):
    fb = submit(actor=users["citizen"], files=[SimpleUploadedFile("a.jpg", jpeg_with_gps())])
    att = FeedbackAttachment.objects.get()
    r = login(users["leader"]).post(reverse("feedback:action", args=[fb.pk, "redact"]), {"phrases": "", "attachment": [value]}, follow=True)
    assert r.status_code == 200 and "Đã ẩn thông tin cá nhân." in html.unescape(r.content.decode())
    att.refresh_from_db()
    assert not att.hidden
    # The real id in the same submission still hides that file.
    r = login(users["leader"]).post(reverse("feedback:action", args=[fb.pk, "redact"]), {"phrases": "", "attachment": [value, str(att.pk)]})
    assert r.status_code == 302
    att.refresh_from_db()
    assert att.hidden and FeedbackEvent.objects.filter(feedback=fb, kind=FeedbackEvent.Kind.REDACT).count() == 2
    assert Feedback.objects.count() == 1


# ---------------------------------------------------------------- the sender's contact and the place: refused, never stored cut
LONG_EMAIL = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "vn"  # a valid address of 259 characters: the column holds 254


@pytest.mark.parametrize(("field", "value"), [("address", "Đ" * 301), ("contact_name", "N" * 201), ("contact_email", LONG_EMAIL)])
def test_the_public_api_refuses_a_contact_or_address_longer_than_its_column(cats, commune, media, field, value):
    from django.test import Client

    from coso.core.models import AuditLog
    from coso.feedback.models import Feedback

    data = {"category": "MT", "commune": commune.code, "text": "Rác thải ùn ứ nhiều ngày ở đầu hẻm 12.", "contact_name": "Trần Văn Ba",
            "contact_phone": "0909000111", field: value}
    r = Client().post("/api/v1/feedback/", data)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "validation-error" and field in r.json()["details"]["fields"]
    assert not Feedback.objects.exists() and not AuditLog.objects.filter(object_type="feedback.Feedback").exists()
    r = Client().post("/api/v1/feedback/", {**data, field: value[:-5] if field != "contact_email" else "ba@example.vn"})
    assert r.status_code == 201, r.content


def test_assigning_a_handler_to_a_finished_item_is_refused(login, users, submit):
    """The page offers "Giao cho" only while an item is open; a POST to the assign action on an answered, rejected or
    forwarded item changed its handler (and its version) all the same. Now refused with the closed message, nothing
    changed, no audit entry."""
    from coso.feedback import services as svc

    closed = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    closed = svc.feedback_answer(feedback=closed, actor=users["onestop"], text="Đã thu gom rác.")
    rejected = svc.feedback_reject(feedback=submit(actor=users["citizen"]), actor=users["onestop"], reason="Trùng lặp.")
    forwarded = svc.feedback_forward(feedback=submit(actor=users["citizen"]), actor=users["onestop"], target="external",
                                     target_name="Công an tỉnh", reason="Thuộc thẩm quyền công an.")
    c = login(users["leader"])
    for fb in (closed, rejected, forwarded):
        fb.refresh_from_db()
        assigned, version, audit = fb.assigned_to_id, fb.version, AuditLog.objects.count()
        r = c.post(reverse("feedback:action", args=[fb.pk, "assign"]), {"assignee": users["home_affairs"].pk})
        assert r.status_code == 302
        fb.refresh_from_db()
        assert fb.assigned_to_id == assigned != users["home_affairs"].pk and fb.version == version, fb.status
        assert AuditLog.objects.count() == audit
        assert "Phản ánh đã được xử lý xong." in html.unescape(c.get(r["Location"]).content.decode())
    open_item = submit(actor=users["citizen"])
    c.post(reverse("feedback:action", args=[open_item.pk, "assign"]), {"assignee": users["home_affairs"].pk})
    open_item.refresh_from_db()
    assert open_item.assigned_to_id == users["home_affairs"].pk


def test_a_forwarded_item_is_not_published(login, users, submit):
    """An item forwarded before it was published could still be made public ("Lưu và công khai" on the page, the API's
    publish action), so the original was public beside the competent body's copy. Now refused on every door, the
    edit sent with it is not kept, nothing is audited, and the page no longer offers the button."""
    from coso.feedback import services as svc

    fb = svc.feedback_forward(feedback=submit(actor=users["citizen"]), actor=users["onestop"], target="external",
                              target_name="Công an tỉnh", reason="Thuộc thẩm quyền công an.")
    fb.refresh_from_db()
    title, version, audit = fb.title, fb.version, AuditLog.objects.filter(object_type="feedback.Feedback").count()
    message = "Phản ánh đã được chuyển cơ quan có thẩm quyền nên không công khai tại đây."
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_publish(feedback=fb, actor=users["onestop"])
    assert exc.value.code == "feedback-forwarded" and exc.value.message == message
    c = login(users["onestop"])
    page = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert 'id="publish-btn"' not in page
    r = c.post(reverse("feedback:action", args=[fb.pk, "publish"]), {"title": "Tiêu đề mới", "text": "Nội dung mới.", "version": version})
    assert r.status_code == 302 and message in html.unescape(c.get(r["Location"]).content.decode())
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "publish", "title": "Tiêu đề mới", "text": "Nội dung mới."},
               content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "feedback-forwarded" and r.json()["message"] == message
    fb.refresh_from_db()
    assert not fb.is_public and fb.published_at is None and fb.status == Feedback.Status.FORWARDED
    assert fb.title == title and fb.version == version
    assert AuditLog.objects.filter(object_type="feedback.Feedback").count() == audit
    # An item still open is published as before, with the button.
    open_item = submit(actor=users["citizen"])
    assert 'id="publish-btn"' in c.get(reverse("feedback:manage", args=[open_item.pk])).content.decode()
    assert svc.feedback_publish(feedback=open_item, actor=users["onestop"]).is_public


def test_unhiding_an_item_that_is_not_hidden_is_refused(login, users, submit):
    """Unhiding an item that is not hidden (a stale page, the API's unhide action) deleted its reports, set its report
    count back to 0 and wrote an audit entry, so the reports awaiting a moderator's look were lost. Now refused on
    both doors, the reports stay, nothing is audited; a hidden item is still unhidden."""
    from coso.feedback import services as svc
    from coso.feedback.models import FeedbackReport

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_report(feedback=fb, address="203.0.113.1", reason="Sai sự thật.")
    fb.refresh_from_db()
    assert not fb.hidden and fb.report_count == 1
    version, audit = fb.version, AuditLog.objects.filter(object_type="feedback.Feedback").count()
    message = "Phản ánh không bị ẩn nên không cần bỏ ẩn."
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_unhide(feedback=fb, actor=users["onestop"])
    assert exc.value.code == "not-hidden" and exc.value.message == message
    c = login(users["onestop"])
    r = c.post(reverse("feedback:action", args=[fb.pk, "unhide"]), {"reason": "Đã xem."})
    assert r.status_code == 302 and message in html.unescape(c.get(r["Location"]).content.decode())
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "unhide", "reason": "Đã xem."}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "not-hidden" and r.json()["message"] == message
    fb.refresh_from_db()
    assert fb.report_count == 1 and FeedbackReport.objects.filter(feedback=fb).count() == 1 and fb.version == version
    assert AuditLog.objects.filter(object_type="feedback.Feedback").count() == audit
    assert not FeedbackEvent.objects.filter(feedback=fb, kind=FeedbackEvent.Kind.UNHIDE).exists()
    # A hidden item is unhidden as before, its reports dismissed (kept, no longer counted).
    svc.feedback_hide(feedback=fb, actor=users["onestop"], reason="Đang xem xét.")
    done = svc.feedback_unhide(feedback=fb, actor=users["onestop"], note="Đã xem.")
    assert not done.hidden and done.report_count == 0 and not FeedbackReport.objects.filter(feedback=fb, dismissed_at__isnull=True).exists()
    assert AuditLog.objects.filter(object_type="feedback.Feedback", verb="feedback_unhide").count() == 1


def test_hiding_an_item_already_hidden_is_refused(login, users, submit):
    """Hiding an item already hidden (a stale page, the API's hide action) replaced the reason it was hidden for, the
    automatic hiding's "Tự động ẩn sau 3 lượt báo vi phạm." among them, and wrote another event and audit entry. Now
    refused on every door with already-hidden, the first reason kept, nothing audited; another item is still hidden."""
    from coso.feedback import services as svc

    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    for n in range(3):
        svc.feedback_report(feedback=fb, address=f"203.0.113.{n + 1}", reason="Sai sự thật.")
    fb.refresh_from_db()
    assert fb.hidden and fb.hidden_reason == "Tự động ẩn sau 3 lượt báo vi phạm."
    version, audit = fb.version, AuditLog.objects.filter(object_type="feedback.Feedback").count()
    events = FeedbackEvent.objects.filter(feedback=fb).count()
    message = "Phản ánh đã bị ẩn."
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_hide(feedback=fb, actor=users["onestop"], reason="Trùng lặp.")
    assert exc.value.code == "already-hidden" and exc.value.status == 409 and exc.value.message == message
    c = login(users["onestop"])
    r = c.post(reverse("feedback:action", args=[fb.pk, "hide"]), {"reason": "Trùng lặp."})
    assert r.status_code == 302 and message in html.unescape(c.get(r["Location"]).content.decode())
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "hide", "reason": "Trùng lặp."}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already-hidden" and r.json()["message"] == message
    # another commune's moderator: 404 as before, whatever the state
    c = login(users["other_onestop"])
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "hide", "reason": ""}, content_type="application/json")
    assert r.status_code == 404
    assert c.post(reverse("feedback:action", args=[fb.pk, "hide"]), {"reason": ""}).status_code == 404
    fb.refresh_from_db()
    assert fb.hidden_reason == "Tự động ẩn sau 3 lượt báo vi phạm." and fb.version == version
    assert AuditLog.objects.filter(object_type="feedback.Feedback").count() == audit
    assert FeedbackEvent.objects.filter(feedback=fb).count() == events
    # an item not hidden is hidden as before
    other = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    done = svc.feedback_hide(feedback=other, actor=users["onestop"], reason="Trùng lặp.")
    assert done.hidden and done.hidden_reason == "Trùng lặp."


def test_assigning_an_item_to_someone_who_cannot_handle_it_is_refused(login, users, submit):
    """'Giao cho' listed the commune's finance officer, who only reads feedback (every handling action answers 403 to
    them), and took a deactivated account (a stale page): the item then sat with nobody able to answer it while the
    deadline reminders went to that person. Both are now refused with invalid-assignee, nothing changed or audited,
    and the page offers only active staff who may handle feedback."""
    from coso.feedback import services as svc

    fb = submit(actor=users["citizen"])
    c = login(users["leader"])
    manage = reverse("feedback:manage", args=[fb.pk])

    def offered() -> set[str]:
        page = c.get(manage).content.decode()
        return set(re.findall(r'<option value="(\d+)"', page.split('id="assignee-pick"', 1)[1].split("</select>", 1)[0]))

    assert str(users["finance"].pk) not in offered() and {str(users[w].pk) for w in ("specialist", "home_affairs")} <= offered()
    users["home_affairs"].is_active = False
    users["home_affairs"].save(update_fields=["is_active"])
    assert str(users["home_affairs"].pk) not in offered()
    message = "Người được giao không xử lý được phản ánh: tài khoản đã ngừng hoạt động, hoặc vai trò không có quyền xử lý phản ánh."
    assigned, version, audit = fb.assigned_to_id, fb.version, AuditLog.objects.count()
    for who in ("finance", "home_affairs"):
        with pytest.raises(ApplicationError) as exc:
            svc.feedback_assign(feedback=fb, actor=users["leader"], assignee=users[who])
        assert exc.value.code == "invalid-assignee" and exc.value.message == message, who
        r = c.post(reverse("feedback:action", args=[fb.pk, "assign"]), {"assignee": users[who].pk})
        assert r.status_code == 302 and message in html.unescape(c.get(r["Location"]).content.decode()), who
    fb.refresh_from_db()
    assert (fb.assigned_to_id, fb.version, AuditLog.objects.count()) == (assigned, version, audit)
    # another commune's item: 404 before the assignee is looked at
    c = login(users["other_leader"])
    assert c.post(reverse("feedback:action", args=[fb.pk, "assign"]), {"assignee": users["finance"].pk}).status_code == 404
    # an active specialist is assigned as before
    done = svc.feedback_assign(feedback=fb, actor=users["leader"], assignee=users["specialist"])
    assert done.assigned_to == users["specialist"]
