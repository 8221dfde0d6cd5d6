"""Browser journey (Playwright, system Chromium): a province registers a directive and assigns a task to two communes,
a commune reports it done, the province's report shows the official rates."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from coso.tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context_page(browser, base):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    pg = ctx.new_page()
    pg.base = base
    pg.set_default_timeout(15_000)
    return ctx, pg


def test_province_assigns_commune_reports_province_sees_rate(page, browser, blogin, users, commune, other_commune):
    today = timezone.localdate()
    # 1. The province officer registers the directive and assigns one task to two communes.
    blogin(page, "province_home_affairs")
    page.goto(page.base + "/nhiem-vu/")
    page.click("#new-directive")
    page.fill("#id_number", "88/UBND-VX")
    page.fill("#id_issued_on", (today - dt.timedelta(days=1)).isoformat())
    page.fill("#id_issuer", "UBND Thành phố")
    page.select_option("#id_level", "province")
    page.fill("#id_summary", "Triển khai số hóa hồ sơ thủ tục hành chính")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#assign-form")
    page.fill("#id_title", "Số hóa hồ sơ còn hiệu lực")
    page.check(f"input[name=communes][value='{commune.code}']")
    page.check(f"input[name=communes][value='{other_commune.code}']")
    page.fill("#id_assigned_on", today.isoformat())
    page.fill("#id_due_on", (today + dt.timedelta(days=10)).isoformat())
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("#task-table tbody tr[data-commune]")
    assert page.locator("#task-table tbody tr[data-commune]").count() == 2
    assert Task.objects.filter(commune_code__in=[commune.code, other_commune.code]).count() == 2

    # 2. The commune reports its task completed, with the result.
    ctx2, pg2 = _context_page(browser, page.base)
    blogin(pg2, "specialist")
    pg2.goto(pg2.base + "/nhiem-vu/")
    assert pg2.locator("#task-table tbody tr[data-commune]").count() == 1  # only its own
    pg2.click("#task-table a")
    pg2.select_option("#id_kind", "result")
    pg2.fill("#id_content", "Đã số hóa toàn bộ hồ sơ còn hiệu lực.")
    pg2.click("#report-form button[type=submit]")
    pg2.wait_for_selector("#task-status[data-status='completed_on_time']")
    assert "Đã hoàn thành đúng hạn" in pg2.inner_text("#task-status")
    ctx2.close()

    # 3. The province sees the official rates: 1 completed on time, 1 within term → due 1, completion 100 %.
    page.goto(page.base + "/nhiem-vu/")
    page.click("#task-report-link")
    page.wait_for_selector("#stat-completion")
    assert page.inner_text("#stat-total") == "2"
    assert page.inner_text("#stat-completion") == "100,00 %"
    assert page.inner_text("#stat-overdue") == "0,00 %"
    row = page.locator(f"#report-table tr[data-commune='{commune.code}']")
    assert "100,00 %" in row.inner_text()
