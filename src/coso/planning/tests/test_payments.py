"""Early-retirement and leaving-the-service payments (Nghị định 178/2024, amended by Nghị định 67/2025): the
Ministry of Home Affairs' worked examples to the đồng, the dated rules, and the arithmetic under hypothesis."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.planning import payments
from coso.rules.testing import shipped_book

D = dt.date


JULY_2025 = D(2025, 7, 1)


def rule(key, day=JULY_2025):
    return shipped_book().value(key, day)


def test_worked_example_early_retirement():
    """Công văn 1814/BNV: salary 15,356,250 đ, 2 years 6 months early, 22 years of social insurance:
    30 × S + 2.5 × 5 × S + 6 × S = 48.5 × S. The press copy prints 744,788,125 đ; 48.5 × 15,356,250 is 744,778,125 đ
    (the printed figure is 10,000 đ higher than its own formula)."""
    out = payments.early_retirement(salary=15_356_250, months_early=30, si_months=22 * 12, within_first_window=True,
                                    rule=rule(payments.EARLY_KEY))
    assert [ln["months_of_salary"] for ln in out["lines"]] == [Decimal(30), Decimal("12.5"), Decimal(6)]
    assert [ln["amount"] for ln in out["lines"]] == [460_687_500, 191_953_125, 92_137_500]
    assert out["total"] == 744_778_125 == 15_356_250 * 485 // 10


def test_worked_example_leaving_the_service():
    """Công văn 1814/BNV: salary 10,705,500 đ, 15 years of social insurance: 0.8 × 60 × S + 1.5 × 15 × S + 3 × S = 786,854,250 đ."""
    out = payments.resignation(salary=10_705_500, months_to_retirement=150, si_months=15 * 12, within_first_window=True,
                               rule=rule(payments.RESIGN_KEY))
    assert [ln["months_of_salary"] for ln in out["lines"]] == [Decimal(48), Decimal("22.5"), Decimal(3)]
    assert out["total"] == 786_854_250


def test_after_the_first_twelve_months_the_factor_halves():
    r = rule(payments.EARLY_KEY)
    late = payments.early_retirement(salary=10_000_000, months_early=30, si_months=20 * 12, within_first_window=False, rule=r)
    assert late["lines"][0]["amount"] == 150_000_000  # 0.5 × 30 × S


@pytest.mark.parametrize(("months", "eligible"), [(23, False), (24, True), (60, True), (61, False)])
def test_early_retirement_only_two_to_five_years_early(months, eligible):
    out = payments.early_retirement(salary=1, months_early=months, si_months=240, within_first_window=True, rule=rule(payments.EARLY_KEY))
    assert out["eligible"] is eligible


@pytest.mark.parametrize(("months", "years"), [(24, 2), (25, Decimal("2.5")), (30, Decimal("2.5")), (31, 3), (36, 3)])
def test_odd_months_count_as_half_or_whole_years(months, years):
    assert payments.rounded_years(months, 6) == years


def test_rules_start_with_decree_178():
    assert shipped_book().value(payments.EARLY_KEY, D(2024, 12, 31), default=None) is None
    assert rule(payments.EARLY_KEY, D(2025, 1, 1))["min_months_early"] == 24


@pytest.mark.django_db
def test_estimate_from_dates_with_the_decision_window():
    out = payments.estimate(salary=15_356_250, birth_retirement=D(2028, 7, 1), leave_on=D(2026, 1, 1), si_months=22 * 12,
                            decision_on=D(2025, 7, 1))
    assert out["months_early"] == 30 and out["early"]["total"] == 744_778_125
    later = payments.estimate(salary=15_356_250, birth_retirement=D(2028, 7, 1), leave_on=D(2026, 1, 1), si_months=22 * 12,
                              decision_on=D(2024, 12, 1))
    assert later["early"]["lines"][0]["months_of_salary"] == 15  # 0.5 × 30 from the 13th month
    assert {s["key"] for s in out["sources"]} == {payments.EARLY_KEY, payments.RESIGN_KEY}


@settings(deadline=None)
@given(salary=st.integers(1, 200_000_000), months=st.integers(24, 60), si=st.integers(0, 480), first=st.booleans())
def test_early_retirement_total_is_the_sum_of_months_of_salary(salary, months, si, first):
    out = payments.early_retirement(salary=salary, months_early=months, si_months=si, within_first_window=first, rule=rule(payments.EARLY_KEY))
    assert out["total"] == payments.dong(out["months_of_salary"] * salary)
    assert abs(out["total"] - sum(ln["amount"] for ln in out["lines"])) <= 2
    # More months early never pays less.
    if months < 60:
        more = payments.early_retirement(salary=salary, months_early=months + 1, si_months=si, within_first_window=first,
                                         rule=rule(payments.EARLY_KEY))
        assert more["total"] >= out["total"]


@settings(deadline=None)
@given(salary=st.integers(1, 200_000_000), months=st.integers(0, 600), si=st.integers(0, 480))
def test_resignation_caps_months_at_sixty(salary, months, si):
    r = rule(payments.RESIGN_KEY)
    out = payments.resignation(salary=salary, months_to_retirement=months, si_months=si, within_first_window=True, rule=r)
    assert out["lines"][0]["months_of_salary"] == Decimal("0.8") * min(months, 60)
    assert out["total"] == payments.dong(out["months_of_salary"] * salary)
