"""Browser: a province administrator previews and schedules a village merger and sees what will move (phone width)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from coso.units.tests import reorg_helpers as h

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_admin_previews_and_schedules_a_village_merger(page, blogin, users, commune, tmp_path):
    from coso.units.models import Reorganisation

    a, b = h.village(commune, "Tổ dân phố 1", 210, 800), h.village(commune, "Tổ dân phố 2", 140, 520)
    h.village(commune, "Tổ dân phố 3")
    h.feedback(commune, a)
    h.feedback(commune, b)
    today = timezone.localdate()
    blogin(page, "province_admin")
    page.goto(page.base + "/units/reorganisations/")
    page.click("text=Nhập quyết định sắp xếp")
    page.select_option("#id_pick_kind", "village_merge")
    page.select_option("#id_pick_commune", commune.code)
    page.click("form.filters button[type=submit]")
    page.fill("#id_decision_number", "25/NQ-HĐND")
    page.fill("#id_decision_date", (today - dt.timedelta(days=3)).isoformat())
    page.fill("#id_effective_on", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#id_issuer", "Hội đồng nhân dân Thành phố Hồ Chí Minh")
    page.fill("#id_title", "Sáp nhập Tổ dân phố 1 và Tổ dân phố 2")
    page.get_by_label("Tổ dân phố 1 (210 hộ)").check()
    page.get_by_label("Tổ dân phố 2 (140 hộ)").check()
    page.fill("#id_new_name", "Tổ dân phố Hòa Bình")
    page.click("button[value=preview]")
    moves = page.wait_for_selector("[data-testid=reorg-moves]")
    text = moves.inner_text()
    assert "Thôn, tổ dân phố" in text and "Phản ánh, kiến nghị đang xử lý" in text
    assert "Tổ dân phố Hòa Bình" in page.inner_text(".reorg-units")
    assert "350 hộ" in page.inner_text(".reorg-units")
    assert not Reorganisation.objects.exists()
    page.screenshot(path=str(tmp_path / "reorganisation-preview-phone.png"), full_page=True)
    page.click("button[value=schedule]")
    page.wait_for_selector("[data-testid=reorg-status]")
    assert "Chờ đến ngày hiệu lực" in page.inner_text("[data-testid=reorg-status]")
    assert "Phản ánh, kiến nghị đang xử lý" in page.inner_text("[data-testid=reorg-moves]")
    r = Reorganisation.objects.get()
    assert r.status == "scheduled" and r.spec["sources"] == sorted([a.pk, b.pk])
    # The page fits a phone: no horizontal scrolling of the whole page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

