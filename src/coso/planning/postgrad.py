"""Postgraduate training of civil servants: the conditions, the service commitment and the repayment formula.

Nghị định 171/2025/NĐ-CP (from 1/7/2025; Nghị định 101/2017/NĐ-CP before) as the dated rule
``planning.postgrad.conditions`` read on the course's start date. Pure functions (no database).

Repayment (Art. 6–8 of Decree 171): a person who drops out, is dismissed or gets no degree repays the
actual cost F in full; a person who leaves before serving the committed time repays
S = F / T1 × (T1 − T2), T1 the committed months, T2 the months served. No repayment when illness, a
natural disaster or an epidemic (certified) prevented the degree, or when the person was transferred,
rotated or seconded within the political system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from coso.core.text import format_date
from coso.planning.rules import LEVEL_NAMES, add_months, months_between

KEY = "planning.postgrad.conditions"
GOOD_LEVELS = ("tot", "xuat_sac")
FULL_REPAY_CASES = ("dropped", "dismissed", "no_degree")
PRORATA_CASE = "left_early"
EXEMPTIONS = ("illness", "transfer")


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def training_months(starts_on: dt.date, ends_on: dt.date) -> int:
    """Months of the course, a started month counting as a whole month."""
    months = months_between(starts_on, ends_on)
    return months + (1 if add_months(starts_on, months) < ends_on else 0)


def _check(code: str, ok: bool, label: str, detail: str) -> dict[str, Any]:
    return {"code": code, "ok": ok, "label": label, "detail": detail}


def check_conditions(profile: Mapping[str, Any], *, field: str, field_note: str, starts_on: dt.date, rule: Mapping[str, Any],
                     field_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each condition with whether it is met and why: service, consecutive good years, age at the start, field."""
    out = []
    need_years = int(rule["min_service_years"])
    started = profile.get("started_on")
    if started is None:
        out.append(_check("service", False, _("Thời gian công tác"), _("Hồ sơ chưa có ngày bắt đầu công tác.")))
    else:
        served = months_between(started, starts_on)
        out.append(_check("service", served >= need_years * 12, _("Thời gian công tác"),
                          _("Từ %(start)s đến %(day)s: %(y)s năm %(m)s tháng; cần đủ %(need)s năm.")
                          % {"start": format_date(started), "day": format_date(starts_on), "y": max(served, 0) // 12, "m": max(served, 0) % 12,
                             "need": need_years}))
    n = int(rule["good_years"])
    years = [starts_on.year - i for i in range(1, n + 1)]
    levels = profile.get("evaluations") or {}
    shown = ", ".join(f"{y}: {LEVEL_NAMES.get(levels.get(y, ''), _('chưa có xếp loại được phê duyệt'))}" for y in years)
    out.append(_check("evaluation", all(levels.get(y) in GOOD_LEVELS for y in years), _("Xếp loại các năm liền kề"),
                      _("Cần %(n)s năm liên tục liền kề xếp loại hoàn thành tốt nhiệm vụ trở lên (%(shown)s).") % {"n": n, "shown": shown}))
    max_age = int(rule["max_age"])
    age = age_on(profile["birth_date"], starts_on)
    out.append(_check("age", age <= max_age, _("Tuổi khi bắt đầu khóa học"),
                      _("%(age)s tuổi ngày %(day)s; không quá %(max)s tuổi.") % {"age": age, "day": format_date(starts_on), "max": max_age}))
    required = list(profile.get("degree_fields") or [])
    name = field_names.get(field, field)
    if required:
        ok = field in required
        detail = _("Chuyên ngành %(f)s; vị trí %(pos)s yêu cầu: %(req)s.") % {
            "f": name, "pos": profile.get("position_name") or "—", "req": ", ".join(field_names.get(f, f) for f in required)}
    else:
        ok = bool(field_note.strip())
        detail = (_("Vị trí không quy định chuyên ngành; giải trình: %(note)s") % {"note": field_note.strip()} if ok else
                  _("Vị trí không quy định chuyên ngành: cần ghi giải trình chuyên ngành %(f)s phù hợp vị trí việc làm.") % {"f": name})
    out.append(_check("field", ok, _("Chuyên ngành phù hợp vị trí việc làm"), detail))
    return out


def commitment(*, starts_on: dt.date, ends_on: dt.date, rule: Mapping[str, Any]) -> dict[str, Any]:
    """Service commitment: ``commitment_multiple`` × the training period, counted from the course's end."""
    months = training_months(starts_on, ends_on)
    committed = int(rule["commitment_multiple"]) * months
    return {"training_months": months, "commitment_months": committed, "commitment_end": add_months(ends_on, committed)}


def repayment(*, case: str, cost: int, commitment_months: int, months_served: int, exemption: str = "") -> dict[str, Any]:
    """The amount to repay (đồng) with the formula applied."""
    if exemption in EXEMPTIONS:
        return {"amount": 0, "formula": _("Không phải đền bù (trường hợp miễn đền bù).")}
    if case in FULL_REPAY_CASES:
        return {"amount": cost, "formula": _("Đền bù toàn bộ chi phí: S = F = %(f)s đồng.") % {"f": f"{cost:,}".replace(",", ".")}}
    if case != PRORATA_CASE:
        raise ValueError(case)
    t1 = max(commitment_months, 0)
    t2 = min(max(months_served, 0), t1)
    if t1 == 0:
        return {"amount": 0, "formula": "T1 = 0"}
    amount = int((Decimal(cost) * (t1 - t2) / t1).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return {"amount": amount, "formula": f"S = F / T1 × (T1 − T2) = {cost:,} / {t1} × ({t1} − {t2}) = {amount:,}".replace(",", ".")}
