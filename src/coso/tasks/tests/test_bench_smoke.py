"""bench/bench_tasks.py at quick size, in-process (so it cannot rot). No timing is asserted."""

from __future__ import annotations

import math

import pytest
from bench import run as bench_run

pytestmark = pytest.mark.django_db


def test_tasks_bench_runs_quick(commune, other_commune):
    modules = bench_run.discover(["tasks"])
    rows = bench_run.run_modules(modules, quick=True)
    assert len(rows) == 2 and not any(r.get("error") for r in rows), [r["note"] for r in rows]
    for r in rows:
        assert not math.isnan(r["value"])
        assert "same figures as the baseline: True" in r["note"]
