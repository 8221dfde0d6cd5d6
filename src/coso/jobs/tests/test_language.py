"""Export jobs in the reader's language: the name of an export and the reason it failed follow the language of the
page that shows them (Vietnamese by default, English when chosen), whatever the language it was asked for in.
The files themselves (the register, Mẫu 06/07) stay the legal forms, in Vietnamese."""

from __future__ import annotations

import pytest

from coso.jobs.models import ExportJob

pytestmark = pytest.mark.django_db

PARAMS = {"format": "xlsx", "start": "2026-01-01", "end": "2026-03-31"}


def english(c):  # type: ignore[no-untyped-def]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def vietnamese(c):  # type: ignore[no-untyped-def]
    c.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    return c


def test_export_titles_follow_the_readers_language(login, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = login(users["onestop"])
    r = c.post("/jobs/exports/start/", {"kind": "dossiers.register", **PARAMS})  # asked in Vietnamese
    job = ExportJob.objects.get()
    assert r.status_code == 302 and job.status == ExportJob.Status.DONE
    vi_title = "Sổ theo dõi hồ sơ (Mẫu 07) 01/01/2026–31/03/2026 (Excel)"
    assert job.title == vi_title
    assert vi_title in c.get("/jobs/exports/").content.decode()
    assert vi_title in c.get(f"/jobs/exports/{job.pk}/").content.decode()
    assert c.get(f"/api/v1/jobs/exports/{job.pk}").json()["title"] == vi_title

    english(c)
    en_title = "Dossier register (Form 07) 01/01/2026–31/03/2026 (Excel)"
    for url in ("/jobs/exports/", f"/jobs/exports/{job.pk}/"):
        html = c.get(url).content.decode()
        assert en_title in html and "Sổ theo dõi" not in html
    assert c.get(f"/api/v1/jobs/exports/{job.pk}").json()["title"] == en_title
    assert c.get("/api/v1/jobs/exports").json()["items"][0]["title"] == en_title
    # The file is the legal form: its name and content do not change with the language.
    assert c.get(f"/api/v1/jobs/exports/{job.pk}").json()["filename"] == "mau07-20260101-20260331.xlsx"


def test_a_job_recorded_before_title_args_keeps_its_stored_title(login, users):
    from coso.jobs.tests.factories import ExportJobFactory

    job = ExportJobFactory(requested_by=users["onestop"])
    c = english(login(users["onestop"]))
    assert "Sổ theo dõi hồ sơ của xã – bản riêng" in c.get(f"/jobs/exports/{job.pk}/").content.decode()


def test_a_failed_export_says_why_in_the_readers_language(login, users, settings, tmp_path, monkeypatch):
    from coso.dossiers import documents

    def boom(*a, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(documents, "register_xlsx", boom)
    c = english(login(users["onestop"]))
    r = c.post("/jobs/exports/start/", {"kind": "dossiers.register", **PARAMS})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and job.error_code == "export-failed"
    html = c.get(r["Location"]).content.decode()
    assert "System error while creating the file" in html and "Lỗi hệ thống" not in html and "Không tạo được tệp" not in html
    assert "System error while creating the file" in c.get(f"/api/v1/jobs/exports/{job.pk}").json()["error"]
    # The same job read in Vietnamese: the Vietnamese message, as before.
    vietnamese(c)
    assert "Không tạo được tệp: Lỗi hệ thống khi tạo tệp" in c.get(r["Location"]).content.decode()


def test_an_export_refused_at_run_time_or_timed_out_is_shown_in_the_readers_language(login, users):
    import datetime as dt

    from django.utils import timezone

    from coso.jobs.services import _fail, exports_expire
    from coso.jobs.tests.factories import ExportJobFactory

    refused = ExportJobFactory(requested_by=users["onestop"], status=ExportJob.Status.RUNNING)
    _fail(refused, "Tài khoản đã bị khoá.", "inactive-user")  # recorded by a Vietnamese worker
    stale = ExportJobFactory(requested_by=users["onestop"], status=ExportJob.Status.QUEUED)
    ExportJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=7))
    exports_expire()
    c = english(login(users["onestop"]))
    assert "This account is locked." in c.get(f"/jobs/exports/{refused.pk}/").content.decode()
    html = c.get(f"/jobs/exports/{stale.pk}/").content.decode()
    assert "Quá thời gian" not in html and "Timed out" in html
