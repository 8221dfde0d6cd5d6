"""A value for a scope the rule does not take is refused on the body's field that sets the scope (``province_code`` or
``commune_code``), not on a ``scope`` field the request does not have."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

NATIONAL_ONLY = "planning.candidates.max_per_position"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
API = "/api/v1/rules"


def test_a_province_value_of_a_national_rule_is_refused_on_the_province(login, users, province, commune):
    c = login(users["sysadmin"])
    before = Rule.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"{API}/changes", {"key": NATIONAL_ONLY, "value": 3, "valid_from": "2026-12-14", "reason": "Thử",
                                      "province_code": province.code}, content_type="application/json")
        assert r.status_code == 400 and r.json()["code"] == "rule-bad-scope", r.content
        assert list(r.json()["details"]["fields"]) == ["province_code"]
        r = c.post(f"{API}/changes", {"key": NATIONAL_ONLY, "value": 3, "valid_from": "2026-12-14", "reason": "Thử",
                                      "province_code": province.code, "commune_code": commune.code}, content_type="application/json")
        assert r.status_code == 400 and list(r.json()["details"]["fields"]) == ["commune_code"], r.content
    assert Rule.objects.count() == before
