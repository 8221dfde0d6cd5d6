"""`make run`'s one command: the web server and the job consumer start together and stop together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").exists() or Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def _start(tmp_path: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DEBUG": "1", "COSO_VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"})
    return subprocess.Popen(
        [sys.executable, "manage.py", "runall", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _read_until(proc: subprocess.Popen, pattern: str, lines: list[str], timeout: float = 120) -> None:
    """Read the command's output straight from its pipe (a buffered readline could hold a line that
    select() no longer reports) until ``pattern`` has been seen; ``lines`` collects the chunks read."""
    import selectors

    fd = proc.stdout.fileno()  # type: ignore[union-attr]
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while not re.search(pattern, "".join(lines)) and time.monotonic() < deadline:
        if sel.select(timeout=1):
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            lines.append(chunk.decode("utf-8", errors="replace"))
    if not re.search(pattern, "".join(lines)):
        raise AssertionError(f"{pattern!r} not seen in:\n{''.join(lines)}")


def test_ctrl_c_stops_the_web_server_and_the_consumer(tmp_path):
    port = _free_port()
    proc = _start(tmp_path, port)
    lines: list[str] = []
    try:
        _read_until(proc, r"Huey consumer started", lines)
        pids = {m.group(1): int(m.group(2)) for m in re.finditer(r"coso: started (\S+) \(pid (\d+)\)", "".join(lines))}
        assert set(pids) == {"web", "worker+scheduler"}
        for _ in range(120):  # the development server answers
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:  # noqa: S310 - loopback
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("the web server never answered")
        # The address is printed once the server answers (not by make before it listens).
        _read_until(proc, rf"Coso: http://127.0.0.1:{port}/", lines, timeout=60)
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        out, _ = proc.communicate(timeout=60)
        assert "coso: stopped." in out and proc.returncode == 0
        assert not any(_alive(pid) for pid in pids.values())
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
    finally:
        if proc.poll() is None:
            proc.kill()


def test_when_one_process_dies_the_others_are_stopped(tmp_path):
    with socket.socket() as busy:  # the web server cannot bind: it exits, the consumer is stopped too
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = _start(tmp_path, busy.getsockname()[1])
        try:
            out, _ = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "stopping the others" in out and "coso: stopped." in out and proc.returncode != 0


def test_the_address_is_announced_only_when_the_server_answers():
    import http.server
    import threading

    from coso.jobs.management.commands.runall import Command

    assert Command._url("0.0.0.0:8123") == "http://127.0.0.1:8123/"
    assert Command._url("127.0.0.1:8080") == "http://127.0.0.1:8080/"
    port = _free_port()
    assert not Command._answers(f"http://127.0.0.1:{port}/")  # nothing listens yet
    server = http.server.HTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)  # answers 501: still an answer
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert Command._answers(f"http://127.0.0.1:{port}/")
    finally:
        server.shutdown()
        server.server_close()
