import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_on_phone_searches_without_diacritics_and_opens_detail(page):
    from coso.procedures.services import load_procedures

    load_procedures()
    page.goto(page.base + "/procedures/")
    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile(r"q=dang"))
    link = page.get_by_role("link", name="Đăng ký khai sinh", exact=True)
    assert link.is_visible()
    item = page.locator(".proc-item", has=link)
    assert "Trong ngày" in item.inner_text() and "Không thu" in item.inner_text()
    # nothing overflows the 360-px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    link.click()
    page.wait_for_url(re.compile(r"/procedures/1\.001193/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký khai sinh"
    body = page.locator("main").inner_text()
    for text in ("Thành phần hồ sơ", "Tờ khai đăng ký khai sinh", "Các bước giải quyết", "Căn cứ pháp lý", "Luật Hộ tịch", "15:00"):
        assert text in body, text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_citizen_search_for_unmarked_copy_certification_shows_fee(page):
    from coso.procedures.services import load_procedures

    load_procedures()
    page.goto(page.base + "/procedures/?q=chung+thuc+ban+sao")
    item = page.locator(".proc-item").first
    assert "Chứng thực bản sao" in item.inner_text()
    assert "2.000 đ" in item.inner_text()
