"""The jobs API: start an export, follow it, download its file; the periodic jobs for administrators."""

from __future__ import annotations

import pytest

from coso.jobs.models import ExportJob

pytestmark = pytest.mark.django_db

PARAMS = {"format": "xlsx", "start": "2026-01-01", "end": "2026-03-31"}


def test_export_through_the_api(login, users, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = login(users["onestop"])
    r = c.post("/api/v1/jobs/exports", {"kind": "dossiers.register", "params": PARAMS}, content_type="application/json")
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "done" and body["progress"] == 100 and body["params"] == PARAMS  # immediate mode in tests
    assert body["file_url"] == f"/api/v1/jobs/exports/{body['id']}/file"
    assert c.get(f"/api/v1/jobs/exports/{body['id']}").json()["filename"] == "mau07-20260101-20260331.xlsx"  # 2026: the register is Circular 03/2025 Mẫu 07
    assert [j["id"] for j in c.get("/api/v1/jobs/exports").json()["items"]] == [body["id"]]
    f = c.get(body["file_url"])
    assert f.status_code == 200 and b"".join(f.streaming_content)[:2] == b"PK"
    other = login(users["other_onestop"])
    assert other.get(f"/api/v1/jobs/exports/{body['id']}").json()["code"] == "not-found"
    assert other.get(body["file_url"]).status_code == 404


def test_a_file_past_its_keeping_time_is_not_served_before_the_cleanup_runs(login, users, settings, tmp_path):
    """The download checked only that the export was done: a file was served until the periodic clean-up (every
    15 minutes) deleted it, after the time the page said it was kept to."""
    import datetime as dt

    import time_machine

    settings.MEDIA_ROOT = str(tmp_path)
    c = login(users["onestop"])
    body = c.post("/api/v1/jobs/exports", {"kind": "dossiers.register", "params": PARAMS}, content_type="application/json").json()
    job = ExportJob.objects.get(pk=body["id"])
    assert job.expires_at is not None
    with time_machine.travel(job.expires_at + dt.timedelta(seconds=1)):
        assert login(users["onestop"]).get(body["file_url"]).status_code == 404
        assert login(users["onestop"]).get(f"/jobs/exports/{job.pk}/download/").status_code == 404
    assert login(users["onestop"]).get(body["file_url"]).status_code == 200


def test_bad_requests_get_the_error_shape_and_create_nothing(login, users):
    c = login(users["onestop"])
    r = c.post("/api/v1/jobs/exports", {"kind": "dossiers.register", "params": {**PARAMS, "start": "2026-05-01"}}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-period"
    r = c.post("/api/v1/jobs/exports", {"kind": "nope", "params": {}}, content_type="application/json")
    assert r.status_code == 404 and set(r.json()) == {"code", "message", "details"}
    r = login(users["citizen"]).post("/api/v1/jobs/exports", {"kind": "dossiers.register", "params": PARAMS}, content_type="application/json")
    assert r.status_code == 403
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("pk", ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g", "7" * 200])
def test_an_id_that_is_not_a_uuid_is_not_a_job(login, users, pk):
    """A job id that is not a UUID answered 422 validation-error (ninja's typed path parameter): it is simply not a job,
    answered 404 in the one error shape like an unknown UUID."""
    c = login(users["onestop"])
    for url in (f"/api/v1/jobs/exports/{pk}", f"/api/v1/jobs/exports/{pk}/file"):
        r = c.get(url)
        assert r.status_code == 404, (url, r.content)
        assert r.json()["code"] == "not-found" and set(r.json()) == {"code", "message", "details"}


def test_periodic_jobs_for_administrators_only(login, users):
    from coso.jobs.services import run_periodic

    run_periodic("exports_expire")
    rows = login(users["sysadmin"]).get("/api/v1/jobs/periodic").json()
    row = next(r for r in rows if r["name"] == "exports_expire")
    assert row["last_status"] == "ok" and row["result"] == {"expired": 0}
    assert login(users["province_admin"]).get("/api/v1/jobs/periodic").status_code == 200
    assert login(users["leader"]).get("/api/v1/jobs/periodic").status_code == 404


def test_a_file_past_its_keeping_time_is_shown_expired_not_offered_before_the_cleanup_runs(login, users, settings, tmp_path):
    """Past its keeping time, before the clean-up ran, the export still answered status "done" with a file_url, and its
    page offered the “Tải tệp” button, both leading to a 404; it is now shown as expired (page, list and API)."""
    import datetime as dt

    import time_machine

    settings.MEDIA_ROOT = str(tmp_path)
    c = login(users["onestop"])
    body = c.post("/api/v1/jobs/exports", {"kind": "dossiers.register", "params": PARAMS}, content_type="application/json").json()
    job = ExportJob.objects.get(pk=body["id"])
    with time_machine.travel(job.expires_at + dt.timedelta(seconds=1)):
        c = login(users["onestop"])
        r = c.get(f"/api/v1/jobs/exports/{job.pk}").json()
        assert (r["status"], r["file_url"]) == ("expired", None)
        assert c.get("/api/v1/jobs/exports").json()["items"][0]["status"] == "expired"
        html = c.get(f"/jobs/exports/{job.pk}/").content.decode()
        assert "export-download" not in html and "Tệp đã hết thời gian lưu" in html
        assert "Đã hết hạn" in c.get("/jobs/exports/").content.decode()
    assert ExportJob.objects.get(pk=job.pk).status == "done"  # the clean-up still deletes the file and records it
    r = login(users["onestop"]).get(f"/api/v1/jobs/exports/{job.pk}").json()
    assert r["status"] == "done" and r["file_url"]


@pytest.mark.parametrize(("who", "kind", "params", "field"), [
    ("onestop", "dossiers.register", {**PARAMS, "format": "docx"}, "format"),
    ("home_affairs", "workforce.review", {"format": "csv"}, "format"),
    ("home_affairs", "workforce.review", {"format": "xlsx", "on": "31/02/2026"}, "on"),
    ("province_finance", "funding.allocation", {"format": "html", "period": "2026"}, "format"),
])
def test_a_refused_export_parameter_is_named(login, users, who, kind, params, field):
    """A bad format (or review day) was refused with empty details: the error now names the parameter, and no job is made."""
    c = login(users[who])
    r = c.post("/api/v1/jobs/exports", {"kind": kind, "params": params}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert list(r.json()["details"]["fields"]) == [field]
    assert not ExportJob.objects.exists()
