"""Concurrency on PostgreSQL: two officers adopting the same scenario at once (one wins, the other gets a conflict), a
scenario name or a commune's first profile saved twice at once, a scenario deleted while it is adopted."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection, connections

import pytest

from coso.core.exceptions import ConflictError
from coso.core.tests.threads import side_by_side
from coso.funding import services
from coso.rules.models import Rule

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")]


def test_concurrent_adoption_one_wins(users):
    assert connection.vendor == "postgresql"
    sc = services.scenario_create(actor=users["province_finance"], name="Thôn 5,0", changes=[{"key": "funding.village.coef.low", "mode": "set", "value": "5.0"}])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def adopt() -> None:
        try:
            barrier.wait()
            services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=dt.date(2027, 1, 1), source="NQ")
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=adopt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Rule.objects.filter(province_code="79", key="funding.village.coef.low").count() == 1


CHANGES = [{"key": "funding.village.coef.low", "mode": "set", "value": "5.0"}]


def test_one_scenario_name_created_twice_at_once(users, monkeypatch):
    """A double click on "create": the second request is told the name is taken (409), not a database error."""
    from coso.funding.models import Scenario

    def create():  # type: ignore[no-untyped-def]
        return services.scenario_create(actor=users["province_finance"], name="Thôn 5,0", changes=CHANGES)

    _results, errors, _waited = side_by_side(monkeypatch, services, "audit_log", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["scenario-name-taken"]
    assert isinstance(errors[0], ConflictError)
    assert Scenario.objects.filter(province_code="79", name="Thôn 5,0").count() == 1


def test_two_scenarios_renamed_to_one_name_at_once(users, monkeypatch):
    from coso.funding.models import Scenario

    a = services.scenario_create(actor=users["province_finance"], name="A", changes=CHANGES)
    b = services.scenario_create(actor=users["province_finance"], name="B", changes=CHANGES)

    def rename(sc):  # type: ignore[no-untyped-def]
        return lambda: services.scenario_update(actor=users["province_finance"], scenario=sc, version=sc.version, name="C")

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_update", rename(a), rename(b))
    assert [getattr(e, "code", e) for e in errors] == ["scenario-name-taken"]
    assert sorted(Scenario.objects.values_list("name", flat=True)) == ["B", "C"]


def test_scenario_deleted_while_it_is_adopted(users, monkeypatch):
    """The adopted scenario stays in history: a deletion that started before the adoption committed is refused."""
    from coso.funding.models import Scenario

    sc = services.scenario_create(actor=users["province_finance"], name="Thôn 5,0", changes=CHANGES)
    _results, errors, _waited = side_by_side(
        monkeypatch, services, "funding_rule_set",
        lambda: services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=dt.date(2027, 1, 1), source="NQ"),
        lambda: services.scenario_delete(actor=users["province_admin"], scenario=sc),
    )
    assert [getattr(e, "code", e) for e in errors] == ["scenario-adopted"]
    assert Scenario.objects.get(pk=sc.pk).status == Scenario.Status.ADOPTED


def test_commune_profile_set_twice_at_once_the_first_time(users, commune, monkeypatch):
    """A double click on the commune's first profile: both saves succeed, one profile, the later value."""
    from coso.funding.models import ExtraWorkers

    def set_to(n):  # type: ignore[no-untyped-def]
        return lambda: services.commune_profile_set(actor=users["province_finance"], commune=commune, extra_pt_workers=n)

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", set_to(2), set_to(3))
    assert not errors, errors
    assert list(ExtraWorkers.objects.filter(commune=commune).values_list("extra_pt_workers", flat=True)) == [3]
