"""Reading the rule book for a commune the reader may not see (another province's commune for a province user, another
commune for a commune user, a code that does not exist) answered 200 with the reader's own values; it now answers as
for a code that does not exist (404), and a system administrator is told the commune is not in the province (400)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest

from coso.rules.testing import set_rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
API = "/api/v1/rules"
DAY = dt.date(2026, 1, 5)


@pytest.fixture
def own_values(commune, other_commune):  # type: ignore[no-untyped-def]
    set_rule(KEY, 9, valid_from=DAY, province_code=commune.province_code, commune_code=commune.code)
    set_rule(KEY, 7, valid_from=DAY, province_code=other_commune.province_code, commune_code=other_commune.code)


def _reads(c, code: str) -> list[int]:  # type: ignore[no-untyped-def]
    """The status of every read of the rule book for ``code``: the API's catalogue, one rule, the diff; the pages."""
    q = {"commune_code": code, "on": "2026-06-01"}
    return [c.get(f"{API}/", q).status_code, c.get(f"{API}/{KEY}", q).status_code,
            c.get(f"{API}/diff", {"date_from": "2026-01-01", "date_to": "2026-02-01", "commune_code": code}).status_code,
            c.get(reverse("rules:index"), {"commune": code}).status_code,
            c.get(reverse("rules:detail", args=[KEY]), {"commune": code}).status_code]


def test_a_commune_user_reads_only_their_own_commune(login, users, commune, other_commune, foreign_commune, own_values):
    c = login(users["onestop"])
    for code in (other_commune.code, foreign_commune.code, "99999"):
        assert _reads(c, code) == [404] * 5, code
        r = c.get(f"{API}/{KEY}", {"commune_code": code})
        assert set(r.json()) == {"code", "message", "details"} and r.json()["code"] == "not-found"
    assert _reads(c, commune.code) == [200] * 5
    assert c.get(f"{API}/{KEY}", {"commune_code": commune.code, "on": "2026-06-01"}).json()["in_force"]["value"] == 9
    assert c.get(f"{API}/{KEY}", {"on": "2026-06-01"}).json()["in_force"]["value"] == 9


def test_a_province_user_reads_the_communes_of_their_province_only(login, users, commune, other_commune, foreign_commune, own_values):
    c = login(users["province_home_affairs"])
    for code in (foreign_commune.code, "99999"):
        assert _reads(c, code) == [404] * 5, code
        assert c.get(f"{API}/{KEY}", {"commune_code": code}).json()["code"] == "not-found"
    for code, value in ((commune.code, 9), (other_commune.code, 7)):
        assert _reads(c, code) == [200] * 5
        r = c.get(f"{API}/{KEY}", {"commune_code": code, "on": "2026-06-01"})
        assert r.json()["in_force"]["value"] == value and r.json()["in_force"]["commune_code"] == code


def test_a_system_administrator_is_told_the_commune_is_not_in_the_province(login, users, province, commune, foreign_commune, own_values):
    c = login(users["sysadmin"])
    for code in (foreign_commune.code, "99999"):
        r = c.get(f"{API}/{KEY}", {"province_code": province.code, "commune_code": code})
        assert r.status_code == 400 and r.json()["code"] == "rule-bad-scope", r.content
        assert list(r.json()["details"]["fields"]) == ["commune_code"]
        assert c.get(f"{API}/", {"province_code": province.code, "commune_code": code}).status_code == 400
        assert c.get(reverse("rules:detail", args=[KEY]), {"province": province.code, "commune": code}).status_code == 400
    r = c.get(f"{API}/{KEY}", {"province_code": province.code, "commune_code": commune.code, "on": "2026-06-01"})
    assert r.status_code == 200 and r.json()["in_force"]["value"] == 9
    r = c.get(f"{API}/{KEY}", {"province_code": foreign_commune.province_code, "commune_code": foreign_commune.code})
    assert r.status_code == 200
