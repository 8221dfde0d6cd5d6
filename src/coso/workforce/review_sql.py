"""The national review as SQL aggregates (SQLite and PostgreSQL).

Every standard is a rank comparison, every age or retirement question a comparison of the birth date
with a threshold date: the database can count them. A first query lists the distinct (position,
kind, province with standards of its own, commune with standards of its own, difficult area) of the
people in scope; for each the requirement is compiled in Python from the rule book
(``Policy.standard``) and handed to the second query as a small ``VALUES`` table. That query joins
every person to the requirement, computes one failure bit per standard (once per person, behind an
optimisation fence) and sums per commune, kind and office. Python then adds up a few rows per commune.

Thresholds (all exact, see ``rules.retirement_date`` and ``rules.age_on``):
- age < n  ⇔  birth date > the same day n years before the review date (29/2 → 28/2);
- retires by h  ⇔  birth date < the first birth month whose retirement date is after h (retirement
  dates never decrease with the birth date, and depend only on the month of birth and the sex).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import connections
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value

from coso.workforce import rules
from coso.workforce.policy import STANDARDS, Policy

LEVEL_KEYS = ("general_education", "degree_level", "political_theory", "state_management", "it", "foreign_language")
# (standard, flag column) in the order of rules.STANDARD_KEYS
FLAGS = (("age", "f_age"), ("general_education", "f_ge"), ("degree_level", "f_deg"), ("degree_field", "f_field"),
         ("political_theory", "f_pol"), ("state_management", "f_sm"), ("it", "f_it"), ("foreign_language", "f_fl"))
REGIMES = ("nd33", "job_position", "")
AGE_LIMITS = (30, 40, 50, 60)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/2 in a year without it
        return day.replace(year=day.year - years, day=28)


def retire_threshold(policy: Policy, gender: str, horizon: dt.date) -> dt.date:
    """The first birth month (as its first day) whose retirement date is after ``horizon``."""
    lo, hi = (horizon.year - 120) * 12, horizon.year * 12 + horizon.month - 1  # month indexes; hi retires after horizon
    while lo < hi:
        mid = (lo + hi) // 2
        if policy.retirement_date(dt.date(mid // 12, mid % 12 + 1, 1), gender) > horizon:
            hi = mid
        else:
            lo = mid + 1
    return dt.date(lo // 12, lo % 12 + 1, 1)


def _code(value: str) -> str:
    """A catalogue code spliced into SQL: lower-case letters, digits and underscores only."""
    if not re.fullmatch(r"[a-z0-9_]*", value):
        raise ValueError(f"not a code: {value!r}")
    return value


def _rank_sql(column: str, key: str) -> str:
    whens = " ".join(f"WHEN '{_code(code)}' THEN {i}" for i, code in enumerate(rules.LEVELS[key]))
    return f"(CASE {column} {whens} ELSE 0 END)"


def _in_list(column: str, values: Iterable[str], params: list[Any]) -> str:
    values = sorted(values)
    if not values:
        return "1 = 0"
    params.extend(values)
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


class Review:
    """Counts of the review of ``queryset`` (active people in scope) on ``policy.on``, per commune."""

    def __init__(self, queryset: QuerySet, policy: Policy, *, held_positions: bool, difficult: Iterable[str] = ()):
        self.policy = policy
        self.on = policy.on
        self.connection = connections[queryset.db]
        self.pg = self.connection.vendor == "postgresql"
        self.difficult = set(difficult)  # communes in a difficult area (Decree 33/2023 Art. 10(3))
        own_rows = [r for key in policy.book.keys(STANDARDS) for r in policy.book.rows(key) if r.province_code]
        self.own_provinces = {r.province_code for r in own_rows}
        self.own_communes = {r.commune_code for r in own_rows if r.commune_code}
        qs = queryset
        if held_positions:  # a past date is judged with the position held on that date
            from coso.workforce.models import PositionHolding

            holding = (PositionHolding.objects.filter(person=OuterRef("pk"), started_on__lte=self.on)
                       .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.on)).order_by("-started_on", "-id"))
            qs = qs.annotate(held_position=Subquery(holding.values("position_code")[:1]))
        else:
            qs = qs.annotate(held_position=Value(None, output_field=CharField()))
        self.held = held_positions
        self.inner_sql, inner_params = (qs.values_list("commune_code", "province_code", "birth_date", "gender", "is_ethnic_minority", "kind",
                                                       "position_code", "office_code", "held_position", *LEVEL_KEYS, "degree_field")
                                        .order_by().query.sql_with_params())
        self.inner_params = list(inner_params)

    # ------------------------------------------------------------------ SQL pieces
    def _from(self, params: list[Any]) -> str:
        params.extend(self.inner_params)
        return f"FROM ({self.inner_sql}) p"

    def _difficult(self, params: list[Any]) -> str:
        if not self.difficult:
            return "FALSE"
        return f"(CASE WHEN {_in_list('p.commune_code', self.difficult, params)} THEN TRUE ELSE FALSE END)"

    def _date(self, iso: str) -> str:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
            raise ValueError(iso)
        return f"DATE '{iso}'" if self.pg else f"'{iso}'"

    def _position(self) -> str:
        return "COALESCE(p.held_position, p.position_code)" if self.held else "p.position_code"

    def _office(self) -> str:
        if not self.held:
            return "p.office_code"
        whens = " ".join(f"WHEN '{_code(code)}' THEN '{_code(pos.get('office', ''))}'" for code, pos in rules.positions().items())
        return f"(CASE WHEN p.held_position IS NULL THEN p.office_code ELSE (CASE p.held_position {whens} ELSE '' END) END)"

    def _scope_keys(self, params: list[Any]) -> tuple[str, str]:
        """SQL for the province and commune a requirement depends on ('' when they have no standards of their own)."""
        prov = f"(CASE WHEN {_in_list('p.province_code', self.own_provinces, params)} THEN p.province_code ELSE '' END)"
        comm = f"(CASE WHEN {_in_list('p.commune_code', self.own_communes, params)} THEN p.commune_code ELSE '' END)"
        return prov, comm

    def _combos(self) -> list[tuple[str, str, str, str, bool]]:
        params: list[Any] = []
        prov, comm = self._scope_keys(params)
        diff = self._difficult(params)
        # the params of the SELECT list come before the FROM's in the statement text
        sql = f"SELECT DISTINCT {self._position()}, p.kind, {prov}, {comm}, {diff} " + self._from(params)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(pos or "", kind or "", pv or "", cm or "", bool(diff)) for pos, kind, pv, cm, diff in cursor.fetchall()]

    def _combo_values(self, combos: list[tuple[str, str, str, str, bool]], params: list[Any]) -> str:
        """The VALUES rows of the requirements: the person's side as parameters, the requirement's as literals made here."""
        rows = []
        for pos, kind, prov, comm, diff in combos:
            regime, placed, hmask, age_date, *ranks, fields, field_rank = self._req_row(
                self.policy.standard(pos, kind, prov, comm, difficult_area=diff))
            params.extend((pos, kind, prov, comm))
            literals = [("TRUE" if diff else "FALSE"), f"'{_code(regime)}'", str(int(placed)), str(int(hmask)), self._date(age_date),
                        *(str(int(r)) for r in ranks), "'" + "|".join(_code(f) for f in fields.split("|")) + "'", str(int(field_rank))]
            rows.append("(%s, %s, %s, %s, " + ", ".join(literals) + ")")
        return ", ".join(rows)

    def _req_row(self, req: dict[str, Any] | None) -> tuple[Any, ...]:
        """regime, placed, checked-standards bit mask, age date, one required rank per level, fields, field rank.

        A level that is not required has rank 0 (never failed); no minimum age is a date no birth date passes.
        """
        r = req or {}
        checked = set(rules.checked_standards(req))
        hmask = sum(1 << i for i, (std, _flag) in enumerate(FLAGS) if std in checked)
        age_min = int(r.get("age_min") or 0)
        fields = (r.get("degree_fields") or []) if r.get("degree_level") else []
        return (
            r.get("_regime", ""), 1 if r.get("_placed", True) else 0, hmask,
            years_before(self.on, age_min).isoformat() if age_min else "9999-12-31",
            *(rules.LEVELS[k].index(r[k]) if r.get(k) else 0 for k in LEVEL_KEYS),
            ("|" + "|".join(sorted(fields)) + "|") if fields else "", rules.LEVELS["degree_level"].index(r["degree_level"]) if fields else 0,
        )

    def counts(self) -> tuple[list[str], list[tuple[Any, ...]]]:
        """(names, rows): one row (commune, kind, office, *counts) per group; ``names`` names the counts (staff, compliant,
        checked_<std>, met_<std>, <regime>_staff/_compliant/_unplaced, women, minority, age_<band>, retire_<years>)."""
        combos = self._combos()
        if not combos:
            return [], []
        params: list[Any] = []  # in the order of the statement's text: VALUES table, SELECT lists, FROM, JOIN
        date = "CAST(%s AS date)" if self.pg else "%s"
        combo_cols = ("pos", "kind", "prov", "comm", "diff", "regime", "placed", "hmask", "age_date", *(f"rank_{k}" for k in LEVEL_KEYS),
                      "fields", "field_rank")
        values_combo = self._combo_values(combos, params)
        # One failure bit per standard (FLAGS order), computed once per person behind an optimisation fence.
        bit = {flag: 1 << i for i, (_std, flag) in enumerate(FLAGS)}
        deg = _rank_sql("p.degree_level", "degree_level")
        failures = [f"(CASE WHEN p.birth_date > r.age_date THEN {bit['f_age']} ELSE 0 END)",
                    f"(CASE WHEN {deg} >= r.field_rank AND r.fields <> '' AND r.fields NOT LIKE ('%%|' || COALESCE(p.degree_field, '') || '|%%') "
                    f"THEN {bit['f_field']} ELSE 0 END)"]
        for key, flag in zip(LEVEL_KEYS, ("f_ge", "f_deg", "f_pol", "f_sm", "f_it", "f_fl"), strict=True):
            failures.append(f"(CASE WHEN {_rank_sql('p.' + key, key)} < r.rank_{key} THEN {bit[flag]} ELSE 0 END)")
        select_params: list[Any] = []
        ages = " ".join(f"WHEN p.birth_date > {date} THEN {i}" for i, _n in enumerate(AGE_LIMITS))
        select_params += [years_before(self.on, n).isoformat() for n in AGE_LIMITS]
        retire = []
        for n in (1, 3, 5):
            horizon = rules.add_months(self.on, 12 * n)
            retire.append(f"WHEN (p.gender = 'female' AND p.birth_date < {date}) OR (p.gender <> 'female' AND p.birth_date < {date}) THEN {n}")
            select_params += [retire_threshold(self.policy, "female", horizon).isoformat(), retire_threshold(self.policy, "male", horizon).isoformat()]
        from_params: list[Any] = []
        join_params: list[Any] = []
        prov, comm = self._scope_keys(join_params)
        diff = self._difficult(join_params)
        fence = " OFFSET 0" if self.pg else " LIMIT -1 OFFSET 0"
        inner = (f"SELECT p.commune_code AS commune_code, p.kind AS kind, {self._office()} AS office, "
                 "(CASE WHEN p.gender = 'female' THEN 1 ELSE 0 END) AS female, (CASE WHEN p.is_ethnic_minority THEN 1 ELSE 0 END) AS minority, "
                 "COALESCE(r.regime, '') AS regime, COALESCE(r.placed, 1) AS placed, COALESCE(r.hmask, 0) AS hmask, "
                 f"COALESCE({' + '.join(failures)}, 0) AS fmask, (CASE {ages} ELSE {len(AGE_LIMITS)} END) AS ageband, "
                 f"(CASE {' '.join(retire)} ELSE 0 END) AS rband "
                 + self._from(from_params)
                 + f" LEFT JOIN combo r ON r.pos = {self._position()} AND r.kind = p.kind AND r.prov = {prov} AND r.comm = {comm}"
                 f" AND r.diff = {diff}" + fence)
        sums = ["COUNT(*)", "SUM(CASE WHEN x.fmask = 0 THEN 1 ELSE 0 END)"]
        names = ["staff", "compliant"]
        for std, flag in FLAGS:
            b = bit[flag]
            sums += [f"SUM(CASE WHEN (x.hmask & {b}) <> 0 THEN 1 ELSE 0 END)", f"SUM(CASE WHEN (x.hmask & {b}) <> 0 AND (x.fmask & {b}) = 0 THEN 1 ELSE 0 END)"]
            names += [f"checked_{std}", f"met_{std}"]
        for regime in REGIMES:
            sums += [f"SUM(CASE WHEN x.regime = '{regime}' THEN 1 ELSE 0 END)",
                     f"SUM(CASE WHEN x.regime = '{regime}' AND x.fmask = 0 THEN 1 ELSE 0 END)",
                     f"SUM(CASE WHEN x.regime = '{regime}' AND x.placed = 0 THEN 1 ELSE 0 END)"]
            names += [f"{regime or 'none'}_staff", f"{regime or 'none'}_compliant", f"{regime or 'none'}_unplaced"]
        sums += ["SUM(x.female)", "SUM(x.minority)"]
        names += ["women", "minority"]
        for i in range(len(AGE_LIMITS) + 1):
            sums.append(f"SUM(CASE WHEN x.ageband = {i} THEN 1 ELSE 0 END)")
            names.append(f"age_{i}")
        for n in (1, 3, 5):
            sums.append(f"SUM(CASE WHEN x.rband BETWEEN 1 AND {n} THEN 1 ELSE 0 END)")
            names.append(f"retire_{n}")
        params += select_params + from_params + join_params
        # Only code-made SQL is spliced in (level and catalogue codes checked by _code); every value is a parameter.
        sql = (f"WITH combo({', '.join(combo_cols)}) AS (VALUES {values_combo}) "  # noqa: S608
               f"SELECT x.commune_code, x.kind, x.office, {', '.join(sums)} FROM ({inner}) x GROUP BY x.commune_code, x.kind, x.office")
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return names, cursor.fetchall()
