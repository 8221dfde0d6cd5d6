"""Browser journey: "Tiếp nhận và in giấy hẹn" receives the dossier and opens the receipt (Mẫu 01) for printing."""

from __future__ import annotations

import pytest

from coso.dossiers.models import Dossier
from coso.dossiers.tests.test_hardening import BIRTH_DOCS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def birth(db):  # type: ignore[no-untyped-def]
    from coso.dossiers.tests.conftest import make_procedure

    return make_procedure(code="1.999001", name="Đăng ký khai sinh", docs=BIRTH_DOCS)


def test_receive_and_print_opens_the_receipt_pdf(browser, live_server, blogin, users, commune, birth):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.base = live_server.url
    pg.set_default_timeout(15_000)
    # Count print() calls in every frame (the receipt is printed from a frame of the detail page).
    pg.add_init_script("window.print = function () { (window.top.__prints = window.top.__prints || []).push(location.pathname); };")
    blogin(pg, "onestop")
    pg.goto(pg.base + f"/dossiers/intake/?procedure={birth.procedure.code}")
    pg.fill("#id_applicant_name", "Nguyễn Văn Đức")
    pg.fill("#id_applicant_phone", "0909123456")
    pg.check("#id_doc_0")
    pg.check("#id_doc_1")
    pg.fill("#id_count_0", "2")
    with pg.expect_response(lambda r: r.url.endswith("/forms/receipt.pdf")) as receipt:
        pg.click("#receive-dossier")
    pdf = receipt.value
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"  # loaded into Chromium's PDF viewer
    d = Dossier.objects.get()
    assert pdf.url == pg.base + f"/dossiers/{d.pk}/forms/receipt.pdf"
    assert pg.request.get(pdf.url).body().startswith(b"%PDF")
    assert pg.inner_text("#dossier-code").strip() == d.code
    pg.wait_for_function("document.getElementById('print-receipt').hasAttribute('data-printed')")
    assert pg.get_attribute("#print-receipt-frame", "src") == f"/dossiers/{d.pk}/forms/receipt.pdf"
    assert pg.get_attribute("#print-receipt", "data-printed") == "1"
    assert pg.evaluate("window.__prints") == [f"/dossiers/{d.pk}/forms/receipt.pdf"]  # print() ran in the receipt frame
    assert pg.is_visible("#print-receipt-link")  # the way to print it again
    assert pg.evaluate("window.location.search") == ""  # a reload does not print twice
    ctx.close()
