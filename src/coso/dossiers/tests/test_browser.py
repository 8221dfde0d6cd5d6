"""Browser walks (Playwright, system Chromium): a citizen on a phone, officers at their desks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coso.dossiers.models import Dossier
from coso.dossiers.tests.conftest import PDF_BYTES, make_procedure
from coso.workcalendar import services as cal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proc(db):  # type: ignore[no-untyped-def]
    return make_procedure()


def _as(browser, live_server, username, blogin, phone=False):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 360, "height": 740} if phone else {"width": 1280, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.base = live_server.url
    pg.set_default_timeout(15_000)
    # Headless Chromium has no printer: the receipt printed after intake (Mẫu 01) must not open a real print job.
    pg.add_init_script("window.print = function () {};")
    blogin(pg, username)
    return ctx, pg


def test_citizen_submits_online_on_phone_and_looks_it_up(page, blogin, users, commune, proc, tmp_path):
    blogin(page, "citizen")
    page.goto(page.base + f"/dossiers/submit/?procedure={proc.procedure.code}")
    page.select_option("#id_commune", label=commune.name)
    page.fill("#id_applicant_name", "Nguyễn Thị Hoa")
    page.fill("#id_applicant_phone", "0909123456")
    f = tmp_path / "to-khai.pdf"
    f.write_bytes(PDF_BYTES)
    page.set_input_files("#id_file_0", str(f))
    page.click("#submit-dossier")
    page.wait_for_selector("#dossier-code")
    code = page.inner_text("#dossier-code").strip()
    assert re.match(r"^H79\.26734-\d{6}-0001$", code)
    assert "chờ tiếp nhận" in page.inner_text("#dossier-status")
    # the page fits a phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1
    page.goto(page.base + "/dossiers/my/")
    assert code in page.content()
    # public lookup, as anyone, through the QR link
    page.goto(page.base + f"/dossiers/lookup/?code={code}")
    page.fill("#id_phone", "0000")
    page.click("button[type=submit].primary")
    assert page.is_visible("#lookup-none")
    page.fill("#id_phone", "3456")
    page.click("button[type=submit].primary")
    assert "chờ tiếp nhận" in page.inner_text("#lookup-status")


def test_counter_supplement_apology_approval_return_rating(browser, live_server, blogin, users, commune, proc):
    citizen = users["citizen"]
    citizen.citizen_id = "079090001234"
    citizen.save()
    ctx, pg = _as(browser, live_server, "onestop", blogin)
    pg.goto(pg.base + "/dossiers/intake/")
    pg.select_option("#id_procedure", proc.procedure.code)
    pg.click("button[type=submit].primary")
    pg.fill("#id_applicant_name", "Nguyễn Văn Đức")
    pg.fill("#id_applicant_phone", "0909123456")
    pg.fill("#id_applicant_citizen_id", "079090001234")
    pg.click("#receive-dossier")  # forgot to tick the documents: refused with a clear message
    assert "chưa đủ thành phần" in pg.content()
    pg.check("#id_doc_0")
    pg.click("#receive-dossier")
    pg.wait_for_selector("#dossier-code")
    code = pg.inner_text("#dossier-code").strip()
    d = Dossier.objects.get(code=code)
    assert d.owner_id == citizen.pk
    assert pg.request.get(pg.base + f"/dossiers/{d.pk}/forms/receipt.pdf").body().startswith(b"%PDF")
    # supplement requested, then received (a folded action: unfold it first)
    pg.click("#summary-request_supplement")
    pg.fill("#reason-request_supplement", "Thiếu bản chính giấy chứng sinh")
    pg.fill("#documents-request_supplement", "Giấy chứng sinh")
    pg.click("#act-request_supplement")
    expect(pg.locator("#dossier-status")).to_contain_text("Chờ bổ sung")  # waits for the page after the action
    pg.click("#act-receive_supplement")
    expect(pg.locator("#dossier-status")).to_contain_text("Đang xử lý")
    pg.click("#act-forward")
    ctx.close()
    # specialist: it will be late, apologise before the due date with a new date
    ctx, pg = _as(browser, live_server, "specialist", blogin)
    pg.goto(pg.base + "/dossiers/inbox/")
    pg.click(f"text={code}")
    d.refresh_from_db()
    new_date = cal.add_working_days(d.due_date, 3)
    pg.click("#summary-apology")
    pg.fill("#new_date-apology", new_date.isoformat())
    pg.fill("#reason-apology", "Cần xác minh thông tin với nơi cư trú cũ")
    pg.click("#act-apology")
    assert new_date.strftime("%d/%m/%Y") in pg.inner_text("#dossier-new-date")
    assert pg.request.get(pg.base + f"/dossiers/{d.pk}/forms/apology.pdf").body().startswith(b"%PDF")
    pg.click("#act-forward")
    ctx.close()
    # leader approves
    ctx, pg = _as(browser, live_server, "leader", blogin)
    pg.goto(pg.base + f"/dossiers/{d.pk}/")
    pg.click("#act-approve")
    assert "Đã phê duyệt" in pg.inner_text("#dossier-status")
    ctx.close()
    # one-stop officer returns the result
    ctx, pg = _as(browser, live_server, "onestop", blogin)
    pg.goto(pg.base + f"/dossiers/{d.pk}/")
    pg.click("#act-result_ready")
    pg.click("#act-return_result")
    assert "Đã trả kết quả" in pg.inner_text("#dossier-status")
    ctx.close()
    # the citizen rates on the phone
    ctx, pg = _as(browser, live_server, "citizen", blogin, phone=True)
    pg.goto(pg.base + "/dossiers/my/")
    pg.click("text=Đánh giá mức độ hài lòng")
    pg.click("#submit-rating")  # nothing chosen: clear error
    assert "This field is required" in pg.content() or "bắt buộc" in pg.content().lower()
    pg.check("input[value=very_satisfied]")
    pg.click("#submit-rating")
    assert "Rất hài lòng" in pg.inner_text("#dossier-rating")
    ctx.close()
    d.refresh_from_db()
    assert d.rating.officer_ids and users["leader"].pk in d.rating.officer_ids


def test_dossier_page_folds_other_actions_and_asks_before_refusal(browser, live_server, blogin, users, commune, proc):
    """The leader's page: one open form (approval), the rest folded; refusal needs a tick (no script: the browser's own check)."""
    from coso.dossiers import services

    d = services.receive_at_counter(actor=users["onestop"], commune=commune, procedure_version=proc,
                                    applicant=services.Applicant(name="Lê Văn Tâm", phone="0909123456"), documents=["Tờ khai đăng ký khai sinh"])
    for who in ("onestop", "specialist"):
        d.refresh_from_db()
        services.perform(actor=users[who], dossier_id=d.pk, action="forward", expected_version=d.version)
    ctx, pg = _as(browser, live_server, "leader", blogin, phone=True)
    pg.goto(pg.base + f"/dossiers/{d.pk}/")
    expect(pg.locator("#act-approve")).to_be_visible()
    expect(pg.locator("#act-refuse")).to_be_hidden()
    forms = pg.locator("#actions form.action-form")
    visible = [forms.nth(i).get_attribute("id") for i in range(forms.count()) if forms.nth(i).is_visible()]
    assert visible == ["form-approve"]
    buttons = [t.strip() for t in pg.locator("#actions button").all_text_contents()]
    assert buttons.index("Phê duyệt, ký") < buttons.index("Từ chối giải quyết")
    pg.click("#summary-refuse")
    pg.fill("#reason-refuse", "Không đủ điều kiện")
    pg.click("#act-refuse")  # not ticked: the browser refuses to send the form
    d.refresh_from_db()
    assert d.status == "processing" and pg.locator("#confirm-refuse").evaluate("el => !el.checkValidity()")
    pg.check("#confirm-refuse")
    pg.click("#act-refuse")
    expect(pg).to_have_url(re.compile(r"/dossiers/inbox/"))  # the leader is taken back to the inbox
    d.refresh_from_db()
    assert d.status == "refused"
    ctx.close()
