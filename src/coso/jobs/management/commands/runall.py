"""Start the web server and the job consumer together; stop them all on Ctrl-C (or when one of them stops).

Development (``make run``): ``runserver`` plus one Huey consumer that also runs the scheduler.
Production-like (``make serve``, ``--production``): gunicorn (``gunicorn.conf.py``: WEB_CONCURRENCY
workers), a job worker process (``run_huey --no-periodic``) and a scheduler process (``run_huey``
with the periodic scheduler, one thread). A real deployment runs the same three commands as
separate services (see docs/deployment.md); this command is for one machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT = 15.0


class Command(BaseCommand):
    help = "Run the web server and the job worker/scheduler together (Ctrl-C stops all)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT of the web server.")
        parser.add_argument("--production", action="store_true", help="gunicorn + separate worker and scheduler processes.")
        parser.add_argument("--no-worker", action="store_true", help="Only the web server (jobs then wait in the queue).")

    def commands(self, bind: str, production: bool, worker: bool) -> list[tuple[str, list[str]]]:
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        if production:
            gunicorn = str(Path(python).with_name("gunicorn"))
            procs = [("web", [gunicorn if Path(gunicorn).exists() else "gunicorn", "--bind", bind, "coso.wsgi:application"])]
            if worker:
                procs += [("worker", [python, manage, "run_huey", "--no-periodic"]), ("scheduler", [python, manage, "run_huey", "--workers", "1"])]
            return procs
        procs = [("web", [python, manage, "runserver", bind])]
        if worker:
            procs.append(("worker+scheduler", [python, manage, "run_huey"]))
        return procs

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.HUEY_IMMEDIATE and not options["no_worker"]:
            raise CommandError("HUEY_IMMEDIATE is on: jobs run inside the web process; use --no-worker or unset it.")
        procs: list[tuple[str, subprocess.Popen]] = []
        stopping = {"now": False}

        def on_signal(signum: int, frame: Any) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        cwd = str(settings.BASE_DIR)
        for name, cmd in self.commands(options["bind"], options["production"], not options["no_worker"]):
            # Own process group: Ctrl-C reaches this command only, which then stops each child cleanly.
            proc = subprocess.Popen(cmd, cwd=cwd, start_new_session=True)
            self.stdout.write(f"coso: started {name} (pid {proc.pid}): {' '.join(cmd[1:] if cmd[0] == sys.executable else cmd)}")
            procs.append((name, proc))
        code = 0
        url = self._url(options["bind"])
        announced = False
        try:
            while not stopping["now"]:
                if not announced and self._answers(url):
                    # Only now: the address printed before the server listens would answer "connection refused".
                    self.stdout.write(f"Coso: {url} (Ctrl-C stops all)")
                    announced = True
                for name, proc in procs:
                    rc = proc.poll()
                    if rc is not None:
                        self.stderr.write(f"coso: {name} stopped (exit {rc}); stopping the others.")
                        code = rc or 1
                        stopping["now"] = True
                        break
                time.sleep(0.3)
        finally:
            self._stop(procs)
        if code:
            raise SystemExit(code)

    @staticmethod
    def _url(bind: str) -> str:
        host, _, port = bind.rpartition(":")
        if not host or host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 -- reading the bind address, not binding
            host = "127.0.0.1"
        return f"http://{host}:{port or '8000'}/"

    @staticmethod
    def _answers(url: str) -> bool:
        """The web server answers HTTP (any status) at ``url``."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(url + "healthz", timeout=1):  # noqa: S310 -- our own bind address
                return True
        except urllib.error.HTTPError:
            return True
        except (OSError, ValueError):
            return False

    def _stop(self, procs: list[tuple[str, subprocess.Popen]]) -> None:
        for name, proc in procs:
            if proc.poll() is None:
                # The consumer finishes its running tasks on SIGINT; the web servers stop on SIGTERM.
                sig = signal.SIGINT if "worker" in name or name == "scheduler" else signal.SIGTERM
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"coso: {name} did not stop in time; killing it.")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.stdout.write("coso: stopped.")
