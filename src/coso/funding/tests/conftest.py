from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def old_commune(commune):
    """The fixture commune, valid since 2019 so that pre-reform periods can be computed."""
    commune.valid_from = dt.date(2019, 1, 1)
    commune.classification = "I"
    commune.save()
    return commune


@pytest.fixture
def make_village(db):
    from coso.core.text import fold
    from coso.units.models import Village

    def make(commune, name: str, households: int, kind: str = "thon", **extra):  # type: ignore[no-untyped-def]
        extra.setdefault("valid_from", dt.date(2019, 1, 1))
        return Village.objects.create(
            commune=commune, province_code=commune.province_code, commune_code=commune.code, name=name, name_folded=fold(name),
            kind=kind, households=households, **extra,
        )

    return make


@pytest.fixture(autouse=True)
def _national_rules(request):  # type: ignore[no-untyped-def]
    """The fixture province is Ho Chi Minh City (79), which ships its own village rules (paid titles) from 8/9/2025.

    Tests of the national rules (Decree 33 funds) run without them; a test that wants the city's rules asks for the
    ``hcmc_rules`` fixture.
    """
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not names & {"db", "transactional_db", "live_server"}:
        return
    if "hcmc_rules" in names:
        return
    request.getfixturevalue("_reference_data")
    from coso.rules import lookup
    from coso.rules.models import Rule, RuleBookState

    if Rule.objects.filter(province_code="79", key__startswith="funding.", origin=Rule.Origin.DATA).delete()[0]:
        RuleBookState.objects.update(stamp=RuleBookState.new_stamp())
        lookup.invalidate()


@pytest.fixture
def hcmc_rules(db):  # type: ignore[no-untyped-def]
    """Ho Chi Minh City's shipped rules (the default fixture removes them); reloaded when a transactional test removed them."""
    from coso.rules.models import Rule
    from coso.rules.services import load_rules

    if not Rule.objects.filter(province_code="79", key="funding.village.titles").exists():
        load_rules()
