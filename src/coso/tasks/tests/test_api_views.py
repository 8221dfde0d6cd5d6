"""API and pages: the same services; bad input gives Vietnamese errors, never a 500; another unit's data is 404."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from openpyxl import load_workbook

from coso.tasks.models import Directive, Extension, Task
from coso.tasks.tests.conftest import TODAY, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"


def _json(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(data, default=str), content_type="application/json")


# ---------------------------------------------------------------- API
def test_api_full_flow(login, users, commune, other_commune, today, media):
    prov = login(users["province_home_affairs"])
    r = prov.post(
        f"{API}/directives",
        {
            "number": "7/UBND",
            "issued_on": str(TODAY),
            "issuer": "UBND TP",
            "level": "province",
            "summary": "Chỉ đạo",
            "file": SimpleUploadedFile("vb.pdf", pdf_bytes()),
        },
    )
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["has_file"] is True
    r = _json(
        prov,
        f"{API}/directives/{d['id']}/tasks",
        {"title": "Rà soát", "commune_codes": [commune.code, other_commune.code], "assigned_on": TODAY, "due_on": TODAY + dt.timedelta(days=5)},
    )
    assert r.status_code == 201, r.content
    assert [t["status"] for t in r.json()] == ["open_in_term", "open_in_term"]
    task_id = next(t["id"] for t in r.json() if t["commune_code"] == commune.code)

    com = login(users["specialist"])
    assert com.get(f"{API}/").json()["count"] == 1
    r = com.post(
        f"{API}/{task_id}/reports", {"kind": "progress", "content": "50 %", "progress": "50", "files": [SimpleUploadedFile("a.png", png_bytes())]}
    )
    assert r.status_code == 201, r.content
    assert r.json()["files"] == ["a.png"]
    r = _json(com, f"{API}/{task_id}/extensions", {"new_due": TODAY + dt.timedelta(days=9), "reason": "Chờ phối hợp"})
    assert r.status_code == 201
    ext_id = r.json()["id"]
    r = _json(com, f"{API}/{task_id}/extensions/{ext_id}/decision", {"approve": True})
    assert r.status_code == 403

    prov = login(users["province_home_affairs"])
    r = _json(prov, f"{API}/{task_id}/extensions/{ext_id}/decision", {"approve": False})
    assert r.status_code == 400 and r.json()["code"] == "required"
    r = _json(prov, f"{API}/{task_id}/extensions/{ext_id}/decision", {"approve": True, "reason": "Đồng ý"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert prov.get(f"{API}/{task_id}").json()["effective_due"] == str(TODAY + dt.timedelta(days=9))

    com = login(users["specialist"])
    r = com.post(f"{API}/{task_id}/reports", {"kind": "result", "content": "Xong"})
    assert r.status_code == 201
    prov = login(users["province_home_affairs"])
    r = prov.get(f"{API}/report", {"kind": "month", "year": TODAY.year, "number": TODAY.month})
    body = r.json()
    assert r.status_code == 200 and body["total"]["completed_on_time"] == 1 and body["total"]["completion_rate"] == "100.00"
    assert prov.get(f"{API}/", {"status": "completed_on_time"}).json()["count"] == 1


def test_api_bad_input_and_scoping(login, users, two_tasks, commune, other_commune, today):
    com = login(users["leader"])
    other = next(t for t in two_tasks if t.commune_code == other_commune.code)
    assert com.get(f"{API}/{other.pk}").status_code == 404
    assert com.post(f"{API}/{other.pk}/reports", {"kind": "progress", "content": "x", "progress": "1"}).status_code == 404
    assert com.get(f"{API}/", {"status": "bogus"}).status_code == 400
    assert com.get(f"{API}/report", {"kind": "week"}).status_code == 400
    assert com.get(f"{API}/report", {"kind": "month", "number": 13}).status_code == 400
    mine = next(t for t in two_tasks if t.commune_code == commune.code)
    r = com.post(f"{API}/{mine.pk}/reports", {"kind": "progress", "content": "x", "progress": "140"})
    assert r.status_code == 400 and "progress" in r.json()["details"]["fields"]
    r = _json(com, f"{API}/{mine.pk}/extensions", {"new_due": "not-a-date", "reason": "x"})
    assert r.status_code in (400, 422)
    prov = login(users["province_home_affairs"])
    r = _json(prov, f"{API}/directives/{mine.directive_id}/tasks", {"title": "x", "commune_codes": ["99999"], "assigned_on": TODAY, "due_on": TODAY})
    assert r.status_code == 400 and r.json()["code"] == "unknown-commune"
    assert login(users["citizen"]).get(f"{API}/").json()["count"] == 0


# ---------------------------------------------------------------- pages
def test_pages_register_assign_report_extend_decide(login, users, commune, other_commune, today, media):
    prov = login(users["province_home_affairs"])
    assert prov.get("/nhiem-vu/").status_code == 200
    r = prov.post("/nhiem-vu/van-ban/moi/", {"number": "", "issued_on": "2026-03-01", "issuer": "UBND", "level": "province", "summary": "x"})
    assert r.status_code == 400 and "Vui lòng nhập" in r.content.decode() or "bắt buộc" in r.content.decode()
    r = prov.post(
        "/nhiem-vu/van-ban/moi/",
        {
            "number": "9/UBND",
            "issued_on": "2026-03-01",
            "issuer": "UBND TP",
            "level": "province",
            "summary": "Chỉ đạo",
            "file": SimpleUploadedFile("vb.exe", b"MZ\x90\x00"),
        },
    )
    assert r.status_code == 400 and "không thuộc loại được nhận" in r.content.decode()
    assert not Directive.objects.exists()
    r = prov.post(
        "/nhiem-vu/van-ban/moi/",
        {
            "number": "9/UBND",
            "issued_on": "2026-03-01",
            "issuer": "UBND TP",
            "level": "province",
            "summary": "Chỉ đạo",
            "file": SimpleUploadedFile("vb.pdf", pdf_bytes()),
        },
    )
    assert r.status_code == 302
    d = Directive.objects.get()
    assert prov.get(f"/nhiem-vu/van-ban/{d.pk}/tep/").status_code == 200
    r = prov.post(
        f"/nhiem-vu/van-ban/{d.pk}/",
        {"title": "Rà soát", "communes": [commune.code, other_commune.code], "assigned_on": "2026-03-02", "due_on": "2026-02-01"},
    )
    assert r.status_code == 400 and "Thời hạn phải từ ngày giao" in r.content.decode()
    r = prov.post(
        f"/nhiem-vu/van-ban/{d.pk}/",
        {"title": "Rà soát", "communes": [commune.code, other_commune.code], "assigned_on": "2026-03-02", "due_on": "2026-03-20"},
    )
    assert r.status_code == 302 and Task.objects.count() == 2
    r = prov.post(f"/nhiem-vu/van-ban/{d.pk}/", {"title": "Báo cáo", "assigned_on": "2026-03-02", "due_on": "2026-03-20"})
    assert r.status_code == 400 and "Chọn ít nhất một xã" in r.content.decode()
    r = prov.post(f"/nhiem-vu/van-ban/{d.pk}/", {"title": "Báo cáo", "all_communes": "on", "assigned_on": "2026-03-02", "due_on": "2026-03-20"})
    assert r.status_code == 302 and Task.objects.filter(title="Báo cáo").count() == 2
    task = Task.objects.get(commune_code=commune.code, title="Rà soát")

    com = login(users["specialist"])
    page = com.get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert "Chưa hoàn thành, trong hạn" in page and 'id="report-form"' in page
    r = com.post(f"/nhiem-vu/{task.pk}/gia-han/", {"new_due": "2026-03-10", "reason": "x"})
    assert r.status_code == 400 and "phải sau thời hạn hiện tại" in r.content.decode()
    r = com.post(f"/nhiem-vu/{task.pk}/gia-han/", {"new_due": "2026-03-31", "reason": "Chờ số liệu"})
    assert r.status_code == 302
    assert com.post(f"/nhiem-vu/{task.pk}/quyet-dinh-gia-han/", {"decision": "approve"}).status_code == 400
    r = com.post(
        f"/nhiem-vu/{task.pk}/bao-cao/",
        {
            "kind": "progress",
            "progress": "30",
            "content": "Đang làm",
            "version": task.version,
            "attachments": [SimpleUploadedFile("a.png", png_bytes())],
        },
    )
    assert r.status_code == 302
    att = task.reports.get().attachments.get()
    assert com.get(f"/nhiem-vu/tep/{att.pk}/").status_code == 200
    assert login(users["other_leader"]).get(f"/nhiem-vu/tep/{att.pk}/").status_code == 404
    assert login(users["other_leader"]).get(f"/nhiem-vu/{task.pk}/").status_code == 404

    prov = login(users["province_home_affairs"])
    r = prov.post(f"/nhiem-vu/{task.pk}/quyet-dinh-gia-han/", {"decision": "refuse", "reason": ""})
    assert r.status_code == 400 and "Vui lòng nhập" in r.content.decode()
    assert 'id="pending-link"' in prov.get("/nhiem-vu/").content.decode()
    html = prov.get("/nhiem-vu/", {"pending": "on"}).content.decode()
    assert html.count('<tr data-commune="') == 1
    r = prov.post(f"/nhiem-vu/{task.pk}/quyet-dinh-gia-han/", {"decision": "approve", "reason": ""})
    assert r.status_code == 302 and Extension.objects.get().status == "approved"
    assert "31/03/2026" in prov.get(f"/nhiem-vu/{task.pk}/").content.decode()


def test_report_page_excel_and_pdf(login, users, two_tasks, commune, today):
    prov = login(users["province_home_affairs"])
    r = prov.get("/nhiem-vu/bao-cao/", {"kind": "month", "year": 2026, "number": 3})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="stat-total">2<' in html  # month 3 with cut-off 14: 15/2–14/3, the tasks were given on 25/2
    r = prov.get("/nhiem-vu/bao-cao/", {"kind": "month", "year": 2026, "number": 3, "format": "xlsx"})
    assert r.status_code == 200
    import io

    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Tổng cộng" in values and "Chưa hoàn thành quá hạn" in values
    r = prov.get("/nhiem-vu/bao-cao/", {"kind": "quarter", "year": 2026, "number": 1, "format": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = prov.get("/nhiem-vu/bao-cao/", {"kind": "quarter", "year": 2026, "number": 9})
    assert r.status_code == 200 and "Số kỳ không hợp lệ" in r.content.decode()
    assert prov.get("/nhiem-vu/bao-cao/", {"kind": "x", "year": "abc"}).status_code == 200


def test_pages_hidden_from_citizens_and_anonymous(client, login, users, two_tasks):
    assert client.get("/nhiem-vu/").status_code == 302
    c = login(users["citizen"])
    assert c.get("/nhiem-vu/").status_code == 404
    assert c.get("/nhiem-vu/bao-cao/").status_code == 404


def test_menu_links(login, users):
    html = login(users["leader"]).get("/nhiem-vu/").content.decode()
    assert 'href="/nhiem-vu/"' in html and 'href="/nhiem-vu/bao-cao/"' in html


def test_api_refuses_dates_beyond_the_project_span(login, users, two_tasks, commune, today):
    """A deadline or an extension to 9999-12-31 was accepted; the project's dates end with 2200 (coso.core.params)."""
    prov = login(users["province_home_affairs"])
    mine = next(t for t in two_tasks if t.commune_code == commune.code)
    before = Task.objects.count()
    r = _json(prov, f"{API}/directives/{mine.directive_id}/tasks",
              {"title": "Rà soát", "commune_codes": [commune.code], "assigned_on": TODAY, "due_on": "9999-12-31"})
    assert r.status_code == 400 and r.json()["code"] == "date-out-of-range", r.content
    assert r.json()["details"]["fields"] == {"due_on": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    assert Task.objects.count() == before
    r = _json(prov, f"{API}/directives/{mine.directive_id}/tasks",
              {"title": "Rà soát", "commune_codes": [commune.code], "assigned_on": TODAY, "due_on": "2200-12-31"})
    assert r.status_code == 201, r.content
    com = login(users["specialist"])
    r = _json(com, f"{API}/{mine.pk}/extensions", {"new_due": "9999-12-31", "reason": "Chờ phối hợp"})
    assert r.status_code == 400 and r.json()["code"] == "date-out-of-range", r.content
    assert not Extension.objects.exists()


def test_api_refuses_an_extension_to_a_day_already_passed(login, users, directive, commune, on_day):
    """Task due 03/12, extension to 04/12 asked on 05/12: refused; one asked in time and decided too late is refused too."""
    from coso.tasks.services import tasks_assign

    with on_day(dt.date(2026, 12, 1)):
        task = tasks_assign(actor=users["province_home_affairs"], directive=directive, title="Rà soát", commune_codes=[commune.code],
                            assigned_on=dt.date(2026, 12, 1), due_on=dt.date(2026, 12, 3))[0]
        com = login(users["specialist"])
        r = _json(com, f"{API}/{task.pk}/extensions", {"new_due": "2026-12-04", "reason": "Chờ phối hợp"})
        assert r.status_code == 201, r.content
        ext_id = r.json()["id"]
    with on_day(dt.date(2026, 12, 5)):
        prov = login(users["province_home_affairs"])
        r = _json(prov, f"{API}/{task.pk}/extensions/{ext_id}/decision", {"approve": True, "reason": "Đồng ý"})
        assert r.status_code == 400 and r.json()["code"] == "invalid", r.content
        assert r.json()["message"] == "Thời hạn đề nghị (04/12/2026) đã qua: chỉ gia hạn đến hôm nay hoặc một ngày sau."
        task.refresh_from_db()
        assert task.effective_due == dt.date(2026, 12, 3) and Extension.objects.get().status == "pending"
        r = _json(prov, f"{API}/{task.pk}/extensions/{ext_id}/decision", {"approve": False, "reason": "Quá hạn"})
        assert r.status_code == 200 and r.json()["status"] == "refused"
        com = login(users["specialist"])
        r = _json(com, f"{API}/{task.pk}/extensions", {"new_due": "2026-12-04", "reason": "Chờ phối hợp"})
        assert r.status_code == 400 and r.json()["details"]["fields"] == {
            "new_due": ["Thời hạn đề nghị (04/12/2026) đã qua: chỉ gia hạn đến hôm nay hoặc một ngày sau."]}
        assert Extension.objects.count() == 1
        r = _json(com, f"{API}/{task.pk}/extensions", {"new_due": "2026-12-05", "reason": "Chờ phối hợp"})
        assert r.status_code == 201, r.content


def test_another_units_task_is_404_whatever_the_body(login, users, two_tasks, commune, other_commune, today):
    """The endpoints acting on one task declared a typed body, which django-ninja validated before the task's scope was
    checked: another commune's task with a bad body answered 422 with the body's faults instead of the 404 a missing one
    gets; the scope is now checked first, and the same bad body on one's own task still gets its 422."""
    other = next(t for t in two_tasks if t.commune_code == other_commune.code)
    mine = next(t for t in two_tasks if t.commune_code == commune.code)
    ext = Extension.objects.create(task=other, current_due=other.effective_due, new_due=other.effective_due + dt.timedelta(days=5),
                                   reason="x", requested_by=users["other_leader"], requested_on=TODAY)
    com = login(users["leader"])
    bad = {"new_due": "x", "assignee_id": "x", "approve": "x", "reason": 7, "title": 1}
    for path in ("cancel", "extensions", "assignee", f"extensions/{ext.pk}/decision"):
        r = _json(com, f"{API}/{other.pk}/{path}", bad)
        assert r.status_code == 404 and r.json()["code"] == "not-found", (path, r.content)
        if "decision" not in path:
            assert _json(com, f"{API}/{mine.pk}/{path}", bad).status_code == 422
    r = com.post(f"{API}/{other.pk}/reports", {"kind": "progress", "content": "x", "progress": "abc"})
    assert r.status_code == 404 and r.json()["code"] == "not-found"
    r = com.post(f"{API}/{mine.pk}/reports", {"kind": "progress", "content": "x", "progress": "abc"})
    assert r.status_code == 422 and "progress" in r.json()["details"]["fields"]
    foreign = login(users["other_leader"])
    assert _json(foreign, f"{API}/{mine.pk}/cancel", {}).status_code == 404
    r = _json(login(users["leader"]), f"{API}/{mine.pk}/cancel", {})
    assert r.status_code == 422 and "reason" in r.json()["details"]["fields"]
    r = _json(login(users["other_leader"]), f"{API}/directives/{mine.directive_id}/tasks", {"title": 1})
    assert r.status_code == 422  # the directive gave the other commune a task too: it may read it
    citizen = login(users["citizen"])
    assert _json(citizen, f"{API}/directives/{mine.directive_id}/tasks", {"title": 1}).status_code == 404
    other.refresh_from_db()
    assert other.state == Task.State.OPEN and other.version == 1 and not other.reports.exists()
