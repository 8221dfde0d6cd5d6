"""Concurrency on PostgreSQL: one planning list created twice at once (a double click) is refused as existing (409)."""

from __future__ import annotations

from django.db import connection

import pytest

from coso.core.exceptions import ConflictError
from coso.core.tests.threads import side_by_side
from coso.planning import services
from coso.planning.models import PlanningList

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_one_list_created_twice_at_once(users, commune, monkeypatch):
    def create():  # type: ignore[no-untyped-def]
        return services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["list-exists"]
    assert isinstance(errors[0], ConflictError)
    assert PlanningList.objects.filter(commune_code=commune.code, term="2030-2035", position_code="ct_ubnd").count() == 1
