"""Concurrency on PostgreSQL: a delegation created twice at once (a double click) is created once; the second is refused
as overlapping the first."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

import pytest

from coso.accounts import services
from coso.accounts.models import Delegation
from coso.accounts.roles import Role
from coso.core.tests.threads import side_by_side

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_one_delegation_created_twice_at_once(users, make_user, commune, monkeypatch):
    deputy = make_user("deputy", Role.COMMUNE_LEADER, commune, full_name="Trịnh Văn Phúc")
    start = timezone.localdate() + dt.timedelta(days=1)

    def create():  # type: ignore[no-untyped-def]
        return services.delegation_create(actor=users["leader"], delegate=deputy, kind="kt", actions=[Delegation.Action.DOSSIER_APPROVE],
                                          starts_on=start, ends_on=start + dt.timedelta(days=6))

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["delegation-overlap"]
    assert Delegation.objects.filter(delegator=users["leader"]).count() == 1
