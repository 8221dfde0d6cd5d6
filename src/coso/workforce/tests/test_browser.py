"""Browser journeys: Excel import (bad file refused whole), review drill-down, 2026 evaluation with the quota rule."""

import datetime as dt
from decimal import Decimal

import pytest

from coso.workforce import services
from coso.workforce.models import Evaluation, Person

from .helpers import person, row, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_officer_imports_and_drills_down_to_missing_qualification(desktop_page, users, commune, other_commune, blogin, tmp_path):
    page = desktop_page
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([
        row(),
        row(full_name="Lê Thị Hoa", citizen_id="079085001234", gender="Nữ"),          # duplicate CCCD in the file
        row(full_name="Phạm Văn Bình", citizen_id="079085009999", birth_date="1985-02-30"),
    ]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([
        row(),
        row(full_name="Lê Thị Hoa", citizen_id="079190005678", gender="Nữ", commune_code="26737"),
        row(full_name="Võ Minh Tâm", citizen_id="079088004444", position_code="cv_kinh_te", degree_level="trung_cap", degree_field="kinh_te"),
    ]))
    blogin(page, "province_home_affairs")
    page.goto(page.base + "/workforce/nhap/")
    assert page.locator("a[href$='mau.xlsx']").count() == 1
    page.set_input_files("#id_file", str(bad))
    page.click("button.primary")
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 2
    text = page.locator("table.import-errors").inner_text()
    assert "Trùng số CCCD với dòng 2" in text and "Ngày phải theo định dạng dd/mm/yyyy" in text
    assert Person.objects.count() == 0
    page.set_input_files("#id_file", str(good))
    page.click("button.primary")
    page.wait_for_url("**/workforce/")
    assert "Đã nhập 3 người" in page.content()
    assert Person.objects.count() == 3

    page.goto(page.base + "/workforce/ra-soat/")
    row_saigon = page.locator("#communes-table tr[data-commune='26734']")
    assert "50,0" in row_saigon.inner_text() or "50.0" in row_saigon.inner_text()
    row_saigon.locator("a").click()
    page.wait_for_url("**commune=26734**")
    page.locator("#standards-table tr[data-standard='degree_level'] a").click()
    page.wait_for_url("**standard=degree_level**")
    people = page.locator("#people-table tbody tr")
    assert people.count() == 1
    assert "Trình độ chuyên môn: cần Đại học, hiện có Trung cấp" in people.inner_text()
    people.locator("a").click()
    page.wait_for_url("**/workforce/nguoi/**")
    assert page.locator("h1").inner_text() == "Võ Minh Tâm"
    assert "cần Đại học, hiện có Trung cấp" in page.locator("ul.gaps").inner_text()


def _self_assessed(users, commune, name, general=Decimal(20)):
    p = person(commune, full_name=name)
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2026)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Báo cáo quý", points=3, quarter=1)
    ev.refresh_from_db()
    return services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=general, comment="Hoàn thành")


def test_commune_leader_completes_2026_evaluation_checked_by_quota(page, users, commune, blogin):
    goods = [_self_assessed(users, commune, f"Người Tốt {i}") for i in range(5)]
    goods = [services.leader_assess(actor=users["leader"], evaluation=e, version=e.version, general_score=Decimal(10)) for e in goods]
    services.approve(actor=users["leader"], evaluations=goods)      # 5 × "tốt" (80 points)
    first = _self_assessed(users, commune, "Xuất Sắc Một")
    second = _self_assessed(users, commune, "Xuất Sắc Hai")
    blogin(page, "leader")
    page.goto(page.base + f"/workforce/danh-gia/{first.pk}/")
    assert page.locator("#task-score").inner_text() == "70,00"
    page.fill("#id_lead-general_score", "25")
    page.fill("#id_lead-comment", "Hoàn thành xuất sắc")
    page.click("#leader-form button[type=submit]")
    page.wait_for_selector("#approve-form")
    assert page.locator("#total-score").inner_text() == "95,00"
    assert "xuất sắc" in page.locator("#ev-level").inner_text()
    page.click("#approve-form button[type=submit]")
    page.wait_for_selector("text=Đã phê duyệt.")
    assert Evaluation.objects.get(pk=first.pk).status == "approved"
    assert "Phê duyệt" in page.locator("#history").inner_text()

    # The second "excellent" exceeds 20% of 5 "good": refused with the figures.
    page.goto(page.base + f"/workforce/danh-gia/{second.pk}/")
    page.fill("#id_lead-general_score", "26")
    page.click("#leader-form button[type=submit]")
    page.wait_for_selector("#approve-form")
    page.click("#approve-form button[type=submit]")
    msg = page.locator(".msg-error").first.inner_text()
    assert "Vượt tỷ lệ" in msg and "tối đa 1" in msg and "thừa 1 người" in msg
    assert Evaluation.objects.get(pk=second.pk).status == "leader_assessed"
    assert dt.date.today()
