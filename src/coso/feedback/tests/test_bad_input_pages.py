"""Bad input on the feedback pages: a clear error on the page (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from coso.core.models import AuditLog
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from coso.feedback.tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db

NOT_IDS = ["²", "١٢", "18446744073709551617", "2147483648", "-1", "1e3", " 1"]


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
