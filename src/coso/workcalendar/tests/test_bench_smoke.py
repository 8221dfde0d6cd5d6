"""The benchmark runner and this app's bench modules, at quick sizes, in-process (so they cannot rot).

Runs in the test database; no timing is asserted.
"""

from __future__ import annotations

import math

import pytest
from bench import run as bench_run

pytestmark = pytest.mark.django_db


def test_calendar_and_search_benches_run_quick():
    modules = bench_run.discover(["calendar", "search"])
    assert [name for name, _ in modules] == ["calendar", "search"]
    rows = bench_run.run_modules(modules, quick=True)
    assert rows and not any(r.get("error") for r in rows), [r["note"] for r in rows if r.get("error")]
    for r in rows:
        assert set(r) >= {"benchmark", "value", "unit", "baseline", "baseline_value", "note"}
        assert not math.isnan(r["value"])
    notes = " ".join(r["note"] for r in rows)
    assert "agree 10000/10000" in notes  # Coso and numpy give the same dates
    assert "all queries agree" in notes  # index, LIKE scan and Python scan find the same people
    table = bench_run.format_table(rows)
    assert table.splitlines()[0].startswith("benchmark") and "ratio" in table.splitlines()[0]
    info = bench_run.machine_info()
    assert {"CPU", "Python", "Database"} <= set(info)


def test_a_failing_module_is_an_error_row_not_a_crash(tmp_path):
    (tmp_path / "bench_boom.py").write_text("def run(quick=False):\n    raise RuntimeError('kaboom')\n")
    (tmp_path / "bench_fine.py").write_text(
        "def run(quick=False):\n    return [{'benchmark': 'x', 'value': 2, 'unit': 's', 'baseline': 'y', 'baseline_value': 4, 'note': ''}]\n"
    )
    rows = bench_run.run_modules(bench_run.discover(directory=tmp_path), quick=True)
    assert rows[0]["error"] and "kaboom" in rows[0]["note"]
    assert rows[1]["benchmark"] == "x" and bench_run.ratio(rows[1]) == 0.5
    assert "ERROR" in bench_run.format_table(rows)


def test_postgres_url_gets_a_database_of_its_own():
    assert bench_run.postgres_bench_url("postgres://postgres@127.0.0.1:5432/test", "coso_bench") == "postgres://postgres@127.0.0.1:5432/coso_bench"
