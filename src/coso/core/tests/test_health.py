"""Liveness and readiness endpoints; structured JSON logs."""

from __future__ import annotations

import json
import logging

import pytest

from coso.core import health
from coso.core.logs import JsonFormatter


def test_healthz_answers_without_touching_anything(client):
    r = client.get("/healthz")  # no database access is allowed in this test: none is made
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert "no-store" in r["Cache-Control"] or "no-cache" in r["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_database_cache_storage_and_queue(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(c["ok"] for c in body["checks"].values())


@pytest.mark.django_db
def test_readyz_reports_a_failing_dependency_with_503(client, monkeypatch):
    def down() -> None:
        raise ConnectionError("object storage unreachable at 10.0.0.5")

    monkeypatch.setattr(health, "check_storage", down)
    r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable" and body["checks"]["storage"] == {"ok": False, "error": "ConnectionError"}
    assert "10.0.0.5" not in r.content.decode()  # no internal detail to the outside
    assert body["checks"]["database"]["ok"]


@pytest.mark.django_db
def test_load_balancers_may_probe_with_head(client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    for path in ("/healthz", "/readyz"):
        r = client.head(path)
        assert r.status_code == 200 and r.content == b"" and r["Content-Type"] == "application/json", path
        assert "no-store" in r["Cache-Control"] or "no-cache" in r["Cache-Control"]
        r = client.post(path)
        assert r.status_code == 405 and set(r["Allow"].split(", ")) == {"GET", "HEAD"}
    monkeypatch.setattr(health, "check_queue", lambda: 1 / 0)
    r = client.head("/readyz")
    assert r.status_code == 503 and r.content == b""


def test_health_endpoints_are_exempt_from_https_redirect(settings):
    import re

    assert any(re.match(p, "healthz") for p in settings.SECURE_REDIRECT_EXEMPT)
    assert any(re.match(p, "readyz") for p in settings.SECURE_REDIRECT_EXEMPT)


def test_json_log_lines():
    record = logging.LogRecord("coso.jobs", logging.INFO, __file__, 1, "job %s finished", ("x",), None)
    record.job = "feedback_escalate_overdue"
    record.result = {"escalated": 2}
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["level"] == "INFO" and data["logger"] == "coso.jobs" and data["message"] == "job x finished"
    assert data["job"] == "feedback_escalate_overdue" and data["result"] == {"escalated": 2} and data["time"].endswith("+00:00")
    try:
        raise ValueError("Lỗi tiếng Việt")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    data = json.loads(JsonFormatter().format(record))
    assert "ValueError: Lỗi tiếng Việt" in data["exception"]
