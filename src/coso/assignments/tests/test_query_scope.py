"""The ranked candidates of a post act on one commune named in the query string: another unit's commune answered 422 for
a bad day or limit (validated by django-ninja before the endpoint ran) and 404 otherwise, telling an outsider which codes are
communes; it now answers 404 whatever the other parameters, and the caller's own commune with a bad one 422."""

import pytest

pytestmark = pytest.mark.django_db


def test_another_units_commune_is_404_whatever_the_query(login, users, commune):
    good = {"commune_code": commune.code, "position_code": "cv_vp"}
    bads = ({"on": "31/02/2026"}, {"limit": "0"}, {"limit": "x"}, {"on": "2026-13-01"})
    other = login(users["other_leader"])
    for bad in bads:
        res = other.get("/api/v1/assignments/candidates", {**good, **bad})
        assert res.status_code == 404, (bad, res.status_code, res.content)
    own = login(users["home_affairs"])
    for bad in bads:
        res = own.get("/api/v1/assignments/candidates", {**good, **bad})
        assert res.status_code == 422 and res.json()["code"] == "validation-error", (bad, res.status_code, res.content)
    assert own.get("/api/v1/assignments/candidates", {**good, "on": "2026-06-01", "limit": "5"}).status_code == 200
