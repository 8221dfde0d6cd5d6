"""Browser: a commune forwards feedback outside its competence; the competent commune finds it in its queue."""

from __future__ import annotations

import pytest

from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_forward_to_the_competent_commune_on_a_phone(page, browser, blogin, users, cats, commune, other_commune):
    fb = svc.feedback_submit(
        actor=users["citizen"],
        category=cats["GT"],
        commune=commune,
        title="Ổ gà đường Hai Bà Trưng",
        text="Ổ gà lớn trên đường Hai Bà Trưng đoạn qua phường Tân Định.",
        contact_name="Nguyễn Văn An",
        contact_phone="0909123456",
    )
    blogin(page, "onestop")
    page.goto(page.base + f"/feedback/moderation/{fb.pk}/")
    page.check("#id_forward_target_0")  # another commune of the province
    page.select_option("#id_forward_target_commune", value=other_commune.code)
    page.click("#forward-form button[type=submit]")  # no reason yet: the form refuses, nothing changes
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PENDING
    page.fill("#id_forward_reason", "Đoạn đường thuộc địa bàn phường Tân Định.")
    page.click("#forward-form button[type=submit]")
    page.wait_for_selector("text=Đã chuyển phản ánh đến Phường Tân Định")
    assert "Đã chuyển cơ quan có thẩm quyền" in page.inner_text("#fb-status")
    fb.refresh_from_db()
    copy = fb.forwarded_copies.get()
    assert fb.status == Feedback.Status.FORWARDED and copy.commune_code == other_commune.code

    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    other = ctx.new_page()
    other.base = page.base
    other.set_default_timeout(15_000)
    try:
        blogin(other, "other_onestop")
        other.goto(other.base + "/feedback/moderation/")
        other.click(f"text={copy.code}")
        other.wait_for_selector("text=Phản ánh được chuyển đến từ")
    finally:
        ctx.close()
