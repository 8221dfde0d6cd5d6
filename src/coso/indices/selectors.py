"""Reads of the indices app: scorecards and rankings from the rollups, and who may see what.

Indicator 3.2 (online services that received a dossier) is a count of distinct procedures over the period:
it is counted at read time from the usage rollups (a commune's ``UsageRollup`` rows, a province's or the
country's ``ProvinceUsageRollup`` rows) against the online procedures of the catalogue in force on the
period's last day, never from the dossier table.

The 766 figures (scorecards, rankings) are published data: anyone may read them, as on the national
portal. The records behind a figure (drill-down) are not: they go through the dossier and feedback
selectors, scoped to the viewer.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.indices.cache import CATALOGUE, NATIONAL, cached, cached_for
from coso.indices.engine import Facts, Scorecard, Totals, scorecard, totals
from coso.indices.models import (
    COUNT_COLUMNS,
    IndexRollup,
    MonthRollup,
    ProvinceRollup,
    ProvinceUsageRollup,
    UsageMonthRollup,
    UsageRollup,
    facts_of,
)
from coso.indices.periods import Period

LEADER_ROLES = frozenset({Role.COMMUNE_LEADER, Role.SYSTEM_ADMIN} | PROVINCE_ROLES)


def _sums() -> dict[str, Sum]:
    return {c: Sum(c) for c in COUNT_COLUMNS}


def _grouped(qs: Any, field: str) -> dict[str, Facts]:
    out: dict[str, Facts] = defaultdict(dict)
    for r in qs.values(field).annotate(**_sums()).order_by():
        out[r[field]].update(facts_of(r))
    return out


def _commune_sources(period: Period, day_model: Any, month_model: Any, **filters: Any) -> list[Any]:
    """The rows of the communes' rollups over the period: the month rows (``month_model``) of the calendar months wholly
    inside it, the day rows (``day_model``) of the days around them (a period that starts or ends inside a month)."""
    months, edges = period.whole_months()
    out = []
    if months:
        out.append(month_model.objects.filter(month__gte=months[0], month__lte=months[1], **filters))
    if edges:
        days = Q()
        for first, last in edges:
            days |= Q(day__gte=first, day__lte=last)
        out.append(day_model.objects.filter(days, **filters))
    return out


def _commune_grouped(period: Period, **filters: Any) -> dict[str, Facts]:
    """{commune: facts} over the period, summed from the month and day rollups (:func:`_commune_sources`)."""
    counts: dict[str, dict[str, Any]] = {}
    for qs in _commune_sources(period, IndexRollup, MonthRollup, **filters):
        for r in qs.values("commune_code").annotate(**_sums()).order_by():
            acc = counts.get(r["commune_code"])
            if acc is None:  # the commune's first rows (the only ones when the period is whole months)
                counts[r["commune_code"]] = r
                continue
            for c in COUNT_COLUMNS:
                acc[c] = (acc[c] or 0) + (r[c] or 0)
    return {code: facts_of(c) for code, c in counts.items()}


def facts_by_commune(period: Period, province_code: str = "") -> dict[str, Facts]:
    return _commune_grouped(period, **({"province_code": province_code} if province_code else {}))


def _provinces_in(period: Period) -> Any:
    return ProvinceRollup.objects.filter(day__gte=period.start, day__lte=period.end)


def facts_by_province(period: Period) -> dict[str, Facts]:
    return _grouped(_provinces_in(period), "province_code")


def facts_national(period: Period) -> Facts:
    return facts_of(_provinces_in(period).aggregate(**_sums()))


def _span(period: Period) -> tuple[str, str]:
    return period.start.isoformat(), period.end.isoformat()


# ---------------------------------------------------------------- indicators the procedure catalogue feeds (1.3, 3.1)
def _province_codes() -> list[str]:
    from coso.units.models import AdministrativeUnit

    return list(AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).order_by("code").values_list("code", flat=True))


def _catalogue_on(days: list[Any], province_codes: list[str]) -> tuple[dict[Any, dict[str, Facts]], dict[Any, dict[str, frozenset[str]]]]:
    """The catalogue's facts and online procedures on each of ``days`` (``procedures.selectors``), cached per day until
    the catalogue changes (an edit of a procedure bumps the catalogue's generation, ``cache.bump_catalogue``), not when
    records change. The days not cached are read together, in one query."""
    from coso.procedures.selectors import index_catalogue_figures_on

    codes = sorted(set(province_codes))
    wanted = sorted(set(days))
    read: dict[Any, tuple[dict[str, Facts], dict[str, frozenset[str]]]] = {}

    def compute(day: Any) -> tuple[dict[str, Facts], dict[str, frozenset[str]]]:
        if day not in read:  # the first day missing: every day asked for not read yet, in one query
            todo = [d for d in wanted if d not in read]
            facts, online = index_catalogue_figures_on(days=todo, province_codes=codes)
            read.update({d: (facts[d], online[d]) for d in todo})
        return read[day]

    per_day = {d: cached("catalogue_day", CATALOGUE, (d.isoformat(), ",".join(codes)), functools.partial(compute, d)) for d in wanted}
    return {d: v[0] for d, v in per_day.items()}, {d: v[1] for d, v in per_day.items()}


def read_catalogue_ahead(period: Period, province_code: str, months: int = 12) -> None:
    """Read (or find cached) the catalogue of every day a dashboard of ``period`` shows: the period's last day, the
    previous period's, the month ends of the trend; one query for all the days missing instead of one per card."""
    days = {period.end, period.previous().end, *(p.end for p in _trend_spans(period, months))}
    _catalogue_on(sorted(days), [province_code])


def catalogue_facts(day: Any, province_codes: list[str]) -> dict[str, Facts]:
    """{province: {"1.3": …, "3.1": …}} from the catalogue in force on ``day`` (cached, see :func:`_catalogue_on`)."""
    return catalogue_facts_on([day], province_codes)[day]


def catalogue_facts_on(days: list[Any], province_codes: list[str]) -> dict[Any, dict[str, Facts]]:
    """:func:`catalogue_facts` for several days with one query (a trend)."""
    return _catalogue_on(days, province_codes)[0]


def _with_catalogue(facts: Facts, catalogue: Facts) -> Facts:
    return {**facts, **catalogue}


def card_facts(records: Facts, catalogue: Facts, online: frozenset[str], used: set[str]) -> Facts:
    """What a commune's or a province's card (and its month in the trend) scores: the counts of its records and the
    figures of the catalogue in force on the period's last day (1.3, 3.1; 3.2: ``online`` procedures against those
    ``used`` online). The catalogue's figures are data of the period even when nothing was recorded in it (a quiet
    month): the card and the trend both score them, and the indicators fed by the records stay "no data"."""
    return _with_catalogue(records, {**catalogue, "3.2": usage_fact(used, online)})


def _catalogue_sum(catalogue: dict[str, Facts], online: dict[str, frozenset[str]] | None, used: dict[str, set[str]] | None, provinces: Iterable[str]) -> Facts:
    """The catalogue facts of ``provinces`` summed (and 3.2 with ``used`` per province): the national figure's."""
    out: dict[str, tuple[int, int]] = {}
    for p in provinces:
        facts = catalogue.get(p, {})
        if used is not None and online is not None:
            facts = {**facts, "3.2": usage_fact(used.get(p, set()), online.get(p, frozenset()))}
        for code, (n, d) in facts.items():
            a, b = out.get(code, (0, 0))
            out[code] = (a + n, b + d)
    return out


# ---------------------------------------------------------------- indicator 3.2 (usage rollups × the catalogue's online procedures)
def online_procedures(day: Any, province_codes: list[str]) -> dict[str, frozenset[str]]:
    """{province: codes of the communes' procedures offering an online service} in the catalogue in force on ``day``
    (``procedures.selectors``); cached until the catalogue changes, like :func:`catalogue_facts`."""
    return online_procedures_on([day], province_codes)[day]


def online_procedures_on(days: list[Any], province_codes: list[str]) -> dict[Any, dict[str, frozenset[str]]]:
    """:func:`online_procedures` for several days with one query (a trend; the same cached entry as
    :func:`catalogue_facts_on`)."""
    return _catalogue_on(days, province_codes)[1]


def used_procedures(period: Period, *, level: str, province_code: str = "", commune_code: str = "") -> dict[str, set[str]]:
    """{unit: codes of the procedures that received at least one online dossier in the period}, from the usage
    rollups: ``level`` "commune" (one commune, or every commune of ``province_code``) or "province" (one province,
    or every one)."""
    sources: list[Any]
    filters = {"province_code": province_code} if province_code else {}
    if level == "commune":
        if commune_code:
            filters["commune_code"] = commune_code
        sources, field = _commune_sources(period, UsageRollup, UsageMonthRollup, **filters), "commune_code"
    else:
        sources, field = [ProvinceUsageRollup.objects.filter(day__gte=period.start, day__lte=period.end, **filters)], "province_code"
    out: dict[str, set[str]] = defaultdict(set)
    for qs in sources:
        for unit, procedure in qs.values_list(field, "procedure_code").distinct().order_by():
            out[unit].add(procedure)
    return dict(out)


def usage_fact(used: Iterable[str], online: frozenset[str]) -> tuple[int, int]:
    """3.2 of one unit: (online procedures that received an online dossier, online procedures). A dossier of a procedure
    that is not (or no longer) offered online does not count."""
    return len(online.intersection(used)), len(online)


def _commune_used(commune_code: str, province_code: str, period: Period) -> set[str]:
    """The procedures with an online dossier in the commune over the period (cached)."""
    return cached(
        "commune_used",
        province_code,
        (commune_code, *_span(period)),
        lambda: used_procedures(period, level="commune", commune_code=commune_code).get(commune_code, set()),
        spans=[period],
    )


def national_catalogue_facts(day: Any, used: dict[str, set[str]] | None = None, provinces: list[str] | None = None) -> Facts:
    """The catalogue facts of the provinces summed (the national figure); with ``used`` (procedures with online dossiers
    per province), 3.2 summed over the provinces likewise. ``provinces``: those with records in the period (default:
    every province)."""
    if provinces is None:
        provinces = _province_codes()
    return _catalogue_sum(catalogue_facts(day, provinces), online_procedures(day, provinces) if used is not None else None, used, provinces)


def _commune_facts(commune_code: str, province_code: str, period: Period) -> Facts:
    """A commune's rollup facts over the period (cached: plain numbers)."""
    return cached(
        "commune_facts",
        province_code,
        (commune_code, *_span(period)),
        lambda: _commune_grouped(period, commune_code=commune_code).get(commune_code, {}),
        spans=[period],
    )


def commune_card(commune_code: str, province_code: str, period: Period) -> Scorecard:
    # The facts are cached (plain numbers); the scorecard is scored here, its labels translated when shown.
    facts = card_facts(
        _commune_facts(commune_code, province_code, period),
        catalogue_facts(period.end, [province_code]).get(province_code, {}),
        online_procedures(period.end, [province_code]).get(province_code, frozenset()),
        _commune_used(commune_code, province_code, period),
    )
    return scorecard(facts, on=period.end, province_code=province_code, commune_code=commune_code)


def province_card(province_code: str, period: Period) -> Scorecard:
    facts = cached(
        "province_facts",
        province_code,
        _span(period),
        lambda: _grouped(_provinces_in(period).filter(province_code=province_code), "province_code").get(province_code, {}),
        spans=[period],
    )
    used = cached(
        "province_used",
        province_code,
        _span(period),
        lambda: used_procedures(period, level="province", province_code=province_code).get(province_code, set()),
        spans=[period],
    )
    online = online_procedures(period.end, [province_code]).get(province_code, frozenset())
    catalogue = catalogue_facts(period.end, [province_code]).get(province_code, {})
    return scorecard(card_facts(facts, catalogue, online, used), on=period.end, province_code=province_code)


def national_card(period: Period) -> Scorecard:
    """The national figure: the records of every province, and the catalogue's figures (1.3, 3.1, 3.2) of the provinces
    with records in the period, as a ranking scores each province (a province where nothing was recorded, one not
    using Coso yet, is not scored on its catalogue alone, nor does it weigh on the country's)."""
    facts = cached("national_facts", NATIONAL, _span(period), lambda: facts_national(period), spans=[period])
    used = cached("national_used", NATIONAL, _span(period), lambda: used_procedures(period, level="province"), spans=[period])
    active = cached("national_active", NATIONAL, _span(period), lambda: sorted(p for p, f in facts_by_province(period).items() if f), spans=[period])
    # With no records anywhere, the catalogue of every province (as a unit's card shows its catalogue in a quiet month).
    return scorecard(_with_catalogue(facts, national_catalogue_facts(period.end, used, active or None)), on=period.end)


@dataclass
class RankRow:
    code: str
    name: str
    card: Totals
    rank: int | None = None
    previous_score: float | None = None
    previous_rank: int | None = None
    strength: Any = None  # the commune-strength index, where the page shows it
    strength_rank: int | None = None  # the commune's rank by that index in the province, where the page shows it

    @property
    def score(self) -> float | None:
        return self.card.score100

    @property
    def score_change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 2)

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) against the previous period."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "score100": self.score,
            "points": self.card.measured_points,
            "fed_max": self.card.fed_max,
            "rank": self.rank,
            "previous_rank": self.previous_rank,
            "previous_score": self.previous_score,
            "score_change": self.score_change,
            "rank_change": self.rank_change,
            "groups": self.card.measured_groups,
        }


def _rank(rows: list[RankRow]) -> dict[str, tuple[int | None, float | None]]:
    """Rank by score out of 100 (highest first); equal scores share a rank; units without data are unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-(r.score or 0), r.code))
    out: dict[str, tuple[int | None, float | None]] = {r.code: (None, None) for r in rows}
    last_score, last_rank = None, 0
    for pos, r in enumerate(scored, start=1):
        if r.score != last_score:
            last_rank, last_score = pos, r.score
        out[r.code] = (last_rank, r.score)
    return out


def _rows(units: list[tuple[str, str, str]], facts: dict[str, Facts], period: Period, used: dict[str, set[str]]) -> list[RankRow]:
    """The units' totals over one period. ``units``: (code, name, province_code); ``used``: the procedures with online
    dossiers per unit in the period (3.2)."""
    # The catalogue's figures (1.3, 3.1) and 3.2 count for a unit with records in the period: a unit where nothing
    # happened is not ranked on its catalogue alone (it would reach full marks doing nothing).
    provinces = sorted({prov for _c, _n, prov in units})
    catalogue, online = catalogue_facts(period.end, provinces), online_procedures(period.end, provinces)
    rows = []
    for code, name, prov in units:
        f = facts.get(code)
        if f:
            f = _with_catalogue(f, {**catalogue.get(prov, {}), "3.2": usage_fact(used.get(code, set()), online.get(prov, frozenset()))})
        rows.append(RankRow(code, name, totals(f or {}, on=period.end, province_code=prov, commune_code=code if code != prov else "")))
    return rows


def _ranking(rows: list[RankRow], before: dict[str, tuple[int | None, float | None]]) -> list[RankRow]:
    """``rows`` ranked, with their rank and score in the previous period (``before``, see :func:`_rank`)."""
    now = _rank(rows)
    for r in rows:
        r.rank = now[r.code][0]
        r.previous_rank, r.previous_score = before.get(r.code, (None, None))
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.code))


def _commune_units(province_code: str) -> list[tuple[str, str, str]]:
    from coso.units.models import AdministrativeUnit

    return [
        (c, n, province_code)
        for c, n in AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, province_code=province_code).values_list("code", "name")
    ]


def _province_units() -> list[tuple[str, str, str]]:
    from coso.units.models import AdministrativeUnit

    return [(c, n, c) for c, n in AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).values_list("code", "name")]


def _commune_rows(province_code: str, period: Period, units: list[tuple[str, str, str]] | None = None) -> list[RankRow]:
    used = used_procedures(period, level="commune", province_code=province_code)
    return _rows(units if units is not None else _commune_units(province_code), facts_by_commune(period, province_code), period, used)


def _province_rows(period: Period) -> list[RankRow]:
    return _rows(_province_units(), facts_by_province(period), period, used_procedures(period, level="province"))


def commune_ranking(province_code: str, period: Period) -> list[RankRow]:
    """The province's communes ranked over the period, with the change against the previous one (whose ranks are
    cached apart: an event of this month leaves them as they are)."""
    prev = period.previous()

    def compute() -> list[RankRow]:
        units = _commune_units(province_code)  # read once for both periods
        before = cached("commune_ranks", province_code, _span(prev), lambda: _rank(_commune_rows(province_code, prev, units)), spans=[prev])
        return _ranking(_commune_rows(province_code, period, units), before)

    return cached("commune_ranking", province_code, _span(period), compute, spans=[period, prev])


def province_ranking(period: Period) -> list[RankRow]:
    prev = period.previous()

    def compute() -> list[RankRow]:
        before = cached("province_ranks", NATIONAL, _span(prev), lambda: _rank(_province_rows(prev)), spans=[prev])
        return _ranking(_province_rows(period), before)

    return cached("province_ranking", NATIONAL, _span(period), compute, spans=[period, prev])


# ---------------------------------------------------------------- who sees what
def can_view_records(user: Any, *, province_code: str, commune_code: str) -> bool:
    """Drill-down to the dossiers/feedback behind a commune's figure: the commune's staff, its province, system administrators."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return True
    if user.role in PROVINCE_ROLES:
        return bool(user.province_code) and user.province_code == province_code
    if user.role in COMMUNE_ROLES:
        return bool(user.commune_code) and user.commune_code == commune_code
    return False


def dashboard_scope(user: Any) -> tuple[str, str, str]:
    """(level, province_code, commune_code) of a user's dashboard: "commune", "province" or "national"."""
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return "national", "", ""
    if user.role in PROVINCE_ROLES:
        return "province", user.province_code or "", ""
    return "commune", user.province_code or "", user.commune_code or ""


def usage_procedures(*, viewer: Any, commune_code: str, province_code: str, period: Period, missed: bool = True) -> list[dict[str, Any]]:
    """The list behind a commune's 3.2 (drill-down): the online procedures of the catalogue in force on the period's
    last day, each with the online dossiers the commune received for it in the period (counted through the dossier
    selector, scoped to ``viewer``); ``missed``: only those without any (the ones counting against the figure)."""
    from coso.dossiers.selectors import index_usage_counts
    from coso.procedures.selectors import index_online_procedures

    counts = index_usage_counts(fetched_by=viewer, commune_code=commune_code, start=period.start, end=period.end)
    rows = [{**p, "dossiers": counts.get(p["code"], 0)} for p in index_online_procedures(day=period.end, province_code=province_code)]
    return [r for r in rows if not r["dossiers"]] if missed else rows


# ---------------------------------------------------------------- commune-strength index
def province_strengths(province_code: str, period: Period, viewer: Any, codes: list[str] | None = None, outside: Any = None) -> dict[str, Any]:
    """The commune-strength index of the province's communes (or of ``codes``), with every part. ``outside``: how the
    other apps' inputs are read (default :func:`coso.indices.strength.outside_values`).

    The composite is the commune's figure, the same for whoever may see it (the caller has checked ``viewer`` may):
    the other apps' inputs are read as the province's home-affairs department reads them
    (``accounts.selectors.province_reader``), not with the viewer's own rights. Read with the viewer's, a province
    finance officer, who may not open the training or planning registers, got those inputs as "no data", other
    pillar scores and another composite and rank than the department and the commune's leader."""
    from coso.accounts.selectors import province_reader
    from coso.indices.strength import outside_values, strengths
    from coso.units.models import AdministrativeUnit

    if not getattr(viewer, "is_aggregate_reader", False):
        viewer = province_reader(province_code)

    if codes is None:
        codes = list(
            AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, province_code=province_code).values_list("code", flat=True)
        )
        facts = facts_by_commune(period, province_code)
        used = used_procedures(period, level="commune", province_code=province_code)
    else:  # only the communes asked for (a commune's dashboard): the same cached facts as the commune's card
        facts = {code: _commune_facts(code, province_code, period) for code in codes}
        used = {code: _commune_used(code, province_code, period) for code in codes}
    catalogue = catalogue_facts(period.end, [province_code]).get(province_code, {})
    online = online_procedures(period.end, [province_code]).get(province_code, frozenset())
    facts = {code: _with_catalogue(f, {**catalogue, "3.2": usage_fact(used.get(code, set()), online)}) for code, f in facts.items() if f}
    return strengths(codes, province_code=province_code, period=period, viewer=viewer, facts=facts, outside=outside or outside_values)


# seconds: the composite's inputs from other apps (tasks, workforce, planning) are cached under the generation their
# rows' writes bump (``signals.py``); the limit catches what sends no signal (a bulk update) and what changes with the
# day alone (a task falling overdue).
STRENGTH_TTL = 120
# seconds: the other apps' inputs of every commune of a province, read for the province's averages beside a commune's
# index (``strength_comparison``); the commune's own figures follow STRENGTH_TTL and the generations.
COMPARISON_TTL = 600


def dashboard_strengths(province_code: str, period: Period, viewer: Any, codes: list[str] | None = None) -> dict[str, Any]:
    """:func:`province_strengths` for the dashboard pages: cached for at most ``STRENGTH_TTL`` seconds
    (and never past a change of the province's rollups or of the rule book). The other apps' inputs (tasks,
    workforce, planning) are cached apart for the same ``STRENGTH_TTL``, under none of the rollups' or the catalogue's
    generations, which they do not read: an event or a rebuild re-scores the composite from the 766 facts without
    reading them again. They are cached under the province's inputs generation instead
    (:func:`coso.indices.cache.bump_inputs`), which every write of those apps' rows in the province bumps, and so do
    the figures the province enters itself (``ProvinceFigure``): a change shows on the next view."""
    from django.utils import translation

    from coso.indices.cache import inputs_generation
    from coso.indices.strength import InputContext, Values, outside_values, plain

    if getattr(viewer, "is_aggregate_reader", False):
        # the province's averages (``strength_comparison``): every commune's inputs, read again at most every
        # COMPARISON_TTL, not after each write in the province (a leader's view would pay the whole province's reading)
        who: tuple[Any, ...] = ("province-reader", ",".join(codes) if codes is not None else "*", *_span(period))
        ttl = COMPARISON_TTL
    else:  # the same figures for every viewer (see province_strengths): cached for all of them
        who = ("department", ",".join(codes) if codes is not None else "*", *_span(period), inputs_generation(province_code))
        ttl = STRENGTH_TTL

    def outside(ctx: InputContext) -> Values:
        return cached_for("strength_inputs", (province_code, *who), lambda: outside_values(ctx), timeout=ttl)

    def compute() -> dict[str, Any]:
        memo: dict[int, tuple[Any, str]] = {}
        return {code: plain(s, memo) for code, s in province_strengths(province_code, period, viewer, codes, outside).items()}

    # Labels are stored translated (unpickling lazy translations is slow): the language is part of the key.
    return cached("strengths", province_code, (*who, translation.get_language()), compute, spans=[period], timeout=ttl)


# The province's average is shown beside a commune's index only over at least this many communes with a figure: with
# fewer, the average and the commune's own figure would tell another commune's figure.
COMPARISON_MIN_COMMUNES = 3


@dataclass
class StrengthComparison:
    """A commune's commune-strength index against its province's communes, as aggregates only: the average composite
    and the average of each pillar over the communes that have one, the number of those communes, and the commune's
    rank among them (equal composites share a rank). Averages over fewer than ``COMPARISON_MIN_COMMUNES`` communes are
    withheld (None, with ``withheld`` set)."""

    communes: int  # in the province
    scored: int  # with a composite
    csi: float | None
    pillars: dict[str, float | None]
    pillar_counts: dict[str, int]
    rank: int | None
    withheld: bool
    min_communes: int = COMPARISON_MIN_COMMUNES

    def as_dict(self) -> dict[str, Any]:
        return {"communes": self.communes, "scored": self.scored, "csi": self.csi, "pillars": self.pillars, "pillar_communes": self.pillar_counts,
                "rank": self.rank, "withheld": self.withheld, "min_communes": self.min_communes}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if len(values) >= COMPARISON_MIN_COMMUNES else None


def strength_comparison(province_code: str, period: Period, commune_code: str) -> StrengthComparison:
    """The commune's standing among the province's communes on the commune-strength index (see
    :class:`StrengthComparison`). Every commune is scored with the same inputs, read as the province's department reads
    them (``accounts.selectors.province_reader``), whoever looks: only the averages and the commune's own rank leave
    this function, never another commune's figure. The other apps' inputs behind them are read again at most every
    ``COMPARISON_TTL`` seconds (a write in another commune does not make the next leader's page read the whole province
    again); the 766 facts, as soon as the rollups change."""
    from coso.accounts.selectors import province_reader

    every = dashboard_strengths(province_code, period, province_reader(province_code))
    scored = [s.csi for s in every.values() if s.csi is not None]
    own = every.get(commune_code)
    rank = 1 + sum(1 for csi in scored if csi > own.csi) if own is not None and own.csi is not None else None
    pillars: dict[str, list[float]] = defaultdict(list)
    for s in every.values():
        for p in s.pillars:
            if p.score is not None:
                pillars[p.key].append(p.score)
    from coso.indices.strength import PILLARS

    csi_mean = _mean(scored)
    return StrengthComparison(
        communes=len(every), scored=len(scored), csi=csi_mean, pillars={p.key: _mean(pillars[p.key]) for p in PILLARS},
        pillar_counts={p.key: len(pillars[p.key]) for p in PILLARS}, rank=rank, withheld=csi_mean is None and bool(scored),
    )


def _trend_spans(period: Period, months: int) -> list[Period]:
    """The ``months`` whole months ending with the period's last month, oldest first."""
    from coso.indices.periods import month

    spans = [month(period.end.year, period.end.month)]
    for _ in range(months - 1):
        spans.insert(0, spans[0].previous())
    return spans


def monthly_trend(period: Period, *, commune_code: str = "", province_code: str = "", months: int = 12) -> dict[str, list[Any]]:
    """Score out of 100 per month for the ``months`` months ending with the period's last month. The months before the
    last are cached apart: an event of this month re-counts this month only."""
    spans = _trend_spans(period, months)
    unit = province_code or NATIONAL

    def compute() -> dict[str, list[Any]]:
        past: list[Any] = []
        read_with_past: list[Any] = []  # the last month's score, when the past months had to be read too

        def past_scores() -> list[Any]:
            # Every month in one read (each month's score depends on that month's rows only): the past is cached
            # under the past months' generations, the last month is used here.
            scores = _monthly_scores(spans, commune_code=commune_code, province_code=province_code)
            read_with_past.append(scores[-1])
            return scores[:-1]

        if len(spans) > 1:
            past = cached("trend_past", unit, (commune_code, *(_span(p) for p in spans[:-1])), past_scores, spans=spans[:-1])
        last = read_with_past or _monthly_scores(spans[-1:], commune_code=commune_code, province_code=province_code)
        return {"labels": [f"{p.start:%m/%Y}" for p in spans], "scores": [*past, *last]}

    return cached("trend", unit, (commune_code, months, *_span(period)), compute, spans=spans)


def _monthly_scores(spans: list[Period], *, commune_code: str, province_code: str) -> list[Any]:
    """Score out of 100 of each month of ``spans`` (consecutive whole months), from one read of the rollups."""
    from coso.indices.engine import totals

    whole = Period("range", spans[0].start, spans[-1].end)
    qs: Any
    if commune_code:  # the commune's month rollups (the spans are whole months)
        per_month = MonthRollup.objects.filter(commune_code=commune_code, month__gte=whole.start, month__lte=whole.end)
    else:
        qs = ProvinceRollup.objects.filter(province_code=province_code) if province_code else ProvinceRollup.objects.all()
        per_month = qs.filter(day__gte=whole.start, day__lte=whole.end).annotate(month=TruncMonth("day"))
    by_month: dict[tuple[int, int], Facts] = defaultdict(dict)
    for r in per_month.values("month").annotate(**_sums()).order_by():
        by_month[(r["month"].year, r["month"].month)] = facts_of(r)
    # The country's months: the catalogue of the provinces with records in the month only (as ``national_card``).
    active: dict[tuple[int, int], set[str]] | None = None
    if not commune_code and not province_code:
        active = defaultdict(set)
        for r in per_month.values("month", "province_code").annotate(**_sums()).order_by():
            if facts_of(r):
                active[(r["month"].year, r["month"].month)].add(r["province_code"])
    home = province_code
    if commune_code and not home:  # a commune's trend: its own province's catalogue
        from coso.units.models import AdministrativeUnit

        home = AdministrativeUnit.objects.filter(code=commune_code).values_list("province_code", flat=True).first() or ""
    provinces = [home] if home else _province_codes()
    ends = [p.end for p in spans]
    by_day, online_by_day = catalogue_facts_on(ends, provinces), online_procedures_on(ends, provinces)
    # 3.2 per month: the procedures with online dossiers per unit (the commune, or each province) and month.
    months_used: Any
    if commune_code:
        months_used, field = UsageMonthRollup.objects.filter(commune_code=commune_code, month__gte=whole.start, month__lte=whole.end), "commune_code"
    else:
        uqs = ProvinceUsageRollup.objects.filter(province_code=province_code) if province_code else ProvinceUsageRollup.objects.all()
        months_used, field = uqs.filter(day__gte=whole.start, day__lte=whole.end).annotate(month=TruncMonth("day")), "province_code"
    used_by_month: dict[tuple[int, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for unit, first_day, procedure in months_used.values_list(field, "month", "procedure_code").distinct().order_by():
        used_by_month[(first_day.year, first_day.month)][unit].add(procedure)

    def month_facts(p: Period) -> Facts:
        # Each month as its card scores it (``commune_card``, ``province_card``, ``national_card``): a quiet month
        # keeps the catalogue's figures, as the card of that month does.
        key = (p.start.year, p.start.month)
        facts, used, online, catalogue = by_month.get(key, {}), used_by_month.get(key, {}), online_by_day[p.end], by_day[p.end]
        if active is None:
            return card_facts(facts, catalogue.get(home, {}), online.get(home, frozenset()), used.get(commune_code or home, set()))
        return _with_catalogue(facts, _catalogue_sum(catalogue, online, used, sorted(active.get(key, set())) or provinces))

    return [totals(month_facts(p), on=p.end, province_code=province_code, commune_code=commune_code).score100 for p in spans]


# ---------------------------------------------------------------- what waits for an officer
def queue_counts(user: Any) -> dict[str, int]:
    """Dossiers waiting for ``user`` (personally or for their role), near the deadline and overdue, and feedback
    overdue, in their unit (the dossier and feedback selectors, scoped). Cached until the commune's records change."""
    from django.utils import timezone

    from coso.indices.cache import cached_queue

    def compute() -> dict[str, int]:
        from coso.dossiers.selectors import inbox_counts
        from coso.feedback.selectors import feedback_list

        counts = inbox_counts(fetched_by=user)
        return {
            "mine": counts["mine"],
            "near": counts["near"],
            "overdue": counts["overdue"],
            "intake": counts["intake"],
            "feedback_overdue": feedback_list(fetched_by=user, tab="overdue").count(),
        }

    parts = (user.pk, user.role, user.province_code, timezone.localdate().isoformat())
    return cached_queue(user.commune_code or "", parts, compute)


# ---------------------------------------------------------------- figures the province enters (strength index inputs)
def province_figure_values(key: str, *, codes: Iterable[str], province_code: str, year: int) -> dict[str, float | None]:
    """{commune code: the figure ``key`` of ``year``, else of the year before, or None} (see ``strength.PROVINCE_FIGURES``)."""
    from coso.indices.models import ProvinceFigure

    codes = list(codes)
    out: dict[str, float | None] = dict.fromkeys(codes)
    rows = (ProvinceFigure.objects.filter(province_code=province_code, key=key, commune_code__in=codes, year__in=(year - 1, year))
            .order_by("year").values_list("commune_code", "value"))
    for code, value in rows:  # the later year last: it wins
        out[code] = float(value)
    return out


def province_figures(*, province_code: str, key: str, year: int) -> dict[str, dict[str, Any]]:
    """{commune code: {value, document, updated_at}} of one input and year in a province (the entry page)."""
    from coso.indices.models import ProvinceFigure

    return {code: {"value": value, "document": document, "updated_at": updated}
            for code, value, document, updated in ProvinceFigure.objects.filter(province_code=province_code, key=key, year=year)
            .values_list("commune_code", "value", "document", "updated_at")}
