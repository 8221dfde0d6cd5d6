"""Concurrency on PostgreSQL: a village created and another renamed to the same name at once: the second is refused as
taken (409), whichever of the two it is."""

from __future__ import annotations

from django.db import connection

import pytest

from coso.core.tests.threads import side_by_side
from coso.units import services
from coso.units.models import Village

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_village_created_and_another_renamed_to_its_name_at_once(users, commune, monkeypatch):
    other = services.village_create(actor=users["home_affairs"], commune=commune, name="Khu phố 2", kind="khu_pho")
    _results, errors, _waited = side_by_side(
        monkeypatch, services, "audited_create",
        lambda: services.village_create(actor=users["home_affairs"], commune=commune, name="Khu phố 1", kind="khu_pho"),
        lambda: services.village_update(actor=users["home_affairs"], village=other, name="Khu phố 1"),
    )
    assert [getattr(e, "code", e) for e in errors] == ["village-name-taken"]
    assert sorted(Village.objects.filter(commune=commune).values_list("name", flat=True)) == ["Khu phố 1", "Khu phố 2"]
