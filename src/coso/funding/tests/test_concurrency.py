"""Two officers adopting the same scenario at once: one wins, the other gets a conflict (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection, connections

import pytest

from coso.core.exceptions import ConflictError
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
