"""Concurrency on PostgreSQL: a person's origin saved twice at once the first time (a double click) is recorded once."""

from __future__ import annotations

from django.db import connection

import pytest

from coso.assignments import services
from coso.assignments.models import Origin
from coso.assignments.tests.helpers import person
from coso.core.tests.threads import side_by_side

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_origin_set_twice_at_once_the_first_time(users, commune, monkeypatch):
    p = person(commune, full_name="Phạm Văn Dũng", position="pct_ubnd")

    def set_birth(code):  # type: ignore[no-untyped-def]
        return lambda: services.origin_set(actor=users["province_home_affairs"], person_id=p.pk, birth_commune_code=code)

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", set_birth(commune.code), set_birth("99999"))
    assert not errors, errors
    assert list(Origin.objects.filter(person=p).values_list("birth_commune_code", flat=True)) == ["99999"]
