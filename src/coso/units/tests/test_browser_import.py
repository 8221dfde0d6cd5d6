"""The village import journey in a real browser: template, bad file refused with every error listed, good file imported."""

import pytest

from coso.units.models import Village
from coso.units.tests.helpers import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_journey(page, users, commune, blogin, tmp_path):
    blogin(page, "home_affairs")
    page.goto(page.base + "/units/villages/import/")
    with page.expect_download() as download:
        page.click("#template-link")
    assert download.value.suggested_filename.endswith(".xlsx")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([
        ["26734", "Tổ dân phố 1", "Tổ dân phố", 300, 1100, "", "", ""],
        ["26734", "Tổ dân phố 2", "Xóm", 300, 1100, "", "", ""],
        ["26734", "Tổ dân phố 3", "Tổ dân phố", -4, "nhiều", "", "", ""],
        ["26737", "Tổ dân phố 4", "Tổ dân phố", 1, 1, "", "", ""],
        ["26734", "tổ dân phố 1", "Tổ dân phố", 1, 1, "", "", ""],
    ]))
    page.set_input_files("#id_file", str(bad))
    page.click("button[type=submit].primary")
    errors = page.locator("#import-errors tr.import-error")
    assert errors.count() == 5
    text = page.inner_text("#import-errors")
    for expected in ("Loại", "Số hộ", "Số dân", "Mã xã", "Trùng tên với dòng 2", "chưa nhập dòng nào"):
        assert expected in text
    assert Village.objects.count() == 0

    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([
        ["26734", "Tổ dân phố 1", "Tổ dân phố", 300, 1100, "", "", ""],
        ["26734", "Khu phố Bình An", "Khu phố", 420, 1500, "", "x", "x"],
    ]))
    page.set_input_files("#id_file", str(good))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/units/villages/")
    assert "Đã nhập 2 thôn, tổ dân phố" in page.content()
    assert page.locator("text=Khu phố Bình An").count() == 1
    assert Village.objects.filter(commune_code="26734").count() == 2
