"""The dossier benchmark writes dossiers in hand-written SQL: it must follow the model (a NOT NULL column added to
Dossier breaks it). Built here at a tiny size, in-process; no timing is asserted."""

from __future__ import annotations

import pytest
from bench import bench_dossiers

from coso.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_bench_inbox_data_matches_the_dossier_table(version):
    bench_dossiers.build_inbox_data(60, version.pk)
    rows = Dossier.objects.filter(code__startswith="BENCHINBOX-")
    assert rows.count() == 60
    assert rows.filter(is_open=True).exists() and rows.filter(is_open=False).exists()
    assert set(rows.values_list("deciding_level", flat=True)) == {""}
