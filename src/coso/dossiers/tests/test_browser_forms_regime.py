"""Browser: a clerk prints Circular 03/2025's forms for a dossier received after 1/7/2025 and Circular 01/2018's for one before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.dossiers import services
from coso.dossiers.tests.test_browser import _as
from coso.dossiers.tests.test_pages_api import _pdftotext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = dt.timezone(dt.timedelta(hours=7))


def _dossier(users, commune, version, day, new_date):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=TZ), tick=False):
        d = services.receive_at_counter(
            actor=users["onestop"],
            commune=commune,
            applicant=services.Applicant(name="Nguyễn Văn Đức", phone="0909123456"),
            procedure_version=version,
            documents=["Tờ khai đăng ký khai sinh"],
        )
        d = services.perform(
            actor=users["specialist"],
            dossier_id=d.pk,
            action="apology",
            expected_version=d.version,
            reason="Chờ xác minh nơi cư trú",
            data={"new_date": new_date},
        )
        return services.perform(
            actor=users["onestop"], dossier_id=d.pk, action="withdraw", expected_version=d.version, reason="Công dân xin rút hồ sơ"
        )


def _print(pg, kind, tmp_path):  # type: ignore[no-untyped-def]
    """Click the form's link as a clerk would; the PDF that opens is returned as text."""
    with pg.expect_response(lambda r: f"/forms/{kind}.pdf" in r.url) as info:
        pg.click(f"#pdf-{kind}")
    resp = info.value
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    body = pg.request.get(resp.url).body()
    pg.go_back()
    return " ".join(_pdftotext(body, tmp_path).split()), resp.headers.get("content-disposition", "")


def test_clerk_prints_the_forms_of_each_regime(browser, live_server, blogin, users, commune, version, tmp_path):
    new = _dossier(users, commune, version, dt.date(2025, 8, 4), "2025-08-14")
    old = _dossier(users, commune, version, dt.date(2025, 6, 2), "2025-06-10")
    ctx, pg = _as(browser, live_server, "onestop", blogin)

    pg.goto(pg.base + f"/dossiers/{new.pk}/")
    links = pg.inner_text("section:has(#pdf-receipt)")
    assert "Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" in links
    assert "Mẫu 05 — Thông báo dừng giải quyết hồ sơ" in links and "Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ" in links
    text, disposition = _print(pg, "apology", tmp_path)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text and "Mẫu số 04 (Thông tư 03/2025/TT-VPCP)" in text
    assert "mau04-" in disposition
    text, _d = _print(pg, "stop", tmp_path)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 05 (Thông tư 03/2025/TT-VPCP)" in text
    text, _d = _print(pg, "control", tmp_path)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 06 (Thông tư 03/2025/TT-VPCP)" in text
    text, _d = _print(pg, "receipt", tmp_path)
    assert "Mẫu số 01 (Thông tư 03/2025/TT-VPCP)" in text and new.code in text

    pg.goto(pg.base + f"/dossiers/{old.pk}/")
    links = pg.inner_text("section:has(#pdf-receipt)")
    assert "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả" in links and "Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ" in links
    assert pg.locator("#pdf-stop").count() == 0  # Circular 01/2018 has no stop notice
    text, _d = _print(pg, "apology", tmp_path)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Mẫu số 04 (Thông tư 01/2018/TT-VPCP)" in text
    text, disposition = _print(pg, "control", tmp_path)
    assert "Mẫu số 05 (Thông tư 01/2018/TT-VPCP)" in text and "mau05-" in disposition
    ctx.close()
