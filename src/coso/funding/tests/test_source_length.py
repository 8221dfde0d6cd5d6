"""The legal source (căn cứ) of a province's value is kept whole or refused: the rule book's column holds 300 characters,
and the JSON API (which, unlike the page's form, had no limit) saved a longer one cut to its first 300 silently."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from coso.funding.tests.test_views_api import data  # noqa: F401  # the fixture
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 1, 9, 0)
KEY = "funding.village.coef.low"


def _post(c, url, body):  # type: ignore[no-untyped-def]
    return c.post(url, json.dumps(body), content_type="application/json")


def _rows() -> list[tuple[str, str]]:
    return list(Rule.objects.filter(key=KEY, province_code="79").values_list("source_document", "reason"))


@time_machine.travel(TODAY, tick=False)
def test_a_source_longer_than_the_rule_book_keeps_is_refused_not_cut(login, users, data):  # noqa: F811
    c = login(users["province_finance"])
    before = _rows()
    r = _post(c, "/api/v1/funding/rules", {"key": KEY, "value": "5", "valid_from": "2027-01-01", "source": "Nghị quyết " + "x" * 290})
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "source-too-long" and r.json()["details"]["fields"]["source"] == ["Căn cứ tối đa 300 ký tự."]
    assert _rows() == before

    r = _post(c, "/api/v1/funding/scenarios", {"name": "Thôn 5", "changes": [{"key": KEY, "value": "5"}]})
    sid = r.json()["id"]
    r = _post(c, f"/api/v1/funding/scenarios/{sid}/adopt", {"effective_from": "2027-01-01", "source": "Nghị quyết " + "y" * 290})
    assert r.status_code == 400 and r.json()["code"] == "source-too-long", r.content
    assert _rows() == before
    assert c.get(f"/api/v1/funding/scenarios/{sid}").json()["status"] == "draft"

    source = "Nghị quyết " + "z" * 289  # 300 characters: kept whole
    r = _post(c, "/api/v1/funding/rules", {"key": KEY, "value": "5", "valid_from": "2027-01-01", "source": source})
    assert r.status_code == 201, r.content
    assert Rule.objects.get(key=KEY, province_code="79", valid_from=dt.date(2027, 1, 1)).source_document == source
