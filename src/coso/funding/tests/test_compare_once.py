"""A scenario named twice in a comparison (?ids=1&ids=1 in the API, ?s=1&s=1 on the page) was compared as two identical
columns; it is compared once, in the order first named."""

from __future__ import annotations

import pytest

from coso.funding import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(users, old_commune, make_village):  # type: ignore[no-untyped-def]
    make_village(old_commune, "Thôn 1", 400)
    services.organisations_ensure(actor=None, commune=old_commune)
    make = services.scenario_create
    return (make(actor=users["province_finance"], name="MTTQ +10", changes=[{"key": "funding.org.mttq.*", "mode": "percent", "value": "10"}]),
            make(actor=users["province_finance"], name="MTTQ +20", changes=[{"key": "funding.org.mttq.*", "mode": "percent", "value": "20"}]))


def test_a_scenario_named_twice_is_compared_once(login, users, two):
    a, b = two
    c = login(users["province_finance"])
    r = c.get(f"/api/v1/funding/scenarios/compare?ids={b.pk}&ids={a.pk}&ids={b.pk}&period=2025")
    assert r.status_code == 200, r.content[:300]
    once = c.get(f"/api/v1/funding/scenarios/compare?ids={b.pk}&ids={a.pk}&period=2025").json()
    assert r.json() == once
    page = c.get(f"/funding/scenarios/compare/?s={b.pk}&s={a.pk}&s={b.pk}&period=2025")
    assert page.status_code == 200
    assert [col["id"] for col in page.context["cmp"].columns] == [None, b.pk, a.pk]
