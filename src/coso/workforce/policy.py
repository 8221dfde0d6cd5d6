"""The workforce rules in force: read from the rule book and handed to the pure functions of ``rules.py``.

A :class:`Policy` holds one rule-book snapshot and one date, so that a national review looks every
rule up in memory (no query per person, per commune or per position) and computes each standard and
each retirement date once. Keys are declared in ``rule_keys.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from coso.rules.lookup import RuleIndex, RuleRef, book
from coso.workforce import errors, rules

ROADMAP = "workforce.retirement.roadmap"
STANDARDS = "workforce.standards."
EXCELLENT_BASIS = "tot"  # the quota counts "Hoàn thành tốt nhiệm vụ" (Decree 90/2020 as amended; Decree 335/2025)


def _source(ref: RuleRef | None) -> str:
    return ref.source_text if ref is not None else ""


class Policy:
    """The workforce rules on one date, for any unit (commune > province > national, as the rule book decides)."""

    def __init__(self, on: dt.date | None = None, *, index: RuleIndex | None = None):
        self.on = on or timezone.localdate()
        self.book = index if index is not None else book()
        self._roadmap: Mapping[str, Any] | None = None
        self._retire: dict[tuple[int, int, str], dt.date] = {}
        self._standards: dict[tuple[str, str, str, str, bool], dict[str, Any] | None] = {}
        self._own: set[str] | None = None
        self._quota: dict[str, dict[str, Any] | None] = {}

    # ------------------------------------------------------------------ retirement
    @property
    def roadmap(self) -> Mapping[str, Any]:
        if self._roadmap is None:
            self._roadmap = self.book.value(ROADMAP, self.on)
        return self._roadmap

    def retirement_date(self, birth: dt.date, gender: str) -> dt.date:
        """Depends only on the month of birth and the sex: computed once per (year, month, sex)."""
        key = (birth.year, birth.month, gender)
        found = self._retire.get(key)
        if found is None:
            found = self._retire[key] = rules.retirement_date(dt.date(birth.year, birth.month, 1), gender, self.roadmap)
        return found

    def earliest_birth_retiring_by(self, horizon: dt.date) -> dt.date:
        """Nobody born after this date retires by ``horizon`` (narrows a query before the exact check)."""
        return rules.add_months(horizon, -rules.min_retirement_months(self.roadmap))

    # ------------------------------------------------------------------ standards
    def regime(self, kind: str, province_code: str = "", commune_code: str = "") -> str | None:
        """Which standards apply to this kind of staff: "nd33" (Decree 33/2023 titles) or "job_position"."""
        value = self.book.value(f"{STANDARDS}regime.{kind}", self.on, province_code, commune_code, default=None)
        return str(value) if value is not None else None

    def own_standard_communes(self) -> set[str]:
        """Communes that have standards of their own (the review compiles those per commune, the rest per province)."""
        if self._own is None:
            self._own = {r.commune_code for key in self.book.keys(STANDARDS) for r in self.book.rows(key) if r.commune_code}
        return self._own

    def standard(self, position_code: str, kind: str, province_code: str = "", commune_code: str = "", *,
                 difficult_area: bool = False) -> dict[str, Any] | None:
        """The requirement for a position on the policy's date, or None when no standard is in force."""
        cache_key = (position_code, kind, province_code, commune_code, difficult_area)
        if cache_key in self._standards:
            return self._standards[cache_key]
        req = None
        regime = self.regime(kind, province_code, commune_code)
        kind_ref = self.book.get(f"{STANDARDS}kind.{kind}", self.on, province_code, commune_code) if regime else None
        if regime and kind_ref is not None:
            family = "job_position" if regime == "job_position" else "position"
            pos_ref = self.book.get(f"{STANDARDS}{family}.{position_code}", self.on, province_code, commune_code) if position_code else None
            floor_ref = self.book.get(f"{STANDARDS}difficult_area_degree_level", self.on, province_code, commune_code)
            floor = floor_ref.value if floor_ref is not None else ""
            req = rules.compose_standard(
                [(kind_ref.value, _source(kind_ref)), (pos_ref.value if pos_ref else None, _source(pos_ref))],
                regime=regime, placed=regime != "job_position" or pos_ref is not None, difficult_floor=str(floor or ""),
                difficult_area=difficult_area, difficult_source=_source(floor_ref),
            )
        self._standards[cache_key] = req
        return req

    # ------------------------------------------------------------------ quotas
    def quota(self, province_code: str = "") -> dict[str, Any] | None:
        """The quota rule on the date: Decree 33/2023 numbers before 1/7/2025, office defaults (the province assigns) after."""
        if province_code not in self._quota:
            self._quota[province_code] = self._quota_of(province_code)
        return self._quota[province_code]

    def _quota_of(self, province_code: str) -> dict[str, Any] | None:
        d33 = self.book.get("workforce.quota.decree33", self.on, province_code)
        std = self.book.get("workforce.quota.unit_standards", self.on, province_code)
        if d33 is not None and std is not None:
            return {"kind": "decree33", "id": "decree33", "rule": d33.value, "standards": std.value,
                    "label": _("Nghị định 33/2023/NĐ-CP"), "source": "; ".join(s for s in (_source(d33), _source(std)) if s)}
        offices = self.book.get("workforce.quota.offices", self.on, province_code)
        if offices is None:
            return None
        return {"kind": "assigned", "id": "assigned", "offices": dict(offices.value.get("offices", {})),
                "label": _("Biên chế do tỉnh giao (sau 1/7/2025)"),
                "source": _("Biên chế tỉnh giao cho từng xã; khi chưa giao: %(source)s") % {"source": _source(offices)}}


def retirement_date(birth: dt.date, gender: str, on: dt.date | None = None) -> dt.date:
    """One person's retirement date by the roadmap in force on ``on`` (today by default)."""
    return Policy(on).retirement_date(birth, gender)


def evaluation_rule(year: int, kind: str | None = None, province_code: str = "", commune_code: str = "", *,
                    index: RuleIndex | None = None) -> dict[str, Any]:
    """The evaluation rules of ``year`` (the values in force on 1 January) for a kind of staff in a unit.

    ``id`` is the regime ("nd90" or "nd335"): the excellence quota is counted per agency and per regime.
    """
    b = index if index is not None else book()
    on = dt.date(year, 1, 1)
    regime_ref = b.get(f"workforce.evaluation.regime.{kind}", on, province_code, commune_code) if kind else None
    regime_ref = regime_ref or b.get("workforce.evaluation.regime.civil_servant", on, province_code, commune_code)
    if regime_ref is None:
        raise errors.EVALUATION_RULE_MISSING(year=year, details={"year": year})
    regime = str(regime_ref.value)
    quota_ref = b.ref(f"workforce.evaluation.excellent_quota.{regime}", on, province_code, commune_code)
    rule: dict[str, Any] = {
        "id": regime, "regime": regime, "year": year, "source": _source(regime_ref),
        "quota": {"max_ratio": float(Decimal(quota_ref.value) / 100), "percent": quota_ref.value, "basis": EXCELLENT_BASIS,
                  "source": _source(quota_ref)},
        "discipline_forms_not_completed": list(rules.DISCIPLINE_FORMS),
    }
    if regime == "nd335":
        points = b.value("workforce.evaluation.points", on, province_code, commune_code)
        rule.update(general_max=int(points["general_max"]), task_max=int(points["task_max"]),
                    penalty_per_event=float(Decimal(b.value("workforce.evaluation.penalty_per_event", on, province_code, commune_code)) / 100),
                    thresholds=dict(b.value("workforce.evaluation.thresholds", on, province_code, commune_code)))
    return rule


# ---------------------------------------------------------------------- the positions a province can hold
def job_positions(province_code: str = "", commune_code: str = "", on: dt.date | None = None, *,
                  index: RuleIndex | None = None) -> dict[str, dict[str, Any]]:
    """Job positions a province (or commune) defined in the rule book with a name, beyond the catalogue's."""
    b = index if index is not None else book()
    day = on or timezone.localdate()
    out: dict[str, dict[str, Any]] = {}
    catalogue = rules.positions()
    for key in b.keys(f"{STANDARDS}job_position."):
        code = key.rsplit(".", 1)[1]
        if code in catalogue:
            continue
        ref = b.get(key, day, province_code, commune_code)
        if ref is not None and ref.value.get("name"):
            out[code] = {"code": code, "name": ref.value["name"], "kind": "civil_servant", "office": ref.value.get("office") or "",
                         "regime": "2025", "source": ref.source_text}
    return out


def positions_for(province_code: str = "", commune_code: str = "", on: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """The positions a person of this unit may hold: the catalogue's and the unit's own job positions."""
    return {**rules.positions(), **job_positions(province_code, commune_code, on)}


def position_name(code: str, province_code: str = "") -> str:
    if not code or code in rules.positions():
        return rules.position_name(code) if code else ""
    return str(job_positions(province_code).get(code, {}).get("name", code))


def office_of(code: str, province_code: str = "") -> str:
    if not code or code in rules.positions():
        return rules.office_of(code) if code else ""
    return str(job_positions(province_code).get(code, {}).get("office", ""))
