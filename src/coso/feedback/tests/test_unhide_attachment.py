"""Showing again an attachment a moderator hid ("Ẩn thông tin cá nhân"): a hidden file had no way back. The moderator now
shows it again from the manage page ("Hiện lại tệp") or the API (``unhide_attachments``), audited; the forwarded copies
that share the file, hidden with it, show it again too. A file that is not hidden answers 409, nothing written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest
import time_machine

from coso.core.exceptions import ApplicationError, ConflictError
from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from coso.feedback.tests.conftest import MONDAY, forward_to_commune, jpeg_with_gps

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback"


def _files():  # type: ignore[no-untyped-def]
    return [SimpleUploadedFile(n, jpeg_with_gps(size), content_type="image/jpeg") for n, size in (("a.jpg", (64, 48)), ("b.jpg", (48, 64)))]


@pytest.fixture
def item(submit, users, media):  # type: ignore[no-untyped-def]
    """A published item with two photos, the first hidden by the moderator."""
    with time_machine.travel(MONDAY, tick=False):
        fb = submit(actor=users["citizen"], files=_files())
    fb = svc.feedback_publish(feedback=fb, actor=users["onestop"])
    first = fb.attachments.order_by("id").first()
    svc.feedback_redact(feedback=fb, actor=users["onestop"], attachment_ids=[first.pk], patterns=False)
    return fb


def _rows(fb: Feedback) -> list[FeedbackAttachment]:
    return list(fb.attachments.order_by("id"))


def _state(fb: Feedback) -> tuple:
    return (list(FeedbackAttachment.objects.order_by("id").values_list("pk", "hidden")), FeedbackEvent.objects.count(),
            AuditLog.objects.count(), Feedback.objects.get(pk=fb.pk).version)


def test_the_service_shows_a_hidden_file_again(item, users):
    first, second = _rows(item)
    public = Client()
    assert public.get(reverse("feedback:attachment", args=[first.pk])).status_code == 404

    fb = svc.feedback_unhide_attachments(feedback=item, actor=users["onestop"], attachment_ids=[first.pk], note="Không có thông tin cá nhân.")

    first.refresh_from_db()
    assert not first.hidden
    assert public.get(reverse("feedback:attachment", args=[first.pk])).status_code == 200
    event = fb.events.get(kind=FeedbackEvent.Kind.UNHIDE_ATTACHMENTS)
    assert not event.public and "Không có thông tin cá nhân." in event.note
    entry = AuditLog.objects.get(object_type="feedback.Feedback", object_id=str(item.pk), verb="feedback_unhide_attachments")
    assert entry.after["attachments_shown"] == [first.pk]
    assert entry.reason == "Không có thông tin cá nhân." and entry.actor_id == users["onestop"].pk


def test_a_file_that_is_not_hidden_answers_409_and_nothing_changes(item, users):
    _first, second = _rows(item)
    before = _state(item)
    with pytest.raises(ConflictError) as exc:
        svc.feedback_unhide_attachments(feedback=item, actor=users["onestop"], attachment_ids=[second.pk])
    assert exc.value.code == "attachment-not-hidden"
    assert _state(item) == before


def test_a_file_of_another_item_or_none_is_refused(item, users, submit):
    other = submit(actor=users["citizen"], files=_files())
    before = _state(item)
    for ids in ([], [other.attachments.first().pk], [987654]):
        with pytest.raises(ApplicationError) as exc:
            svc.feedback_unhide_attachments(feedback=item, actor=users["onestop"], attachment_ids=ids)
        assert exc.value.code == "validation-error" and "attachment_ids" in exc.value.details["fields"]
    assert _state(item) == before


def test_the_note_is_held_to_the_moderation_note_limit(item, users):
    first, _second = _rows(item)
    before = _state(item)
    with pytest.raises(ApplicationError) as exc:
        svc.feedback_unhide_attachments(feedback=item, actor=users["onestop"], attachment_ids=[first.pk], note="x" * (svc.HIDE_REASON_MAX + 1))
    assert "reason" in exc.value.details["fields"]
    assert _state(item) == before


def test_a_finance_officer_may_not_show_a_file(item, users):
    first, _second = _rows(item)
    with pytest.raises(ApplicationError):
        svc.feedback_unhide_attachments(feedback=item, actor=users["finance"], attachment_ids=[first.pk])
    first.refresh_from_db()
    assert first.hidden


def test_a_file_shown_again_on_the_original_is_shown_again_on_its_forwarded_copies(submit, users, login, commune, other_commune, media):
    with time_machine.travel(MONDAY, tick=False):
        origin = submit(actor=users["citizen"], files=_files())
    copy = forward_to_commune(origin, users["onestop"], other_commune.code)
    again = forward_to_commune(copy, users["other_onestop"], commune.code)
    first, second = _rows(origin)
    svc.feedback_redact(feedback=origin, actor=users["onestop"], attachment_ids=[first.pk, second.pk], patterns=False)
    on_copy = {a.file.name: a for a in copy.attachments.all()}
    on_again = {a.file.name: a for a in again.attachments.all()}
    assert all(a.hidden for a in [*on_copy.values(), *on_again.values()])

    r = login(users["onestop"]).post(f"{API}/{origin.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": [first.pk]},
                                     content_type="application/json")
    assert r.status_code == 200, r.content
    for row in (first, on_copy[first.file.name], on_again[first.file.name]):
        row.refresh_from_db()
        assert not row.hidden
    for row in (second, on_copy[second.file.name], on_again[second.file.name]):
        row.refresh_from_db()
        assert row.hidden
    for fb, row in ((copy, on_copy[first.file.name]), (again, on_again[first.file.name])):
        entry = AuditLog.objects.get(object_type="feedback.Feedback", object_id=str(fb.pk), verb="feedback_unhide_attachments")
        assert entry.after == {"attachments_shown": [row.pk], "origin": origin.code} and entry.actor_id == users["onestop"].pk
        event = FeedbackEvent.objects.get(feedback=fb, kind=FeedbackEvent.Kind.UNHIDE_ATTACHMENTS)
        assert not event.public and origin.code in event.note


def test_the_api_shows_a_hidden_file_again(item, users, login):
    first, second = _rows(item)
    c = login(users["onestop"])
    r = c.post(f"{API}/{item.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": [first.pk], "reason": "Đã xem lại."},
               content_type="application/json")
    assert r.status_code == 200, r.content
    first.refresh_from_db()
    assert not first.hidden
    assert AuditLog.objects.filter(verb="feedback_unhide_attachments", reason="Đã xem lại.").count() == 1

    before = _state(item)
    r = c.post(f"{API}/{item.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": [second.pk]}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "attachment-not-hidden"
    r = c.post(f"{API}/{item.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": []}, content_type="application/json")
    assert r.status_code == 400 and "attachment_ids" in r.json()["details"]["fields"]
    r = c.post(f"{API}/{item.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": [first.pk], "reason": "x" * 301},
               content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["details"]["fields"]
    assert _state(item) == before


def test_another_communes_item_answers_404_whatever_the_body(item, users, login):
    first, _second = _rows(item)
    c = login(users["other_onestop"])
    before = _state(item)
    for body in ({"action": "unhide_attachments", "attachment_ids": [first.pk]}, {"action": "unhide_attachments", "attachment_ids": "x"}):
        r = c.post(f"{API}/{item.pk}/moderate", body, content_type="application/json")
        assert r.status_code == 404, r.content
    assert _state(item) == before


def test_the_manage_page_offers_to_show_a_hidden_file_again(item, users, login):
    first, second = _rows(item)
    c = login(users["onestop"])
    action = reverse("feedback:action", args=[item.pk, "unhide_attachment"])
    page = c.get(reverse("feedback:manage", args=[item.pk])).content.decode()
    assert page.count(action) == 1 and "Hiện lại tệp</button>" in page
    assert f'name="attachment" value="{first.pk}"' in page

    r = c.post(reverse("feedback:action", args=[item.pk, "unhide_attachment"]), {"attachment": str(first.pk), "reason": "Đã xem lại."},
               follow=True)
    assert r.status_code == 200
    assert "Đã hiện lại tệp." in r.content.decode()
    first.refresh_from_db()
    assert not first.hidden
    assert AuditLog.objects.filter(verb="feedback_unhide_attachments").count() == 1
    assert action not in c.get(reverse("feedback:manage", args=[item.pk])).content.decode()

    # a stale page (the file already shown): a clear message, nothing written
    before = _state(item)
    r = c.post(reverse("feedback:action", args=[item.pk, "unhide_attachment"]), {"attachment": str(first.pk)}, follow=True)
    assert r.status_code == 200 and "không bị ẩn" in r.content.decode()
    r = c.post(reverse("feedback:action", args=[item.pk, "unhide_attachment"]), {"attachment": "²"}, follow=True)
    assert r.status_code == 200
    assert _state(item) == before


def test_another_communes_staff_cannot_use_the_page_action(item, users, login):
    first, _second = _rows(item)
    r = login(users["other_onestop"]).post(reverse("feedback:action", args=[item.pk, "unhide_attachment"]), {"attachment": str(first.pk)})
    assert r.status_code == 404
    first.refresh_from_db()
    assert first.hidden


def test_the_audit_label_of_showing_a_file_again():
    from coso.core.audit_display import VERB_LABELS

    assert "feedback_unhide_attachments" in VERB_LABELS


def test_showing_a_file_again_on_the_original_keeps_it_hidden_where_a_copys_moderator_hid_it(submit, users, login, commune,
                                                                                               other_commune, media):
    """A copy's commune hid a file itself (its own decision, its own reason): the original's moderator showing the same
    file again shows it only where the original's hiding hid it, not on that copy nor on the copies made from it."""
    with time_machine.travel(MONDAY, tick=False):
        origin = submit(actor=users["citizen"], files=_files())
    copy = forward_to_commune(origin, users["onestop"], other_commune.code)
    again = forward_to_commune(copy, users["other_onestop"], commune.code)
    first, second = _rows(origin)
    on_copy = {a.file.name: a for a in copy.attachments.all()}
    on_again = {a.file.name: a for a in again.attachments.all()}
    # the copy's commune hides the first file on its copy (hidden on the copy made from it too)...
    r = login(users["other_onestop"]).post(f"{API}/{copy.pk}/moderate", {"action": "redact", "attachment_ids": [on_copy[first.file.name].pk],
                                                                         "reason": "Ảnh có biển số xe."}, content_type="application/json")
    assert r.status_code == 200, r.content
    # ...then the original's moderator hides both files and shows both again
    c = login(users["onestop"])
    r = c.post(f"{API}/{origin.pk}/moderate", {"action": "redact", "attachment_ids": [first.pk, second.pk]}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert all(a.hidden for a in FeedbackAttachment.objects.filter(feedback__in=[copy, again]))
    r = c.post(f"{API}/{origin.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": [first.pk, second.pk]},
               content_type="application/json")
    assert r.status_code == 200, r.content

    for row in (first, second, on_copy[second.file.name], on_again[second.file.name]):
        row.refresh_from_db()
        assert not row.hidden, row.file.name
    for row in (on_copy[first.file.name], on_again[first.file.name]):
        row.refresh_from_db()
        assert row.hidden, row.file.name
    for fb, row in ((copy, on_copy[second.file.name]), (again, on_again[second.file.name])):
        entry = AuditLog.objects.get(object_type="feedback.Feedback", object_id=str(fb.pk), verb="feedback_unhide_attachments")
        assert entry.after == {"attachments_shown": [row.pk], "origin": origin.code}

    # the copy's own moderator may still show it again, on its copy and on the copy made from it
    r = login(users["other_onestop"]).post(f"{API}/{copy.pk}/moderate", {"action": "unhide_attachments",
                                                                         "attachment_ids": [on_copy[first.file.name].pk]},
                                           content_type="application/json")
    assert r.status_code == 200, r.content
    for row in (on_copy[first.file.name], on_again[first.file.name]):
        row.refresh_from_db()
        assert not row.hidden


def test_a_file_hidden_before_forwarding_is_shown_again_on_the_copy_with_the_original(submit, users, login, other_commune, media):
    with time_machine.travel(MONDAY, tick=False):
        origin = submit(actor=users["citizen"], files=_files())
    first, _second = _rows(origin)
    svc.feedback_redact(feedback=origin, actor=users["onestop"], attachment_ids=[first.pk], patterns=False)
    copy = forward_to_commune(origin, users["onestop"], other_commune.code)
    on_copy = copy.attachments.get(file=first.file.name)
    assert on_copy.hidden

    r = login(users["onestop"]).post(f"{API}/{origin.pk}/moderate", {"action": "unhide_attachments", "attachment_ids": [first.pk]},
                                     content_type="application/json")
    assert r.status_code == 200, r.content
    on_copy.refresh_from_db()
    assert not on_copy.hidden


def test_the_migration_records_the_files_hidden_with_the_original_on_existing_copies(submit, users, other_commune, commune, media):
    """Rows hidden before ``hidden_by`` existed: a copy's file hidden as on the item it came from is recorded as hidden by
    the first item up the chain that hid it (as the original's showing again used to reach it); one hidden while that item
    shows it stays the copy's own."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("coso.feedback.migrations.0013_attachment_hidden_by")
    with time_machine.travel(MONDAY, tick=False):
        origin = submit(actor=users["citizen"], files=_files())
    copy = forward_to_commune(origin, users["onestop"], other_commune.code)
    again = forward_to_commune(copy, users["other_onestop"], commune.code)
    first, second = _rows(origin)
    svc.feedback_redact(feedback=copy, actor=users["other_onestop"], attachment_ids=[copy.attachments.get(file=second.file.name).pk],
                        patterns=False)
    svc.feedback_redact(feedback=origin, actor=users["onestop"], attachment_ids=[first.pk], patterns=False)
    expected = dict(FeedbackAttachment.objects.values_list("pk", "hidden_by_id"))
    assert expected[again.attachments.get(file=first.file.name).pk] == origin.pk
    assert expected[again.attachments.get(file=second.file.name).pk] == copy.pk
    FeedbackAttachment.objects.update(hidden_by=None)

    migration.hidden_by_for_existing_copies(apps, None)

    assert dict(FeedbackAttachment.objects.values_list("pk", "hidden_by_id")) == expected
