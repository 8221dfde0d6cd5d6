"""Browser journey: a commune chair delegates signing to the vice-chair for a week; the vice-chair approves a
dossier and the dossier's history and control form (Mẫu số 05) show "KT. Chủ tịch …"."""

import datetime as dt

from django.utils import timezone

import pytest

from coso.accounts.roles import Role
from coso.dossiers.tests.conftest import make_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ctx(browser, live_server, blogin, username):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = ctx.new_page()
    pg.base = live_server.url
    pg.set_default_timeout(15_000)
    blogin(pg, username)
    return ctx, pg


def test_chair_delegates_and_vice_chairs_approval_shows_it(browser, live_server, blogin, users, commune, make_user):
    from coso.dossiers import services as dossiers

    deputy = make_user("deputy", Role.COMMUNE_LEADER, commune, full_name="Trịnh Văn Phúc")
    version = make_procedure()
    d = dossiers.receive_at_counter(actor=users["onestop"], commune=commune, procedure_version=version,
                                    applicant=dossiers.Applicant(name="Nguyễn Văn Đức", phone="0909123456", email="", citizen_id=""),
                                    documents=["Tờ khai đăng ký khai sinh"])
    for who in ("onestop", "specialist"):
        d.refresh_from_db()
        dossiers.perform(actor=users[who], dossier_id=d.pk, action="forward", expected_version=d.version)

    ctx, chair = _ctx(browser, live_server, blogin, "leader")
    chair.goto(live_server.url + "/accounts/delegations/")
    chair.click("#delegation-new")
    chair.select_option("#id_delegate", str(deputy.pk))
    chair.select_option("#id_kind", "kt")
    chair.check("input[name=actions][value=dossier_approve]")
    today = timezone.localdate()
    chair.fill("#id_starts_on", today.isoformat())
    chair.fill("#id_ends_on", (today + dt.timedelta(days=6)).isoformat())
    chair.fill("#id_decision_number", "12/QĐ-UBND")
    chair.click("#delegation-save")
    chair.wait_for_load_state()
    row = chair.locator("tr.delegation").first
    assert "Trịnh Văn Phúc" in row.inner_text() and "Đang hiệu lực" in row.inner_text()
    ctx.close()

    ctx, vice = _ctx(browser, live_server, blogin, "deputy")
    vice.goto(live_server.url + f"/dossiers/{d.pk}/")
    vice.click("#act-approve")
    vice.wait_for_load_state()
    assert "Trịnh Văn Phúc (KT. Chủ tịch leader)" in vice.content()
    response = vice.request.get(live_server.url + f"/dossiers/{d.pk}/forms/control.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    from coso.dossiers.tests.pdftext import extract_text

    assert "KT. Chủ tịch leader" in " ".join(extract_text(response.body()).split())
    ctx.close()
