import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_on_a_phone_and_see_home(page, users, blogin):
    blogin(page, "onestop")
    assert page.url.endswith("/chi-so/viec-cua-toi/") and "Việc cần xử lý hôm nay" in page.content()  # the clerk's home
    # The menu is collapsed at 360 px and opens with the keyboard-accessible button.
    page.click(".menu-toggle")
    assert page.is_visible("#site-nav")


def test_wrong_password_shows_vietnamese_error(page, users):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", "onestop")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit].primary")
    assert "không đúng" in page.content()
