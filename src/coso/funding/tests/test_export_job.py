"""The province funding export as a job: start, progress page, download, scope, rights re-checked, expiry."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.storage import default_storage
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from coso.funding import services
from coso.jobs.models import ExportJob
from coso.jobs.services import exports_expire

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(users, old_commune, other_commune, make_village, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.organisations_ensure(actor=None, commune=old_commune)
    make_village(old_commune, "Thôn 1", 400)
    make_village(other_commune, "Tổ 7", 300, kind="to_dan_pho")


def start(c, **params):  # type: ignore[no-untyped-def]
    return c.post("/jobs/exports/start/", {"kind": "funding.allocation", **params})


def test_province_officer_starts_export_sees_progress_and_downloads(login, users, data):
    c = login(users["province_finance"])
    r = start(c, period="2025", format="xlsx")
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobs/exports/{job.pk}/"
    assert job.status == ExportJob.Status.DONE and job.progress == 100  # immediate mode in tests
    assert job.province_code == "79" and job.requested_by == users["province_finance"]
    assert job.params == {"format": "xlsx", "period": "2025", "province": "79", "commune": ""}
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)
    page = c.get(r["Location"]).content.decode()
    assert 'id="export-download"' in page and "phan-bo-kinh-phi-79-2025.xlsx" in page and "<progress" in page
    fragment = c.get(f"/jobs/exports/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in fragment  # finished: the page stops polling
    d = c.get(f"/jobs/exports/{job.pk}/download/")
    assert d.status_code == 200 and d["Content-Disposition"].startswith("attachment")
    assert "private" in d["Cache-Control"] and "no-store" in d["Cache-Control"]
    wb = load_workbook(io.BytesIO(b"".join(d.streaming_content)))
    assert wb.sheetnames == ["Tổng hợp", "Chi tiết"]
    # The same total as the page and API.
    api_total = c.get("/api/v1/funding/allocation?period=2025").json()["total"]
    rows = [[cell.value for cell in row] for row in wb["Tổng hợp"].iter_rows()]
    assert next(r for r in rows if r[1] == "TỔNG CỘNG")[-1] == api_total > 0
    # The file lives in the storage (local folder or object storage), under exports/.
    assert job.file_name.startswith("exports/") and default_storage.exists(job.file_name)
    # Each download is recorded in the audit log (the file holds personal data).
    from coso.core.models import AuditLog

    assert AuditLog.objects.filter(object_type="jobs.ExportJob", object_id=str(job.pk), action=AuditLog.Action.VIEW, actor=users["province_finance"]).count() == 1
    assert c.get("/jobs/exports/").content.decode().count(str(job.pk)) >= 1


def test_queued_job_page_polls_without_inline_script(login, users, data):
    c = login(users["province_finance"])
    job = ExportJob.objects.create(kind="funding.allocation", title="x", params={"format": "xlsx", "period": "2025", "province": "79", "commune": ""},
                                   requested_by=users["province_finance"], province_code="79")
    html = c.get(f"/jobs/exports/{job.pk}/").content.decode()
    assert f'hx-get="/jobs/exports/{job.pk}/progress/"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress max="100" value="0">' in html and "<script>" not in html
    assert '<meta http-equiv="refresh"' in html  # without JavaScript the page refreshes itself
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=42)
    assert '<progress max="100" value="42">' in c.get(f"/jobs/exports/{job.pk}/progress/").content.decode()
    assert c.get(f"/jobs/exports/{job.pk}/download/").status_code == 404  # not ready


def test_asking_twice_while_it_waits_returns_the_same_job(login, users, data):
    c = login(users["province_finance"])
    waiting = ExportJob.objects.create(kind="funding.allocation", title="x", requested_by=users["province_finance"], province_code="79",
                                       params={"format": "xlsx", "period": "2025", "province": "79", "commune": ""})
    r = start(c, period="2025", format="xlsx")
    assert r["Location"] == f"/jobs/exports/{waiting.pk}/" and ExportJob.objects.count() == 1
    start(c, period="2025", format="pdf")  # another file
    assert ExportJob.objects.count() == 2
    ExportJob.objects.filter(pk=waiting.pk).update(status=ExportJob.Status.DONE)
    start(c, period="2025", format="xlsx")  # finished: a fresh file (the data may have changed)
    assert ExportJob.objects.count() == 3


def test_only_the_requester_gets_the_file(login, users, data, make_user, province):
    from coso.accounts.roles import Role

    c = login(users["province_finance"])
    start(c, period="2025", format="xlsx")
    job = ExportJob.objects.get()
    colleague = make_user("colleague", Role.PROVINCE_FINANCE, province)
    for user in (colleague, users["finance"], users["sysadmin"], users["citizen"]):
        other = login(user)
        for path in ("", "progress/", "download/"):
            assert other.get(f"/jobs/exports/{job.pk}/{path}").status_code == 404, (user, path)


def test_rights_are_checked_again_before_download(login, users, data):
    c = login(users["province_finance"])
    start(c, period="2025", format="xlsx")
    job = ExportJob.objects.get()
    users["province_finance"].role = "onestop_officer"  # moved to a job without access to funding
    users["province_finance"].save()
    c = login(users["province_finance"])
    assert c.get(f"/jobs/exports/{job.pk}/download/").status_code == 404
    assert "không còn quyền" in c.get(f"/jobs/exports/{job.pk}/").content.decode()


def test_commune_officer_exports_own_commune_only(login, users, data, other_commune):
    c = login(users["finance"])
    r = start(c, period="2025", format="pdf", commune=other_commune.code)
    assert r.status_code == 404 or not ExportJob.objects.exists()
    start(c, period="2025", format="pdf")
    job = ExportJob.objects.get()
    assert job.commune_code == users["finance"].commune_code and job.status == ExportJob.Status.DONE
    d = c.get(f"/jobs/exports/{job.pk}/download/")
    assert d["Content-Type"] == "application/pdf" and b"".join(d.streaming_content).startswith(b"%PDF")


def test_bad_input_is_refused_with_a_message_and_creates_nothing(login, users, data):
    c = login(users["province_finance"])
    r = c.post("/jobs/exports/start/", {"kind": "funding.allocation", "period": "2025-13", "format": "xlsx"},
               HTTP_REFERER="http://testserver/funding/?period=2025", follow=True)
    assert r.status_code == 200 and r.redirect_chain[-1][0] == "/funding/?period=2025"
    assert not ExportJob.objects.exists()
    r = c.post("/jobs/exports/start/", {"kind": "funding.allocation", "period": "2025", "format": "docx"}, follow=True)
    assert "pdf hoặc xlsx" in r.content.decode()
    r = c.post("/jobs/exports/start/", {"kind": "no.such", "period": "2025"}, HTTP_REFERER="https://evil.example/x")
    assert r["Location"] == "/jobs/exports/"
    assert not ExportJob.objects.exists()
    assert login(users["onestop"]).post("/jobs/exports/start/", {"kind": "funding.allocation", "period": "2025"}).status_code == 302
    assert not ExportJob.objects.exists()
    assert c.get("/jobs/exports/start/").status_code == 405
    assert c.get("/jobs/exports/not-a-uuid/").status_code == 404


def test_file_is_deleted_after_the_keeping_time(login, users, data, settings):
    settings.COSO_EXPORT_KEEP_HOURS = 2
    c = login(users["province_finance"])
    start(c, period="2025", format="xlsx")
    job = ExportJob.objects.get()
    assert exports_expire(now=timezone.now() + dt.timedelta(hours=1)) == 0
    assert exports_expire(now=timezone.now() + dt.timedelta(hours=3)) == 1
    assert exports_expire(now=timezone.now() + dt.timedelta(hours=4)) == 0  # idempotent
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and job.file_name == ""
    assert not default_storage.listdir(f"exports/{job.finished_at:%Y/%m/%d}/{job.pk}")[1]
    assert c.get(f"/jobs/exports/{job.pk}/download/").status_code == 404
    assert "hết thời gian lưu" in c.get(f"/jobs/exports/{job.pk}/").content.decode()


def test_a_failing_build_is_shown_not_raised(login, users, data, monkeypatch):
    from coso.funding import selectors

    def boom(**kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(selectors, "allocation_get", boom)
    c = login(users["province_finance"])
    r = start(c, period="2025", format="xlsx")
    job = ExportJob.objects.get()
    assert r.status_code == 302 and job.status == ExportJob.Status.FAILED and "Lỗi hệ thống" in job.error
    assert "Không tạo được tệp" in c.get(r["Location"]).content.decode()


def test_export_title_and_failure_follow_the_readers_language(login, users, data, monkeypatch):
    from coso.funding import selectors

    c = login(users["province_finance"])
    start(c, period="2025", format="xlsx")
    job = ExportJob.objects.get()
    assert job.display_title.startswith("Phân bổ kinh phí ") and job.display_title.endswith(" – 2025 (Excel)")
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = c.get(f"/jobs/exports/{job.pk}/").content.decode()
    assert "Funding allocation " in html and " – 2025 (Excel)" in html and "Phân bổ kinh phí" not in html

    def boom(**kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(selectors, "allocation_get", boom)
    r = start(c, period="2025", format="pdf")
    html = c.get(r["Location"]).content.decode()
    assert "The file could not be made: System error while creating the file" in html and "Lỗi hệ thống" not in html
