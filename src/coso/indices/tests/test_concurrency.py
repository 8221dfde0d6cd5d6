"""Concurrency on PostgreSQL: two re-counts side by side (two event tasks, or one and the periodic refresh), of one
commune or of two communes of one province, count every record once and neither fails."""

from __future__ import annotations

from django.db import connection

import pytest

from coso.core.tests.threads import side_by_side
from coso.indices import services, sql
from coso.indices.models import IndexRollup, MonthRollup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def _recount(codes: list[str]) -> None:
    services.refresh_keys(set(IndexRollup.objects.filter(commune_code__in=codes).values_list("commune_code", "day")))


def _side_by_side(monkeypatch, first_codes: list[str], second_codes: list[str]) -> tuple[list[BaseException], bool]:  # type: ignore[no-untyped-def]
    """Re-count the rollup days of ``first_codes`` in one thread, held once it has written its rows (before its commit),
    and meanwhile those of ``second_codes`` in another. Returns the errors raised and whether the second re-count was
    still waiting half a second after it started."""
    _results, errors, waited = side_by_side(monkeypatch, sql, "sum_months", lambda: _recount(first_codes), lambda: _recount(second_codes))
    return errors, waited


def test_two_recounts_of_one_commune_side_by_side_count_it_once(november, commune, monkeypatch):
    services.rollups_rebuild()
    before = {r.pk: r.facts() for r in MonthRollup.objects.filter(commune_code=commune.code)}
    errors, waited = _side_by_side(monkeypatch, [commune.code], [commune.code])
    assert waited  # the second re-count waits for the first one's commit
    assert not errors, errors
    assert services.rollups_check() == []
    assert {r.pk: r.facts() for r in MonthRollup.objects.filter(commune_code=commune.code)} == before


@pytest.mark.parametrize(("first_units", "second_units"), [(["commune"], ["other"]), (["commune", "other"], ["other"]), (["other"], ["commune", "other"])])
def test_two_communes_of_one_province_recounted_side_by_side(november, commune, other_commune, monkeypatch, first_units, second_units):
    """Their province's rollups are summed again by both: the second waits for the first, and neither fails (nor do
    they wait for each other's locks in turn when one of them re-counts both communes)."""
    assert commune.province_code == other_commune.province_code
    services.rollups_rebuild()
    codes = {"commune": commune.code, "other": other_commune.code}
    errors, _waited = _side_by_side(monkeypatch, [codes[u] for u in first_units], [codes[u] for u in second_units])
    assert not errors, errors
    assert services.rollups_check() == []
