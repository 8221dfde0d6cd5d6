"""The planning checks of one person for one position and term, with the rule values in force on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coso.planning import catalogue
from coso.planning import rules as prules
from coso.rules.lookup import RuleIndex, book


class PlanningRules:
    """The planning rule values on one date for one province (one rule-book snapshot)."""

    def __init__(self, on: dt.date, province_code: str = "", commune_code: str = "", index: RuleIndex | None = None):
        b = index if index is not None else book()
        self.on = on
        v = lambda key, default=None: b.value(key, on, province_code, commune_code, default=default)  # noqa: E731
        self.max_per_position = int(v("planning.candidates.max_per_position"))
        self.max_positions = int(v("planning.candidates.max_positions_per_level"))
        self.term_months = int(v("planning.age.term_months"))
        self.preferred_terms = int(v("planning.age.preferred_terms"))
        self.first_months = int(v("planning.age.first_appointment_months"))
        self.wait = {k: int(x) for k, x in dict(v("planning.discipline.wait_months", {}) or {}).items()}
        self.min_evaluation = str(v("planning.review.min_evaluation", "hoan_thanh"))
        self.young_under = int(v("planning.structure.young_age_under", 40))
        minority = v("planning.structure.minority_target")
        science = v("planning.structure.science_target", 0)
        self.science_fields = list((v("planning.structure.science_fields", {}) or {}).get("fields", []))
        self.targets = {"young": v("planning.structure.young_target"), "women": v("planning.structure.women_target"),
                        "minority": minority or None, "science": science or None}  # 0: no national share, the province sets its own


def assess(profile: dict[str, Any], *, target: str, term: str, r: PlanningRules, target_name: str = "",
           gaps: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every issue of ``profile`` (from ``workforce.selectors.planning_profiles`` with the target) for the post and term;
    ``gaps``: the standards gaps against the target when the profile carries several (``gaps_by_target``)."""
    on = r.on
    out: list[dict[str, Any]] = []
    if profile.get("left_on") and profile["left_on"] <= on:
        out.append(prules.issue("left", prules.BLOCK, "Đã thôi việc, nghỉ hưu hoặc chuyển công tác."))
    out += prules.rank_issues(held=profile["position_code"], target=target, ranks=catalogue.RANKS, held_name=profile["position_name"] or "—",
                              target_name=target_name or target)
    out += prules.age_issues(retirement=profile["retirement_date"], on=on, term_start=catalogue.term_start(term), term_months=r.term_months,
                             preferred_terms=r.preferred_terms, first_appointment_months=r.first_months)
    out += prules.discipline_issues(profile["disciplines"], on=on, wait=r.wait)
    out += prules.evaluation_issues(profile["evaluations"], year=on.year - 1, minimum=r.min_evaluation)
    out += prules.gap_issues(profile.get("gaps_target", []) if gaps is None else gaps)
    return out


def blocking(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in issues if i["severity"] == prules.BLOCK]
