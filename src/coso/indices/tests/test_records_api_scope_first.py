"""The records API answers another unit's commune with 404 whatever its options (``all``, ``limit``): django-ninja used to
validate them before the scope check, so a bad option answered 422, telling an outsider the commune's records were there
to be asked for. The caller's own commune still gets the 422 validation error with the field named."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/indices/records?commune={code}&indicator=2.1&period=2026-11&"


@pytest.mark.parametrize("extra", ["limit=abc", "limit=0", "limit=1001", "all=peut-etre", "limit=99999999999999999999999"])
def test_another_units_commune_is_404_before_the_options_are_read(users, login, commune, extra):
    r = login(users["other_leader"]).get(URL.format(code=commune.code) + extra)
    assert r.status_code == 404 and r.json()["code"] == "not-found"
    r = login(users["leader"]).get(URL.format(code=commune.code) + extra)
    assert r.status_code == 422 and r.json()["code"] == "validation-error"
    assert list(r.json()["details"]["fields"]) == [extra.split("=")[0]]


def test_good_options_still_read(users, login, commune, make_dossier):
    import datetime as dt

    for day in (2, 3, 4):
        make_dossier(commune, received=dt.date(2026, 11, day), finished=dt.date(2026, 11, day + 20), timeliness="late")
    c = login(users["leader"])
    r = c.get(URL.format(code=commune.code) + "limit=2&all=true")
    assert r.status_code == 200 and r.json()["count"] == 3 and len(r.json()["items"]) == 2
    r = c.get(URL.format(code=commune.code))
    assert r.status_code == 200 and len(r.json()["items"]) == 3


def test_the_options_stay_documented(client):
    params = {p["name"] for p in client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/indices/records"]["get"]["parameters"]}
    assert {"commune", "indicator", "all", "limit"} <= params
