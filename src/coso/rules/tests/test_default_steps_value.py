"""The default internal steps of the one-stop shop (``onestop.default_steps``) are steps a dossier can go through:
a value that no officer could handle (an unknown role, shares that do not add up to 100 %, repeated orders, no step)
is refused by the rule book, as the procedure catalogue refuses such steps (``procedures.services.validate_steps``)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "onestop.default_steps"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
API = "/api/v1/rules"
GOOD = [
    {"order": 1, "name": "Tiếp nhận", "role": "onestop_officer", "share_percent": 10},
    {"order": 2, "name": "Thẩm định", "role": "specialist", "share_percent": 70},
    {"order": 3, "name": "Ký duyệt", "role": "commune_leader", "share_percent": 20},
]


def _change(c, value):  # type: ignore[no-untyped-def]
    return c.post(f"{API}/changes", {"key": KEY, "value": value, "valid_from": "2026-12-14", "reason": "quy trình mới"},
                  content_type="application/json")


@pytest.mark.parametrize(("value", "words"), [
    ([], "ít nhất một bước"),
    ([{**GOOD[0], "share_percent": 100}, {**GOOD[1], "role": "zz", "share_percent": 0}], "zz"),
    ([{**GOOD[0], "role": "citizen", "share_percent": 100}], "citizen"),
    ([{**GOOD[0], "role": "province_admin", "share_percent": 100}], "province_admin"),
    ([{**GOOD[0], "share_percent": 50}], "100"),
    ([GOOD[0], {**GOOD[1], "order": 1}, GOOD[2]], "trùng"),
])
def test_steps_no_officer_could_follow_are_refused(login, users, value, words):
    c = login(users["province_admin"])
    before = AuditLog.objects.count()
    with time_machine.travel(NOW, tick=False):
        r = _change(c, value)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "rule-bad-value" and words in body["message"] and "Value error" not in body["message"]
    assert not Rule.objects.filter(key=KEY, province_code="79").exists()
    assert AuditLog.objects.count() == before


def test_valid_default_steps_are_kept(login, users):
    c = login(users["province_admin"])
    with time_machine.travel(NOW, tick=False):
        r = _change(c, GOOD)
    assert r.status_code == 201, r.content
    assert Rule.objects.get(key=KEY, province_code="79").value == GOOD


def test_the_page_shows_the_refusal_at_the_field(login, users):
    c = login(users["province_admin"])
    import json

    with time_machine.travel(NOW, tick=False):
        r = c.post(f"/quy-dinh/{KEY}/", {"value": json.dumps([{**GOOD[0], "role": "zz", "share_percent": 100}]), "valid_from": "2026-12-14",
                                          "reason": "quy trình mới"})
    assert r.status_code == 400
    assert "zz" in r.content.decode()
    assert not Rule.objects.filter(key=KEY, province_code="79").exists()
