"""Files through the storage API against a local S3-compatible server (moto in server mode, on
127.0.0.1, started by the tests): stored objects, access-checked streaming, exports and expiry."""

from __future__ import annotations

import uuid

from django.test import override_settings

import pytest

from coso.core.files import save_bytes, serve_file

BUCKET = "coso-test"


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, monkeypatch):  # type: ignore[no-untyped-def]
    """default_storage is an S3 bucket on the local server for the duration of the test."""
    import boto3

    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    bucket = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    options = {"bucket_name": bucket, "endpoint_url": s3_endpoint, "access_key": "test", "secret_key": "test", "region_name": "us-east-1",
               "addressing_style": "path", "default_acl": None, "querystring_auth": True, "querystring_expire": 300, "file_overwrite": False,
               "location": "coso"}
    with override_settings(STORAGES={"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
                                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        yield client, bucket


def _keys(client, bucket):  # type: ignore[no-untyped-def]
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_files_are_written_to_the_bucket_and_streamed_back(s3, rf, settings, tmp_path):
    client, bucket = s3
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from coso.core.files import get_storage

    assert type(get_storage()).__name__ in ("S3Storage", "DefaultStorage") and getattr(get_storage(), "bucket_name", "") == bucket
    name = save_bytes("attachments/2026/bien-ban.pdf", b"%PDF-1.4 test")
    assert _keys(client, bucket) == [f"coso/{name}"]
    assert not (tmp_path / "media").exists()  # nothing on the local disk
    # A second name for the same path: nothing is overwritten.
    other = save_bytes("attachments/2026/bien-ban.pdf", b"%PDF-1.4 other")
    assert other != name and len(_keys(client, bucket)) == 2
    response = serve_file(rf.get("/"), name, filename="bien-ban.pdf")
    assert response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert response["Content-Disposition"].startswith("attachment")
    # Private objects: only the owner account has a grant (no public-read ACL).
    grants = client.get_object_acl(Bucket=bucket, Key=f"coso/{name}")["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"].get("Type") == "Group"] == []


def test_missing_object_is_a_404(s3, rf):
    from django.http import Http404

    with pytest.raises(Http404):
        serve_file(rf.get("/"), "exports/none/nothing.xlsx")


@pytest.mark.django_db
def test_export_job_file_in_object_storage_served_only_to_its_requester(s3, login, users, commune):
    from django.utils import timezone

    from coso.jobs.models import ExportJob
    from coso.jobs.services import exports_expire

    client, bucket = s3
    c = login(users["province_finance"])
    c.post("/jobs/exports/start/", {"kind": "funding.allocation", "period": "2025", "format": "xlsx"})
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    assert _keys(client, bucket) == [f"coso/{job.file_name}"]
    body = b"".join(c.get(f"/jobs/exports/{job.pk}/download/").streaming_content)
    assert body[:2] == b"PK" and len(body) == job.size
    assert login(users["province_admin"]).get(f"/jobs/exports/{job.pk}/download/").status_code == 404
    exports_expire(now=timezone.now() + timezone.timedelta(days=2))
    assert _keys(client, bucket) == []


@pytest.mark.django_db
def test_readyz_checks_the_bucket(s3, client):
    assert client.get("/readyz").json()["checks"]["storage"]["ok"]
    s3_client, bucket = s3
    s3_client.delete_bucket(Bucket=bucket)
    r = client.get("/readyz")
    assert r.status_code == 503 and not r.json()["checks"]["storage"]["ok"]
