"""A village split in a province that pays per title (Ho Chi Minh City) checks the coefficients sent like a lump fund's.

The API answered 201 with the rule's amounts for {"bi_thu": "1e9"}, {"bi_thu": "-1"} or {"zzz": "1"}, while a province
with a lump fund refuses each: the coefficients are checked (known position, not negative, a split within the
village's fund) before the rule's split is recorded, and a refused request writes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.models import AuditLog
from coso.funding.models import FundDistribution

pytestmark = pytest.mark.django_db

URL = "/api/v1/funding/distributions/village"


@pytest.fixture
def village(hcmc_rules, commune, make_village):  # type: ignore[no-untyped-def]
    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    return make_village(commune, "Khu phố 1", 600, kind="khu_pho")


@pytest.mark.parametrize(("coefficients", "code"), [
    ({"bi_thu": "1000000000"}, "distribution-exceeds-fund"),
    ({"bi_thu": "3", "truong_thon": "3", "truong_ban_ctmt": "3"}, "distribution-exceeds-fund"),  # 9 × base, the fund 6 ×
    ({"bi_thu": "-1"}, "invalid-number"),
    ({"zzz": "1"}, "unknown-position"),
])
@pytest.mark.parametrize("month", ["2099-01-01", "2026-08-01"])
def test_bad_coefficients_are_refused_and_nothing_is_written(login, users, village, coefficients, code, month):
    c = login(users["province_finance"])
    r = c.post(URL, {"village_id": village.pk, "month": month, "coefficients": coefficients}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code
    assert not FundDistribution.objects.exists()
    assert not AuditLog.objects.filter(verb="funding-village-distribution").exists()


def test_the_rule_split_is_still_recorded(login, users, village):
    c = login(users["province_finance"])
    for coefficients in (None, {"bi_thu": "2.0"}, {"bi_thu": None, "truong_thon": None, "truong_ban_ctmt": None}):
        r = c.post(URL, {"village_id": village.pk, "month": "2026-08-01", "coefficients": coefficients}, content_type="application/json")
        assert r.status_code == 201, r.content
        assert r.json()["fund"] == r.json()["total"] == 3 * 2 * 2_530_000  # 3 titles × 2.0 × the base salary from 1/7/2026
    assert FundDistribution.objects.count() == 3
