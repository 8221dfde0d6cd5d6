"""The audit page names a feedback item's fields in the reader's language, also the fields the model declares without
a verbose_name (Django would print their attribute names: "Access key", "Submitter", "Version"), and never shows the
sender's access key."""

from __future__ import annotations

import pytest

from coso.core.tests.pages import audit_labels, english_defaults
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db


def test_feedback_creation_on_the_audit_page_in_vietnamese_and_in_english(submit, login, users):
    fb = submit(actor=users["citizen"])
    c = login(users["province_admin"])

    html = c.get("/audit/", {"object_type": "feedback.Feedback"}).content.decode()
    labels = audit_labels(html)
    for label in ("Kênh tiếp nhận", "Tài khoản người gửi", "Hạn từ chối tiếp nhận", "Hạn đề nghị bổ sung thông tin",
                  "Người được giao xử lý", "Vai trò xử lý", "Thời điểm cập nhật", "Phiên bản", "Tiêu đề", "Mã phản ánh"):
        assert label in labels
    assert not set(labels) & english_defaults(Feedback)
    assert "Access key" not in html and fb.access_key not in html

    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = c.get("/audit/", {"object_type": "feedback.Feedback"}).content.decode()
    labels = audit_labels(html)
    for label in ("Intake channel", "Sender account", "Deadline to refuse", "Deadline to request more information",
                  "Assigned to", "Handling role", "Updated at", "Version"):
        assert label in labels
    assert not {"Kênh tiếp nhận", "Phiên bản", "Thời điểm cập nhật"} & set(labels)
    assert fb.access_key not in html


def test_the_audit_log_does_not_keep_the_senders_access_key(client, cats, commune, media):
    """The key lets whoever holds it act as the sender (supplement, rate): the append-only audit log must not keep it."""
    import json

    from coso.core.models import AuditLog

    r = client.post("/api/v1/feedback/", {"category": "MT", "commune": commune.code, "text": "Cống thoát nước bị tắc, nước tràn lên đường.",
                                          "anonymous": "true"})
    assert r.status_code == 201, r.content
    key = r.json()["access_key"]
    fb = Feedback.objects.get(pk=r.json()["id"])
    entries = AuditLog.objects.filter(object_type="feedback.Feedback", object_id=str(fb.pk))
    assert entries.exists()
    for entry in entries:
        assert "access_key" not in (entry.after or {}) and "access_key" not in (entry.before or {})
        assert key not in json.dumps([entry.before, entry.after], ensure_ascii=False)
