"""The history notes the system writes ("Đã tiếp nhận phản ánh, chờ kiểm duyệt.", "Bỏ qua 1 báo cáo vi phạm.", where an item
was forwarded...) were stored as Vietnamese text and shown as stored, so English pages and Open311 showed them in
Vietnamese. They are stored as before (the Vietnamese source) and shown in the reader's language; the words a person typed
(a reason, a moderator's note) are shown as typed, and notes stored before the change are shown translated too."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils import translation

import pytest

from coso.feedback import services as svc
from coso.feedback.models import FeedbackEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(submit, users, other_commune):
    """A published item with a dismissed report, a rejected item, a forwarded item and a rated one."""
    u = users["onestop"]
    fb = submit(actor=users["citizen"])
    svc.feedback_publish(feedback=fb, actor=u)
    svc.feedback_report(feedback=fb, address="203.0.113.9", reason="Sai sự thật")
    svc.feedback_dismiss_reports(feedback=fb, actor=u, note="Đã kiểm tra, không vi phạm.")
    gone = submit(actor=users["citizen"])
    svc.feedback_forward(feedback=gone, actor=u, target="commune", target_commune=other_commune, reason="Địa bàn xã bên cạnh.")
    answered = submit(actor=users["citizen"])
    svc.feedback_publish(feedback=answered, actor=u)
    svc.feedback_answer(feedback=answered, actor=u, text="Đã thu gom rác.")
    with translation.override("en"):  # rated by a sender reading in English: stored in Vietnamese all the same
        svc.feedback_rate(feedback=answered, actor=users["citizen"], rating="useful")
    return {"fb": fb, "gone": gone, "answered": answered}


def test_the_notes_are_stored_in_vietnamese(handled):
    notes = list(FeedbackEvent.objects.filter(feedback=handled["answered"]).exclude(note="").values_list("note", flat=True))
    assert "Người gửi đánh giá: Hữu ích." in notes
    assert "Đã tiếp nhận phản ánh, chờ kiểm duyệt." in notes


def _page(client, url, language):  # type: ignore[no-untyped-def]
    if language:
        client.cookies["django_language"] = language
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.parametrize(("language", "expected", "absent"), [
    ("", ["Đã tiếp nhận phản ánh, chờ kiểm duyệt.", "Phản ánh đã được kiểm duyệt và công khai.", "Người gửi đánh giá: Hữu ích."],
     "Feedback received"),
    ("en", ["Feedback received, awaiting moderation.", "The feedback was moderated and published.", "The sender&#x27;s rating: Helpful."],
     "chờ kiểm duyệt"),
])
def test_the_public_page_shows_the_notes_in_the_readers_language(english_catalogue, client, handled, language, expected, absent):
    html = _page(client, reverse("feedback:detail", args=[handled["answered"].pk]), language)
    for text in expected:
        assert text in html
    assert absent not in html


def test_the_staff_page_translates_the_systems_words_and_keeps_the_moderators(english_catalogue, login, users, handled):
    c = login(users["onestop"])
    html = _page(c, reverse("feedback:manage", args=[handled["fb"].pk]), "en")
    assert "1 abuse report(s) dismissed. Đã kiểm tra, không vi phạm." in html  # the moderator's words as typed
    assert "Sai sự thật" in html  # the report's reason as typed
    html = _page(c, reverse("feedback:manage", args=[handled["gone"].pk]), "en")
    assert "forwarded to " in html and "Reason: Địa bàn xã bên cạnh. Feedback code at the receiving body: PA" in html


def test_open311_notes_are_in_the_clients_language(english_catalogue, client, handled):
    client.cookies["django_language"] = "en"
    [row] = json.loads(client.get(f"/open311/v2/requests/{handled['answered'].pk}.json", {"extensions": "true"}).content)
    notes = [n["description"] for n in row["notes"]]
    assert notes[0] == "Feedback received, awaiting moderation."
    assert "The sender's rating: Helpful." in notes


@pytest.mark.parametrize(("stored", "english"), [
    ("Bỏ qua 2 báo cáo vi phạm.", "2 abuse report(s) dismissed."),
    ("Hiện lại 1 tệp đã hiện lại ở phản ánh gốc PA26-0000001. Ảnh đã che biển số.",
     "1 file(s) shown again, as on the original feedback PA26-0000001. Ảnh đã che biển số."),
    ("Ẩn thông tin cá nhân; ẩn 2 tệp", "Hide personal information; 2 file(s) hidden"),
    ("Che số điện thoại; ẩn 1 tệp", "Che số điện thoại; 1 file(s) hidden"),
    ("Quá hạn công khai trả lời (05/03/2026); đã báo lãnh đạo đơn vị.",
     "Publication of the answer overdue (05/03/2026); the unit's leader was told."),
    ("Người gửi đánh giá: Phản ánh lại.", "The sender's rating: Follow up."),
    ("Tự động ẩn sau 3 lượt báo vi phạm.", "Hidden automatically after 3 abuse reports."),
    ("Nội dung không phù hợp", "Nội dung không phù hợp"),  # a reason typed: as typed
])
def test_notes_stored_before_are_shown_translated(english_catalogue, login, users, submit, stored, english):
    fb = submit(actor=users["citizen"])
    FeedbackEvent.objects.create(feedback=fb, kind=FeedbackEvent.Kind.HIDE, note=stored)
    c = login(users["onestop"])
    c.cookies["django_language"] = "en"
    html = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert english.replace("'", "&#x27;") in html
    c.cookies["django_language"] = "vi"
    assert stored in c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
