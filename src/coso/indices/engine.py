"""Scoring of Decision 766/QĐ-TTg from numerators and denominators (pure: no database but the rule book).

An indicator Coso cannot feed is "no data" (``status="no_data"``); one whose denominator is 0 is "N/A"
(``status="na"``). Neither counts as zero nor as full marks: both are left out of ``fed_max``, and the
score out of 100 (``score100``) is the points earned over the points that could be measured.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from coso.indices.catalogue import GROUPS, INDICATORS, Indicator
from coso.rules import book

GROUP_KEYS = tuple(g.key for g in GROUPS)

Facts = dict[str, tuple[int, int]]  # indicator code → (numerator, denominator)


@dataclass
class IndicatorFigure:
    code: str
    label: Any  # lazy translation
    formula: Any
    group: str
    source: str
    missed_label: Any
    numerator: int | None
    denominator: int | None
    rate: float | None  # percent, 2 decimals
    points: float | None
    max_points: float
    full_at: float
    status: str  # ok | na | no_data
    drill_url: str = ""  # set by a page that may show the records behind the figure

    def as_dict(self) -> dict[str, Any]:
        out = {
            k: getattr(self, k) for k in ("code", "group", "source", "numerator", "denominator", "rate", "points", "max_points", "full_at", "status")
        }
        return {**out, "label": str(self.label), "formula": str(self.formula)}


@dataclass
class GroupFigure:
    key: str
    number: int
    label: Any  # lazy translation
    max_points: float
    points: float = 0.0
    fed_max: float = 0.0
    indicators: list[IndicatorFigure] = field(default_factory=list)

    @property
    def measured_points(self) -> float | None:
        """The group's points, or None when none of its indicators could be measured: "no data", never 0."""
        return self.points if self.fed_max else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "number": self.number,
            "label": str(self.label),
            "max_points": self.max_points,
            "points": self.measured_points,
            "fed_max": self.fed_max,
            "indicators": [i.as_dict() for i in self.indicators],
        }


@dataclass
class Scorecard:
    groups: list[GroupFigure]
    points: float
    max_points: float
    fed_max: float
    on: dt.date

    @property
    def score100(self) -> float | None:
        return round(self.points * 100 / self.fed_max, 2) if self.fed_max else None

    @property
    def measured_points(self) -> float | None:
        """The points earned, or None when nothing could be measured in the period: "no data", never 0."""
        return self.points if self.fed_max else None

    @property
    def coverage(self) -> float:
        """Share of the 100 points that Coso could measure in the period (percent)."""
        return round(self.fed_max * 100 / self.max_points, 2) if self.max_points else 0.0

    def indicator(self, code: str) -> IndicatorFigure:
        for g in self.groups:
            for i in g.indicators:
                if i.code == code:
                    return i
        raise KeyError(code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": self.measured_points,
            "max_points": self.max_points,
            "fed_max": self.fed_max,
            "score100": self.score100,
            "coverage": self.coverage,
            "on": self.on.isoformat(),
            "groups": [g.as_dict() for g in self.groups],
        }


def rate(numerator: int, denominator: int) -> float | None:
    return None if not denominator else round(numerator * 100 / denominator, 2)


def points_for(rate_pct: float, max_points: float, full_at: float) -> float:
    """Full points at or above ``full_at`` (percent); below it rate × max ÷ threshold."""
    if rate_pct >= full_at:
        return round(max_points, 2)
    return round(rate_pct * max_points / full_at, 2)


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float, Decimal)) else float(Decimal(str(value)))


# Schemes read from one rule-book snapshot (the snapshot is kept here, so a new one is never mistaken for it).
_CACHE: dict[str, Any] = {"book": None, "scopes": frozenset(), "schemes": {}, "plans": {}}


def _scheme_key(on: dt.date, province_code: str, commune_code: str) -> tuple[Any, tuple[dt.date, str, str]]:
    """The rule book, and the key of the unit's scheme on ``on``: (day, province, commune), with the province and the
    commune blank where the rule book has no ``indices.d766.*`` value of their own (they share the wider scheme)."""
    b = book()
    if _CACHE["book"] is not b:
        scopes = frozenset((r.province_code, r.commune_code) for k in b.keys("indices.d766.") for r in b.rows(k))
        _CACHE.update(book=b, scopes=scopes, provinces=frozenset(p for p, _c in scopes), schemes={}, plans={})
    commune = commune_code if (province_code, commune_code) in _CACHE["scopes"] else ""
    province = province_code if province_code in _CACHE["provinces"] else ""
    return b, (on, province, commune)


def _scheme(on: dt.date, province_code: str, commune_code: str) -> dict[str, float]:
    """Every ``indices.d766.*`` value in force on ``on`` for the unit, read once per rule-book snapshot.

    Units without values of their own share the province's (or the national) scheme, so that ranking
    a province's communes reads the rule book once, not once per commune."""
    b, cache_key = _scheme_key(on, province_code, commune_code)
    schemes = _CACHE["schemes"]
    found = schemes.get(cache_key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    _on, province, commune = cache_key
    out: dict[str, float] = {}
    for g in GROUPS:
        out[f"group_max.{g.key}"] = _num(b.value(f"indices.d766.group_max.{g.key}", on, province, commune, 0))
    for ind in INDICATORS:
        out[f"points.{ind.slug}"] = _num(b.value(f"indices.d766.points.{ind.slug}", on, province, commune, 0))
        out[f"full_at.{ind.slug}"] = _num(b.value(f"indices.d766.full_at.{ind.slug}", on, province, commune, 100))
    schemes[cache_key] = out
    return out


def scorecard(facts: Facts, *, on: dt.date, province_code: str = "", commune_code: str = "") -> Scorecard:
    """The index for one unit from its facts; points and thresholds as the rule book says on ``on``."""
    scheme = _scheme(on, province_code, commune_code)
    groups: list[GroupFigure] = []
    total = fed = maximum = 0.0
    for g in GROUPS:
        gf = GroupFigure(g.key, g.number, g.label, scheme[f"group_max.{g.key}"])
        for ind in INDICATORS:
            if ind.group == g.key:
                gf.indicators.append(_figure(ind, facts, scheme[f"points.{ind.slug}"], scheme[f"full_at.{ind.slug}"]))
        for f in gf.indicators:
            if f.status == "ok" and f.points is not None:
                gf.points += f.points
                gf.fed_max += f.max_points
        gf.points, gf.fed_max = round(gf.points, 2), round(gf.fed_max, 2)
        total += gf.points
        fed += gf.fed_max
        maximum += gf.max_points
        groups.append(gf)
    return Scorecard(groups, round(total, 2), round(maximum, 2), round(fed, 2), on)


@dataclass
class Totals:
    """What a ranking needs of a scorecard: points, the points that could be measured, points per group."""

    points: float
    fed_max: float
    groups: dict[str, float]
    group_fed: dict[str, float] = field(default_factory=dict)

    @property
    def score100(self) -> float | None:
        return round(self.points * 100 / self.fed_max, 2) if self.fed_max else None

    @property
    def measured_points(self) -> float | None:
        """The points earned, or None when nothing could be measured ("no data", never 0)."""
        return self.points if self.fed_max else None

    @property
    def measured_groups(self) -> dict[str, float | None]:
        """Points per group, None for a group none of whose indicators could be measured ("no data", never 0)."""
        return {k: (v if self.group_fed.get(k) else None) for k, v in self.groups.items()}


def _plan(on: dt.date, province_code: str, commune_code: str) -> tuple[tuple[str, str, float, float], ...]:
    """(code, group, points, full at) of each indicator Coso feeds, from the unit's scheme: what :func:`totals` walks
    for each of the hundreds of units of a ranking, built once per scheme."""
    _b, key = _scheme_key(on, province_code, commune_code)
    plans = _CACHE["plans"]
    if key not in plans:
        scheme = _scheme(on, province_code, commune_code)
        plans[key] = tuple((ind.code, ind.group, scheme[f"points.{ind.slug}"], scheme[f"full_at.{ind.slug}"]) for ind in INDICATORS if ind.fed)
    return plans[key]  # type: ignore[no-any-return]


def totals(facts: Facts, *, on: dt.date, province_code: str = "", commune_code: str = "") -> Totals:
    """The same sums as :func:`scorecard` without building every figure (rankings of hundreds of units)."""
    groups: dict[str, float] = dict.fromkeys(GROUP_KEYS, 0.0)
    group_fed: dict[str, float] = dict.fromkeys(GROUP_KEYS, 0.0)
    points = fed = 0.0
    for code, group, max_points, full_at in _plan(on, province_code, commune_code):
        r = rate(*facts.get(code, (0, 0)))
        if r is None:
            continue
        p = points_for(r, max_points, full_at)
        groups[group] += p
        points += p
        fed += max_points
        group_fed[group] += max_points
    return Totals(round(points, 2), round(fed, 2), {k: round(v, 2) for k, v in groups.items()}, group_fed)


def _figure(ind: Indicator, facts: Facts, max_points: float, full_at: float) -> IndicatorFigure:
    common: dict[str, Any] = {
        "code": ind.code,
        "label": ind.label,
        "formula": ind.formula,
        "group": ind.group,
        "source": ind.source,
        "missed_label": ind.missed_label,
        "max_points": max_points,
        "full_at": full_at,
    }
    if not ind.fed:
        return IndicatorFigure(**common, numerator=None, denominator=None, rate=None, points=None, status="no_data")
    num, den = facts.get(ind.code, (0, 0))
    r = rate(num, den)
    if r is None:
        return IndicatorFigure(**common, numerator=num, denominator=den, rate=None, points=None, status="na")
    return IndicatorFigure(**common, numerator=num, denominator=den, rate=r, points=points_for(r, max_points, full_at), status="ok")
