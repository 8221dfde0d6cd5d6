"""Circular 03/2025/TT-VPCP's seven forms for dossiers received from 1/7/2025; Circular 01/2018's six before."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.dossiers import documents
from coso.dossiers.tests.conftest import act
from coso.dossiers.tests.test_pages_api import _pdftotext

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def at(y, m, d, h=9):  # type: ignore[no-untyped-def]
    return dt.datetime(y, m, d, h, tzinfo=TZ)


def _pdf(client, d, kind, tmp_path):  # type: ignore[no-untyped-def]
    r = client.get(f"/dossiers/{d.pk}/forms/{kind}.pdf")
    assert r.status_code == 200, (kind, r.status_code)
    return r, " ".join(_pdftotext(r.content, tmp_path).split())


def test_new_regime_forms_numbered_by_circular_03_2025(receive, users, login, tmp_path):
    with time_machine.travel(at(2025, 8, 4), tick=False):  # Monday
        d = receive()
        act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh", data={"documents": ["Giấy chứng sinh"]})
        act(d, users["onestop"], "receive_supplement")
        d = act(d, users["specialist"], "apology", reason="Chờ xác minh nơi cư trú", data={"new_date": "2025-08-14"})
    c = login(users["onestop"])
    labels = dict(documents.available_forms(d))
    assert labels == {
        "receipt": "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "supplement": "Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        "apology": "Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
        "control": "Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ",
    }
    r, text = _pdf(c, d, "apology", tmp_path)
    assert r["Content-Disposition"].endswith(f'mau04-{d.code}.pdf"')
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN" in text and "03/2025/TT-VPCP" in text
    r, text = _pdf(c, d, "control", tmp_path)
    assert "Mẫu số 06" in text and r["Content-Disposition"].endswith(f'mau06-{d.code}.pdf"')
    _r, text = _pdf(c, d, "supplement", tmp_path)
    assert "tính lại từ đầu" in text and "đóng hồ sơ" in text
    api = c.get(f"/api/v1/dossiers/{d.pk}/forms").json()
    assert [(f["kind"], f["number"]) for f in api] == [("receipt", "01"), ("supplement", "02"), ("apology", "04"), ("control", "06")]
    assert c.get(f"/dossiers/{d.pk}/forms/stop.pdf").status_code == 404  # not stopped


def test_stop_notice_mau_05_after_the_citizen_withdraws(receive, users, login, tmp_path):
    with time_machine.travel(at(2025, 8, 4), tick=False):
        d = receive()
        d.owner = users["citizen"]
        d.save(update_fields=["owner"])
        cc = login(users["citizen"])
        page = cc.get(f"/dossiers/{d.pk}/")
        assert 'id="act-withdraw"' in page.content.decode()  # the citizen's own page offers it
        r = cc.post(f"/dossiers/{d.pk}/act/withdraw/", {"version": d.version, "reason": "Tôi không còn nhu cầu"})
        assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == "withdrawn"
    r, text = _pdf(login(users["onestop"]), d, "stop", tmp_path)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Mẫu số 05" in text and "rút hồ sơ" in text
    assert r["Content-Disposition"].endswith(f'mau05-{d.code}.pdf"')
    assert cc.get(f"/dossiers/{d.pk}/forms/stop.pdf").status_code == 200


def test_citizen_cannot_withdraw_after_the_decision(receive, users):
    from coso.core.exceptions import ConflictError

    with time_machine.travel(at(2025, 8, 4), tick=False):
        d = receive()
        d.owner = users["citizen"]
        d.save(update_fields=["owner"])
        act(d, users["onestop"], "forward")
        act(d, users["specialist"], "forward")
        d = act(d, users["leader"], "approve")
        with pytest.raises(ConflictError):
            act(d, users["citizen"], "withdraw", reason="Muộn rồi")


def test_citizen_withdraws_through_the_api(receive, users, login):
    with time_machine.travel(at(2025, 8, 4), tick=False):
        d = receive()
        d.owner = users["citizen"]
        d.save(update_fields=["owner"])
        c = login(users["citizen"])
        r = c.post(f"/api/v1/dossiers/{d.pk}/actions/withdraw", {"version": d.version, "reason": "Nộp nhầm thủ tục"}, content_type="application/json")
        assert r.status_code == 200, r.content
        assert r.json()["status"] == "withdrawn"
        assert "stop" in [f["kind"] for f in c.get(f"/api/v1/dossiers/{d.pk}/forms").json()]


def test_old_regime_keeps_circular_01_2018_forms(receive, users, login, tmp_path):
    with time_machine.travel(at(2025, 6, 2), tick=False):
        d = receive()
        d = act(d, users["specialist"], "apology", reason="Chờ xác minh", data={"new_date": "2025-06-10"})
        d = act(d, users["onestop"], "withdraw", reason="Công dân xin rút")
    c = login(users["onestop"])
    labels = dict(documents.available_forms(d))
    assert labels == {
        "receipt": "Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "apology": "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "control": "Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ",
    }
    _r, text = _pdf(c, d, "apology", tmp_path)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "01/2018/TT-VPCP" in text
    r, text = _pdf(c, d, "control", tmp_path)
    assert "Mẫu số 05" in text and r["Content-Disposition"].endswith(f'mau05-{d.code}.pdf"')
    assert c.get(f"/dossiers/{d.pk}/forms/stop.pdf").status_code == 404  # no stop notice in Circular 01/2018
    assert c.get(f"/api/v1/dossiers/{d.pk}/forms/stop.pdf").status_code == 404


def test_register_is_mau_07_from_1_7_2025(users, login, tmp_path):
    c = login(users["leader"])
    r = c.get("/dossiers/register/", {"start": "2025-07-01", "end": "2025-07-31", "format": "pdf"})
    assert "mau07-" in r["Content-Disposition"] and "Mẫu số 07" in " ".join(_pdftotext(r.content, tmp_path).split())
    r = c.get("/dossiers/register/", {"start": "2025-05-01", "end": "2025-06-30", "format": "pdf"})
    assert "mau06-" in r["Content-Disposition"] and "Mẫu số 06" in " ".join(_pdftotext(r.content, tmp_path).split())
    r = c.get("/api/v1/dossiers/register.xlsx", {"start": "2025-07-01", "end": "2025-07-31"})
    assert r.status_code == 200 and "mau07-" in r["Content-Disposition"]
    page = c.get("/dossiers/register/", {"start": "2025-07-01", "end": "2025-07-31"}).content.decode()
    assert "Mẫu số 07" in page
