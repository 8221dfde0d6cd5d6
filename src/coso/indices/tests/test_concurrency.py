"""Concurrency on PostgreSQL: two re-counts of one commune side by side (two event tasks, or one and the periodic
refresh) count its records once."""

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


def test_two_recounts_of_one_commune_side_by_side_count_it_once(november, commune, monkeypatch):
    services.rollups_rebuild()
    keys = set(IndexRollup.objects.filter(commune_code=commune.code).values_list("commune_code", "day"))
    before = {r.pk: r.facts() for r in MonthRollup.objects.filter(commune_code=commune.code)}
    inside, release = threading.Event(), threading.Event()
    real = sql.sum_months

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        if threading.current_thread().name == "first":  # the first re-count has written its rows; it commits later
            inside.set()
            release.wait(10)

    monkeypatch.setattr(sql, "sum_months", held)
    errors: list[BaseException] = []

    def recount() -> None:
        try:
            services.refresh_keys(keys)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=recount, name="first")
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=recount, name="second")
    second.start()
    second.join(0.5)
    assert second.is_alive()  # it waits for the first one's commit
    release.set()
    first.join(10)
    second.join(10)
    assert not errors, errors
    assert services.rollups_check() == []
    assert {r.pk: r.facts() for r in MonthRollup.objects.filter(commune_code=commune.code)} == before


@pytest.mark.parametrize(("first_units", "second_units"), [(["commune"], ["other"]), (["commune", "other"], ["other"]), (["other"], ["commune", "other"])])
def test_two_communes_of_one_province_recounted_side_by_side(november, commune, other_commune, monkeypatch, first_units, second_units):
    """Their province's rollups are summed again by both: the second waits for the first, and neither fails (nor do
    they wait for each other's locks in turn when one of them re-counts both communes)."""
    assert commune.province_code == other_commune.province_code
    services.rollups_rebuild()
    inside, release = threading.Event(), threading.Event()
    real = sql.sum_months

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)

    monkeypatch.setattr(sql, "sum_months", held)
    errors: list[BaseException] = []

    codes = {"commune": commune.code, "other": other_commune.code}

    def recount(units: list[str]) -> None:
        try:
            wanted = [codes[u] for u in units]
            services.refresh_keys(set(IndexRollup.objects.filter(commune_code__in=wanted).values_list("commune_code", "day")))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=recount, args=(first_units,), name="first")
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=recount, args=(second_units,), name="second")
    second.start()
    second.join(0.5)
    release.set()
    first.join(10)
    second.join(10)
    assert not errors, errors
    assert services.rollups_check() == []
