from __future__ import annotations

import datetime as dt
import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from hypothesis import given
from hypothesis import settings as settings_hyp
from hypothesis import strategies as st
from PIL import Image

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from coso.core.notify import MemoryBackend
from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from coso.feedback.tests.conftest import MONDAY, has_gps, jpeg_with_gps
from coso.rules.testing import set_rule
from coso.workcalendar.services import add_working_days

pytestmark = pytest.mark.django_db


def _files_under(root) -> list:  # type: ignore[no-untyped-def]
    base = root / "feedback"
    return [p for p in base.rglob("*") if p.is_file()] if base.exists() else []


# --------------------------------------------------------------------------- deadlines

@time_machine.travel(MONDAY, tick=False)
def test_deadlines_follow_working_day_calendar(submit, users):
    fb = submit(actor=users["citizen"])
    assert fb.start_date == dt.date(2026, 3, 2)
    assert fb.reject_due == dt.date(2026, 3, 4)
    assert fb.info_due == dt.date(2026, 3, 9)
    assert fb.answer_due == dt.date(2026, 3, 23)
    assert fb.code.startswith("PA26-")
    assert fb.status == Feedback.Status.PENDING and not fb.is_public


def test_deadline_skips_holidays_and_weekends(submit, users):
    # Submitted on Saturday 25/4/2026 → counting starts Monday 27/4; 30/4 and 1/5 are public holidays.
    with time_machine.travel(dt.datetime(2026, 4, 25, 10, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = submit(actor=users["citizen"])
    assert fb.start_date == add_working_days(dt.date(2026, 4, 25), 0) or fb.start_date >= dt.date(2026, 4, 27)
    assert fb.answer_due == add_working_days(fb.start_date, 15)
    assert fb.reject_due == add_working_days(fb.start_date, 2)


def test_deadline_rule_is_effective_dated_per_province(submit, users, province):
    set_rule("feedback.deadline.answer_days", 10, valid_from=dt.date(2026, 6, 1), province_code=province.code)
    set_rule("feedback.deadline.reject_days", 1, valid_from=dt.date(2026, 6, 1), province_code=province.code)
    with time_machine.travel(MONDAY, tick=False):
        before = submit(actor=users["citizen"])
    with time_machine.travel(dt.datetime(2026, 6, 8, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        after = submit(actor=users["citizen"])
    assert before.answer_due == add_working_days(before.start_date, 15)
    assert after.answer_due == add_working_days(after.start_date, 10)
    assert after.reject_due == add_working_days(after.start_date, 1)


def test_answer_on_time_and_late_and_publish_deadline(submit, users):
    with time_machine.travel(MONDAY, tick=False):
        fb = submit(actor=users["citizen"])
        fb = svc.feedback_publish(feedback=fb, actor=users["onestop"])
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.", publish=False)
        assert fb.status == Feedback.Status.ANSWERED and fb.publish_due == dt.date(2026, 3, 24)
        assert not fb.late
    with time_machine.travel(dt.datetime(2026, 3, 26, 10, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_publish_answer(feedback=fb, actor=users["specialist"])
    assert fb.status == Feedback.Status.CLOSED and fb.late  # answer published after the 2-day publish deadline

    with time_machine.travel(MONDAY, tick=False):
        late = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    with time_machine.travel(dt.datetime(2026, 3, 24, 10, 0, tzinfo=MONDAY.tzinfo), tick=False):
        late = svc.feedback_answer(feedback=late, actor=users["specialist"], text="Trả lời muộn.")
    assert late.late and late.status == Feedback.Status.CLOSED


def test_only_a_first_request_for_information_before_acceptance_is_held_to_the_info_deadline(submit, users, commune):
    """QĐ 766 indicator 5.2 (portal formula): "Ngày yêu cầu bổ sung đầu tiên <= Ngày gửi PAKN + 5 ngày làm việc (không bao gồm
    các PAKN bị yêu cầu bổ sung sau khi Tiếp nhận)". A question asked once the item is accepted (published), or a second
    question, is not measured: an item answered within its 15 working days stays on time."""
    at = lambda day: time_machine.travel(dt.datetime(2026, 3, day, 10, 0, tzinfo=MONDAY.tzinfo), tick=False)  # noqa: E731
    with time_machine.travel(MONDAY, tick=False):
        accepted = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
        pending = submit(actor=users["citizen"])
        first_late = submit(actor=users["citizen"])
        pending = svc.feedback_request_info(feedback=pending, actor=users["onestop"], message="Xin cho biết số nhà cụ thể.")
        pending = svc.feedback_supplement(feedback=pending, actor=users["citizen"], text="Số nhà 12.")
    assert accepted.info_due == dt.date(2026, 3, 9)
    with at(12):  # past the info deadline
        accepted = svc.feedback_request_info(feedback=accepted, actor=users["specialist"], message="Xin cho biết số nhà cụ thể.")
        pending = svc.feedback_request_info(feedback=pending, actor=users["onestop"], message="Xin gửi thêm ảnh.")
        first_late = svc.feedback_request_info(feedback=first_late, actor=users["onestop"], message="Xin cho biết số nhà cụ thể.")
    assert not accepted.late and not pending.late
    assert first_late.late  # the first question, before acceptance, after 5 working days: late
    with at(13):
        accepted = svc.feedback_supplement(feedback=accepted, actor=users["citizen"], text="Số nhà 12.")
    with at(16):
        accepted = svc.feedback_answer(feedback=accepted, actor=users["specialist"], text="Đã thu gom.")
    assert accepted.status == Feedback.Status.CLOSED and not accepted.late
    with at(16):
        [row] = sel.commune_stats(commune_codes=[commune.code])
    assert (row["total"], row["late"], row["on_time"]) == (3, 1, 2)


def test_reject_after_two_working_days_counts_late_and_notifies_sender(submit, users, mailoutbox):
    MemoryBackend.outbox.clear()
    with time_machine.travel(MONDAY, tick=False):
        fb = submit(actor=None, contact_email="an@example.vn")
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_reject(feedback=fb, actor=users["onestop"], reason="Không thuộc thẩm quyền của xã.")
    assert fb.status == Feedback.Status.REJECTED and fb.late
    assert any("Không thuộc thẩm quyền" in m.text for m in MemoryBackend.outbox)
    assert any("Không thuộc thẩm quyền" in m.body for m in mailoutbox)


def test_escalation_marks_overdue_and_notifies_leader_once(submit, users):
    MemoryBackend.outbox.clear()
    users["leader"].phone = "0988000111"
    users["leader"].save()
    with time_machine.travel(MONDAY, tick=False):
        fb = submit(actor=users["citizen"])
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 23)) == 0
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 24)) == 1
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 25)) == 0
    fb.refresh_from_db()
    assert fb.escalated and fb.late
    assert [m.to for m in MemoryBackend.outbox if "quá hạn" in m.text] == ["0988000111"]
    assert fb.events.filter(kind=FeedbackEvent.Kind.ESCALATE).count() == 1


def test_escalation_of_an_unpublished_answer_names_the_publish_deadline(submit, users):
    """An answer given early but not published within its 2 working days: the leader is told the answer waits for
    publication since its publish deadline, not that handling is overdue against an answer deadline still ahead."""
    MemoryBackend.outbox.clear()
    users["leader"].phone = "0988000111"
    users["leader"].save()
    with time_machine.travel(MONDAY, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.", publish=False)
    assert (fb.publish_due, fb.answer_due) == (dt.date(2026, 3, 5), dt.date(2026, 3, 23))
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 6)) == 1
    [sms] = [m for m in MemoryBackend.outbox if m.to == "0988000111"]
    assert "công khai" in sms.text and "05/03/2026" in sms.text and "23/03/2026" not in sms.text, sms.text
    note = fb.events.get(kind=FeedbackEvent.Kind.ESCALATE).note
    assert "công khai" in note and "05/03/2026" in note and "23/03/2026" not in note, note


def test_escalate_management_command(submit, users, capsys):
    from django.core.management import call_command

    with time_machine.travel(MONDAY, tick=False):
        submit(actor=users["citizen"])
    call_command("feedback_escalate_overdue", "--today", "2026-04-30")
    assert "1 phản ánh" in capsys.readouterr().out


# --------------------------------------------------------------------------- moderation

def test_edit_keeps_original_and_every_edit_for_moderators_only(submit, users):
    fb = submit(actor=users["citizen"], text="Đường Lê Lợi có ổ gà rất lớn, gọi tôi 0909123456.", title="Ổ gà")
    fb = svc.feedback_edit(feedback=fb, actor=users["onestop"], title="Ổ gà đường Lê Lợi", text="Đường Lê Lợi có ổ gà rất lớn.", note="Bỏ số điện thoại")
    fb = svc.feedback_publish(feedback=fb, actor=users["onestop"], title="Ổ gà lớn trên đường Lê Lợi", text=fb.text)
    texts = list(fb.events.exclude(text="").values_list("kind", "text"))
    assert texts[0] == ("original", "Đường Lê Lợi có ổ gà rất lớn, gọi tôi 0909123456.")
    assert [k for k, _ in texts] == ["original", "edit", "edit"]
    public_events = sel.feedback_history(feedback=fb, moderator=False)
    assert all(not e.text or e.kind not in ("original", "edit") for e in public_events)
    assert "0909123456" not in " ".join(e.text + e.note for e in public_events)
    assert fb.is_public and fb.status == Feedback.Status.PROCESSING and fb.title == "Ổ gà lớn trên đường Lê Lợi"


def test_edit_with_stale_version_conflicts(submit, users):
    fb = submit(actor=users["citizen"])
    v = fb.version
    svc.feedback_edit(feedback=fb, actor=users["onestop"], title="A", text="Nội dung đã sửa lần một.", version=v)
    with pytest.raises(ConflictError):
        svc.feedback_edit(feedback=fb, actor=users["specialist"], title="B", text="Nội dung đã sửa lần hai.", version=v)


def test_redact_personal_data_and_search_index_updated(submit, users):
    fb = submit(actor=users["citizen"], text="Ông Trần Văn Bình số 0912345678, email binh@example.vn, CCCD 079123456789 lấn chiếm vỉa hè.")
    fb = svc.feedback_redact(feedback=fb, actor=users["onestop"], phrases=["Trần Văn Bình"])
    assert "0912345678" not in fb.text and "binh@example.vn" not in fb.text and "079123456789" not in fb.text
    assert "Trần Văn Bình" not in fb.text and "[đã ẩn]" in fb.text
    assert fb.events.filter(kind="original", text__contains="0912345678").exists()
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    assert not sel.feedback_public_list(query="tran van binh").exists()
    assert sel.feedback_public_list(query="lan chiem via he").exists()


def test_moderation_scoped_to_unit(submit, users):
    fb = submit(actor=users["citizen"])
    with pytest.raises(NotFoundError):  # another commune's item does not exist for its staff (as for dossiers)
        svc.feedback_publish(feedback=fb, actor=users["other_onestop"])
    with pytest.raises(PermissionDeniedError):
        svc.feedback_publish(feedback=fb, actor=users["citizen"])
    with pytest.raises(PermissionDeniedError):
        svc.feedback_publish(feedback=fb, actor=users["finance"])
    assert not sel.feedback_list(fetched_by=users["other_onestop"], tab="all").filter(pk=fb.pk).exists()
    assert sel.feedback_list(fetched_by=users["province_admin"], tab="all").filter(pk=fb.pk).exists()
    svc.feedback_publish(feedback=fb, actor=users["province_admin"])


def test_abusive_words_are_flagged(submit, users):
    fb = submit(actor=users["citizen"], text="Cán bộ phường làm việc như đồ ngu, mất dạy với dân.")
    assert fb.flagged and "đồ ngu" in fb.flag_words and "mất dạy" in fb.flag_words
    clean = submit(actor=users["citizen"], text="Người dân mong cán bộ hướng dẫn tận tình hơn.")
    assert not clean.flagged
    assert sel.feedback_list(fetched_by=users["onestop"], tab="flagged").filter(pk=fb.pk).exists()


def test_auto_hide_after_three_reports_notifies_moderators(submit, users):
    MemoryBackend.outbox.clear()
    users["onestop"].phone = "0900000001"
    users["onestop"].save()
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_report(feedback=fb, address="203.0.113.1", reason="spam")
    with pytest.raises(ConflictError):
        svc.feedback_report(feedback=fb, address="203.0.113.1")
    svc.feedback_report(feedback=fb, address="203.0.113.2")
    fb.refresh_from_db()
    assert not fb.hidden and fb.report_count == 2
    svc.feedback_report(feedback=fb, address="203.0.113.3")
    fb.refresh_from_db()
    assert fb.hidden and fb.report_count == 3
    assert not sel.feedback_public_list().filter(pk=fb.pk).exists()
    assert fb.events.filter(kind=FeedbackEvent.Kind.AUTO_HIDE).exists()
    assert any(m.to == "0900000001" and "tự động ẩn" in m.text for m in MemoryBackend.outbox)
    svc.feedback_unhide(feedback=fb, actor=users["onestop"], note="Nội dung hợp lệ")
    fb.refresh_from_db()
    assert not fb.hidden and fb.report_count == 0


def test_auto_hide_threshold_is_a_rule(submit, users, province):
    set_rule("feedback.moderation.auto_hide_reports", 1, valid_from=dt.date(2020, 1, 1), province_code=province.code)
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_report(feedback=fb, address="203.0.113.1")
    fb.refresh_from_db()
    assert fb.hidden


# --------------------------------------------------------------------------- submission checks

def test_unaccented_vietnamese_asks_for_diacritics_but_other_languages_pass(submit, users):
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], title="", text="Duong nay co nhieu o ga, xin cac can bo xa giai quyet som cho nguoi dan")
    assert exc.value.code == "unaccented-text"
    fb = submit(actor=users["citizen"], title="", text="Duong nay co nhieu o ga, xin cac can bo xa giai quyet som cho nguoi dan",
                confirm_unaccented=True)
    assert fb.pk
    english = submit(actor=users["citizen"], title="", text="The street lights on the main road have been broken for two weeks.")
    assert english.pk


def test_contact_or_anonymous_required(submit, users, cats):
    with pytest.raises(ApplicationError) as exc:
        submit(actor=None, contact_name="", contact_phone="")
    assert "contact_name" in exc.value.details["fields"]
    fb = submit(actor=None, contact_name="", contact_phone="", anonymous=True)
    assert fb.anonymous and fb.contact_name == ""


def test_village_must_belong_to_commune(submit, users, other_commune):
    from coso.units.models import Village

    v = Village.objects.create(commune=other_commune, name="Tổ 1", name_folded="to 1", kind="to_dan_pho")
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], village=v)
    assert "village" in exc.value.details["fields"]


def test_village_ended_by_a_merger_takes_no_new_feedback(submit, users, commune, client):
    """A village merged into another (valid_to reached) is neither offered nor accepted; its successor is offered
    only from its effective date."""
    from coso.units.models import Village

    today = timezone.localdate()
    ended = Village.objects.create(commune=commune, name="Ấp Cũ", name_folded="ap cu", kind="thon", province_code=commune.province_code,
                                   commune_code=commune.code, valid_from=dt.date(2025, 7, 1), valid_to=today)
    future = Village.objects.create(commune=commune, name="Ấp Mới", name_folded="ap moi", kind="thon", province_code=commune.province_code,
                                    commune_code=commune.code, valid_from=today + dt.timedelta(days=30))
    with pytest.raises(ApplicationError):
        submit(actor=users["citizen"], village=future)
    current = Village.objects.create(commune=commune, name="Ấp Hiện Nay", name_folded="ap hien nay", kind="thon",
                                     province_code=commune.province_code, commune_code=commune.code)
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], village=ended)
    assert "không còn hiệu lực" in exc.value.details["fields"]["village"][0]
    assert not Feedback.objects.filter(village=ended).exists()
    assert submit(actor=users["citizen"], village=current).village == current
    options = client.get(reverse("feedback:villages"), {"commune": commune.code}).content.decode()
    assert "Ấp Hiện Nay" in options and "Ấp Cũ" not in options and "Ấp Mới" not in options


def test_bad_location_refused(submit, users):
    with pytest.raises(ApplicationError):
        submit(actor=users["citizen"], lat="95", long="106.7")
    with pytest.raises(ApplicationError):
        submit(actor=users["citizen"], lat="10.7", long=None)
    fb = submit(actor=users["citizen"], lat="10.776889", long="106.700806")
    assert float(fb.lat) == pytest.approx(10.776889)


# --------------------------------------------------------------------------- attachments

def test_image_gps_metadata_removed_and_stored_under_generated_name(submit, users, media):
    raw = jpeg_with_gps()
    assert has_gps(raw)
    fb = submit(actor=users["citizen"], files=[SimpleUploadedFile("IMG_0001 nhà tôi.jpg", raw, content_type="image/jpeg")])
    att = fb.attachments.get()
    assert att.is_image and att.content_type == "image/jpeg"
    assert "IMG_0001" not in att.file.name and att.file.name.startswith("feedback/")
    with default_storage.open(att.file.name, "rb") as fh:
        stored = fh.read()
    assert not has_gps(stored)
    assert Image.open(io.BytesIO(stored)).size == (64, 48)


def test_disguised_executable_refuses_whole_submission(submit, users, media):
    good = SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")
    exe = SimpleUploadedFile("anh-hien-truong.jpg", b"MZ\x90\x00" + b"\x00" * 500, content_type="image/jpeg")
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], files=[good, exe])
    assert exc.value.code == "attachment-type"
    assert Feedback.objects.count() == 0 and FeedbackAttachment.objects.count() == 0
    assert _files_under(media) == []


def test_oversized_attachment_refused_nothing_stored(submit, users, media, settings):
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (settings.COSO_MAX_ATTACHMENT_BYTES + 1), content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], files=[SimpleUploadedFile("ok.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"), big])
    assert exc.value.code == "attachment-too-large" and "10 MB" in exc.value.message
    assert Feedback.objects.count() == 0 and _files_under(media) == []


def test_too_many_attachments_and_pdf_accepted(submit, users, media):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], files=[SimpleUploadedFile(f"{i}.pdf", pdf) for i in range(6)])
    assert exc.value.code == "too-many-attachments"
    fb = submit(actor=users["citizen"], files=[SimpleUploadedFile("don.pdf", pdf)])
    assert fb.attachments.get().content_type == "application/pdf"


def test_fake_image_with_jpeg_magic_refused(submit, users, media):
    bad = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50)
    with pytest.raises(ApplicationError) as exc:
        submit(actor=users["citizen"], files=[bad])
    assert exc.value.code == "attachment-invalid"
    assert Feedback.objects.count() == 0


# --------------------------------------------------------------------------- rating and figures

def _answered(submit, users, when=MONDAY, answer_at=None):  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    with time_machine.travel(answer_at or when + dt.timedelta(days=3), tick=False):
        return svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã xử lý xong.")


def test_citizen_rates_answer_and_officer(submit, users):
    fb = _answered(submit, users)
    with pytest.raises(PermissionDeniedError):
        svc.feedback_rate(feedback=fb, actor=users["citizen2"], rating="useful")
    fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="useful", officer_rating=5)
    assert fb.rating == "useful" and fb.officer_rating == 5
    with pytest.raises(ConflictError):
        svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="not_useful")


def test_anonymous_sender_rates_with_access_key_and_reraises(submit, users):
    with time_machine.travel(MONDAY, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=None, anonymous=True), actor=users["onestop"])
        fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã xử lý.")
    with pytest.raises(PermissionDeniedError):
        svc.feedback_rate(feedback=fb, actor=None, rating="reraised", access_key="wrong")
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_rate(feedback=fb, actor=None, rating="reraised", access_key=fb.access_key)
    assert fb.status == Feedback.Status.PROCESSING and fb.answer_due == add_working_days(dt.date(2026, 3, 10), 15)


def test_commune_stats_formulas_5_2_and_5_3(submit, users, commune):
    a = _answered(submit, users)  # on time
    svc.feedback_rate(feedback=a, actor=users["citizen"], rating="useful")
    b = _answered(submit, users)  # on time but rated not useful
    svc.feedback_rate(feedback=b, actor=users["citizen"], rating="not_useful")
    _answered(submit, users, answer_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=MONDAY.tzinfo))  # late
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        submit(actor=users["citizen"])  # still open, within deadline
        [row] = sel.commune_stats(commune_codes=[commune.code])
    assert row["total"] == 4 and row["late"] == 1 and row["on_time"] == 3
    assert row["on_time_rate"] == 75.0
    assert row["unsatisfied"] == 2 and row["satisfaction_rate"] == 50.0
    assert sel.commune_stats(commune_codes=["99999"]) == []


def test_officer_feedback_stats(submit, users):
    a = _answered(submit, users)
    svc.feedback_rate(feedback=a, actor=users["citizen"], rating="useful", officer_rating=4)
    b = _answered(submit, users, answer_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=MONDAY.tzinfo))
    svc.feedback_rate(feedback=b, actor=users["citizen"], rating="not_useful", officer_rating=2)
    stats = svc_stats = sel.officer_feedback_stats([users["specialist"].pk, users["leader"].pk], (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    s = stats[users["specialist"].pk]
    assert s["answered"] == 2 and s["on_time"] == 1 and s["late"] == 1 and s["on_time_rate"] == 50.0
    assert s["useful"] == 1 and s["not_useful"] == 1 and s["officer_rating_avg"] == 3.0 and s["officer_ratings"] == 2
    assert svc_stats[users["leader"].pk]["answered"] == 0 and svc_stats[users["leader"].pk]["on_time_rate"] is None
    assert sel.officer_feedback_stats([users["specialist"].pk], (dt.date(2025, 1, 1), dt.date(2025, 12, 31)))[users["specialist"].pk]["answered"] == 0


def test_public_search_is_accent_insensitive_and_filters(submit, users, cats, other_commune):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"], text="Đèn đường khu phố Đức Thắng bị hỏng.", title="Đèn đường hỏng",
                                              category=cats["GT"]), actor=users["onestop"])
    submit(actor=users["citizen"], text="Đèn đường chưa duyệt bị hỏng.")  # pending: not public
    assert list(sel.feedback_public_list(query="den duong duc thang")) == [fb]
    assert list(sel.feedback_public_list(query="den duong")) == [fb]
    assert list(sel.feedback_public_list(category_code="GT")) == [fb]
    assert not sel.feedback_public_list(category_code="MT").exists()
    assert not sel.feedback_public_list(commune_code=other_commune.code).exists()
    assert not sel.feedback_public_list(status="answered").exists()
    assert list(sel.feedback_public_list(status="processing")) == [fb]
    today = timezone.localdate(fb.published_at)  # the filters are days of the local calendar
    assert list(sel.feedback_public_list(date_from=today, date_to=today)) == [fb]
    assert not sel.feedback_public_list(date_from=today + dt.timedelta(days=2)).exists()


def test_audit_rows_written(submit, users):
    from coso.core.models import AuditLog

    fb = submit(actor=users["citizen"])
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    verbs = set(AuditLog.objects.filter(object_type="feedback.Feedback", object_id=str(fb.pk)).values_list("verb", flat=True))
    assert {"feedback_submit", "feedback_publish"} <= verbs


def test_routing_by_category_and_place(submit, users, cats, other_commune):
    assert submit(actor=users["citizen"], category=cats["MT"]).assigned_to == users["specialist"]
    assert submit(actor=users["citizen"], category=cats["CB"]).assigned_to == users["leader"]
    assert submit(actor=users["citizen"], category=cats["MT"], commune=other_commune).assigned_to == users["other_leader"]
    fb = submit(actor=users["citizen"])
    with pytest.raises(ApplicationError):
        svc.feedback_assign(feedback=fb, actor=users["onestop"], assignee=users["other_onestop"])
    assert svc.feedback_assign(feedback=fb, actor=users["onestop"], assignee=users["onestop"]).assigned_to == users["onestop"]


@settings_hyp(max_examples=150, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)),
       st.integers(1, 5), st.integers(1, 10), st.integers(5, 30))
def test_deadline_arithmetic_property(naive, reject_days, info_days, answer_days):
    from coso.workcalendar.services import is_working_day, working_days_between

    submitted = naive.replace(tzinfo=MONDAY.tzinfo)
    rule = svc.FeedbackRules(reject_days=reject_days, info_days=info_days, answer_days=answer_days, publish_days=2, forward_days=5,
                             auto_hide_reports=3, max_attachments=5)
    due = svc.deadlines_for(submitted, rule)
    assert due["start_date"] >= submitted.date() and is_working_day(due["start_date"])
    for key, n in (("reject_due", reject_days), ("info_due", info_days), ("answer_due", answer_days)):
        assert is_working_day(due[key])
        assert working_days_between(due["start_date"], due[key]) == n


def test_a_reraised_item_is_escalated_again_when_its_new_answer_deadline_passes(submit, users):
    """Once per deadline: an item escalated in its first round, answered, then raised again by its sender is escalated
    again when the new answer deadline passes; the first round's escalation stays in the history and the audit log."""
    from coso.core.models import AuditLog

    MemoryBackend.outbox.clear()
    users["leader"].phone = "0988000111"
    users["leader"].save()
    with time_machine.travel(MONDAY, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 24)) == 1
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.")
    with time_machine.travel(dt.datetime(2026, 3, 26, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="reraised")
    assert fb.status == Feedback.Status.PROCESSING and fb.answer_due > dt.date(2026, 4, 1)
    assert not fb.escalated and fb.escalated_at is None
    # The re-raise's audit entry records the end of the first round's escalation mark.
    rate = AuditLog.objects.filter(object_id=str(fb.pk), verb="feedback_rate").latest("pk")
    assert rate.before["escalated"] is True and rate.after["escalated"] is False and rate.before["escalated_at"]

    assert svc.feedback_escalate_overdue(today=fb.answer_due) == 0
    assert svc.feedback_escalate_overdue(today=fb.answer_due + dt.timedelta(days=1)) == 1
    assert svc.feedback_escalate_overdue(today=fb.answer_due + dt.timedelta(days=2)) == 0  # idempotent
    fb.refresh_from_db()
    assert fb.escalated and fb.late
    sms = [m.text for m in MemoryBackend.outbox if m.to == "0988000111" and "quá hạn" in m.text]
    assert len(sms) == 2 and f"{fb.answer_due:%d/%m/%Y}" in sms[1], sms
    notes = list(fb.events.filter(kind=FeedbackEvent.Kind.ESCALATE).order_by("pk").values_list("note", flat=True))
    assert len(notes) == 2 and "23/03/2026" in notes[0] and f"{fb.answer_due:%d/%m/%Y}" in notes[1], notes
    assert AuditLog.objects.filter(object_id=str(fb.pk), verb="feedback_escalate").count() == 2


def test_an_item_rated_useful_keeps_its_escalation_mark(submit, users):
    with time_machine.travel(MONDAY, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 24)) == 1
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.")
        fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="useful")
    assert fb.escalated and fb.escalated_at is not None


def test_an_item_escalated_for_its_answer_is_escalated_again_for_an_answer_left_unpublished(submit, users):
    """Once per deadline: escalated when its answer deadline passed, then answered late but not published; when the
    publication deadline passes as well, the leader is told again, naming that deadline."""
    from coso.core.models import AuditLog

    MemoryBackend.outbox.clear()
    users["leader"].phone = "0988000111"
    users["leader"].save()
    with time_machine.travel(MONDAY, tick=False):
        fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 24)) == 1
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        fb = svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom.", publish=False)
    assert fb.status == Feedback.Status.ANSWERED and fb.escalated and fb.publish_due > dt.date(2026, 3, 25)
    assert svc.feedback_escalate_overdue(today=fb.publish_due) == 0
    assert svc.feedback_escalate_overdue(today=fb.publish_due + dt.timedelta(days=1)) == 1
    assert svc.feedback_escalate_overdue(today=fb.publish_due + dt.timedelta(days=2)) == 0  # idempotent
    fb.refresh_from_db()
    assert fb.escalated_due == fb.publish_due
    sms = [m.text for m in MemoryBackend.outbox if m.to == "0988000111" and "quá hạn" in m.text]
    assert len(sms) == 2 and "xử lý" in sms[0] and "công khai" in sms[1] and f"{fb.publish_due:%d/%m/%Y}" in sms[1], sms
    assert fb.events.filter(kind=FeedbackEvent.Kind.ESCALATE).count() == 2
    last = AuditLog.objects.filter(object_id=str(fb.pk), verb="feedback_escalate").latest("pk")
    assert last.after["escalated_due"] == fb.publish_due.isoformat()


def test_escalation_marks_written_before_the_deadline_was_kept_are_not_told_again(submit, users):
    """The migration's fill: items escalated before ``escalated_due`` existed keep their one escalation."""
    import importlib

    from django.apps import apps

    fill = importlib.import_module("coso.feedback.migrations.0008_escalated_due").fill_escalated_due
    with time_machine.travel(MONDAY, tick=False):
        open_item = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
        unpublished = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=MONDAY.tzinfo), tick=False):
        unpublished = svc.feedback_answer(feedback=unpublished, actor=users["specialist"], text="Đã thu gom.", publish=False)
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 24)) == 2
    Feedback.objects.filter(pk__in=[open_item.pk, unpublished.pk]).update(escalated_due=None)  # as before the field
    fill(apps, None)
    open_item.refresh_from_db()
    unpublished.refresh_from_db()
    assert (open_item.escalated_due, unpublished.escalated_due) == (open_item.answer_due, unpublished.publish_due)
    assert svc.feedback_escalate_overdue(today=dt.date(2026, 3, 25)) == 0
