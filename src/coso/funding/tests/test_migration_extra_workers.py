"""Migration 0004 keeps every allocation computed before it: each commune's undated number of extra part-time workers
becomes a number in force from 1/8/2023 (Decree 33/2023/NĐ-CP, the first rule that counts it) or from the commune's
own start when later; a change made afterwards applies from its date."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("funding", "0003_norms_to_rule_book")]
AFTER = [("funding", "0004_extra_workers_from_a_date")]


def test_undated_numbers_become_numbers_from_the_first_month_they_count(commune, other_commune):
    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    other_commune.valid_from = dt.date(2025, 7, 1)
    other_commune.save()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    CommuneProfile = old.get_model("funding", "CommuneProfile")
    CommuneProfile.objects.create(commune_id=commune.pk, province_code="79", commune_code=commune.code, extra_pt_workers=2)
    CommuneProfile.objects.create(commune_id=other_commune.pk, province_code="79", commune_code=other_commune.code, extra_pt_workers=1)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    ExtraWorkers = executor.loader.project_state(AFTER).apps.get_model("funding", "ExtraWorkers")
    assert sorted(ExtraWorkers.objects.values_list("commune_code", "valid_from", "extra_pt_workers")) == [
        (commune.code, dt.date(2023, 8, 1), 2), (other_commune.code, dt.date(2025, 7, 1), 1)]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from coso.funding.engine import Period
    from coso.funding.selectors import allocation_compute

    alloc = allocation_compute(province_code="79", period=Period.parse("2025-01"), commune_codes=[commune.code])
    (ln,) = [ln for c in alloc.communes for ln in c.lines if ln.item == "commune_pt"]
    assert "2 × 1,5" in ln.formula  # 2025 keeps the number it was computed with
