"""A funding rule family names its members: a province sets a value for a real organisation, class or village title only.

``funding.org.*``, ``funding.commune_pt.coef.*`` and ``funding.village.position.*`` accepted any last part, so a province
could record "funding.org.mttq.IV" or "funding.village.position.bi_thu.mid": rules that no allocation ever reads, shown
in the rule book beside the real ones as if they were in force. Each family now lists its members; the others are
refused (400, nothing written). Associations stay open: a province may support a special association of its own.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _post(client, key: str, value: str):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return client.post("/api/v1/rules/changes", {"key": key, "value": value, "valid_from": "2027-01-01", "reason": "NQ 9/2026 của HĐND tỉnh"},
                           content_type="application/json")


@pytest.mark.parametrize(("key", "value"), [
    ("funding.org.mttq.IV", "200000000"),
    ("funding.org.hoi_bogus.I", "200000000"),
    ("funding.org.mttq", "200000000"),
    ("funding.commune_pt.coef.IV", "20"),
    ("funding.commune_pt.coef.special", "20"),
    ("funding.village.position.bi_thu.mid", "2"),
    ("funding.village.position.thu_quy.high", "2"),
])
def test_a_member_the_family_does_not_have_is_refused(login, users, province, key, value):
    c = login(users["province_finance"])
    rules, audits = Rule.objects.count(), AuditLog.objects.count()
    r = _post(c, key, value)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "rule-unknown-key" and key in r.json()["message"]
    assert Rule.objects.count() == rules and AuditLog.objects.count() == audits


@pytest.mark.parametrize(("key", "value"), [
    ("funding.org.mttq.I", "200000000"),
    ("funding.org.ccb.III", "150000000"),
    ("funding.commune_pt.coef.II", "18"),
    ("funding.village.position.truong_ban_ctmt.low", "1.5"),
    ("funding.association.hoi_lam_vuon", "20000000"),  # a special association of the province's own (rule book door)
])
def test_real_members_are_accepted(login, users, province, key, value):
    c = login(users["province_finance"])
    r = _post(c, key, value)
    assert r.status_code == 201, r.content
    assert Rule.objects.filter(key=key, province_code=province.code, valid_from=dt.date(2027, 1, 1)).exists()
