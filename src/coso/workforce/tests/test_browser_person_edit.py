"""Browser journey: a commune home-affairs officer corrects a person's record; a wrong date is refused next to its field in
Vietnamese, the fixed record is saved, and a new position enters the history."""

import datetime as dt

import pytest

from coso.workforce.models import Person, PositionHolding

from .helpers import person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_edits_a_person(page, users, commune, blogin):
    p = person(commune, full_name="Trần Thị Bình", started_on=dt.date(2020, 1, 1))
    PositionHolding.objects.create(person=p, position_code="cv_vp", started_on=dt.date(2020, 1, 1), province_code=p.province_code,
                                   commune_code=p.commune_code)
    blogin(page, "home_affairs")
    page.goto(page.base + f"/workforce/nguoi/{p.pk}/")
    page.click("#edit-person")
    page.wait_for_url("**/sua/")
    page.fill("#id_birth_date", "01/01/2020")
    page.select_option("#id_political_theory", "trung_cap")
    page.click("#person-form button[type=submit]")
    assert "Ngày sinh không hợp lệ" in page.locator("#id_birth_date_error").inner_text()
    assert Person.objects.get(pk=p.pk).political_theory == "none"
    page.fill("#id_birth_date", "06/05/1988")
    page.fill("#id_full_name", "Trần Thị Bình Minh")
    page.click("#person-form button[type=submit]")
    page.wait_for_url(f"**/workforce/nguoi/{p.pk}/")
    assert page.locator("h1").inner_text() == "Trần Thị Bình Minh"
    assert "Trung cấp" in page.content()

    page.click("#edit-person")
    page.wait_for_url("**/sua/")
    page.select_option("#position-form select[name=pos-position_code]", "cv_kinh_te")
    page.fill("#position-form input[name=pos-started_on]", dt.date.today().strftime("%d/%m/%Y"))
    page.fill("#position-form input[name=pos-decision]", "QĐ 15/QĐ-UBND")
    page.click("#position-form button[type=submit]")
    page.wait_for_url("**/sua/")
    assert "QĐ 15/QĐ-UBND" in page.locator("#positions-table").inner_text()
    assert Person.objects.get(pk=p.pk).position_code == "cv_kinh_te"
