"""Pages and the JSON API: lookup, intake, actions, conflicts, PDFs, stats, scoping."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess

import pytest
import time_machine

from coso.dossiers import selectors
from coso.dossiers.constants import Status
from coso.dossiers.models import Dossier
from coso.dossiers.tests.conftest import PDF_BYTES, act, pdf_upload

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def test_public_lookup_requires_phone_match(client, receive):
    d = receive(phone="0909123456", name="Nguyễn Văn Đức")
    r = client.get("/dossiers/lookup/", {"code": d.code, "phone": "3456"})
    assert r.status_code == 200 and "Đã tiếp nhận" in r.content.decode() and "Nguyễn" not in r.content.decode()
    assert "Đức" in r.content.decode()  # masked: N****** V** Đức
    r = client.get("/dossiers/lookup/", {"code": d.code, "phone": "0000"})
    body = r.content.decode()
    assert "lookup-none" in body and "Đã tiếp nhận" not in body
    r = client.get("/dossiers/lookup/", {"code": d.code})  # QR link: form prefilled, nothing shown
    assert d.code in r.content.decode() and "lookup-result" not in r.content.decode()
    api = client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "3456"})
    assert api.status_code == 200 and api.json()["status"] == "received"
    api = client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "1111"})
    assert api.status_code == 404 and api.json()["code"] == "not-found"


def test_counter_intake_page(login, users, version):
    c = login(users["onestop"])
    r = c.get("/dossiers/intake/")
    assert r.status_code == 200 and version.procedure.code in r.content.decode()
    r = c.get(f"/dossiers/intake/?procedure={version.procedure.code}")
    assert "Tờ khai đăng ký khai sinh" in r.content.decode()
    bad = c.post("/dossiers/intake/", {"procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "12", "channel": "counter", "doc_0": "on"})
    assert bad.status_code == 400 and "Số điện thoại không hợp lệ" in bad.content.decode()
    missing = c.post("/dossiers/intake/", {"procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter"})
    assert missing.status_code == 400 and "chưa đủ thành phần" in missing.content.decode()
    assert Dossier.objects.count() == 0
    ok = c.post("/dossiers/intake/", {"procedure": version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter", "doc_0": "on"})
    assert ok.status_code == 302
    d = Dossier.objects.get()
    page = c.get(ok["Location"])
    assert d.code in page.content.decode() and "act-forward" in page.content.decode()


def test_online_submit_page_and_my_dossiers(login, users, version, commune):
    c = login(users["citizen"])
    r = c.get(f"/dossiers/submit/?procedure={version.procedure.code}")
    assert r.status_code == 200
    r = c.post(f"/dossiers/submit/?procedure={version.procedure.code}", {
        "procedure": version.procedure.code, "commune": commune.pk, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
        "file_0": pdf_upload(),
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Dossier.objects.get()
    assert d.status == Status.ONLINE_SUBMITTED and d.owner == users["citizen"]
    assert d.code in c.get("/dossiers/my/").content.decode()
    assert c.get(f"/dossiers/{d.pk}/").status_code == 200
    # another citizen and another commune do not see it
    assert login(users["citizen2"]).get(f"/dossiers/{d.pk}/").status_code == 404


def test_conflict_message_on_page_and_409_in_api(login, users, receive):
    d = receive()
    c = login(users["onestop"])
    v = d.version
    assert c.post(f"/dossiers/{d.pk}/act/forward/", {"version": v}).status_code == 302
    r = c.post(f"/dossiers/{d.pk}/act/request_supplement/", {"version": v, "reason": "Thiếu giấy tờ"})
    assert r.status_code == 409 and "vừa được người khác cập nhật" in r.content.decode()
    api = c.post(f"/api/v1/dossiers/{d.pk}/actions/refuse", {"version": v, "reason": "Không đủ điều kiện"}, content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "conflict"
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_api_flow_and_scoping(login, users, version, commune):
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", {"procedure_code": version.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
                                           "documents": ["Tờ khai đăng ký khai sinh"]}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    bad = c.post("/api/v1/dossiers/intake", {"procedure_code": version.procedure.code, "applicant_name": "X", "applicant_phone": "1"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"code", "message", "details"}
    r = c.post(f"/api/v1/dossiers/{body['id']}/actions/forward", {"version": body["version"]}, content_type="application/json")
    assert r.status_code == 200 and r.json()["waiting_role"] == "specialist"
    assert c.get(f"/api/v1/dossiers/{body['id']}").json()["events"][1]["action"] == "forward"
    assert c.get("/api/v1/dossiers/?q=pham minh tuan").json()["count"] == 1
    other = login(users["other_onestop"])
    assert other.get(f"/api/v1/dossiers/{body['id']}").status_code == 404
    assert other.post(f"/api/v1/dossiers/{body['id']}/actions/refuse", {"version": 2, "reason": "xxx"}, content_type="application/json").status_code == 404
    spec = login(users["specialist"])
    inbox = spec.get("/api/v1/dossiers/inbox").json()
    assert [x["code"] for x in inbox["mine"]] == [body["code"]]
    assert spec.get(f"/api/v1/dossiers/{body['id']}/forms/receipt.pdf").content.startswith(b"%PDF")
    assert spec.get("/api/v1/dossiers/stats").json()["total"]["received"] == 1
    assert c.get("/api/v1/dossiers/inbox").status_code == 200


def test_api_online_with_base64_file(login, users, version, commune):
    c = login(users["citizen"])
    payload = {"procedure_code": version.procedure.code, "commune_code": commune.code, "applicant_name": "Nguyễn Thị Hoa", "applicant_phone": "0909123456",
               "files": [{"document_name": "Tờ khai đăng ký khai sinh", "filename": "tk.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}]}
    r = c.post("/api/v1/dossiers/online", payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "online_submitted"
    assert c.get("/api/v1/dossiers/mine").json()["count"] == 1
    anon = c.__class__()
    assert anon.get("/api/v1/dossiers/inbox").status_code == 401


def _pdftotext(data: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None:
        from coso.dossiers.tests.pdftext import extract_text

        return extract_text(data)
    f = tmp_path / "x.pdf"
    f.write_bytes(data)
    return subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("kind", ["receipt", "supplement", "refusal", "apology", "control"])
def test_form_pdfs(kind, login, users, receive, tmp_path):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        d = receive(name="Nguyễn Văn Đức")
        if kind == "supplement":
            act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh", data={"documents": ["Giấy chứng sinh bản chính"]})
        if kind == "refusal":
            act(d, users["onestop"], "refuse", reason="Không thuộc thẩm quyền giải quyết")
        if kind == "apology":
            act(d, users["specialist"], "apology", reason="Cần xác minh thêm", data={"new_date": "2026-03-10"})
        c = login(users["onestop"])
        r = c.get(f"/dossiers/{d.pk}/forms/{kind}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"LiberationSerif" in r.content
    text = _pdftotext(r.content, tmp_path)
    assert d.code in text and "Văn" in text  # the text is real, extractable text
    assert login(users["other_onestop"]).get(f"/dossiers/{d.pk}/forms/{kind}.pdf").status_code == 404


@pytest.mark.parametrize("kind", ["receipt", "apology"])
def test_form_pdfs_show_every_vietnamese_letter(kind, login, users, receive, tmp_path):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        d = receive(name="Nguyễn Văn Đức")
        if kind == "apology":
            act(d, users["specialist"], "apology", reason="Cần xác minh thêm", data={"new_date": "2026-03-10"})
        r = login(users["onestop"]).get(f"/dossiers/{d.pk}/forms/{kind}.pdf")
    text = _pdftotext(r.content, tmp_path)
    assert "Nguyễn Văn Đức" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    title = {"receipt": "GIẤY TIẾP NHẬN HỒ SƠ", "apology": "XIN LỖI"}[kind]
    assert title in text, text[:500]


def test_register_and_stats_exports(login, users, receive):
    import io

    from openpyxl import load_workbook

    receive()
    c = login(users["leader"])
    r = c.get("/dossiers/register/", {"format": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = c.get("/dossiers/register/", {"format": "xlsx"})
    wb = load_workbook(io.BytesIO(r.content))
    assert any("SỔ THEO DÕI" in str(c.value) for row in wb.active.iter_rows() for c in row if c.value)
    r = c.get("/dossiers/stats/")
    assert r.status_code == 200 and "dossier-chart-data" in r.content.decode() and "<script>" not in r.content.decode().replace("<script src", "")
    r = c.get("/dossiers/stats/", {"format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    bad = c.get("/dossiers/stats/", {"start": "2026-05-01", "end": "2026-01-01"})
    assert bad.status_code == 200 and "Ngày bắt đầu phải trước" in bad.content.decode()
    prov = login(users["province_home_affairs"]).get("/dossiers/stats/")
    assert prov.status_code == 200
    assert login(users["citizen"]).get("/dossiers/stats/").status_code == 404


def _assert_counts_match_lists(users):
    """The one-pass counts (leader's home page) equal the sizes of the inbox lists, for every officer."""
    for user in users.values():
        if getattr(user, "commune_code", "") or getattr(user, "province_code", ""):
            box = selectors.inbox(fetched_by=user)
            lists = {"mine": box.mine, "near": box.near, "overdue": box.overdue, "warnings": box.warnings, "intake": box.intake}
            assert selectors.inbox_counts(fetched_by=user) == {k: q.count() for k, q in lists.items()}, user.username


def test_inbox_page_near_overdue_warning(login, users, receive):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        d = receive(name="Hồ Thị Ánh")
    c = login(users["onestop"])
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, tzinfo=TZ), tick=False):
        box = selectors.inbox(fetched_by=users["onestop"])
        assert d in box.mine and d in box.near and d in box.warnings and d not in box.overdue
        r = c.get("/dossiers/inbox/", {"tab": "warnings"})
        assert d.code in r.content.decode()
        r = c.get("/dossiers/inbox/", {"q": "ho thi anh"})
        assert d.code in r.content.decode()
        _assert_counts_match_lists(users)
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=TZ), tick=False):
        box = selectors.inbox(fetched_by=users["onestop"])
        assert d in box.overdue and d not in box.warnings
        _assert_counts_match_lists(users)
    assert login(users["citizen"]).get("/dossiers/inbox/").status_code == 404


def test_officer_dossier_stats(users, receive):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        d1 = receive()
        d2 = receive(name="Trần Văn Bình")
        for d in (d1, d2):
            act(d, users["onestop"], "forward")
            act(d, users["specialist"], "forward")
            act(d, users["leader"], "approve")
            act(d, users["onestop"], "result_ready")
    out = selectors.officer_dossier_stats([users["specialist"].pk, users["finance"].pk], (dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert out[users["specialist"].pk] == {"handled": 2, "on_time": 2, "late": 0}
    assert out[users["finance"].pk] == {"handled": 0, "on_time": 0, "late": 0}


def test_bad_action_input_on_page_changes_nothing(login, users, receive):
    d = receive()
    c = login(users["onestop"])
    r = c.post(f"/dossiers/{d.pk}/act/apology/", {"version": d.version, "reason": "Chờ xác minh", "new_date": "không phải ngày"})
    assert r.status_code == 400 and "Ngày hẹn trả mới" in r.content.decode()
    r = c.post(f"/dossiers/{d.pk}/act/refuse/", {"version": d.version, "reason": ""})
    assert r.status_code == 400 and "Vui lòng ghi rõ lý do" in r.content.decode()
    r = c.post(f"/dossiers/{d.pk}/act/return_result/", {"version": d.version})
    assert r.status_code == 409 and "Không thể" in r.content.decode()
    r = c.post(f"/dossiers/{d.pk}/act/forward/", {})
    assert r.status_code == 400
    d2 = Dossier.objects.get(pk=d.pk)
    assert (d2.status, d2.version, d2.events.count()) == (d.status, d.version, 1)
    api = c.post(f"/api/v1/dossiers/{d.pk}/actions/return_result", {"version": d.version}, content_type="application/json")
    assert api.status_code == 409 and api.json()["code"] == "invalid-transition"
    api = c.post(f"/api/v1/dossiers/{d.pk}/actions/forward", {"version": "x"}, content_type="application/json")
    assert api.status_code == 422 and api.json()["code"] == "validation-error"


def test_province_stats_by_commune(login, users, receive, other_commune):
    receive()
    receive(actor=users["other_onestop"], commune=other_commune)
    r = login(users["province_admin"]).get("/api/v1/dossiers/stats", {"group": "commune"})
    body = r.json()
    assert body["total"]["received"] == 2 and {row["commune_code"] for row in body["rows"]} == {"26734", "26737"}
    r = login(users["leader"]).get("/api/v1/dossiers/stats")
    assert r.json()["total"]["received"] == 1


def test_who_sees_citizen_ids_masked_cannot_search_by_one(login, users, version):
    """A finance officer sees the CCCD masked on the dossier, yet searching the list by the full number found it: the
    list confirmed whose number it was (Decree 13/2023)."""
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", {"procedure_code": version.procedure.code, "applicant_name": "Phạm Minh Tuấn", "applicant_phone": "0912345678",
                                           "applicant_citizen_id": "079123456789", "documents": ["Tờ khai đăng ký khai sinh"]},
               content_type="application/json")
    assert r.status_code == 201, r.content
    assert c.get("/api/v1/dossiers/?q=079123456789").json()["count"] == 1
    for who in ("finance", "province_finance"):
        f = login(users[who])
        for q in ("079123456789", "123456789", "Tuấn 079123456789"):
            r = f.get(f"/api/v1/dossiers/?q={q}")
            assert r.status_code == 403 and r.json()["code"] == "citizen-id-search", (who, q, r.content)
        # 11 digits: a landline number's length, searched as a plain word, which never matches the citizen id
        assert f.get("/api/v1/dossiers/?q=07912345678").json()["count"] == 0
        assert f.get("/api/v1/dossiers/?q=0912345678").status_code == 200  # the phone and the name stay searchable
        assert f.get("/api/v1/dossiers/?q=pham minh tuan").status_code == 200


def test_inbox_warning_and_near_windows_count_the_province_s_working_days(login, users, receive, province):
    """A province's extra day off (Thursday 5/3/2026) also narrows "due within 2 working days" and ?near_days=2: a dossier
    due on Friday is two working days away on Tuesday in that province, as its appointment was counted."""
    from coso.workcalendar import services as cal

    with time_machine.travel(dt.datetime(2026, 3, 2, 8, tzinfo=TZ), tick=False):  # announced before the day (the past is not rewritten)
        cal.override_create(actor=users["province_admin"], date=dt.date(2026, 3, 5), kind="day_off", reason="Lễ hội của tỉnh", source="QĐ 1/2026/QĐ-UBND")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        d = receive(name="Hồ Thị Ánh")
    assert d.due_date == dt.date(2026, 3, 6)  # Tue, Wed, (Thu off) Fri
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=TZ), tick=False):
        box = selectors.inbox(fetched_by=users["onestop"])
        assert d in box.warnings
        assert d in selectors.inbox(fetched_by=users["onestop"], near_days=2).near
        assert selectors.inbox_counts(fetched_by=users["onestop"])["warnings"] == 1
        r = login(users["onestop"]).get("/api/v1/dossiers/inbox", {"near_days": 2})
        assert [x["code"] for x in r.json()["warnings"]] == [d.code] and [x["code"] for x in r.json()["near"]] == [d.code]


def test_stats_online_counts_vneid_too_on_the_page_the_api_and_the_excel_but_766_keeps_the_portal_only(login, users, receive):
    """The one-stop statistics' "Trực tuyến" left out dossiers received through VNeID; it now counts every online channel
    (portal + VNeID) on the page, in the API and in the Excel file. Decision 766 indicator 3.3 still counts the portal only."""
    import io

    from openpyxl import load_workbook

    from coso.dossiers.constants import Channel

    portal, vneid, _counter = receive(), receive(), receive()
    Dossier.objects.filter(pk=portal.pk).update(channel=Channel.ONLINE)
    Dossier.objects.filter(pk=vneid.pk).update(channel=Channel.VNEID)
    c = login(users["leader"])
    page = c.get("/dossiers/stats/")
    assert page.status_code == 200
    total = page.context["data"]["total"]
    assert (total["received"], total["online"]) == (3, 2) and [r["online"] for r in page.context["data"]["rows"]] == [2]
    body = c.get("/api/v1/dossiers/stats").json()
    assert (body["total"]["received"], body["total"]["online"]) == (3, 2) and round(body["total"]["online_share"], 1) == 66.7
    sheet = load_workbook(io.BytesIO(c.get("/dossiers/stats/", {"format": "xlsx"}).content)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "Trực tuyến" in r)
    last = next(r for r in rows if r[0] == "Tổng cộng")
    assert last[header.index("Trực tuyến")] == 2
    facts = [f for f in selectors.index_facts(by_day=False) if f["indicator"] == "3.3"]
    assert sum(f["numerator"] for f in facts) == 1 and sum(f["denominator"] for f in facts) == 3
