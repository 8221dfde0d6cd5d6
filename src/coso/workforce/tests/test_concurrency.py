"""Concurrency on PostgreSQL: two approvals of one agency side by side keep the excellence quota; an evaluation opened, or
a CCCD entered, twice at once (a double click) is opened or entered once, without a database error."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.tests.threads import side_by_side
from coso.workforce import services
from coso.workforce.models import Evaluation

from .helpers import person
from .test_evaluation import _assessed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_two_approvals_of_one_agency_side_by_side_keep_the_excellence_quota(users, commune, monkeypatch):
    """5 good evaluations approved allow 1 excellent one (20%). Two leaders approving one excellent evaluation each at the
    same moment lock only their own rows: the second must count the first's approval, not approve a second one."""
    goods = [_assessed(users, commune, name=f"Tốt {i}", general=Decimal(10)) for i in range(5)]
    services.approve(actor=users["leader"], evaluations=goods)
    excellent = [_assessed(users, commune, name=f"Giỏi {i}", general=Decimal(25)) for i in range(2)]
    assert all(e.level == "xuat_sac" for e in excellent)
    _results, errors, waited = side_by_side(
        monkeypatch, services, "quota_check",
        lambda: services.approve(actor=users["leader"], evaluations=[excellent[0]]),
        lambda: services.approve(actor=users["province_home_affairs"], evaluations=[excellent[1]]),
    )
    assert waited  # the second approval waits for the first one's commit
    assert [getattr(e, "code", e) for e in errors] == ["excellence-quota-exceeded"]
    assert isinstance(errors[0], ApplicationError)
    assert Evaluation.objects.filter(commune_code=commune.code, status="approved", level="xuat_sac").count() == 1


def test_one_evaluation_opened_twice_at_once_is_opened_once(users, commune, monkeypatch):
    p = person(commune, full_name="Nguyễn Văn Hai Lần")
    results, errors, _waited = side_by_side(
        monkeypatch, services, "_step",
        lambda: services.evaluation_open(actor=users["home_affairs"], person=p, year=2026),
        lambda: services.evaluation_open(actor=users["home_affairs"], person=p, year=2026),
    )
    assert not errors, errors
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert Evaluation.objects.filter(person=p, year=2026).count() == 1


def test_one_citizen_id_entered_twice_at_once(users, commune, monkeypatch):
    """A double click on "add person": the second is told the CCCD is already in the register, not a database error."""
    import datetime as dt

    from coso.workforce.models import Person

    def create():  # type: ignore[no-untyped-def]
        return services.person_create(actor=users["home_affairs"], full_name="Nguyễn Văn Đức", birth_date=dt.date(1985, 1, 1), gender="male",
                                      kind="civil_servant", position_code="cv_vp", citizen_id="079085000001", province_code="79",
                                      commune_code=commune.code)

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["duplicate-cccd"]
    assert Person.objects.filter(citizen_id="079085000001").count() == 1
