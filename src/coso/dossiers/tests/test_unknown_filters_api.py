"""GET /api/v1/dossiers/ with an unknown status matched no dossier and answered an empty list, as if the unit had none
in that state; GET /api/v1/dossiers/stats with an unknown group answered the totals without any breakdown. Both are
refused with validation-error on their field, the allowed values in details."""

from __future__ import annotations

import pytest

from coso.dossiers.constants import Status
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", ["bogus", "Received", "RECEIVED", "open", "received "])
def test_an_unknown_status_is_refused(login, users, commune, version, status):
    DossierFactory(staff=users, commune=commune, procedure_version=version)
    r = login(users["onestop"]).get("/api/v1/dossiers/", {"status": status})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error" and body["details"]["fields"] == {"status": ["Tình trạng không hợp lệ."]}
    assert set(body["details"]["allowed"]) == set(Status.values)


def test_a_known_status_or_none_still_lists(login, users, commune, version):
    d = DossierFactory(staff=users, commune=commune, procedure_version=version)
    c = login(users["onestop"])
    assert [x["id"] for x in c.get("/api/v1/dossiers/", {"status": "received"}).json()["items"]] == [d.pk]
    assert c.get("/api/v1/dossiers/", {"status": "returned"}).json()["items"] == []
    assert [x["id"] for x in c.get("/api/v1/dossiers/").json()["items"]] == [d.pk]


@pytest.mark.parametrize("group", ["bogus", "Commune", "unit", "month"])
def test_an_unknown_stats_group_is_refused(login, users, group):
    r = login(users["province_home_affairs"]).get("/api/v1/dossiers/stats", {"group": group})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "validation-error" and list(body["details"]["fields"]) == ["group"]
    assert body["details"]["allowed"] == ["procedure", "commune", ""]


@pytest.mark.parametrize(("group", "rows"), [("procedure", 1), ("commune", 1), ("", 0)])
def test_the_known_groups_still_answer(login, users, commune, version, group, rows):
    DossierFactory(staff=users, commune=commune, procedure_version=version)
    r = login(users["province_home_affairs"]).get("/api/v1/dossiers/stats", {"group": group, "start": "2026-01-01", "end": "2026-12-31"})
    assert r.status_code == 200, r.content
    assert len(r.json()["rows"]) == rows and r.json()["total"]["received"] == 1
