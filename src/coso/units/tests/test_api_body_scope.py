"""The API's endpoints on one commune, village or reorganisation read their body once the object is the caller's: another
province's answers 404 whatever the body (as one that does not exist), and nothing changes; the caller's own object
with a bad body still answers 422."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.units.models import AdministrativeUnit, Reorganisation, Village
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db

BAD = '{"classification": 9, "population": "many", "name": [], "households": -1, "reason": [], "version": "x"}'


@pytest.fixture
def travel():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False) as t:
        yield t


@pytest.fixture
def objects(travel, users, commune, login):  # type: ignore[no-untyped-def]
    a, b = h.village(commune, "Tổ dân phố 1"), h.village(commune, "Tổ dân phố 2")
    payload = {"kind": "village_merge", "decision_number": "12/NQ-HĐND", "decision_date": "2026-02-20", "effective_on": "2026-04-01",
               "title": "Sáp nhập", "spec": h.spec_village_merge(commune, [a, b])}
    r = login(users["province_admin"]).post("/api/v1/units/reorganisations", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    return {"commune": commune, "village": a, "reorganisation": Reorganisation.objects.get(pk=r.json()["id"])}


def urls(o):  # type: ignore[no-untyped-def]
    return [("patch", f"/api/v1/units/communes/{o['commune'].code}"), ("patch", f"/api/v1/units/villages/{o['village'].pk}"),
            ("post", f"/api/v1/units/reorganisations/{o['reorganisation'].pk}/cancel")]


def _state():  # type: ignore[no-untyped-def]
    return (AuditLog.objects.exclude(verb__in=["login", "rule_load"]).count(), list(AdministrativeUnit.objects.order_by("pk").values_list("pk", "population")),
            list(Village.objects.order_by("pk").values_list("pk", "name", "households")), list(Reorganisation.objects.values_list("pk", "status")))


def test_another_provinces_object_is_404_whatever_the_body(login, make_user, other_province, objects):  # type: ignore[no-untyped-def]
    outsider = make_user("foreign_admin", Role.PROVINCE_ADMIN, other_province)
    before = _state()
    c = login(outsider)
    for method, url in urls(objects):
        for body in (BAD, "not json"):
            res = getattr(c, method)(url, body, content_type="application/json")
            assert res.status_code == 404, (url, body, res.status_code, res.content)
            assert res.json()["code"] == "not-found"
    assert _state() == before


def test_own_object_with_a_bad_body_is_still_422(login, users, objects):  # type: ignore[no-untyped-def]
    before = _state()
    c = login(users["province_admin"])
    for method, url in urls(objects):
        res = getattr(c, method)(url, BAD, content_type="application/json")
        assert res.status_code == 422 and res.json()["code"] == "validation-error", (url, res.status_code, res.content)
        res = getattr(c, method)(url, "not json", content_type="application/json")
        assert res.status_code == 400 and res.json()["code"] == "invalid-json", (url, res.status_code, res.content)
    assert _state() == before
    res = c.patch(f"/api/v1/units/villages/{objects['village'].pk}", {"households": 120}, content_type="application/json")
    assert res.status_code == 200 and res.json()["households"] == 120
