"""The national-volume bench at a tiny size, in the test database (so that it cannot rot). No timing is asserted."""

from __future__ import annotations

import math

from django.db import connection

import pytest
from bench import bench_national

pytestmark = pytest.mark.django_db


def test_national_bench_runs_on_postgresql_and_is_skipped_on_sqlite(commune, other_commune, foreign_commune, monkeypatch):
    monkeypatch.setenv("COSO_BENCH_NATIONAL_N", "3000")
    rows = bench_national.run(quick=True)
    if connection.vendor != "postgresql":
        assert rows == []
        return
    assert [r["unit"] for r in rows] == ["ms", "ms", "ms", "ms", "s", "s"]
    for r in rows:
        assert set(r) >= {"benchmark", "value", "unit", "baseline", "baseline_value", "note"} and not math.isnan(r["value"])
    assert "same rows: True" in rows[0]["note"]
    assert "not found: 0" in rows[1]["note"]
    assert "same results as the scan: True" in rows[2]["note"] and "same results as the scan: True" in rows[3]["note"]
    assert "figures identical: True" in rows[5]["note"]
