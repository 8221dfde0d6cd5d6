"""Production settings, security headers and API error shapes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]


def _production_env(tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Only what a production host sets; nothing inherited from the test settings."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "coso.example.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "COSO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "coso.conf.base",
        "PYTHONPATH": str(REPO / "src"),
    }


def test_check_deploy_passes_without_warnings(tmp_path):
    r = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_production_settings_hash_passwords_with_argon2(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.contrib.auth.hashers import make_password, check_password;"
        "h = make_password('mật-khẩu-dài-2026');"
        "print(settings.PASSWORD_HASHERS[0]); print(h.split('$')[0]); print(check_password('mật-khẩu-dài-2026', h));"
        "print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)"
    )
    r = subprocess.run([sys.executable, "-c", code], env=_production_env(tmp_path), capture_output=True, text=True, timeout=60, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["django.contrib.auth.hashers.Argon2PasswordHasher", "argon2", "True", "False", "True", "True", "True"]


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    r = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/core/health", "/khong-co-trang-nay/"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path, secure=True)
    csp = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_and_no_store_for_logged_in_pages(login, users, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    r = login(users["leader"]).get("/", secure=True)
    assert "max-age=31536000" in r["Strict-Transport-Security"]
    assert "no-store" in r["Cache-Control"]


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(client, login, users):
    import re

    for c, path in ((client, "/"), (client, "/accounts/login/"), (login(users["province_admin"]), "/units/")):
        html = c.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html and " style=" not in html, path


@pytest.mark.django_db
def test_api_error_shapes(client, login, users):
    def shape(r, status):  # type: ignore[no-untyped-def]
        assert r.status_code == status, (r.status_code, r.content[:200])
        body = r.json()
        assert set(body) == {"code", "message", "details"} and body["message"]
        return body

    assert shape(client.get("/api/v1/core/me"), 401)["code"] == "not-authenticated"
    assert shape(client.get("/api/v1/core/me", HTTP_AUTHORIZATION="Bearer nonsense"), 401)["code"] == "not-authenticated"
    assert shape(client.get("/api/v1/khong-co/"), 404)["code"] == "not-found"
    c = login(users["leader"])
    assert shape(c.get("/api/v1/units/villages/999999"), 404)["code"] == "not-found"
    assert shape(c.patch("/api/v1/units/communes/26734", {"population": 5}, content_type="application/json"), 403)["code"] == "forbidden"
    assert shape(c.get("/api/v1/units/villages?limit=abc"), 422)["code"] == "validation-error"
    r = c.post("/api/v1/units/villages", "{bad json", content_type="application/json")
    assert shape(r, 400)["code"] == "invalid-json"
    r = c.post("/api/v1/units/villages", b"\xff\xfe\x00", content_type="application/json")
    assert 400 <= r.status_code < 500
    shape(r, r.status_code)
    r = c.post("/api/v1/units/villages", '{"commune_code": ["x"], "name": {"a": 1}, "kind": null}', content_type="application/json")
    assert shape(r, 422)["details"]["fields"]
    # Each field's reason reads in Vietnamese, as the message does (it was pydantic's English: "Input should be a valid integer").
    assert shape(c.get("/api/v1/units/villages?limit=abc"), 422)["details"]["fields"] == {"limit": ["phải là số nguyên"]}
    fields = shape(c.post("/api/v1/units/villages", "{}", content_type="application/json"), 422)["details"]["fields"]
    assert fields and all(reasons == ["thiếu giá trị bắt buộc"] for reasons in fields.values()), fields


@pytest.mark.django_db
def test_unexpected_error_is_500_with_shape_and_no_traceback(login, users, monkeypatch):
    from coso.units import api as units_api

    def boom(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    monkeypatch.setattr(units_api, "village_list", boom)
    from django.test import Client

    c = Client(raise_request_exception=False)
    c.force_login(users["leader"])
    r = c.get("/api/v1/units/villages")
    assert r.status_code == 500 and r.json()["code"] == "server-error" and "secret internals" not in r.content.decode()


@pytest.mark.django_db
def test_nul_characters_are_refused_not_500(login, users):
    c = login(users["sysadmin"])
    for path in ("/api/v1/units/communes/%00", "/api/v1/units/villages?q=a%00b", "/units/communes/%00/", "/units/villages/?q=%00"):
        r = c.get(path)
        assert r.status_code == 400, path
    assert c.get("/api/v1/units/communes/%00").json()["code"] == "bad-request"
    r = c.post("/api/v1/units/villages", '{"commune_code": "26734", "name": "A\\u0000", "kind": "thon"}', content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "bad-request"
