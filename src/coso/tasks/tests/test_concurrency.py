"""Concurrency on PostgreSQL: one directive registered twice at once (a double click) is registered once."""

from __future__ import annotations

import datetime as dt

from django.db import connection

import pytest

from coso.core.tests.threads import side_by_side
from coso.tasks import services
from coso.tasks.models import Directive

from .conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_one_directive_registered_twice_at_once(users, today, monkeypatch):
    def register():  # type: ignore[no-untyped-def]
        return services.directive_create(actor=users["province_home_affairs"], number="125/UBND-VX", issued_on=TODAY - dt.timedelta(days=10),
                                         issuer="UBND Thành phố", level="province", summary="Triển khai chuyển đổi số cấp xã")

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", register, register)
    assert [getattr(e, "code", e) for e in errors] == ["duplicate"]
    assert Directive.objects.filter(number="125/UBND-VX").count() == 1


def test_one_assignment_submitted_twice_at_once_gives_each_commune_one_task(users, today, monkeypatch):
    from coso.tasks.models import Task
    from coso.units.models import AdministrativeUnit

    d = services.directive_create(actor=users["province_home_affairs"], number="126/UBND-VX", issued_on=TODAY - dt.timedelta(days=10),
                                  issuer="UBND Thành phố", level="province", summary="Rà soát")
    codes = list(AdministrativeUnit.objects.filter(level="commune", province_code=d.province_code).values_list("code", flat=True)[:2])

    def assign():  # type: ignore[no-untyped-def]
        return services.tasks_assign(actor=users["province_home_affairs"], directive=d, title="Rà soát hồ sơ", commune_codes=codes,
                                     assigned_on=TODAY, due_on=TODAY + dt.timedelta(days=10))

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", assign, assign)
    assert [getattr(e, "code", e) for e in errors] == ["duplicate"]
    assert Task.objects.filter(directive=d).count() == len(codes)
