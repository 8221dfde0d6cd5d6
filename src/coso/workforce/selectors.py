"""Reads of the workforce app: scoped lists, person detail, and the standards/quota review."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any, cast

from django.db.models import Q, QuerySet
from django.utils import timezone

from coso.accounts.roles import Role
from coso.core.scoping import get_scoped_or_404, scoped
from coso.core.search import search_filter
from coso.workforce import rules
from coso.workforce.models import Evaluation, Person, PositionHolding, StaffingQuota

SEARCH_KIND = "workforce.person"
REGISTER_ROLES = frozenset({Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
AGE_BUCKETS = [("<30", 0, 30), ("30–39", 30, 40), ("40–49", 40, 50), ("50–59", 50, 60), ("≥60", 60, 200)]
QUAL_FIELDS = ("general_education", "degree_level", "degree_field", "political_theory", "state_management", "it", "foreign_language")


def can_use_register(user: Any) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in REGISTER_ROLES))


def active_q(on: dt.date) -> Q:
    return (Q(left_on__isnull=True) | Q(left_on__gt=on)) & (Q(transition_end_date__isnull=True) | Q(transition_end_date__gt=on)) & Q(
        Q(started_on__isnull=True) | Q(started_on__lte=on))


def person_list(*, fetched_by: Any, q: str = "", commune: str = "", kind: str = "", position: str = "", gender: str = "",
                retiring_within: int | None = None, include_inactive: bool = False, on: dt.date | None = None) -> QuerySet[Person]:
    on = on or timezone.localdate()
    if not can_use_register(fetched_by):
        return Person.objects.none()
    qs = scoped(Person.objects.all(), fetched_by)
    if not include_inactive:
        qs = qs.filter(active_q(on))
    if commune:
        qs = qs.filter(commune_code=commune)
    if kind:
        qs = qs.filter(kind=kind)
    if position:
        qs = qs.filter(position_code=position)
    if gender:
        qs = qs.filter(gender=gender)
    if q:
        qs = search_filter(qs, kind=SEARCH_KIND, query=q)
    if retiring_within:
        horizon = rules.add_months(on, 12 * retiring_within)
        # Nobody retires younger than 55 (women before 2021): narrow in SQL, decide exactly in Python.
        candidates = qs.filter(birth_date__lte=rules.add_months(horizon, -55 * 12)).values_list("id", "birth_date", "gender")
        ids = [pk for pk, b, g in candidates if rules.retirement_date(b, g) <= horizon]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("name_sort_key", "id")


def person_get(*, fetched_by: Any, pk: int) -> Person:
    from django.http import Http404

    if not can_use_register(fetched_by):
        own = Person.objects.filter(pk=pk, user=fetched_by).first() if fetched_by.is_authenticated else None
        if own is None:
            raise Http404
        return own
    return get_scoped_or_404(Person.objects.all(), fetched_by, pk=pk)  # type: ignore[return-value]


def people_for_accounts(*, fetched_by: Any, commune_code: str, ids: list[int] | None = None, on: dt.date | None = None) -> QuerySet[Person]:
    """People of a commune's register who are in office and have no account yet (for the accounts app's
    bulk creation). Scoped like the register: another unit's people are simply absent."""
    qs = person_list(fetched_by=fetched_by, commune=commune_code, on=on).filter(user__isnull=True).exclude(kind=Person.Kind.VILLAGE_PART_TIME)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs


def person_review(person: Person, *, on: dt.date | None = None) -> dict[str, Any]:
    from coso.units.models import AdministrativeUnit

    on = on or timezone.localdate()
    unit = AdministrativeUnit.objects.filter(code=person.commune_code).first()
    req = rules.standard_for(person.position_code, person.kind, on, person.province_code, difficult_area=bool(unit and unit.is_difficult_area))
    gaps = rules.check_standards(person.qualification_dict(), req, on)
    return {"requirement": req, "rule_set": (req or {}).get("_rule_set", ""), "checked": rules.checked_standards(req), "gaps": [{**g, "text": rules.gap_text(g)} for g in gaps]}


# ---------------------------------------------------------------- the review
class _Compiled:
    """A requirement turned into rank comparisons (fast path of rules.check_standards)."""

    __slots__ = ("age_min", "checks", "fields", "field_rank", "standards", "req")

    def __init__(self, req: dict[str, Any] | None):
        self.req = req
        self.standards = rules.checked_standards(req)
        req = req or {}
        self.age_min: int = req.get("age_min") or 0  # 0 = no minimum age
        self.checks = [(k, rules.LEVELS[k].index(req[k])) for k in ("general_education", "degree_level", "political_theory", "state_management", "it", "foreign_language") if req.get(k)]
        self.fields = set(req.get("degree_fields") or []) if req.get("degree_level") else set()
        self.field_rank = rules.LEVELS["degree_level"].index(req["degree_level"]) if req.get("degree_level") else 0


_RANK = {k: {v: i for i, v in enumerate(levels)} for k, levels in rules.LEVELS.items()}


def _failed(c: _Compiled, row: dict[str, Any], age: int) -> list[str]:
    failed = []
    if c.age_min and age < c.age_min:
        failed.append("age")
    for key, need in c.checks:
        if _RANK[key].get(row[key] or "none", 0) < need:
            failed.append(key)
    if c.fields and _RANK["degree_level"].get(row["degree_level"] or "none", 0) >= c.field_rank and row["degree_field"] not in c.fields:
        failed.append("degree_field")
    return failed


def _raw_rows(qs: QuerySet) -> Any:
    """Stream the rows of a values_list queryset without per-value ORM converters (dates may come back as
    ISO strings on SQLite, booleans as 0/1). PostgreSQL uses a server-side cursor (bounded memory)."""
    from django.db import connections

    sql, params = qs.query.sql_with_params()
    connection = connections[qs.db]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                break
            yield from rows


def _empty_stats() -> dict[str, Any]:
    return {"staff": 0, "compliant": 0, "checked": Counter(), "met": Counter(), "women": 0, "minority": 0,
            "ages": Counter(), "retire": Counter(), "offices": Counter(), "kinds": Counter()}


def review(*, fetched_by: Any, on: dt.date | None = None, commune: str = "", standard: str = "", people_limit: int = 500,
           queryset: QuerySet[Person] | None = None) -> dict[str, Any]:
    """The standards and quota review of every active person in scope, by commune and for the province.

    One streamed query over the needed columns; standards are compiled once per (position, kind,
    province, difficult area). With ``commune`` (and ``standard``) the people failing are listed
    with their exact gaps (drill-down).
    """
    from coso.units.models import AdministrativeUnit

    on = on or timezone.localdate()
    qs = queryset if queryset is not None else scoped(Person.objects.all(), fetched_by)
    qs = qs.filter(active_q(on))
    units_qs = scoped(AdministrativeUnit.objects.filter(level="commune"), fetched_by, commune_field="code") if queryset is None else AdministrativeUnit.objects.filter(level="commune")
    units = cast(dict[str, dict[str, Any]], {u["code"]: u for u in units_qs.values("code", "name", "kind", "classification", "population", "area_km2", "is_difficult_area", "province_code")})
    horizons = {n: rules.add_months(on, 12 * n) for n in (1, 3, 5)}
    compiled: dict[tuple, _Compiled] = {}
    retire_cache: dict[tuple, dt.date] = {}
    stats: dict[str, dict[str, Any]] = defaultdict(_empty_stats)
    total = _empty_stats()
    failing: list[dict[str, Any]] = []
    # A past date is judged with the position held on that date (Decree 33 titles before 1/7/2025).
    held: dict[int, str] | None = None
    if on < timezone.localdate() - dt.timedelta(days=1):
        held = {}
        hq = PositionHolding.objects.filter(person__in=qs.values("id"), started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        for pid, pos in hq.order_by("started_on").values_list("person_id", "position_code").iterator(chunk_size=5000):
            held[pid] = pos
    cols = ("id", "commune_code", "province_code", "birth_date", "gender", "is_ethnic_minority", "kind", "position_code", "office_code", *QUAL_FIELDS)
    # Rows are reduced to a signature (commune, kind, office, requirement, failed standards, sex, minority, age band,
    # retirement band) counted in one Counter; the statistics are expanded once per signature afterwards.
    signatures: Counter = Counter()
    fail_cache: dict[tuple, tuple[str, ...]] = {}
    unit_difficult = {code: bool(u.get("is_difficult_area")) for code, u in units.items()}
    h1, h3, h5 = horizons[1], horizons[3], horizons[5]
    drill_ids: dict[int, tuple] = {}
    person_cache: dict[tuple, tuple[int, int, int]] = {}
    for values in _raw_rows(qs.values_list(*cols).order_by()):
        pid, code, province, b, gender, minority, kind, position, office = values[:9]
        quals = values[9:]
        if held is not None and pid in held:
            position = held[pid]
            office = rules.office_of(position)
        key = (position, kind, province, unit_difficult.get(code, False))
        c = compiled.get(key)
        if c is None:
            c = compiled[key] = _Compiled(rules.standard_for(position, kind, on, province, difficult_area=key[3]))
        # (age, age band, retirement band) per birth date and sex, computed once.
        pk_ = (b, gender)
        info = person_cache.get(pk_)
        if info is None:
            bd = b if isinstance(b, dt.date) else dt.date.fromisoformat(str(b)[:10])
            age = on.year - bd.year - ((on.month, on.day) < (bd.month, bd.day))
            rk = (bd.year, bd.month, gender)
            rd = retire_cache.get(rk)
            if rd is None:
                rd = retire_cache[rk] = rules.retirement_date(dt.date(bd.year, bd.month, 1), gender)
            info = person_cache[pk_] = (age, 0 if age < 30 else 1 if age < 40 else 2 if age < 50 else 3 if age < 60 else 4,
                                        1 if rd <= h1 else 3 if rd <= h3 else 5 if rd <= h5 else 0)
        age, band, retire = info
        young = bool(c.age_min) and age < c.age_min
        fkey = (key, young, quals)
        failed = fail_cache.get(fkey)
        if failed is None:
            row = dict(zip(QUAL_FIELDS, quals, strict=True))
            failed = fail_cache[fkey] = tuple(_failed(c, row, 0 if young else 200))
        signatures[(code, kind, office, key, failed, gender == "female", minority, band, retire)] += 1
        if commune and code == commune and failed and (not standard or standard in failed) and len(drill_ids) < people_limit:
            drill_ids[pid] = (key, position, quals, b if isinstance(b, dt.date) else dt.date.fromisoformat(str(b)[:10]))
    for (code, kind, office, key, failed, female, minority, band, retire), n in signatures.items():
        c = compiled[key]
        for s in (stats[code], total):
            s["staff"] += n
            s["kinds"][kind] += n
            if kind in ("cadre", "civil_servant"):
                s["offices"][office] += n
            if not failed:
                s["compliant"] += n
            for std in c.standards:
                s["checked"][std] += n
                if std not in failed:
                    s["met"][std] += n
            if female:
                s["women"] += n
            if minority:
                s["minority"] += n
            s["ages"][AGE_BUCKETS[band][0]] += n
            for horizon in (1, 3, 5):
                if retire and retire <= horizon:
                    s["retire"][horizon] += n
    if drill_ids:
        names = dict(Person.objects.filter(pk__in=list(drill_ids)).values_list("id", "full_name"))
        for pid, (key, position, quals, b) in drill_ids.items():
            row = {**dict(zip(QUAL_FIELDS, quals, strict=True)), "birth_date": b}
            gaps = [g for g in rules.check_standards(row, compiled[key].req, on) if not standard or g["standard"] == standard]
            failing.append({"id": pid, "full_name": names.get(pid, ""), "position": rules.position_name(position),
                            "gaps": [{**g, "text": rules.gap_text(g)} for g in gaps]})
    communes = []
    assigned = assigned_quotas(None if len(stats) > 500 else list(stats), on)
    for code, s in sorted(stats.items(), key=lambda kv: units.get(kv[0], {}).get("name", kv[0])):
        unit = units.get(code, {"code": code, "name": code})
        communes.append(_summarise(s, unit=unit, on=on, assigned=assigned))
    failing.sort(key=lambda p: p["full_name"])
    return {"on": on, "communes": communes, "total": _summarise(total, unit=None, on=on), "people": failing,
            "commune": commune, "standard": standard, "standard_labels": rules.STANDARD_LABELS}


def _rate(met: int, checked: int) -> float | None:
    return round(met / checked, 4) if checked else None


def _summarise(s: dict[str, Any], *, unit: dict[str, Any] | None, on: dt.date, assigned: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    staff = s["staff"]
    out = {
        "code": unit["code"] if unit else "", "name": unit["name"] if unit else "Toàn tỉnh", "staff": staff,
        "compliant": s["compliant"], "compliance_rate": _rate(s["compliant"], staff),
        "by_standard": {k: {"checked": s["checked"][k], "met": s["met"][k], "rate": _rate(s["met"][k], s["checked"][k])}
                        for k in rules.STANDARD_KEYS if s["checked"][k]},
        "women": s["women"], "women_share": _rate(s["women"], staff), "minority": s["minority"], "minority_share": _rate(s["minority"], staff),
        "ages": {label: s["ages"][label] for label, _, _ in AGE_BUCKETS},
        "retire": {str(n): s["retire"][n] for n in (1, 3, 5)},
        "kinds": dict(s["kinds"]),
    }
    if unit:
        out["quota"] = quota_for(unit, on=on, offices=s["offices"], kinds=s["kinds"], assigned=(assigned or {}).get(unit["code"], {}) if assigned is not None else None)
    return out


def assigned_quotas(codes: Any, on: dt.date) -> dict[str, dict[str, int]]:
    """Province-assigned quotas in force on ``on``: {commune_code: {office_code: number}} (one query)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    qs = StaffingQuota.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    if codes is not None:
        qs = qs.filter(commune_code__in=list(codes))
    for code, office, number in qs.order_by("valid_from").values_list("commune_code", "office_code", "number").iterator(chunk_size=10000):
        out[code][office] = number
    return out


def quota_for(unit: dict[str, Any], *, on: dt.date, offices: Counter, kinds: Counter, assigned: dict[str, int] | None = None) -> dict[str, Any]:
    """Staff against quota: Decree 33 totals before 1/7/2025, province-assigned office quotas after."""
    rule = rules.quota_rule(on, unit.get("province_code", ""))
    if rule is None:
        return {"rule": None, "lines": []}
    lines: list[dict[str, Any]] = []
    if rule["kind"] == "decree33":
        q = rules.decree33_quota(rule, unit_kind=unit.get("kind", "xa"), classification=unit.get("classification", ""),
                                 population=unit.get("population"), area_km2=unit.get("area_km2"))
        staff = kinds.get("cadre", 0) + kinds.get("civil_servant", 0)
        lines.append({"office": "Cán bộ, công chức", "quota": q["total"], "staff": staff, "diff": staff - q["total"]})
        lines.append({"office": "Không chuyên trách cấp xã (tối đa)", "quota": q["part_time_max"], "staff": kinds.get("commune_part_time", 0),
                      "diff": kinds.get("commune_part_time", 0) - q["part_time_max"]})
    else:
        if assigned is None:
            assigned = assigned_quotas([unit["code"]], on).get(unit["code"], {})
        defaults = rule.get("offices", {})
        for office in sorted(set(defaults) | set(assigned) | {o for o in offices if o}):
            quota = assigned.get(office, defaults.get(office, 0))
            staff = offices.get(office, 0)
            lines.append({"office": rules.offices().get(office, {}).get("name", office), "quota": quota, "staff": staff, "diff": staff - quota,
                          "assigned": office in assigned})
    total_quota = sum(line["quota"] for line in lines if not line["office"].startswith("Không chuyên trách"))
    total_staff = sum(line["staff"] for line in lines if not line["office"].startswith("Không chuyên trách"))
    return {"rule": rule["id"], "source": rule["source"], "lines": lines, "total_quota": total_quota, "total_staff": total_staff,
            "diff": total_staff - total_quota}


# ---------------------------------------------------------------- evaluations
def evaluation_list(*, fetched_by: Any, year: int, commune: str = "", status: str = "") -> QuerySet[Evaluation]:
    qs = Evaluation.objects.select_related("person").filter(year=year)
    if can_use_register(fetched_by):
        qs = scoped(qs, fetched_by)
    else:
        qs = qs.filter(person__user=fetched_by) if fetched_by.is_authenticated else qs.none()
    if commune:
        qs = qs.filter(commune_code=commune)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("person__name_sort_key", "id")


def evaluation_get(*, fetched_by: Any, pk: int) -> Evaluation:
    from django.http import Http404

    if can_use_register(fetched_by):
        return get_scoped_or_404(Evaluation.objects.select_related("person"), fetched_by, pk=pk)  # type: ignore[return-value]
    ev = Evaluation.objects.select_related("person").filter(pk=pk, person__user=fetched_by).first() if fetched_by.is_authenticated else None
    if ev is None:
        raise Http404
    return ev


def agency_levels(*, commune_code: str, year: int) -> dict[str, Any]:
    """Approved and pending levels of an agency, and the quota the rule allows."""
    rule = rules.evaluation_rule(year)
    approved = Counter(Evaluation.objects.filter(commune_code=commune_code, year=year, status="approved").values_list("level", flat=True))
    pending = Counter(Evaluation.objects.filter(commune_code=commune_code, year=year, status="leader_assessed").values_list("level", flat=True))
    allowed = int(rule["quota"]["max_ratio"] * approved.get(rule["quota"]["basis"], 0) + 1e-9)
    return {"approved": dict(approved), "pending": dict(pending), "allowed_excellent": allowed, "rule": rule}
