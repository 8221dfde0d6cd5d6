"""Hiding an attachment of an item already forwarded to another commune. The copy the competent commune received shares
the item's stored files; before, a file the first commune hid (a face, an ID card) stayed visible on the copy, once
published there to anyone. It is now hidden on the copies (and their own copies) too, each audited."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import FeedbackEvent
from coso.feedback.tests.conftest import MONDAY, forward_to_commune, jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_an_attachment_hidden_on_the_original_is_hidden_on_its_forwarded_copies(submit, users, login, commune, other_commune, media):
    files = [SimpleUploadedFile(n, jpeg_with_gps(size), content_type="image/jpeg") for n, size in (("a.jpg", (64, 48)), ("b.jpg", (48, 64)))]
    with time_machine.travel(MONDAY, tick=False):
        origin = submit(actor=users["citizen"], files=files)
    copy = forward_to_commune(origin, users["onestop"], other_commune.code)
    again = forward_to_commune(copy, users["other_onestop"], commune.code)  # forwarded on, back to the first commune
    svc.feedback_publish(feedback=again, actor=users["onestop"])
    first, second = origin.attachments.order_by("id")
    on_copy = {a.file.name: a for a in copy.attachments.all()}
    on_again = {a.file.name: a for a in again.attachments.all()}
    public = Client()
    assert public.get(reverse("feedback:attachment", args=[on_again[first.file.name].pk])).status_code == 200

    r = login(users["onestop"]).post(f"/api/v1/feedback/{origin.pk}/moderate", {"action": "redact", "attachment_ids": [first.pk]},
                                     content_type="application/json")
    assert r.status_code == 200, r.content
    for row in (first, on_copy[first.file.name], on_again[first.file.name]):
        row.refresh_from_db()
        assert row.hidden
    for row in (second, on_copy[second.file.name], on_again[second.file.name]):
        row.refresh_from_db()
        assert not row.hidden
    assert public.get(reverse("feedback:attachment", args=[on_again[first.file.name].pk])).status_code == 404
    assert public.get(reverse("feedback:attachment", args=[on_again[second.file.name].pk])).status_code == 200

    entry = AuditLog.objects.get(object_type="feedback.Feedback", object_id=str(origin.pk), verb="feedback_redact")
    assert entry.after["attachments_hidden"] == [first.pk]
    for item, row in ((copy, on_copy[first.file.name]), (again, on_again[first.file.name])):
        entry = AuditLog.objects.get(object_type="feedback.Feedback", object_id=str(item.pk), verb="feedback_hide_attachments")
        assert entry.after == {"attachments_hidden": [row.pk], "origin": origin.code} and entry.actor_id == users["onestop"].pk
        event = FeedbackEvent.objects.get(feedback=item, kind=FeedbackEvent.Kind.REDACT)
        assert not event.public and origin.code in event.note

    # hiding it again changes nothing more
    svc.feedback_redact(feedback=origin, actor=users["onestop"], attachment_ids=[first.pk], patterns=False)
    assert AuditLog.objects.filter(verb="feedback_hide_attachments").count() == 2


def test_the_audit_label_of_hiding_on_copies():
    from coso.core.audit_display import VERB_LABELS

    assert "feedback_hide_attachments" in VERB_LABELS
