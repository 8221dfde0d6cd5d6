"""A scenario's comparison uses the value its adoption writes, for rules stored as whole numbers.

The rule book keeps household thresholds as whole numbers and money as whole đồng: adoption rounds a changed value half
up (599.6 households → 600). The comparison computed with the unrounded value, and the engine cut it (599): a khu phố of
599 households was shown the high village fund in the comparison and got the normal one once the scenario was adopted.
The comparison now computes with the stored value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coso.funding.rules import Change, RuleBook, stored_value
from coso.rules.models import Rule

from .scenario_steps import adopt, compared, totals

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
KEY = "funding.village.threshold.tdp"  # 500 households (Decree 33/2023, Art. 34)


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_changed_count_is_a_whole_number_and_money_whole_dong(commune):
    book = RuleBook.load("79", [Change(KEY, "percent", Decimal("19.92")), Change("funding.org.mttq.*", "percent", Decimal("0.0001"))])
    day = dt.date(2027, 1, 1)
    assert book.value(KEY, day) == 600  # 599.6
    money = [r for r in book.in_force(day) if r.key.startswith("funding.org.mttq.") and r.original_value is not None]
    assert money and all(r.value == r.value.to_integral_value() for r in money)
    assert stored_value(KEY, Decimal("599.4")) == 599 and stored_value(KEY, Decimal("599.5")) == 600
    assert stored_value("funding.village.activist.coef", Decimal("1.87")) == Decimal("1.87")


def test_the_comparison_and_the_adoption_agree_on_a_rounded_threshold(login, users, province, commune, make_village):
    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    make_village(commune, "Khu phố 1", 599, kind="khu_pho")
    make_village(commune, "Khu phố 2", 600, kind="khu_pho")
    c = login(users["province_finance"])
    sid, promised = compared(c, "Ngưỡng hộ", [{"key": KEY, "mode": "percent", "value": "19.92"}], "2027")
    before = totals(c, "2027")
    assert promised[commune.code] < before[commune.code]  # the 599-household khu phố falls to the normal rate

    adopt(c, sid)
    assert Rule.objects.get(key=KEY, province_code="79", valid_from=dt.date(2027, 1, 1)).value == 600
    assert totals(c, "2027") == promised
