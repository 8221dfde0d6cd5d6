"""Browser: a clerk at the counter and a citizen sending feedback type an old address and get the current commune."""

from __future__ import annotations

import pytest

from coso.units.tests.helpers import load_lineage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_types_an_old_address_at_the_counter(desktop_page, blogin, users, commune):
    from coso.dossiers.models import Dossier
    from coso.dossiers.tests.conftest import make_procedure

    load_lineage("79")
    version = make_procedure()
    pg = desktop_page
    blogin(pg, "onestop")
    pg.goto(pg.base + f"/dossiers/intake/?procedure={version.procedure.code}")
    pg.fill("#id_applicant_name", "Trần Thị Lan")
    pg.fill("#id_applicant_phone", "0909123457")
    pg.fill("#old-address-input", "ấp 3, xa tan thong hoi, huyen cu chi, tp hcm")
    candidate = pg.wait_for_selector("#old-address-result .convert-candidate")
    assert "Xã Củ Chi" in candidate.inner_text()
    assert "Xã Tân Thông Hội" in pg.inner_text("#old-address-result")
    pg.click("#old-address-result .old-address-pick")
    address = pg.input_value("#id_applicant_address")
    assert "Xã Củ Chi" in address and not address.startswith(",")
    pg.check("#id_doc_0")
    pg.click("#receive-dossier")
    pg.wait_for_selector("#dossier-code")
    d = Dossier.objects.get(code=pg.inner_text("#dossier-code").strip())
    assert "Xã Củ Chi" in d.applicant_address


def test_citizen_picks_one_of_the_communes_a_divided_ward_became(page, settings, users):
    settings.COSO_DEMO_PROVINCE = "79"
    load_lineage("79")
    page.goto(page.base + "/feedback/submit/")
    page.fill("#old-address-input", "12 Lê Lợi, Phường 15, Quận Tân Bình, TP. Hồ Chí Minh")
    page.wait_for_selector("#old-address-result .convert-candidate")
    names = page.locator("#old-address-result .convert-candidate strong").all_inner_texts()
    assert names == ["Phường Tân Sơn", "Phường Tân Bình"]
    assert "chia cho nhiều xã, phường mới" in page.inner_text("#old-address-result")
    page.locator("#old-address-result .old-address-pick").nth(1).click()
    assert page.input_value("#id_commune") == "27004"
    address = page.input_value("#id_address")
    assert address.startswith("12 Lê Lợi, Phường Tân Bình, ") and "Hồ Chí Minh" in address
    assert "Phường Tân Bình" in page.inner_text("#old-address-chosen")
