"""Two web servers (separate gunicorn processes, as on two machines) in front of one PostgreSQL database
and one S3-compatible object storage (moto in server mode on 127.0.0.1): a user logs in on one, asks
for an export there, and downloads the file from the other — sessions and files are shared, nothing
lives in a process. PostgreSQL only: SQLite's test database is in memory, invisible to other processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

import pytest

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_bucket():  # type: ignore[no-untyped-def]
    moto_server = pytest.importorskip("moto.server")
    import boto3

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"coso-two-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    yield endpoint, bucket, client
    server.stop()


def _gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen([gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "coso.wsgi:application"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(url: str) -> None:
    import requests

    for _ in range(240):
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} never answered")


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_login_and_export_on_one_server_download_from_the_other(users, s3_bucket, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database other processes can open (PostgreSQL)")
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    import requests

    endpoint, bucket, client = s3_bucket
    # The servers run the production settings, whose hashers do not include the tests' fast one.
    users["onestop"].password = PBKDF2PasswordHasher().encode("pw-Coso-2026!", "two-servers-salt", iterations=1000)
    users["onestop"].save(update_fields=["password"])
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS", "S3_", "DJANGO_SETTINGS"))}
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DEBUG": "0", "SECRET_KEY": "two-servers-test-only-0123456789abcdefghijklmnopqrstuvwxyz-0123",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "WHITENOISE_USE_FINDERS": "1", "HUEY_IMMEDIATE": "1", "COSO_VAR_DIR": str(tmp_path),
        "S3_BUCKET": bucket, "S3_ENDPOINT_URL": endpoint, "S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test", "S3_REGION": "us-east-1",
    })
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
    ports = [_free_port(), _free_port()]
    procs = [_gunicorn(p, env) for p in ports]
    try:
        a, b = (f"http://127.0.0.1:{p}" for p in ports)
        _wait(a)
        _wait(b)
        s = requests.Session()
        s.post(a + "/accounts/login/", data={"username": "onestop", "password": "pw-Coso-2026!", "csrfmiddlewaretoken": _csrf(s.get(a + "/accounts/login/").text)},
               headers={"Referer": a + "/accounts/login/"}, timeout=30)
        page = s.get(b + "/dossiers/register/", timeout=30)  # the session made on server A is known to server B
        assert page.status_code == 200 and "onestop" in page.text
        r = s.post(b + "/jobs/exports/start/", data={"kind": "dossiers.register", "format": "xlsx", "start": "2026-01-01", "end": "2026-03-31",
                                                     "csrfmiddlewaretoken": _csrf(page.text)}, headers={"Referer": b + "/dossiers/register/"},
                   allow_redirects=False, timeout=60)
        assert r.status_code == 302 and "/jobs/exports/" in r.headers["Location"]
        job = r.headers["Location"]
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
        assert len(keys) == 1 and keys[0].startswith("exports/")  # the file is in the bucket, not on a server's disk
        bodies = {s.get(server + job + "download/", timeout=30).content for server in (a, b, a, b)}
        assert len(bodies) == 1 and next(iter(bodies))[:2] == b"PK"
        assert requests.get(b + job + "download/", allow_redirects=False, timeout=30).status_code == 302  # not logged in
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
