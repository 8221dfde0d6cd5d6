"""The table-growth bench at quick size, in the test database (so that it cannot rot). No timing is asserted."""

from __future__ import annotations

import math
import re

from django.db import connection

import pytest
from bench import bench_partitioning

pytestmark = pytest.mark.django_db


def test_partitioning_bench_runs_on_postgresql_and_is_skipped_on_sqlite():
    rows = bench_partitioning.run(quick=True)
    if connection.vendor != "postgresql":
        assert rows == []
        return
    assert [r["unit"] for r in rows] == ["rows/s", "ms", "ms"]
    for r in rows:
        assert set(r) >= {"benchmark", "value", "unit", "baseline", "baseline_value", "note"} and not math.isnan(r["value"])
    assert "same counts: yes" in rows[1]["note"]
    deleted, detached = (int(x.replace(",", "")) for x in re.findall(r"(?:deleted|detached) ([\d,]+)", rows[2]["note"]))
    assert deleted == detached > 0  # the month removed from the plain table is the partition detached
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'bench_growth%%'")
        assert cur.fetchone()[0] == 0  # the bench cleans up after itself
