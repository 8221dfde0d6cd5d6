import datetime as dt

import holidays
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_adds_a_make_up_saturday_on_a_phone(page, users, blogin, tmp_path):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # days from today (a day before today is refused): a Saturday about three months ahead and the Sunday after it
    saturday = dt.date.today() + dt.timedelta(days=90)
    saturday += dt.timedelta(days=(5 - saturday.weekday()) % 7)
    while saturday in holidays.country_holidays("VN", years=saturday.year) or (saturday + dt.timedelta(days=1)) in holidays.country_holidays("VN", years=saturday.year):
        saturday += dt.timedelta(days=7)  # a Saturday that is not itself a holiday, nor the Sunday after it
    sunday = saturday + dt.timedelta(days=1)
    blogin(page, "province_admin")
    page.goto(page.base + "/calendar/?year=2026&month=11")
    assert page.locator("table.cal-month td.cal-off", has_text="Ngày Văn hóa Việt Nam").count() == 1
    # a bad submission keeps the form with a Vietnamese error next to the field
    page.fill("#id_date", sunday.isoformat())
    page.select_option("#id_kind", "day_off")
    page.fill("#id_reason", "Thử")
    page.click("form button.primary")
    assert "vốn đã là ngày nghỉ" in page.locator("#id_date_error").inner_text()
    # a make-up Saturday
    page.fill("#id_date", saturday.isoformat())
    page.select_option("#id_kind", "working_day")
    page.fill("#id_reason", "Làm bù thử")
    page.click("form button.primary")
    page.wait_for_load_state()
    assert f"Tháng {saturday.month}/{saturday.year}" in page.content()
    assert page.locator("td.cal-work.cal-override", has_text="Làm bù thử").count() == 1
    page.screenshot(path=str(tmp_path / "calendar-phone.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e]
