"""A province finance officer: the year's allocation, drill-down to the formula and rule, a scenario raising
the village fund, the comparison with current rules, and both exported to Excel."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from coso.funding import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_officer_allocation_drilldown_scenario_compare_export(desktop_page, users, blogin, old_commune, other_commune, make_village):
    services.organisations_ensure(actor=None, commune=old_commune)
    make_village(old_commune, "Thôn Bình An", 400)
    make_village(old_commune, "Thôn Tân Phú", 200)
    page = desktop_page
    blogin(page, "province_finance")

    page.goto(page.base + "/funding/?period=2025")
    assert page.locator("#allocation-table").is_visible()
    assert "Phường Sài Gòn" in page.inner_text("#allocation-table")
    # The export runs as a job: its page shows the progress, then offers the file.
    page.click("text=Tải Excel")
    page.wait_for_selector("#export-download")
    assert "/jobs/exports/" in page.url
    with page.expect_download() as dl:
        page.click("#export-download")
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))  # noqa: SIM115
    assert "Chi tiết" in wb.sheetnames

    page.goto(page.base + "/funding/?period=2025")
    page.click("#allocation-table >> text=Phường Sài Gòn")
    assert "Thôn Bình An" in page.inner_text("#village-table")
    page.click("#village-table >> text=Thôn Bình An")
    card = page.locator(".formula-card").first
    assert "6,0 × 2.340.000 đ × 12 tháng" in card.inner_text()
    assert "168.480.000 đ" in card.inner_text()
    assert "Nghị định 33/2023" in card.inner_text()

    page.goto(page.base + "/funding/scenarios/")
    page.fill("#id_name", "Nâng quỹ thôn lên 5,0")
    page.select_option("#id_key_0", "funding.village.coef.low")
    page.select_option("#id_mode_0", "set")
    page.fill("#id_value_0", "5.0")
    page.click("#scenario-form button[type=submit]")
    assert "Nâng quỹ thôn lên 5,0" in page.inner_text("h1")
    page.click("text=So sánh với quy định hiện hành")
    page.select_option("#id_period", "2025")
    page.click("form.filters button[type=submit]")
    totals = page.inner_text("#totals-table")
    # Thôn Tân Phú (200 households): 4.5 → 5.0 × 2,340,000 × 12 months = +14,040,000
    assert "14.040.000 đ" in totals
    assert "Thôn Tân Phú" in page.inner_text("#gainers-table")
    with page.expect_download() as dl:
        page.click("#export-compare")
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))  # noqa: SIM115
    ws = wb["Tổng hợp"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in values if r and r[0] == "Đơn vị / đối tượng")
    assert "Quy định hiện hành" in header and "Nâng quỹ thôn lên 5,0" in header
    total_row = next(r for r in values if r and r[0] == "TỔNG CỘNG TOÀN TỈNH")
    assert total_row[-1] == 14_040_000
