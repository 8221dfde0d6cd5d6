"""The planning app's inputs to the workforce pillar of the commune-strength index (coso.indices.strength), plugged in
without a change to the index code:

- ``workforce.planning`` — the commune's leadership posts that can be planned (``catalogue.PLANNABLE``) with at least
  one person in planning on the day looked at, for the term in force or the next one, as a share of those posts. A
  commune with no planning list for either term has no value ("no data"), not 0: its planning is not kept in Coso.
- ``workforce.training`` — the people in office holding a post with mandatory fostering programmes (rule
  ``planning.training.mandatory_programmes``, Nghị định 171/2025/NĐ-CP) who had completed every one of them by that
  day, as a share of those people. No value when nobody in the commune holds such a post.

The day looked at is the period's last day, or today for a period not over yet. Both are read for viewers who may
see planning (``services.can_view``); other viewers get no value.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coso.planning import catalogue


def _day(ctx: Any) -> dt.date:
    return min(ctx.period.end, timezone.localdate())


def _terms(day: dt.date) -> list[str]:
    """The term in force on ``day`` and the next one (planning is kept for both)."""
    codes = sorted(catalogue.TERMS, key=lambda c: catalogue.term_start(c))
    current = [c for c in codes if catalogue.term_start(c) <= day]
    first = codes.index(current[-1]) if current else 0
    return codes[first:first + 2]


def planning_coverage(*, codes: list[str], province_code: str, on: dt.date) -> dict[str, float | None]:
    """{commune code: percent of the plannable posts with someone in planning on ``on``, or None without any list}."""
    from coso.planning.models import Candidate, PlanningList

    terms = _terms(on)
    listed = set(PlanningList.objects.filter(province_code=province_code, commune_code__in=codes, term__in=terms)
                 .values_list("commune_code", flat=True).distinct())
    in_planning = Q(status=Candidate.Status.ACTIVE) | Q(status=Candidate.Status.REMOVED, removed_on__gt=on)
    posts: dict[str, set[str]] = defaultdict(set)
    for commune, post in (Candidate.objects.filter(in_planning, province_code=province_code, commune_code__in=codes, entered_on__lte=on,
                                                   planning_list__term__in=terms, planning_list__position_code__in=catalogue.PLANNABLE)
                          .values_list("commune_code", "planning_list__position_code").distinct()):
        posts[commune].add(post)
    total = len(catalogue.PLANNABLE)
    return {c: (round(len(posts[c]) * 100 / total, 2) if c in listed else None) for c in codes}


def training_completion(*, codes: list[str], province_code: str, on: dt.date) -> dict[str, float | None]:
    """{commune code: percent of the people holding a post with mandatory programmes who completed them all by ``on``}."""
    from coso.rules.lookup import rule
    from coso.workforce import selectors as wf

    programmes = rule("planning.training.mandatory_programmes", on=on, province_code=province_code, default={"positions": {}})["positions"]
    wanted = set(codes)
    held: dict[str, list[int]] = defaultdict(list)  # commune → [complete?]
    if programmes:
        ids = wf.active_people_ids(province_code=province_code, commune_code=codes[0] if len(codes) == 1 else "", on=on)
        for p in wf.planning_profiles(ids, on=on, current_gaps=False).values():
            required = programmes.get(p["position_code"]) or []
            if p["commune_code"] in wanted and required:
                held[p["commune_code"]].append(int(set(required) <= set(p["programmes"])))
    return {c: (round(sum(held[c]) * 100 / len(held[c]), 2) if held.get(c) else None) for c in codes}


def _provided(ctx: Any, figure: Callable[..., dict[str, float | None]]) -> dict[str, float | None]:
    """``figure`` for the communes of ``ctx`` on the day looked at, for a viewer who may see planning; no value otherwise."""
    from coso.planning.services import can_view

    if ctx.viewer is None or not can_view(ctx.viewer):
        return {}
    return figure(codes=list(ctx.codes), province_code=ctx.province_code, on=_day(ctx))


def planning_provider(ctx: Any) -> dict[str, float | None]:
    return _provided(ctx, planning_coverage)


def training_provider(ctx: Any) -> dict[str, float | None]:
    return _provided(ctx, training_completion)


def register() -> None:
    from coso.indices.strength import register_input

    register_input(
        "workforce.training",
        pillar="workforce",
        label=_("Hoàn thành bồi dưỡng bắt buộc theo chức danh"),
        source=_("Nghị định 171/2025/NĐ-CP (chương trình bồi dưỡng bắt buộc)"),
        provider=training_provider,
    )
    register_input(
        "workforce.planning",
        pillar="workforce",
        label=_("Vị trí lãnh đạo có người trong quy hoạch"),
        source=_("Quy định 50-QĐ/TW; Quy định 377-QĐ/TW từ 8/10/2025 (quy hoạch cán bộ)"),
        provider=planning_provider,
    )
