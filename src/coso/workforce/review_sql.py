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
from django.db.models import F, Q, QuerySet

from coso.workforce import rules
from coso.workforce.policy import STANDARDS, Policy

LEVEL_KEYS = ("general_education", "degree_level", "political_theory", "state_management", "it", "foreign_language")
# (standard, flag column) in the order of rules.STANDARD_KEYS
FLAGS = (("age", "f_age"), ("general_education", "f_ge"), ("degree_level", "f_deg"), ("degree_field", "f_field"),
         ("political_theory", "f_pol"), ("state_management", "f_sm"), ("it", "f_it"), ("foreign_language", "f_fl"))
REGIMES = ("nd33", "job_position", "")
KINDS = ("cadre", "civil_servant", "commune_part_time", "village_part_time")
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
        self.held = held_positions and self._positions_changed()
        self.inner_sql, inner_params = (queryset.values_list("id", "commune_code", "province_code", "birth_date", "gender", "is_ethnic_minority",
                                                             "kind", "position_code", "office_code", *LEVEL_KEYS, "degree_field")
                                        .order_by().query.sql_with_params())
        self.inner_params = list(inner_params)

    def _positions_changed(self) -> bool:
        """Whether someone held, on the date, another position than the one on record (then the holdings are joined)."""
        from coso.workforce.models import PositionHolding

        return (PositionHolding.objects.filter(started_on__lte=self.on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.on))
                .exclude(position_code=F("person__position_code")).exists())  # anyone, in scope or not: the join is right either way

    def _held_sql(self, params: list[Any]) -> str:
        """The position each person held on the date: the covering holding that started last (ties: the last entered)."""
        from coso.workforce.models import PositionHolding

        table = self.connection.ops.quote_name(PositionHolding._meta.db_table)
        covers = "{h}.started_on <= %s AND ({h}.ended_on IS NULL OR {h}.ended_on >= %s)"
        params += [self.on, self.on, self.on, self.on]
        return (f"SELECT h.person_id AS person_id, h.position_code AS position_code FROM {table} h WHERE {covers.format(h='h')} "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {table} h2 WHERE h2.person_id = h.person_id AND {covers.format(h='h2')} "
                "AND (h2.started_on > h.started_on OR (h2.started_on = h.started_on AND h2.id > h.id)))")

    # ------------------------------------------------------------------ SQL pieces
    def _from(self, params: list[Any]) -> str:
        params.extend(self.inner_params)
        if not self.held:
            return f"FROM ({self.inner_sql}) p"
        return f"FROM ({self.inner_sql}) p LEFT JOIN ({self._held_sql(params)}) hp ON hp.person_id = p.id"

    def _difficult(self, params: list[Any]) -> str:
        if not self.difficult:
            return "FALSE"
        return f"(CASE WHEN {_in_list('p.commune_code', self.difficult, params)} THEN TRUE ELSE FALSE END)"

    def _date(self, iso: str) -> str:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
            raise ValueError(iso)
        return f"DATE '{iso}'" if self.pg else f"'{iso}'"

    def _position(self) -> str:
        return "COALESCE(hp.position_code, p.position_code)" if self.held else "p.position_code"

    def _office(self) -> str:
        if not self.held:
            return "p.office_code"
        whens = " ".join(f"WHEN '{_code(code)}' THEN '{_code(pos.get('office', ''))}'" for code, pos in rules.positions().items())
        return f"(CASE WHEN hp.position_code IS NULL THEN p.office_code ELSE (CASE hp.position_code {whens} ELSE '' END) END)"

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
        """The VALUES rows of the requirements: the person's side as parameters, the requirement's as literals made here.

        Per requirement, what does not depend on the person is packed in lanes already: which standards it
        checks (three per column), its set of standards and whether it is a job position not yet held.
        """
        rows = []
        for pos, kind, prov, comm, diff in combos:
            regime, placed, hmask, age_date, *ranks, fields, field_rank = self._req_row(
                self.policy.standard(pos, kind, prov, comm, difficult_area=diff))
            checks = [(hmask >> i) & 1 for i in range(len(FLAGS))]
            lane = LANES[REGIMES.index(regime)]
            params.extend((pos, kind, prov, comm))
            literals = [("TRUE" if diff else "FALSE"), *(str(pack(checks[g:g + 3])) for g in (0, 3, 6)), str(lane), str(0 if placed else lane),
                        self._date(age_date), *(str(int(r)) for r in ranks), "'" + "|".join(_code(f) for f in fields.split("|")) + "'",
                        str(int(field_rank))]
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
        """(names, rows): one row (commune, *counts) per commune; ``names`` names the counts (staff, compliant,
        checked_<std>, met_<std>, <regime>_staff/_compliant/_unplaced, women, minority, age_<band>, retire_<years>,
        retired (past the retirement date on the review date, still in office),
        kind_<kind>, office_<office> — cadres and civil servants of each office of the catalogue, "" for others).

        Counts travel packed: each summed column holds three 20-bit lanes (a commune has far fewer than
        a million staff), so that the database sums 19 plain columns instead of 55 conditions.
        """
        combos = self._combos()
        if not combos:
            return count_names(), []
        params: list[Any] = []  # in the order of the statement's text: VALUES table, SELECT lists, FROM, JOIN
        date = "CAST(%s AS date)" if self.pg else "%s"
        combo_cols = ("pos", "kind", "prov", "comm", "diff", "chk1", "chk2", "chk3", "reg", "unpl", "age_date",
                      *(f"rank_{k}" for k in LEVEL_KEYS), "fields", "field_rank")
        values_combo = self._combo_values(combos, params)
        deg = _rank_sql("p.degree_level", "degree_level")
        fail = {  # one condition per standard (FLAGS order); a standard not required never fails
            "f_age": "p.birth_date > r.age_date",
            "f_ge": f"{_rank_sql('p.general_education', 'general_education')} < r.rank_general_education",
            "f_deg": f"{deg} < r.rank_degree_level",
            "f_field": f"{deg} >= r.field_rank AND r.fields <> '' AND r.fields NOT LIKE ('%%|' || COALESCE(p.degree_field, '') || '|%%')",
            "f_pol": f"{_rank_sql('p.political_theory', 'political_theory')} < r.rank_political_theory",
            "f_sm": f"{_rank_sql('p.state_management', 'state_management')} < r.rank_state_management",
            "f_it": f"{_rank_sql('p.it', 'it')} < r.rank_it",
            "f_fl": f"{_rank_sql('p.foreign_language', 'foreign_language')} < r.rank_foreign_language",
        }
        flags = [flag for _std, flag in FLAGS]
        failed = [" + ".join(f"(CASE WHEN {fail[f]} THEN {LANES[i]} ELSE 0 END)" for i, f in enumerate(flags[g:g + 3])) for g in (0, 3, 6)]
        select_params: list[Any] = []
        d = [years_before(self.on, n).isoformat() for n in AGE_LIMITS]  # born after d[i]: younger than AGE_LIMITS[i]
        ages1 = f"(CASE WHEN p.birth_date > {date} THEN {LANES[0]} WHEN p.birth_date > {date} THEN {LANES[1]} WHEN p.birth_date > {date} THEN {LANES[2]} ELSE 0 END)"
        ages2 = f"(CASE WHEN p.birth_date > {date} THEN 0 WHEN p.birth_date > {date} THEN {LANES[0]} ELSE {LANES[1]} END)"
        select_params += [d[0], d[1], d[2], d[2], d[3]]
        retire = []
        for n, packed in ((1, pack([1, 1, 1])), (3, pack([0, 1, 1])), (5, pack([0, 0, 1]))):
            horizon = rules.add_months(self.on, 12 * n)
            retire.append(f"WHEN (p.gender = 'female' AND p.birth_date < {date}) OR (p.gender <> 'female' AND p.birth_date < {date}) THEN {packed}")
            select_params += [retire_threshold(self.policy, "female", horizon).isoformat(), retire_threshold(self.policy, "male", horizon).isoformat()]
        # past retirement: the retirement date is on or before the review date and the person is still in office
        retired = f"(CASE WHEN (p.gender = 'female' AND p.birth_date < {date}) OR (p.gender <> 'female' AND p.birth_date < {date}) THEN 1 ELSE 0 END)"
        select_params += [retire_threshold(self.policy, "female", self.on).isoformat(), retire_threshold(self.policy, "male", self.on).isoformat()]
        offices = [*sorted(rules.offices()), ""]
        office_cols = []
        known = ", ".join(f"'{_code(o)}'" for o in offices if o)
        for g in range(0, len(offices), 3):
            whens = " ".join(f"WHEN '{_code(o)}' THEN {LANES[i]}" for i, o in enumerate(offices[g:g + 3]) if o)
            if "" in offices[g:g + 3]:  # offices outside the catalogue (or none) count as ""
                whens = f"WHEN x_office IS NULL OR x_office NOT IN ({known}) THEN {LANES[offices[g:g + 3].index('')]} " + whens.replace("WHEN '", "WHEN x_office = '")
                office_cols.append(f"(CASE WHEN p.kind IN ('cadre', 'civil_servant') THEN (CASE {whens} ELSE 0 END) ELSE 0 END)")
            else:
                office_cols.append(f"(CASE WHEN p.kind IN ('cadre', 'civil_servant') THEN (CASE x_office {whens} ELSE 0 END) ELSE 0 END)")
        kinds1 = f"(CASE p.kind WHEN '{KINDS[0]}' THEN {LANES[0]} WHEN '{KINDS[1]}' THEN {LANES[1]} WHEN '{KINDS[2]}' THEN {LANES[2]} ELSE 0 END)"
        kinds2 = f"((CASE p.kind WHEN '{KINDS[3]}' THEN {LANES[0]} ELSE 0 END) + (CASE WHEN p.is_ethnic_minority THEN {LANES[1]} ELSE 0 END))"
        from_params: list[Any] = []
        join_params: list[Any] = []
        prov, comm = self._scope_keys(join_params)
        diff = self._difficult(join_params)
        fence = " OFFSET 0" if self.pg else " LIMIT -1 OFFSET 0"
        office = self._office()
        columns = {
            "chk1": "COALESCE(r.chk1, 0)", "chk2": "COALESCE(r.chk2, 0)", "chk3": "COALESCE(r.chk3, 0)",
            "fp1": failed[0], "fp2": failed[1], "fp3": failed[2],
            "reg": f"COALESCE(r.reg, {LANES[2]})", "unpl": "COALESCE(r.unpl, 0)",
            "a1": ages1, "a2": ages2, "rp": f"(CASE {' '.join(retire)} ELSE 0 END)", "ov": retired, "k1": kinds1, "k2": kinds2,
            **{f"o{i}": col.replace("x_office", office) for i, col in enumerate(office_cols)},
        }
        inner = ("SELECT p.commune_code AS commune_code, p.gender AS gender, "
                 + ", ".join(f"{expr} AS {name}" for name, expr in columns.items()) + " "
                 + self._from(from_params)
                 + f" LEFT JOIN combo r ON r.pos = {self._position()} AND r.kind = p.kind AND r.prov = {prov} AND r.comm = {comm}"
                 f" AND r.diff = {diff}" + fence)
        # staff, compliant, women in one column; the sets of standards of the compliant
        base = (f"SUM(1 + (CASE WHEN x.fp1 + x.fp2 + x.fp3 = 0 THEN {LANES[1]} ELSE 0 END) + (CASE WHEN x.gender = 'female' THEN {LANES[2]} ELSE 0 END))")
        sums = [base, "SUM(CASE WHEN x.fp1 + x.fp2 + x.fp3 = 0 THEN x.reg ELSE 0 END)", *(f"SUM(x.{name})" for name in columns)]
        params += select_params + from_params + join_params
        # Only code-made SQL is spliced in (level and catalogue codes checked by _code); every value is a parameter.
        sql = (f"WITH combo({', '.join(combo_cols)}) AS (VALUES {values_combo}) "  # noqa: S608
               f"SELECT x.commune_code, {', '.join(sums)} FROM ({inner}) x GROUP BY x.commune_code")
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out = []
        for code, base_v, regc, *packed in rows:
            v = dict(zip(columns, (int(x or 0) for x in packed), strict=True))
            staff, compliant, women = lanes(int(base_v))
            checked = [*lanes(v["chk1"]), *lanes(v["chk2"]), *lanes(v["chk3"])]
            failed_n = [*lanes(v["fp1"]), *lanes(v["fp2"]), *lanes(v["fp3"])]
            reg, reg_ok, unpl = lanes(v["reg"]), lanes(int(regc or 0)), lanes(v["unpl"])
            a1, a2, rp, k1, k2 = lanes(v["a1"]), lanes(v["a2"]), lanes(v["rp"]), lanes(v["k1"]), lanes(v["k2"])
            office_n = [n for i in range(len(office_cols)) for n in lanes(v[f"o{i}"])]
            row = [staff, compliant]
            for i in range(len(FLAGS)):
                row += [checked[i], checked[i] - failed_n[i]]
            for i in range(len(REGIMES)):
                row += [reg[i], reg_ok[i], unpl[i]]
            row += [women, k2[1], a1[0], a1[1], a1[2], a2[0], a2[1], rp[0], rp[1], rp[2], v["ov"], k1[0], k1[1], k1[2], k2[0]]
            row += office_n[:len(offices)]
            out.append((code, *row))
        return count_names(), out


LANE_BITS = 20
LANES = (1, 1 << LANE_BITS, 1 << (2 * LANE_BITS))
MASK = (1 << LANE_BITS) - 1


def pack(values: list[int]) -> int:
    return sum(v << (LANE_BITS * i) for i, v in enumerate(values))


def lanes(value: int) -> tuple[int, int, int]:
    return value & MASK, (value >> LANE_BITS) & MASK, (value >> (2 * LANE_BITS)) & MASK


def count_names() -> list[str]:
    """The names of the counts of a row of ``Review.counts``, in order."""
    names = ["staff", "compliant"]
    for std, _flag in FLAGS:
        names += [f"checked_{std}", f"met_{std}"]
    for regime in REGIMES:
        names += [f"{regime or 'none'}_staff", f"{regime or 'none'}_compliant", f"{regime or 'none'}_unplaced"]
    names += ["women", "minority", *(f"age_{i}" for i in range(len(AGE_LIMITS) + 1)), *(f"retire_{n}" for n in (1, 3, 5)), "retired"]
    return names + [f"kind_{k}" for k in KINDS] + [f"office_{o}" for o in sorted(rules.offices())] + ["office_"]
