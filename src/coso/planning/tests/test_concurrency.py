"""Concurrency on PostgreSQL: one planning list created twice at once (a double click) is refused as existing (409); one
person added to two lists at once keeps the limit of positions per person."""

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


def test_one_person_added_to_two_lists_at_once_keeps_the_positions_limit(users, commune, monkeypatch):
    """At most 3 positions of a level per person: with 2 already, two officers adding the person to two more lists at the
    same moment lock only their own list: the second must count the first's addition."""
    from coso.planning.models import Candidate
    from coso.planning.tests.helpers import D, person

    p = person(commune)
    lists = {pos: services.list_create(actor=users["home_affairs"], commune_code=commune.code, term="2030-2035", position_code=pos)
             for pos in ("ct_ubnd", "pct_ubnd", "bi_thu", "ct_hdnd")}

    def add(pos):  # type: ignore[no-untyped-def]
        return lambda: services.candidate_add(actor=users["home_affairs"], planning_list=lists[pos], person_id=p.pk, entered_on=D(2026, 1, 10),
                                              decision="QĐ 1-QĐ/ĐU")

    add("ct_ubnd")()
    add("pct_ubnd")()
    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", add("bi_thu"), add("ct_hdnd"))
    assert [getattr(e, "code", e) for e in errors] == ["too-many-positions"]
    assert Candidate.objects.filter(person_id=p.pk, status=Candidate.Status.ACTIVE).count() == 3
