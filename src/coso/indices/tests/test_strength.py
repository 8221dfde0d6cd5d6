"""Commune-strength index: parts, coverage, pillars without data left out, weights per province from a date."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.indices import periods, selectors, services

pytestmark = pytest.mark.django_db
NOV = periods.month(2026, 11)


def test_composite_from_its_parts_with_coverage(november, commune, users):
    services.rollups_rebuild()
    s = selectors.province_strengths(commune.province_code, NOV, users["leader"], [commune.code])[commune.code]
    pillars = {p.key: p for p in s.pillars}
    service = round((29.78 + 4 + 4) * 100 / 59, 2)  # with the catalogue's 1.3 (0/4) and 3.1 (4/4), and 3.2 (1/1: 4/4)
    assert pillars["service"].score == pytest.approx(service, abs=0.05)
    assert pillars["satisfaction"].score == pytest.approx(round((2.5 + 0 + 3.33) * 100 / 13, 2), abs=0.05)
    assert pillars["satisfaction"].coverage == 50.0  # the survey input has no data
    assert pillars["feedback"].score == 50.0
    # No task follow-up, no staff records, no provincial PAR score: left out of the weighting, not zero.
    assert pillars["tasks"].score is None and pillars["reform"].score is None and pillars["workforce"].score is None
    assert pillars["tasks"].coverage == 0.0
    expected = (30 * pillars["service"].score + 15 * pillars["satisfaction"].score + 10 * 50) / 55
    assert s.csi == pytest.approx(expected, abs=0.01)
    assert s.weight_covered == 55.0
    assert s.band == "D"


def test_province_weight_change_from_next_month_applies_to_that_month_only(november, commune, users, make_dossier):
    from coso.rules.testing import set_rule

    make_dossier(commune, received=dt.date(2026, 12, 1), finished=dt.date(2026, 12, 2), timeliness="on_time")
    services.rollups_rebuild()
    set_rule("indices.csi.weight.service", 0, valid_from=dt.date(2026, 12, 1), province_code=commune.province_code)
    nov = selectors.province_strengths(commune.province_code, NOV, users["leader"], [commune.code])[commune.code]
    dec = selectors.province_strengths(commune.province_code, periods.month(2026, 12), users["leader"], [commune.code])[commune.code]
    assert {p.key: p.weight for p in nov.pillars}["service"] == 30
    assert {p.key: p.weight for p in dec.pillars}["service"] == 0
    assert dec.weight_covered < nov.weight_covered


def test_capability_plugs_in_without_changing_the_index(november, commune, users):
    from coso.indices import strength

    services.rollups_rebuild()
    saved = dict(strength.INPUTS)
    try:
        strength.register_input(
            "tasks.on_time", pillar="tasks", label="Nhiệm vụ đúng hạn", source="Theo dõi nhiệm vụ", provider=lambda ctx: {c: 80.0 for c in ctx.codes}
        )
        s = selectors.province_strengths(commune.province_code, NOV, users["leader"], [commune.code])[commune.code]
        assert {p.key: p.score for p in s.pillars}["tasks"] == 80.0
        assert s.weight_covered == 75.0
    finally:
        strength.INPUTS.clear()
        strength.INPUTS.update(saved)


def test_dashboard_shows_strength_and_province_sorts_by_it(november, commune, other_commune, users, login):
    services.rollups_rebuild()
    html = login(users["leader"]).get("/chi-so/?period=2026-11").content.decode()
    assert 'id="strength"' in html and "Chưa phát sinh" in html  # inputs without data in the period
    r = login(users["province_home_affairs"]).get("/chi-so/?period=2026-11&sort=csi")
    assert r.status_code == 200 and 'id="sort-csi"' in r.content.decode()


def test_strength_api_is_scoped(november, commune, users, login, client):
    services.rollups_rebuild()
    url = f"/api/v1/indices/strength?commune={commune.code}&period=2026-11"
    data = login(users["leader"]).get(url).json()
    assert data["csi"] is not None and {p["key"] for p in data["pillars"]} >= {"service", "tasks"}
    assert login(users["other_leader"]).get(url).status_code == 404
    assert client.logout() is None
