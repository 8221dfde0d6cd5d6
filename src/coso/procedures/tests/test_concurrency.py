"""Concurrency on PostgreSQL: one procedure code created twice at once (a double click) is refused as existing (409)."""

from __future__ import annotations

from django.db import connection

import pytest

from coso.core.exceptions import ConflictError
from coso.core.tests.threads import side_by_side
from coso.procedures import services
from coso.procedures.models import Procedure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_one_procedure_code_created_twice_at_once(users, monkeypatch):
    def create():  # type: ignore[no-untyped-def]
        return services.procedure_create(actor=users["sysadmin"], code="1.009999", name="Thủ tục thử", field="Hộ tịch")

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["procedure-exists"]
    assert isinstance(errors[0], ConflictError)
    assert Procedure.objects.filter(code="1.009999").count() == 1
