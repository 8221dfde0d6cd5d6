"""Payments of people leaving the service when the apparatus is reorganised (the 2025 merger).

Nghị định 178/2024/NĐ-CP as amended by Nghị định 67/2025/NĐ-CP; the numbers are the dated rules
``planning.leaving.early_retirement`` and ``planning.leaving.resignation``. Pure arithmetic on
Decimal: the caller passes the rule values in force (see :func:`early_retirement_rule`).

Early retirement (2 to 5 years before the actual retirement age, no pension reduction):
    (i)   months early × monthly salary × factor (1.0 when leaving within the first 12 months after the
          reorganisation decision, 0.5 from the 13th month);
    (ii)  5 months' salary for each year retired early;
    (iii) 5 months' salary for the first 20 years of compulsory social insurance, + 0.5 month per year after.
Leaving the service (thôi việc):
    (i)   0.8 (0.4 from the 13th month) × monthly salary × months to retirement, at most 60;
    (ii)  1.5 months' salary per year of social insurance;
    (iii) 3 months' salary to look for a job.
Years with odd months: 1–6 odd months count as half a year, 7–11 as a whole year (the social-insurance
convention; the Ministry of Home Affairs' example counts 2 years 6 months as 2.5 years).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from coso.planning.rules import months_between

EARLY_KEY = "planning.leaving.early_retirement"
RESIGN_KEY = "planning.leaving.resignation"


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def dong(amount: Decimal) -> int:
    """An amount rounded to the đồng (half up)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rounded_years(months: int, half_year_max_odd_months: int) -> Decimal:
    """Years of ``months``: odd months up to the threshold count as half a year, above it as a whole year."""
    whole, odd = divmod(max(months, 0), 12)
    if odd == 0:
        return Decimal(whole)
    return Decimal(whole) + (Decimal("0.5") if odd <= half_year_max_odd_months else Decimal(1))


def _line(label: str, factor: Decimal, salary: Decimal, formula: str) -> dict[str, Any]:
    return {"label": label, "months_of_salary": factor, "amount": dong(factor * salary), "formula": formula}


def _window(decision_on: dt.date | None, leave_on: dt.date, first_window_months: int) -> bool:
    """True when leaving within the first months after the reorganisation decision (no decision date: assume so)."""
    return decision_on is None or months_between(decision_on, leave_on) < first_window_months


def early_retirement(*, salary: int | Decimal, months_early: int, si_months: int, within_first_window: bool,
                     rule: Mapping[str, Any]) -> dict[str, Any]:
    """The early-retirement payment (three items and the total, in đồng) or ``eligible=False`` with the reason."""
    s = _d(salary)
    lo, hi = int(rule["min_months_early"]), int(rule["max_months_early"])
    if not lo <= months_early <= hi:
        return {"eligible": False, "reason": _("Chỉ áp dụng khi nghỉ hưu sớm từ %(lo)s đến %(hi)s tháng (nghỉ sớm %(m)s tháng).")
                % {"lo": lo, "hi": hi, "m": months_early}, "lines": [], "total": 0}
    half = int(rule["half_year_max_odd_months"])
    factor = _d(rule["factor_first"] if within_first_window else rule["factor_later"])
    years_early = rounded_years(months_early, half)
    si_years = rounded_years(si_months, half)
    base_years = Decimal(int(rule["base_si_years"]))
    extra_years = max(si_years - base_years, Decimal(0))
    si_factor = (_d(rule["base_months"]) if si_years >= base_years else Decimal(0)) + extra_years * _d(rule["months_per_extra_year"])
    lines = [
        _line(_("Trợ cấp cho số tháng nghỉ sớm"), factor * months_early, s, f"{factor} × {months_early} × S"),
        _line(_("Trợ cấp cho số năm nghỉ sớm"), years_early * _d(rule["months_per_year_early"]), s, f"{years_early} × {rule['months_per_year_early']} × S"),
        _line(_("Trợ cấp theo số năm đóng bảo hiểm xã hội"), si_factor, s,
              f"{rule['base_months']} + {extra_years} × {rule['months_per_extra_year']} = {si_factor} × S" if si_years >= base_years else "0 × S"),
    ]
    months_total = sum((ln["months_of_salary"] for ln in lines), Decimal(0))
    return {"eligible": True, "reason": "", "lines": lines, "months_of_salary": months_total, "total": dong(months_total * s),
            "years_early": years_early, "si_years": si_years}


def resignation(*, salary: int | Decimal, months_to_retirement: int, si_months: int, within_first_window: bool,
                rule: Mapping[str, Any]) -> dict[str, Any]:
    """The leaving-the-service (thôi việc) payment: three items and the total, in đồng."""
    s = _d(salary)
    factor = _d(rule["factor_first"] if within_first_window else rule["factor_later"])
    months = max(min(months_to_retirement, int(rule["max_months"])), 0)
    si_years = rounded_years(si_months, int(rule["half_year_max_odd_months"]))
    lines = [
        _line(_("Trợ cấp theo số tháng đến tuổi nghỉ hưu"), factor * months, s, f"{factor} × {months} × S"),
        _line(_("Trợ cấp theo số năm đóng bảo hiểm xã hội"), si_years * _d(rule["months_per_si_year"]), s,
              f"{rule['months_per_si_year']} × {si_years} × S"),
        _line(_("Trợ cấp tìm việc làm"), _d(rule["job_search_months"]), s, f"{rule['job_search_months']} × S"),
    ]
    months_total = sum((ln["months_of_salary"] for ln in lines), Decimal(0))
    return {"eligible": True, "reason": "", "lines": lines, "months_of_salary": months_total, "total": dong(months_total * s), "si_years": si_years}


def estimate(*, salary: int, birth_retirement: dt.date, leave_on: dt.date, si_months: int, decision_on: dt.date | None,
             province_code: str = "") -> dict[str, Any]:
    """Both payments for a person who leaves on ``leave_on`` and would retire on ``birth_retirement``, with the rules applied."""
    from coso.rules.lookup import rule_ref

    eref = rule_ref(EARLY_KEY, on=leave_on, province_code=province_code)
    rref = rule_ref(RESIGN_KEY, on=leave_on, province_code=province_code)
    months_early = months_between(leave_on, birth_retirement)
    early = early_retirement(salary=salary, months_early=months_early, si_months=si_months,
                             within_first_window=_window(decision_on, leave_on, int(eref.value["first_window_months"])), rule=eref.value)
    resign = resignation(salary=salary, months_to_retirement=months_early, si_months=si_months,
                         within_first_window=_window(decision_on, leave_on, int(rref.value["first_window_months"])), rule=rref.value)
    return {"months_early": months_early, "retirement_date": birth_retirement, "leave_on": leave_on, "salary": salary, "si_months": si_months,
            "early": early, "resignation": resign, "sources": [_source(eref), _source(rref)]}


def _source(ref: Any) -> dict[str, Any]:
    return {"key": ref.key, "document": ref.source_document, "article": ref.source_article, "confidence": ref.confidence,
            "valid_from": ref.valid_from, "note": ref.note}
