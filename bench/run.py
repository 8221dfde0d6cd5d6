#!/usr/bin/env python
"""Run every benchmark module (bench/bench_*.py) and print one table.

    .venv/bin/python bench/run.py [--quick] [--postgres URL] [--only NAME] [--json FILE]

A separate database is (re)created for every run: the SQLite file var/bench.sqlite3 by default,
or, with --postgres URL, a database of its own (default name "coso_bench") on that server.
It is migrated and loaded with the administrative units, the process settles as a web process does on
start-up (``coso.core.process.settle``: every view imported, the start-up objects frozen out of the garbage
collector's walks), then each module's ``run(quick=...)`` is called. A module that raises is reported as an
error row.

Module interface (see CONTRIBUTING.md): ``run(quick: bool = False) -> list[dict]`` where each dict
has benchmark, value, unit, baseline, baseline_value, note. ``quick=True`` uses small sizes.
ratio = value ÷ baseline value (for times, below 1 means Coso is faster than the baseline).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import platform
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
COLUMNS = ("benchmark", "value", "unit", "baseline", "baseline value", "ratio", "note")


# --- database set-up ----------------------------------------------------------------------


def postgres_bench_url(url: str, db_name: str) -> str:
    """The given server URL with the benchmark's own database name."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"--postgres expects postgres://user@host:port/db, got {url!r}")
    return urlunsplit((parts.scheme, parts.netloc, "/" + db_name, parts.query, parts.fragment))


def recreate_postgres(url: str, db_name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_db = parts.path.lstrip("/") or "postgres"
    if admin_db == db_name:
        admin_db = "postgres"
    admin_url = urlunsplit((parts.scheme.replace("pgsql", "postgresql"), parts.netloc, "/" + admin_db, parts.query, ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))


_LOCKS: list[Any] = []


def lock_database(path: Path) -> None:
    """Refuse to start while another run uses the same SQLite file (it would be deleted under it)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(str(path) + ".lock", "w")  # noqa: SIM115  (held for the life of the process)
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"Another benchmark run is using {path}; wait for it or pass --sqlite OTHER_FILE.") from None
    _LOCKS.append(fh)


def recreate_sqlite(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def configure_environment(database_url: str) -> None:
    """Settings for a benchmark process: production-like (DEBUG off), the bench database."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"  # DEBUG keeps every SQL statement in memory and slows the ORM down
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-0123")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coso.conf.base")
    src = str(ROOT / "src")
    for p in (src, str(ROOT)):
        if p not in sys.path:
            sys.path.insert(0, p)


def prepare_database(*, verbose: bool = True) -> None:
    from django.core.management import call_command

    out = sys.stdout if verbose else open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", interactive=False, verbosity=0, stdout=out)
    call_command("load_units", stdout=out)
    call_command("load_reference", stdout=out)


# --- discovery and running ----------------------------------------------------------------


def discover(only: Iterable[str] | None = None, directory: Path = BENCH_DIR) -> list[tuple[str, Path]]:
    """(name, path) of every bench_<name>.py, optionally restricted to ``only`` names."""
    wanted = {n.removeprefix("bench_").removesuffix(".py") for n in (only or [])}
    found = []
    for path in sorted(directory.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if not wanted or name in wanted:
            found.append((name, path))
    missing = wanted - {n for n, _ in found}
    if missing:
        raise SystemExit(f"No benchmark module named: {', '.join(sorted(missing))}")
    return found


def load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench.bench_{name}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _error_row(name: str, exc: BaseException) -> dict[str, Any]:
    last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {Path(last.filename).name}:{last.lineno}" if last else ""
    return {
        "benchmark": f"{name}: ERROR",
        "value": math.nan,
        "unit": "",
        "baseline": "",
        "baseline_value": math.nan,
        "note": f"{type(exc).__name__}: {exc}{where}"[:300],
        "error": True,
    }


def _clean_row(name: str, row: Any) -> dict[str, Any]:
    if not isinstance(row, dict) or "benchmark" not in row:
        raise TypeError(f"bench_{name}.run() must return dicts with a 'benchmark' key, got {row!r:.80}")
    clean = {
        "benchmark": str(row["benchmark"]),
        "value": _number(row.get("value")),
        "unit": str(row.get("unit", "")),
        "baseline": str(row.get("baseline", "")),
        "baseline_value": _number(row.get("baseline_value")),
        "note": str(row.get("note", "")),
    }
    return clean


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def run_modules(modules: list[tuple[str, Path]], *, quick: bool, log: Any = None) -> list[dict[str, Any]]:
    """Call every module's run(quick=...); a module that fails becomes an error row."""
    rows: list[dict[str, Any]] = []
    for name, path in modules:
        started = time.perf_counter()
        if log:
            log(f"· bench_{name} …")
        try:
            module = load_module(name, path)
            result = module.run(quick=quick)
            rows.extend(_clean_row(name, r) for r in result)
        except Exception as exc:  # report, do not crash the whole run
            rows.append(_error_row(name, exc))
            if log:
                log("".join(traceback.format_exception(exc)).rstrip())
        if log:
            log(f"  bench_{name} done in {time.perf_counter() - started:.1f} s")
    return rows


# --- output -------------------------------------------------------------------------------


def fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    a = abs(value)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{value:,.0f}"
    if a >= 100:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def ratio(row: dict[str, Any]) -> float:
    v, b = row.get("value"), row.get("baseline_value")
    if v is None or b is None or math.isnan(v) or math.isnan(b) or b == 0:
        return math.nan
    return v / b


def format_table(rows: list[dict[str, Any]]) -> str:
    cells = [COLUMNS]
    for r in rows:
        rt = ratio(r)
        cells.append(
            (
                r["benchmark"],
                fmt(r["value"]),
                r["unit"],
                r["baseline"],
                fmt(r["baseline_value"]),
                "—" if math.isnan(rt) else f"{rt:.3g}×",
                r["note"],
            )
        )
    numeric = {1, 4, 5}
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS) - 1)]
    lines = []
    for n, row in enumerate(cells):
        parts = [row[i].rjust(widths[i]) if i in numeric and n else row[i].ljust(widths[i]) for i in range(len(COLUMNS) - 1)]
        lines.append(" | ".join(parts) + " | " + row[-1])
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 4)
    return "\n".join(lines)


def machine_info() -> dict[str, str]:
    from django import get_version
    from django.db import connection

    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            engine = f"SQLite {cur.fetchone()[0]} ({connection.settings_dict['NAME']})"
        elif connection.vendor == "postgresql":
            cur.execute("show server_version")
            engine = f"PostgreSQL {cur.fetchone()[0]} (database {connection.settings_dict['NAME']})"
        else:
            engine = connection.vendor
    return {
        "CPU": f"{os.cpu_count()} logical CPUs ({usable} usable){' · ' + cpu_model if cpu_model else ''}",
        "Python": f"{platform.python_implementation()} {platform.python_version()} · Django {get_version()}",
        "OS": platform.platform(),
        "Database": engine,
    }


def report(rows: list[dict[str, Any]], info: dict[str, str], *, quick: bool, seconds: float) -> str:
    head = [f"Coso benchmarks{' (quick sizes)' if quick else ''} · {time.strftime('%Y-%m-%d %H:%M %Z')}"]
    head += [f"{k}: {v}" for k, v in info.items()]
    head.append(f"Total time: {seconds:.1f} s · ratio = value ÷ baseline value (times: below 1 means Coso is faster)")
    return "\n".join(head) + "\n\n" + format_table(rows)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


# --- entry point --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds, not minutes)")
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL: postgres://user@host:5432/any (a database of its own is created)")
    parser.add_argument("--db-name", default="coso_bench", help="PostgreSQL database for the run (dropped and recreated; default coso_bench)")
    parser.add_argument("--sqlite", default=str(ROOT / "var" / "bench.sqlite3"), help="SQLite file (recreated; default var/bench.sqlite3)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only bench_NAME.py (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows and machine info as JSON")
    args = parser.parse_args(argv)

    modules = discover(args.only)
    if args.postgres:
        recreate_postgres(args.postgres, args.db_name)
        url = postgres_bench_url(args.postgres, args.db_name)
    else:
        path = Path(args.sqlite).resolve()
        lock_database(path)
        recreate_sqlite(path)
        url = f"sqlite:///{path}"
    configure_environment(url)

    import django

    django.setup()
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    log(f"Preparing the benchmark database ({'PostgreSQL ' + args.db_name if args.postgres else url}) …")
    prepare_database(verbose=False)
    from coso.core.process import settle

    settle()  # as each web process does on start-up (coso.wsgi): the pages measured here are served in this process
    rows = run_modules(modules, quick=args.quick, log=log)
    info = machine_info()
    print(report(rows, info, quick=args.quick, seconds=time.perf_counter() - started))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"machine": info, "quick": args.quick, "rows": [_jsonable({**r, "ratio": ratio(r)}) for r in rows]},
                ensure_ascii=False,
                indent=2,
            )
        )
    return 1 if any(r.get("error") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
