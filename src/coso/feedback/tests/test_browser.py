"""Browser journeys on a phone-sized screen (Playwright + system Chromium)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from coso.feedback.models import Feedback, FeedbackAttachment
from coso.feedback.tests.conftest import has_gps, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context_page(browser, base):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    pg = ctx.new_page()
    pg.base = base
    pg.set_default_timeout(15_000)
    return ctx, pg


def _fill_form(page, commune, text):  # type: ignore[no-untyped-def]
    page.goto(page.base + "/feedback/submit/")
    page.select_option("#id_category", label="Môi trường, rác thải")
    page.select_option("#id_commune", value=commune.code)
    page.fill("#id_title", "Rác ùn ứ đầu hẻm 12")
    page.fill("#id_text", text)


def test_citizen_to_moderator_to_answer_to_rating_to_public_list(page, browser, blogin, users, cats, commune, media):
    from django.core.files.storage import default_storage

    # 1. The citizen submits with a photo carrying GPS metadata.
    blogin(page, "citizen")
    _fill_form(page, commune, "Rác thải ùn ứ nhiều ngày ở đầu hẻm 12, bốc mùi hôi, gọi tôi 0909123456.")
    page.set_input_files("#id_attachments", files=[{"name": "IMG_2026.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    page.click("button[type=submit].primary")
    page.wait_for_selector("#fb-status")
    assert "Chờ kiểm duyệt" in page.inner_text("#fb-status")
    fb = Feedback.objects.get()
    att = FeedbackAttachment.objects.get()
    with default_storage.open(att.file.name, "rb") as fh:
        stored = fh.read()
    assert not has_gps(stored) and Image.open(io.BytesIO(stored)).format == "JPEG"
    assert page.locator("img.thumb").count() == 1

    # 2. A moderator edits (removes the phone number) and publishes.
    mctx, mod = _context_page(browser, page.base)
    try:
        blogin(mod, "onestop")
        mod.goto(mod.base + "/feedback/moderation/")
        mod.click(f"text={fb.code}")
        mod.fill("#id_text", "Rác thải ùn ứ nhiều ngày ở đầu hẻm 12, bốc mùi hôi.")
        mod.click("#publish-btn")
        mod.wait_for_selector("text=Đã công khai phản ánh.")
        fb.refresh_from_db()
        assert fb.is_public and "0909123456" not in fb.text
        assert fb.events.filter(kind="original", text__contains="0909123456").exists()

        # 3. The commune answers, from a response template, before the deadline.
        mod.select_option("#template-pick", label="Trả lời: Đã thu gom, xử lý")
        assert "thu gom" in mod.input_value("#id_text_answer")
        mod.click("#answer-form button[type=submit]")
        mod.wait_for_selector("text=Đã lưu trả lời.")
    finally:
        mctx.close()
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.CLOSED and not fb.late
    assert fb.answered_at.date() <= fb.answer_due

    # 4. The citizen rates the answer and the officer.
    page.goto(page.base + f"/feedback/{fb.pk}/")
    page.check("input[name=rating][value=useful]")
    page.select_option("#id_officer_rating", value="5")
    page.click("text=Gửi đánh giá")
    page.wait_for_selector("text=Cảm ơn bạn đã đánh giá.")
    fb.refresh_from_db()
    assert fb.rating == "useful" and fb.officer_rating == 5

    # 5. Anyone sees it, with its answer, in the public listing (accent-insensitive search).
    pctx, anon = _context_page(browser, page.base)
    try:
        anon.goto(anon.base + "/feedback/?q=rac+un+u")
        item = anon.locator(".feedback-item").first
        assert "Rác ùn ứ đầu hẻm 12" in item.inner_text()
        assert "thu gom" in item.inner_text()
        assert "0909123456" not in anon.content()
    finally:
        pctx.close()


def test_oversized_or_disguised_attachment_refused_whole(page, users, cats, commune, media, settings):
    settings.COSO_MAX_ATTACHMENT_BYTES = 2000
    _fill_form(page, commune, "Có hình ảnh hiện trường kèm theo đây.")
    page.check("#id_anonymous")
    page.set_input_files("#id_attachments", files=[
        {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()},
        {"name": "hien-truong.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00" + b"\x00" * 300},
    ])
    page.click("button[type=submit].primary")
    page.wait_for_selector(".has-error")
    assert "không thuộc loại được nhận" in page.inner_text(".has-error")
    assert Feedback.objects.count() == 0 and FeedbackAttachment.objects.count() == 0

    page.fill("#id_text", "Có hình ảnh hiện trường kèm theo đây.")
    page.set_input_files("#id_attachments", files=[{"name": "lon.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * 5000}])
    page.click("button[type=submit].primary")
    page.wait_for_selector(".has-error")
    assert "vượt quá" in page.inner_text(".has-error")
    assert Feedback.objects.count() == 0
    assert not (media / "feedback").exists() or not any(p.is_file() for p in (media / "feedback").rglob("*"))
