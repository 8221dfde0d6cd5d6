"""Commune-strength index (chỉ số năng lực xã): a composite with transparent parts.

Pillars and their inputs are data here; weights and bands are rules (``indices.csi.*``, editable per
province from a date). Never a composite without its parts: every pillar carries its inputs (value,
source, period) and its coverage (inputs with data ÷ inputs expected). A pillar without data is left
out of the weighting. Capabilities not built yet plug in with :func:`register_input` from their own
``indices_inputs.py`` module (discovered at start-up), without a change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coso.indices.engine import Facts, rate, totals
from coso.indices.periods import Period
from coso.indices.rule_keys import CSI_BANDS
from coso.rules import book


@dataclass(frozen=True)
class Pillar:
    key: str
    label: Promise


PILLARS: tuple[Pillar, ...] = (
    Pillar("service", _("Cung cấp dịch vụ công")),
    Pillar("satisfaction", _("Sự hài lòng của người dân")),
    Pillar("tasks", _("Thực hiện nhiệm vụ được giao")),
    Pillar("workforce", _("Đội ngũ cán bộ, công chức")),
    Pillar("feedback", _("Tiếp nhận phản ánh, pháp luật")),
    Pillar("reform", _("Cải cách hành chính nội bộ")),
)


@dataclass
class InputContext:
    """What a provider gets: the communes, the period, who looks (scoped reads) and the 766 facts already read."""

    codes: list[str]
    province_code: str
    period: Period
    viewer: Any
    facts: dict[str, Facts]


# provider(ctx) -> {commune code: value 0–100 or None}
Provider = Callable[[InputContext], dict[str, float | None]]


@dataclass(frozen=True)
class Input:
    key: str
    pillar: str
    label: Promise | str
    source: Promise | str
    provider: Provider | None = None  # None: the capability does not exist yet ("no data")
    # True: computed from the 766 facts given (``ctx.facts``) alone, so computed again with them; False (an input from
    # another app): read through ``strengths(outside=...)``, which a caller may cache apart from the 766 figures.
    from_facts: bool = False


INPUTS: dict[str, Input] = {}


def register_input(
    key: str, *, pillar: str, label: Promise | str, source: Promise | str, provider: Provider | None, from_facts: bool = False
) -> None:
    """Add (or replace, e.g. when a capability lands) an input of a pillar. ``from_facts``: the provider reads nothing
    but ``ctx.facts`` (the 766 figures)."""
    if pillar not in {p.key for p in PILLARS}:
        raise ValueError(f"unknown pillar {pillar!r}")
    INPUTS[key] = Input(key, pillar, label, source, provider, from_facts)


# ---------------------------------------------------------------- built-in inputs
def _d766_total(ctx: InputContext) -> dict[str, float | None]:
    return {c: totals(ctx.facts.get(c, {}), on=ctx.period.end, province_code=ctx.province_code, commune_code=c).score100 for c in ctx.codes}


def _d766_group5(ctx: InputContext) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for c in ctx.codes:
        t = totals(ctx.facts.get(c, {}), on=ctx.period.end, province_code=ctx.province_code, commune_code=c)
        fed = t.group_fed.get("satisfaction", 0)
        out[c] = round(t.groups["satisfaction"] * 100 / fed, 2) if fed else None
    return out


def _d766_5_2(ctx: InputContext) -> dict[str, float | None]:
    return {c: rate(*ctx.facts.get(c, {}).get("5.2", (0, 0))) for c in ctx.codes}


def _workforce_standards(ctx: InputContext) -> dict[str, float | None]:
    """Share of staff meeting the standards of their position (workforce review), scoped to the viewer."""
    if ctx.viewer is None:
        return {}
    from django.utils import timezone

    from coso.rules.lookup import RuleMissingError
    from coso.workforce.selectors import review

    on = min(ctx.period.end, timezone.localdate())
    try:
        data = review(fetched_by=ctx.viewer, on=on, people_limit=0)
    except RuleMissingError:  # a period before the review's rules (the retirement roadmap of 2021): no figure
        return dict.fromkeys(ctx.codes)
    by_code = {row["code"]: row.get("compliance_rate") for row in data["communes"]}
    return {c: (round(by_code[c] * 100, 2) if by_code.get(c) is not None else None) for c in ctx.codes}


register_input(
    "service.d766", pillar="service", label=_("Chỉ số 766 của UBND xã (điểm quy đổi /100)"), source=_("Quyết định 766/QĐ-TTg"), provider=_d766_total, from_facts=True
)
register_input(
    "satisfaction.d766_group5",
    pillar="satisfaction",
    label=_("Nhóm 5 — Mức độ hài lòng (÷ điểm đo được × 100)"),
    source=_("Quyết định 766/QĐ-TTg, nhóm 5"),
    provider=_d766_group5, from_facts=True
)
# Inputs the province measures outside Coso and enters each year with the document that publishes them (page
# "/chi-so/so-lieu-tinh/", ``services.province_figures_save``): "percent" a figure from 0 to 100, "pass" a standard met
# (100) or not (0). The value of a period is the figure of its last day's year, else of the year before (a yearly
# index is published the following year); an older one is not used.
PROVINCE_FIGURES: dict[str, str] = {"satisfaction.survey": "percent", "feedback.legal_access": "pass", "reform.par": "percent"}


def _province_figure(key: str) -> Provider:
    def provider(ctx: InputContext) -> dict[str, float | None]:
        from coso.indices.selectors import province_figure_values

        return province_figure_values(key, codes=ctx.codes, province_code=ctx.province_code, year=ctx.period.end.year)

    return provider


register_input(
    "satisfaction.survey",
    pillar="satisfaction",
    label=_("Khảo sát sự hài lòng theo 5 yếu tố SIPAS"),
    source=_("Quyết định 1001/QĐ-BNV"),
    provider=_province_figure("satisfaction.survey"),
)
register_input(
    "tasks.on_time", pillar="tasks", label=_("Nhiệm vụ cấp trên giao hoàn thành đúng hạn"), source=_("Theo dõi nhiệm vụ được giao"), provider=None
)
register_input(
    "workforce.standards",
    pillar="workforce",
    label=_("Cán bộ, công chức đạt tiêu chuẩn vị trí"),
    source=_("Nghị định 33/2023/NĐ-CP (rà soát tiêu chuẩn)"),
    provider=_workforce_standards,
)
register_input(
    "workforce.training", pillar="workforce", label=_("Hoàn thành bồi dưỡng bắt buộc"), source=_("Nghị định 171/2025/NĐ-CP"), provider=None
)
register_input(
    "workforce.planning", pillar="workforce", label=_("Vị trí có người trong quy hoạch"), source=_("Quy định về quy hoạch cán bộ"), provider=None
)
register_input(
    "feedback.d766_5_2",
    pillar="feedback",
    label=_("Phản ánh, kiến nghị xử lý đúng hạn (chỉ số 5.2)"),
    source=_("Quyết định 766/QĐ-TTg, chỉ số 5.2"),
    provider=_d766_5_2, from_facts=True
)
register_input(
    "feedback.legal_access", pillar="feedback", label=_("Đạt chuẩn tiếp cận pháp luật"), source=_("Quyết định 27/2025/QĐ-TTg"),
    provider=_province_figure("feedback.legal_access"),
)
register_input(
    "reform.par",
    pillar="reform",
    label=_("Chỉ số cải cách hành chính cấp xã của tỉnh"),
    source=_("Quyết định 876/QĐ-BNV; quyết định của UBND tỉnh"),
    provider=_province_figure("reform.par"),
)


# ---------------------------------------------------------------- the composite
@dataclass
class InputValue:
    key: str
    label: Any
    source: Any
    value: float | None
    available: bool  # the capability exists (a provider is registered)


@dataclass
class PillarScore:
    key: str
    label: Any
    weight: float
    score: float | None
    inputs: list[InputValue] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return round(sum(1 for i in self.inputs if i.value is not None) * 100 / len(self.inputs), 2) if self.inputs else 0.0


@dataclass
class Strength:
    code: str
    period: Period
    pillars: list[PillarScore]
    csi: float | None
    band: str
    weight_covered: float  # share of the total weight that had data (percent)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "csi": self.csi,
            "band": self.band,
            "weight_covered": self.weight_covered,
            "pillars": [
                {
                    "key": p.key,
                    "label": str(p.label),
                    "weight": p.weight,
                    "score": p.score,
                    "coverage": p.coverage,
                    "inputs": [{"key": i.key, "label": str(i.label), "source": str(i.source), "value": i.value} for i in p.inputs],
                }
                for p in self.pillars
            ],
        }


def plain(strength: Strength, memo: dict[int, tuple[Any, str]] | None = None) -> Strength:
    """The same composite with its labels translated now (plain strings: cheap to cache). ``memo``, shared by the
    composites of one province, translates each label once: the labels are the same lazy objects for every commune, and
    a lazy translation costs a catalogue lookup each time (a province of 120 communes made ~3,500 of them)."""
    memo = {} if memo is None else memo

    def text(label: Any) -> str:
        if isinstance(label, str):
            return label
        found = memo.get(id(label))
        if found is None:
            # the lazy object is kept with its text, so that its id is not given to another object meanwhile
            found = memo[id(label)] = (label, str(label))
        return found[1]

    for p in strength.pillars:
        p.label = text(p.label)
        for i in p.inputs:
            i.label, i.source = text(i.label), text(i.source)
    return strength


def _band(csi: float | None, on: dt.date, province_code: str) -> str:
    if csi is None:
        return ""
    b = book()
    for band in CSI_BANDS:
        if csi >= float(b.value(f"indices.csi.band.{band}", on, province_code, "", 0)):
            return band.upper()
    return "D"


def definition(on: dt.date, province_code: str) -> dict[str, list[tuple[str, float, str]]]:
    """How the composite is built in a province on a day, for the exports' definitions: each pillar's weight and each
    band's threshold (``indices.csi.*`` in the rule book), with their sources."""
    b = book()

    def rule(key: str) -> tuple[float, str]:
        ref = b.get(key, on, province_code)
        return (float(ref.value), ref.source_text) if ref is not None else (0.0, "")

    pillars = [(str(p.label), *rule(f"indices.csi.weight.{p.key}")) for p in PILLARS]
    bands = [(band.upper(), *rule(f"indices.csi.band.{band}")) for band in CSI_BANDS]
    return {"pillars": pillars, "bands": bands}


Values = dict[str, dict[str, float | None]]  # input key -> {commune code: value}


def outside_values(ctx: InputContext) -> Values:
    """The values of the inputs that other apps provide (not computed from the 766 facts)."""
    return {inp.key: inp.provider(ctx) for inp in INPUTS.values() if inp.provider is not None and not inp.from_facts}


def strengths(
    codes: list[str],
    *,
    province_code: str,
    period: Period,
    viewer: Any,
    facts: dict[str, Facts],
    outside: Callable[[InputContext], Values] = outside_values,
) -> dict[str, Strength]:
    """The composite for each commune in ``codes`` (all of one province), with its parts. ``outside``: how the values of
    the other apps' inputs are read (:func:`outside_values`, or a cached reading of it)."""
    ctx = InputContext(list(codes), province_code, period, viewer, facts)
    others = outside(ctx)
    values: Values = {}
    for inp in INPUTS.values():
        if inp.provider is None:
            values[inp.key] = {}
        elif inp.from_facts:
            values[inp.key] = inp.provider(ctx)
        else:
            values[inp.key] = others.get(inp.key, {})
    b = book()
    weights = {p.key: float(b.value(f"indices.csi.weight.{p.key}", period.end, province_code, "", 0)) for p in PILLARS}
    out: dict[str, Strength] = {}
    for code in codes:
        pillars: list[PillarScore] = []
        for p in PILLARS:
            inputs = [
                InputValue(i.key, i.label, i.source, values[i.key].get(code), i.provider is not None) for i in INPUTS.values() if i.pillar == p.key
            ]
            have = [i.value for i in inputs if i.value is not None]
            pillars.append(PillarScore(p.key, p.label, weights[p.key], round(sum(have) / len(have), 2) if have else None, inputs))
        used = [p for p in pillars if p.score is not None and p.weight > 0]
        total_w = sum(p.weight for p in pillars) or 1
        w = sum(p.weight for p in used)
        csi = round(sum(p.weight * (p.score or 0) for p in used) / w, 2) if w else None
        out[code] = Strength(code, period, pillars, csi, _band(csi, period.end, province_code), round(w * 100 / total_w, 2))
    return out
