"""Concurrency on PostgreSQL: two re-counts side by side (two event tasks, or one and the periodic refresh), of one
commune or of two communes of one province, count every record once and neither fails."""

from __future__ import annotations

import threading

from django.db import connection, connections

import pytest

from coso.indices import services, sql
from coso.indices.models import IndexRollup, MonthRollup

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def _side_by_side(monkeypatch, first_codes: list[str], second_codes: list[str]) -> tuple[list[BaseException], bool]:  # type: ignore[no-untyped-def]
    """Re-count the rollup days of ``first_codes`` in one thread, held once it has written its rows (before its commit),
    and meanwhile those of ``second_codes`` in another. Returns the errors raised and whether the second re-count was
    still waiting half a second after it started."""
    inside, release = threading.Event(), threading.Event()
    real = sql.sum_months

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)

    monkeypatch.setattr(sql, "sum_months", held)
    errors: list[BaseException] = []

    def recount(codes: list[str]) -> None:
        try:
            services.refresh_keys(set(IndexRollup.objects.filter(commune_code__in=codes).values_list("commune_code", "day")))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=recount, args=(first_codes,), name="first")
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=recount, args=(second_codes,), name="second")
    second.start()
    second.join(0.5)
    waited = second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
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
