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
def _funding_norms(request):  # type: ignore[no-untyped-def]
    """The shipped norms come from a data migration; a transactional test elsewhere in the suite flushes them.

    Reload them (idempotent) for every database test of this app.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from coso.funding.models import Norm
    from coso.funding.services import norms_load_defaults

    if not Norm.objects.filter(province_code="", key="base_salary").exists():
        norms_load_defaults()
