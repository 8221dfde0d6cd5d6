"""The leaving-payment calculator and the surplus list act on one person or one commune named in the query string: another
unit's person or commune answers 404 whatever the other parameters (as one that does not exist), not 422 for a bad salary or
day, which told an outsider the person existed; the caller's own person with a bad parameter answers 422."""

import pytest

from coso.planning.tests.helpers import D, person

pytestmark = pytest.mark.django_db

BAD = [{"salary": "-1"}, {"salary": "x"}, {"si_months": "9999"}, {"leave_on": "31/02/2026"}, {"leave_on": ""}, {"decision_on": "x"}]


def test_another_units_person_is_404_whatever_the_query(login, users, commune):
    p = person(commune, full_name="Hồ Văn Mẫu", birth_date=D(1966, 6, 15))
    good = {"person_id": p.pk, "salary": 15356250, "si_months": 264, "leave_on": "2026-07-01"}
    other = login(users["other_leader"])
    for bad in BAD:
        res = other.get("/api/v1/planning/leaving-payments", {**good, **bad})
        assert res.status_code == 404, (bad, res.status_code, res.content)
    assert other.get("/api/v1/planning/leaving-payments", good).status_code == 404
    own = login(users["home_affairs"])
    for bad in BAD:
        res = own.get("/api/v1/planning/leaving-payments", {**good, **bad})
        assert res.status_code == 422 and res.json()["code"] == "validation-error", (bad, res.status_code, res.content)
    assert own.get("/api/v1/planning/leaving-payments", good).status_code == 200


def test_another_units_commune_surplus_is_404_whatever_the_query(login, users, commune):
    good = {"commune": commune.code, "on": "2026-07-01", "salary": 12000000}
    bads = ({"on": "31/02/2026"}, {"on": ""}, {"salary": "-5"}, {"salary": "x"})
    other = login(users["other_leader"])
    for bad in bads:
        res = other.get("/api/v1/planning/surplus", {**good, **bad})
        assert res.status_code == 404, (bad, res.status_code, res.content)
    own = login(users["home_affairs"])
    for bad in bads:
        res = own.get("/api/v1/planning/surplus", {**good, **bad})
        assert res.status_code == 422 and res.json()["code"] == "validation-error", (bad, res.status_code, res.content)
    assert own.get("/api/v1/planning/surplus", good).status_code == 200
