"""A dossier of an old commune merged on 1/7/2025, listed in the drill-down of the commune it was merged into, opens
for that commune's staff (page, API, its forms), read only; the one-stop statistics of the commune count it for the
period before the merger. A commune that is not the successor whose figures count it still gets 404."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(merged_units, make_dossier):  # type: ignore[no-untyped-def]
    """An old commune (old province 80) merged into ``commune``; another old one divided, whose primary successor is
    ``commune`` and whose other part went to ``other_commune``; a late dossier of each, June 2025."""
    old, divided = merged_units
    late = make_dossier(old, received=dt.date(2025, 6, 2), finished=dt.date(2025, 6, 20), timeliness="late")
    part = make_dossier(divided, received=dt.date(2025, 6, 3), finished=dt.date(2025, 6, 25), timeliness="late")
    return late, part


def test_the_successor_opens_a_predecessors_dossier_from_the_drill_down(merged, commune, users, login):
    late, part = merged
    for who in ("leader", "province_home_affairs"):
        c = login(users[who])
        html = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&period=2025-06").content.decode()
        for d in (late, part):
            assert f'href="/dossiers/{d.pk}/"' in html, who
            r = c.get(f"/dossiers/{d.pk}/")
            assert r.status_code == 200 and d.code in r.content.decode(), who
            r = c.get(f"/api/v1/dossiers/{d.pk}")
            assert r.status_code == 200 and r.json()["code"] == d.code, who
            assert c.get(f"/api/v1/dossiers/{d.pk}/forms").status_code == 200, who
    # read only: acting on it stays with the commune whose code it carries
    r = login(users["leader"]).post(f"/api/v1/dossiers/{late.pk}/actions/apology", {"version": late.version, "reason": "Hồ sơ giải quyết quá hạn, xin lỗi công dân"},
                                    content_type="application/json")
    assert r.status_code == 404, r.content


def test_a_commune_that_is_not_the_successor_still_gets_404(merged, users, login):
    # other_commune received part of the divided commune, but its records count under its primary successor
    for d in merged:
        c = login(users["other_leader"])
        assert c.get(f"/dossiers/{d.pk}/").status_code == 404
        assert c.get(f"/api/v1/dossiers/{d.pk}").status_code == 404
        assert c.get(f"/api/v1/dossiers/{d.pk}/forms").status_code == 404


def test_the_successors_statistics_count_its_predecessors_before_the_merger(merged, commune, users, login, make_dossier):
    make_dossier(commune, received=dt.date(2025, 8, 4), finished=dt.date(2025, 8, 5), timeliness="on_time")
    c = login(users["leader"])
    june = {"start": "2025-06-01", "end": "2025-06-30"}
    total = c.get("/api/v1/dossiers/stats", june).json()["total"]
    assert (total["received"], total["late"]) == (2, 2)
    assert c.get("/api/v1/dossiers/stats", {"start": "2025-08-01", "end": "2025-08-31"}).json()["total"]["received"] == 1
    r = c.get("/dossiers/stats/", june)
    assert r.status_code == 200
    assert login(users["other_leader"]).get("/api/v1/dossiers/stats", june).json()["total"]["received"] == 0
