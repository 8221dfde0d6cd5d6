"""One-stop dossiers through the production server (gunicorn), against raw SQL.

``bench_dossiers`` drives Django inside the bench's own process: the test client, one thread per client. Every request
there holds that one process's interpreter lock, so the figures measure how much Python one process can run, which is
not how Coso serves: the deployment guide runs gunicorn's worker processes. Here the same requests travel over HTTP to
gunicorn, started with the repository's ``gunicorn.conf.py`` (``WEB_CONCURRENCY`` sync workers, default 2 × CPU + 1),
on the bench's database with production settings (DEBUG off); TLS is the proxy's work, so HTTPS redirects and secure
cookies are turned off for the plain-HTTP address. The server writes its access log, as in production. Clients are
threads of the bench process using ``http.client`` (one connection per request: sync workers close it), each signed in
with a session the bench made for the one-stop officer and the CSRF token a browser would send.

The baselines are ``bench_dossiers``' raw-SQL writers and reader, same run, same number of threads, alternating with
the HTTP rounds (both see the same load). Everything (web workers, PostgreSQL, the clients) shares this machine's CPUs.

1. Intake: K clients (4; quick 2) × 100 (quick 10) POST /api/v1/dossiers/intake.
2. Transitions: the same clients forward the dossiers received in 1 (POST …/actions/forward with the version seen).
3. Intake with 16 clients (the p95 goal of 50 ms).
4. Read: one client, GET /api/v1/dossiers/{id}, alternating with the raw-SQL read.
5. The same read against the floor of any signed-in request through the same server (``GET /api/v1/core/me``): the
   raw-SQL baselines leave out HTTP, the worker process, the session and the user, which every request pays.
6. The transitions of 2 against the floor of a signed-in POST through the same server, the same clients: a forward
   without its version, which the API refuses at validation (after the session, the user and the CSRF check, before
   any dossier is read), right after the transitions.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "localhost"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on a free local port with this process's settings (database, secret key), stopped on exit."""

    def __init__(self) -> None:
        self.port = _free_port()
        env = dict(os.environ)
        env.update({
            "BIND": f"127.0.0.1:{self.port}", "ALLOWED_HOSTS": f"{HOST},127.0.0.1", "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        })
        self.log = open(ROOT / "var" / "bench-gunicorn.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and config
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=self.log,
        )
        self.workers = int(env.get("WEB_CONCURRENCY") or 0) or (os.cpu_count() or 1) * 2 + 1

    def wait_ready(self, seconds: float = 120) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see var/bench-gunicorn.log")
            try:
                status, _ = request(self.port, "GET", "/healthz", headers={})
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz in time; see var/bench-gunicorn.log")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def request(port: int, method: str, path: str, *, headers: dict[str, str], body: bytes | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Host": HOST, **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def signed_in_headers(user: Any) -> dict[str, str]:
    """The cookies and header of a signed-in browser: a session saved in the database, and a CSRF token."""
    from django.conf import settings
    from django.test import Client

    c = Client()
    c.force_login(user)
    session = c.cookies[settings.SESSION_COOKIE_NAME].value
    token = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret, as the cookie holds it
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}", "X-CSRFToken": token,
            "Content-Type": "application/json"}


def http_intake(port: int, headers: dict[str, str], code: str, k: int, per_client: int, tag: str) -> tuple[list[float], float, list[BaseException], list[tuple[int, int]]]:
    import threading

    from bench.bench_dossiers import _threads

    created: list[tuple[int, int]] = []
    lock = threading.Lock()

    def work(i: int, lat: list[float]) -> None:
        for j in range(per_client):
            payload = {"procedure_code": code, "applicant_name": f"Trần Thị Serve {tag} {i} {j}", "applicant_phone": f"08{i:02d}{j:06d}",
                       "applicant_citizen_id": f"080{i:03d}{j:06d}", "documents": ["Tờ khai"]}
            t = time.perf_counter()
            status, body = request(port, "POST", "/api/v1/dossiers/intake", headers=headers, body=json.dumps(payload).encode())
            lat.append((time.perf_counter() - t) * 1000)
            if status != 201:
                raise RuntimeError(f"intake answered {status}: {body[:200]!r}")
            out = json.loads(body)
            with lock:
                created.append((out["id"], out["version"]))

    lat, wall, errors = _threads(k, work)
    return lat, wall, errors, created


def http_forward(port: int, headers: dict[str, str], k: int, items: list[tuple[int, int]]) -> tuple[list[float], float, list[BaseException]]:
    from bench.bench_dossiers import _threads

    chunks = [items[i::k] for i in range(k)]

    def work(i: int, lat: list[float]) -> None:
        for pk, version in chunks[i]:
            t = time.perf_counter()
            status, body = request(port, "POST", f"/api/v1/dossiers/{pk}/actions/forward", headers=headers, body=json.dumps({"version": version}).encode())
            lat.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise RuntimeError(f"forward answered {status}: {body[:200]!r}")

    return _threads(k, work)


def _pct(values: list[float], p: float) -> float:
    from bench.bench_dossiers import _pct as pct

    return pct(values, p)


def _rate(lat: list[float], wall: float) -> float:
    return len(lat) / wall if wall else 0.0


def _pair(what: str, unit: str, baseline: str, http: tuple[Any, ...], raw: tuple[Any, ...], setting: str, goal: str = "") -> list[dict]:
    """The throughput and p95 rows of one measurement: HTTP and raw SQL, each (latencies, wall time, errors, …)."""
    (lat_h, wall_h, err_h), (lat_r, wall_r, err_r) = http[:3], raw[:3]
    note = f"{setting}; errors http={len(err_h)} raw={len(err_r)}" + (f"; first error: {err_h[0]!r:.120}" if err_h else "")
    return [
        {"benchmark": f"serving: {what}, throughput", "value": _rate(lat_h, wall_h), "unit": unit, "baseline": baseline,
         "baseline_value": _rate(lat_r, wall_r), "note": note},
        {"benchmark": f"serving: {what}, p95", "value": _pct(lat_h, 95), "unit": "ms", "baseline": "raw SQL p95", "baseline_value": _pct(lat_r, 95),
         "note": f"{goal}p50 {_pct(lat_h, 50):.1f} ms (raw {_pct(lat_r, 50):.1f} ms)"},
    ]


def _floor(port: int, headers: dict[str, str], ids: list[int], env: str) -> dict:
    """The dossier read against the cheapest signed-in request through the same server: ``GET /api/v1/core/me``
    (session, user, middleware, a JSON answer, no query of its own), alternating, one client. What the raw-SQL
    baseline leaves out (HTTP, a worker process, the session and the user) is in both, so the ratio is what the
    read itself costs on top of any signed-in request."""
    lat_read: list[float] = []
    lat_me: list[float] = []
    for pk in ids:
        for path, lat in ((f"/api/v1/dossiers/{pk}", lat_read), ("/api/v1/core/me", lat_me)):
            t = time.perf_counter()
            status, body = request(port, "GET", path, headers=headers)
            lat.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
    return {"benchmark": "serving: read GET /api/v1/dossiers/{id}, against a signed-in floor", "value": 1000 * len(lat_read) / sum(lat_read),
            "unit": "req/s", "baseline": "GET /api/v1/core/me through the same server", "baseline_value": 1000 * len(lat_me) / sum(lat_me),
            "note": f"{env}; one client, {len(ids)} reads alternating with the floor's; p50 {_pct(lat_read, 50):.1f} ms (floor {_pct(lat_me, 50):.1f} ms)"}


def _post_floor(port: int, headers: dict[str, str], k: int, per_client: int, pk: int, transitions: tuple[Any, ...], env: str) -> dict:
    """The transitions' rate against the cheapest signed-in POST through the same server (see the module's 6.)."""
    from bench.bench_dossiers import _threads

    statuses: set[int] = set()

    def work(i: int, lat: list[float]) -> None:
        for _ in range(per_client):
            t = time.perf_counter()
            status, body = request(port, "POST", f"/api/v1/dossiers/{pk}/actions/forward", headers=headers, body=b"{}")
            lat.append((time.perf_counter() - t) * 1000)
            if not 400 <= status < 500:
                raise RuntimeError(f"the refused forward answered {status}: {body[:200]!r}")
            statuses.add(status)

    lat_f, wall_f, errors = _threads(k, work)
    lat_t, wall_t = transitions[0], transitions[1]
    return {"benchmark": "serving: transitions through gunicorn, against a signed-in POST floor", "value": _rate(lat_t, wall_t),
            "unit": "actions/s", "baseline": "POST refused at validation, same server and clients", "baseline_value": _rate(lat_f, wall_f),
            "note": f"{env}; {k} clients × {per_client}, answered {sorted(statuses)}; errors {len(errors)}; "
                    f"p50 {_pct(lat_t, 50):.1f} ms (floor {_pct(lat_f, 50):.1f} ms)"}


def run(quick: bool = False) -> list[dict]:
    from django.db import connection

    from bench import bench_dossiers as base

    vendor = connection.vendor
    k = 2 if quick else 4
    per = 30 if quick else 100  # a client's requests over the rounds (quick: enough for a ratio that does not swing by a tenth)
    per16 = 4 if quick else 16
    rounds = 2
    ctx = base._setup()
    code = ctx["version"].procedure.code
    headers = signed_in_headers(ctx["onestop"])
    server = Server()
    rows: list[dict] = []
    try:
        server.wait_ready()
        env = f"{vendor}, gunicorn {server.workers} sync workers, {os.cpu_count()} CPUs shared with the database and the clients"
        # Warm-up, not measured: as many clients as workers, so that each worker loads its code and working-day calendar.
        http_intake(server.port, headers, code, server.workers, 4, "warm")
        http, raw = base._alternate(rounds, lambda r: http_intake(server.port, headers, code, k, per // rounds, f"a{r}"),
                                    lambda r: base.raw_intake(ctx, k, per // rounds))
        rows += _pair("intake through gunicorn", "dossiers/s", "raw SQL, same writes, same threads", http, raw, f"{env}; {k} clients × {per}")
        created, raw_ids = http[3], raw[3]
        half_h, half_r = (len(created) + 1) // 2, (len(raw_ids) + 1) // 2
        http, raw = base._alternate(rounds, lambda r: http_forward(server.port, headers, k, created[r * half_h:(r + 1) * half_h]),
                                    lambda r: base.raw_forward(ctx, k, raw_ids[r * half_r:(r + 1) * half_r]))
        rows += _pair("transitions through gunicorn", "actions/s", "raw SQL UPDATE…WHERE version + event + audit", http, raw,
                      f"{env}; {k} clients; forward with version check")
        rows.append(_post_floor(server.port, headers, k, per // 2, created[0][0], http, env))
        http, raw = base._alternate(rounds, lambda r: http_intake(server.port, headers, code, 16, per16 // rounds, f"b{r}"),
                                    lambda r: base.raw_intake(ctx, 16, per16 // rounds))
        rows += _pair("intake through gunicorn, 16 clients", "dossiers/s", "raw SQL, same writes, 16 threads", http, raw,
                      f"{env}; 16 clients × {per16}", goal="goal < 50 ms; ")
        created16 = http[3]
        ids = [pk for pk, _ in created + created16] * (1 if quick else 2)
        lat_h, lat_r = [], []
        for pk in ids:
            t = time.perf_counter()
            status, body = request(server.port, "GET", f"/api/v1/dossiers/{pk}", headers=headers)
            lat_h.append((time.perf_counter() - t) * 1000)
            if status != 200:
                raise RuntimeError(f"read answered {status}: {body[:200]!r}")
            t = time.perf_counter()
            base.raw_read(pk)
            lat_r.append((time.perf_counter() - t) * 1000)
        rows.append({"benchmark": "serving: read GET /api/v1/dossiers/{id} through gunicorn", "value": 1000 * len(lat_h) / sum(lat_h), "unit": "req/s",
                     "baseline": "raw SQL (2 queries) + json.dumps", "baseline_value": 1000 * len(lat_r) / sum(lat_r),
                     "note": f"{env}; one client, {len(ids)} reads alternating with the raw ones; p50 {_pct(lat_h, 50):.1f} ms (raw {_pct(lat_r, 50):.1f} ms)"})
        rows.append(_floor(server.port, headers, ids, env))
    finally:
        server.stop()
    return rows
