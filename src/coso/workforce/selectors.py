"""Reads of the workforce app: scoped lists, person detail, and the standards/quota review."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from coso.accounts.roles import Role
from coso.core.dbfunctions import IdsIn
from coso.core.masking import sees_full_citizen_id
from coso.core.scoping import get_scoped_or_404, scope_unit, scoped
from coso.core.search import search_filter
from coso.core.text import tokens
from coso.workforce import errors, rules
from coso.workforce.models import Evaluation, Person, PositionHolding, StaffingQuota, Training, WorkItem
from coso.workforce.policy import Policy, evaluation_rule, position_name

SEARCH_KIND = "workforce.person"
REGISTER_ROLES = frozenset({Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
AGE_BUCKETS = [("<30", 0, 30), ("30–39", 30, 40), ("40–49", 40, 50), ("50–59", 50, 60), ("≥60", 60, 200)]
QUAL_FIELDS = ("general_education", "degree_level", "degree_field", "political_theory", "state_management", "it", "foreign_language")


def can_use_register(user: Any) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in REGISTER_ROLES))


def active_q(on: dt.date) -> Q:
    return (Q(left_on__isnull=True) | Q(left_on__gt=on)) & (Q(transition_end_date__isnull=True) | Q(transition_end_date__gt=on)) & Q(
        Q(started_on__isnull=True) | Q(started_on__lte=on))


def is_citizen_id_search(q: str) -> bool:
    """Whether a register search reads citizen ids: the register indexes each person's name and CCCD, and a word of the
    query with a digit can only match a CCCD (by its first digits, or whole)."""
    return any(ch.isdigit() for word in tokens(q) for ch in word)


def check_search(fetched_by: Any, q: str) -> None:
    """Who sees citizen ids masked (Decree 13/2023: ``User.sees_personal_data``) may not search the register by one: the
    list would confirm whose number it is (a whole number, or digit after digit by its first digits)."""
    if not sees_full_citizen_id(fetched_by) and is_citizen_id_search(q):
        raise errors.SEARCH_BY_CITIZEN_ID()


def person_list(*, fetched_by: Any, q: str = "", commune: str = "", kind: str = "", position: str = "", gender: str = "",
                retiring_within: int | None = None, include_inactive: bool = False, on: dt.date | None = None,
                for_capped_page: bool = False) -> QuerySet[Person]:
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
        check_search(fetched_by, q)
        unit = scope_unit(fetched_by)
        if commune:
            unit["commune_code"] = commune
        qs = search_filter(qs, kind=SEARCH_KIND, query=q, for_capped_page=for_capped_page and not retiring_within, **unit)
    if retiring_within:
        policy = Policy(on)
        horizon = rules.add_months(on, 12 * retiring_within)
        # Narrow in SQL by the youngest retirement age of the roadmap, decide exactly in Python.
        candidates = qs.filter(birth_date__lte=policy.earliest_birth_retiring_by(horizon)).values_list("id", "birth_date", "gender")
        ids = [pk for pk, b, g in candidates if policy.retirement_date(b, g) <= horizon]
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
    from coso.units.selectors import difficult_area_codes

    if on is not None:
        check_review_date(on)
    on = on or timezone.localdate()
    if ((person.started_on is not None and person.started_on > on) or (person.left_on is not None and person.left_on <= on)
            or (person.transition_end_date is not None and person.transition_end_date <= on)):
        # Not in office on that date (not yet started, left or transferred out, past the transition): the commune's
        # review leaves them out (active_q), and so does this one.
        return {"in_office": False, "requirement": None, "rule_set": "", "regime": "", "regime_short": "", "placed": True,
                "sources": [], "checked": [], "gaps": []}
    position = person.position_code
    if on < timezone.localdate():  # a past date is judged with the position held then (as the review does)
        held = (person.positions.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
                .order_by("started_on", "id").values_list("position_code", flat=True).last())
        position = held or position
    req = Policy(on).standard(position, person.kind, person.province_code, person.commune_code,
                              difficult_area=person.commune_code in difficult_area_codes([person.commune_code]))
    gaps = rules.check_standards(person.qualification_dict(), req, on)
    info = req or {}
    return {"in_office": True, "requirement": req, "rule_set": info.get("_rule_set", ""), "regime": info.get("_regime", ""),
            "regime_short": rules.REGIME_SHORT.get(info.get("_regime", ""), ""), "placed": info.get("_placed", True),
            "sources": info.get("_sources", []), "checked": rules.checked_standards(req),
            "gaps": [{**g, "text": rules.gap_text(g)} for g in gaps]}


# ---------------------------------------------------------------- the review
class _Layout:
    """Where each count sits in a row of ``review_sql.Review.counts``."""

    def __init__(self, names: list[str]):
        i = {n: k for k, n in enumerate(names)}
        self.size = len(names)
        self.staff, self.compliant, self.women, self.minority = i["staff"], i["compliant"], i["women"], i["minority"]
        self.stds = [(std, i[f"checked_{std}"], i[f"met_{std}"]) for std in rules.STANDARD_KEYS]
        self.regimes = [(code or "none", code, i[f"{code or 'none'}_staff"], i[f"{code or 'none'}_compliant"], i[f"{code or 'none'}_unplaced"])
                        for code in (*rules.REGIME_LABELS, "")]
        self.ages = [(label, i[f"age_{k}"]) for k, (label, _lo, _hi) in enumerate(AGE_BUCKETS)]
        self.retire = [(str(h), i[f"retire_{h}"]) for h in (1, 3, 5)]
        self.retired = i["retired"]
        self.kinds = [(n[5:], k) for n, k in i.items() if n.startswith("kind_")]
        self.offices = [(n[7:], k) for n, k in i.items() if n.startswith("office_")]


def _drill_down(qs: QuerySet[Person], policy: Policy, *, commune: str, standard: str, unit: dict[str, Any] | None, held: bool,
                limit: int) -> list[dict[str, Any]]:
    """The people of one commune failing a standard (or any), with their exact gaps."""
    on = policy.on
    rows = list(qs.filter(commune_code=commune).values_list("id", "full_name", "kind", "position_code", "province_code", "birth_date",
                                                             *QUAL_FIELDS).order_by("name_sort_key", "id"))
    positions: dict[int, str] = {}
    if held:
        hq = PositionHolding.objects.filter(person_id__in=[r[0] for r in rows], started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        positions = dict(hq.order_by("started_on", "id").values_list("person_id", "position_code"))
    own = commune if commune in policy.own_standard_communes() else ""
    difficult = bool(unit and unit.get("is_difficult_area"))
    out = []
    for pid, name, kind, position, province, birth, *quals in rows:
        position = positions.get(pid, position)
        req = policy.standard(position, kind, province, own, difficult_area=difficult)
        person = {**dict(zip(QUAL_FIELDS, quals, strict=True)), "birth_date": birth}
        gaps = [g for g in rules.check_standards(person, req, on) if not standard or g["standard"] == standard]
        if not gaps:
            continue
        regime = (req or {}).get("_regime", "")
        out.append({"id": pid, "full_name": name, "position": position_name(position, province), "regime": regime,
                    "regime_short": rules.REGIME_SHORT.get(regime, ""), "gaps": [{**g, "text": rules.gap_text(g)} for g in gaps]})
        if len(out) >= limit:
            break
    return out


def check_review_date(on: dt.date) -> None:
    """A review counts retirements up to five years after its date: a date past 2200 (e.g. 31/12/9999, which a date
    field accepts) has no such years. Refused with the app's error, as any date outside the years Coso works with."""
    from coso.core.params import FIRST_DAY, LAST_DAY
    from coso.workforce import errors

    if not FIRST_DAY <= on <= LAST_DAY:
        raise errors.REVIEW_DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"))


def review(*, fetched_by: Any, on: dt.date | None = None, commune: str = "", standard: str = "", people_limit: int = 500,
           queryset: QuerySet[Person] | None = None) -> dict[str, Any]:
    """The standards and quota review of every active person in scope, by commune and for the province.

    The database counts (``review_sql.Review``): every person is joined to the requirement of the
    position held on the date — compiled from one rule-book snapshot once per position, kind,
    province or commune with standards of their own, and difficult area — and the failures of each
    standard, the sexes, age bands and retirements in 1/3/5 years are summed per commune, kind and
    office. Each figure says which standards it comes from (Decree 33/2023 titles or job
    positions). With ``commune`` (and ``standard``) the people failing are listed with their exact
    gaps (drill-down).
    """
    from coso.units.selectors import communes_in_force_facts, communes_in_scope
    from coso.workforce.review_sql import Review

    on = on or timezone.localdate()
    check_review_date(on)
    qs = queryset if queryset is not None else scoped(Person.objects.all(), fetched_by)
    qs = qs.filter(active_q(on))
    units = {u["code"]: u for u in communes_in_scope(fetched_by=fetched_by)} if queryset is None else communes_in_force_facts()
    policy = Policy(on)
    held = on < timezone.localdate() - dt.timedelta(days=1)  # a past date is judged with the position held then
    difficult = [code for code, u in units.items() if u.get("is_difficult_area")]
    names, rows = Review(qs, policy, held_positions=held, difficult=difficult).counts()
    lay = _Layout(names)
    vectors = {code: [int(x or 0) for x in values] for code, *values in rows}  # one row per commune
    total = [sum(col) for col in zip(*vectors.values(), strict=True)] if vectors else [0] * lay.size
    failing = _drill_down(qs, policy, commune=commune, standard=standard, unit=units.get(commune), held=held, limit=people_limit) if commune in vectors else []
    retired = retired_people(qs.filter(commune_code=commune), policy) if commune in vectors else []
    communes = []
    assigned = assigned_quotas(None if len(vectors) > 500 else list(vectors), on)
    for code, vec in sorted(vectors.items(), key=lambda kv: units.get(kv[0], {}).get("name", kv[0])):
        unit = units.get(code, {"code": code, "name": code})
        communes.append(_summarise(lay, vec, unit=unit, on=on, assigned=assigned, policy=policy))
    return {"on": on, "communes": communes, "total": _summarise(lay, total, unit=None, on=on, policy=policy), "people": failing,
            "retired_people": retired, "commune": commune, "standard": standard, "standard_labels": rules.STANDARD_LABELS,
            "regime_labels": rules.REGIME_LABELS}


def commune_staff_todo(*, fetched_by: Any, commune_code: str, on: dt.date | None = None) -> dict[str, Any] | None:
    """What the standards and quota review of a commune asks of its leader today: the staff below the standards of
    their position, those retiring within a year, those past their retirement date still in office, and the places
    short of the quota (when a quota applies). None when ``fetched_by`` may not open the register or the commune has
    nobody active. The figures are the review's own (:func:`review`), so each number opens the list behind it there."""
    if not can_use_register(fetched_by):
        return None
    data = review(fetched_by=fetched_by, on=on, people_limit=0)
    row = next((c for c in data["communes"] if c["code"] == commune_code), None)
    if row is None:
        return None
    quota = row.get("quota") or {}
    return {
        "staff": row["staff"],
        "below_standard": row["staff"] - row["compliant"],
        "retiring_within_year": row["retire"]["1"],
        "retired": row["retired"],
        "quota_short": _places_short(quota) if quota.get("rule") else None,
    }


def _places_short(quota: dict[str, Any]) -> int:
    """Places to fill: the shortfall of each office against its quota, added up. The commune's net difference let an
    office over its quota hide another's shortfall (+1 here and −1 there showed 0). The part-time line is a ceiling,
    not places to fill."""
    return sum(max(0, -line["diff"]) for line in quota["lines"] if line["key"] != QUOTA_PART_TIME)


def retired_people(qs: QuerySet[Person], policy: Policy, *, limit: int = 500) -> list[dict[str, Any]]:
    """The people of ``qs`` (active on the policy's date) whose retirement date is on or before it: still in office
    past retirement age, which needs a decision (retirement, or a recorded extension)."""
    from coso.workforce.review_sql import retire_threshold

    on = policy.on
    latest = max(retire_threshold(policy, "female", on), retire_threshold(policy, "male", on))
    out = []
    for pid, name, birth, gender, position, province in (qs.filter(birth_date__lt=latest)
                                                          .values_list("id", "full_name", "birth_date", "gender", "position_code", "province_code")
                                                          .order_by("name_sort_key", "id")):
        day = policy.retirement_date(birth, gender)
        if day <= on:
            out.append({"id": pid, "full_name": name, "position": position_name(position, province), "retirement_date": day})
            if len(out) >= limit:
                break
    return out


def _rate(met: int, checked: int) -> float | None:
    return round(met / checked, 4) if checked else None


def _summarise(lay: _Layout, v: list[int], *, unit: dict[str, Any] | None, on: dt.date, assigned: dict[str, dict[str, int]] | None = None,
               policy: Policy | None = None) -> dict[str, Any]:
    """The figures of a commune (or of the whole scope, ``unit`` None) from its counts; each compliance figure per set of standards."""
    staff, compliant, women, minority = v[lay.staff], v[lay.compliant], v[lay.women], v[lay.minority]
    kinds = {k: v[j] for k, j in lay.kinds if v[j]}
    out = {
        "code": unit["code"] if unit else "", "name": unit["name"] if unit else "Toàn tỉnh", "staff": staff,
        "compliant": compliant, "compliance_rate": _rate(compliant, staff),
        "by_standard": {std: {"checked": v[c], "met": v[m], "rate": _rate(v[m], v[c])} for std, c, m in lay.stds if v[c]},
        "women": women, "women_share": _rate(women, staff), "minority": minority, "minority_share": _rate(minority, staff),
        "ages": {label: v[j] for label, j in lay.ages},
        "retire": {h: v[j] for h, j in lay.retire},
        "retired": v[lay.retired],  # past the retirement date and still in office: needs a decision
        "kinds": kinds,
        "regimes": {name: {"staff": v[a], "compliant": v[b], "unplaced": v[u], "label": rules.REGIME_LABELS.get(code, "Chưa có tiêu chuẩn áp dụng"),
                           "short": rules.REGIME_SHORT.get(code, "—"), "rate": _rate(v[b], v[a])}
                    for name, code, a, b, u in lay.regimes if v[a]},
    }
    if unit:
        out["quota"] = quota_for(unit, on=on, offices={o: v[j] for o, j in lay.offices if v[j]}, kinds=kinds, policy=policy,
                                 assigned=(assigned or {}).get(unit["code"], {}) if assigned is not None else None)
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


# The keys of the quota lines that are not an office's (whose key is the office code): the Decree 33/2023 quota of the whole
# unit's cadres and civil servants, and its ceiling of part-time workers (a ceiling, not places to fill).
QUOTA_WHOLE_UNIT = "cadres_civil_servants"
QUOTA_PART_TIME = "part_time"


def quota_for(unit: dict[str, Any], *, on: dt.date, offices: Mapping[str, int], kinds: Mapping[str, int], assigned: dict[str, int] | None = None,
              policy: Policy | None = None) -> dict[str, Any]:
    """Staff against quota: Decree 33 totals before 1/7/2025, province-assigned office quotas after. Each line has a ``key``
    (the office code, or :data:`QUOTA_WHOLE_UNIT` / :data:`QUOTA_PART_TIME`) and ``office``, its label in the active language."""
    rule = (policy if policy is not None and policy.on == on else Policy(on)).quota(unit.get("province_code", ""))
    if rule is None:
        return {"rule": None, "lines": []}
    lines: list[dict[str, Any]] = []
    if rule["kind"] == "decree33":
        q = rules.decree33_quota(rule["rule"], rule["standards"], unit_kind=unit.get("kind", "xa"), classification=unit.get("classification", ""),
                                 population=unit.get("population"), area_km2=unit.get("area_km2"))
        staff = kinds.get("cadre", 0) + kinds.get("civil_servant", 0)
        lines.append({"key": QUOTA_WHOLE_UNIT, "office": gettext("Cán bộ, công chức"), "quota": q["total"], "staff": staff,
                      "diff": staff - q["total"]})
        lines.append({"key": QUOTA_PART_TIME, "office": gettext("Không chuyên trách cấp xã (tối đa)"), "quota": q["part_time_max"],
                      "staff": kinds.get("commune_part_time", 0),
                      "diff": kinds.get("commune_part_time", 0) - q["part_time_max"]})
    else:
        if assigned is None:
            assigned = assigned_quotas([unit["code"]], on).get(unit["code"], {})
        defaults = rule.get("offices", {})
        for office in sorted(set(defaults) | set(assigned) | {o for o in offices if o}):
            quota = assigned.get(office, defaults.get(office, 0))
            staff = offices.get(office, 0)
            lines.append({"key": office, "office": rules.office_name(office), "quota": quota, "staff": staff, "diff": staff - quota,
                          "assigned": office in assigned})
    total_quota = sum(line["quota"] for line in lines if line["key"] != QUOTA_PART_TIME)
    total_staff = sum(line["staff"] for line in lines if line["key"] != QUOTA_PART_TIME)
    return {"rule": rule["id"], "label": rule["label"], "source": rule["source"], "lines": lines, "total_quota": total_quota,
            "total_staff": total_staff, "diff": total_staff - total_quota}


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


def evaluation_work_items(evaluation: Evaluation) -> Any:
    """The work log of the evaluation's year (Decree 335/2025): the items it scores, in the order the page shows them.
    The caller fetched the evaluation in scope (``evaluation_get``)."""
    return WorkItem.objects.filter(person_id=evaluation.person_id, year=evaluation.year).order_by("year", "month", "quarter", "id")


def quota_groups(*, commune_code: str, year: int, province_code: str, exclude_ids: Iterable[int] = (),
                 index: Any = None) -> dict[str, dict[str, Any]]:
    """The agency's evaluations of the year by excellence-quota group: the rule set of each person's kind (civil
    servants under Decree 335/2025/NĐ-CP, elected cadres under Decree 90/2020/NĐ-CP and 48/2023/NĐ-CP are counted
    apart). Each group: its ``rule`` and the ``approved`` and ``pending`` levels. The approval's quota check and the
    evaluation pages read this one function."""
    out: dict[str, dict[str, Any]] = {}
    rule_of_kind: dict[str, dict[str, Any]] = {}
    for lv, status, kind in (Evaluation.objects.filter(commune_code=commune_code, year=year).exclude(pk__in=list(exclude_ids))
                             .values_list("level", "status", "person__kind")):
        if kind not in rule_of_kind:
            rule_of_kind[kind] = evaluation_rule(year, kind, province_code, commune_code, index=index)
        rule = rule_of_kind[kind]
        group = out.setdefault(rule["id"], {"rule": rule, "approved": [], "pending": []})
        if status == Evaluation.Status.APPROVED:
            group["approved"].append(lv)
        elif status == Evaluation.Status.LEADER_ASSESSED:
            group["pending"].append(lv)
    return out


def agency_levels(*, commune_code: str, year: int, kind: str | None = None) -> dict[str, Any]:
    """Approved and pending levels of an agency, and per quota group the "excellent" count the approved ones allow
    (``groups``; with ``kind``, only the group of that kind of staff)."""
    from coso.units.selectors import commune_in_force

    unit = commune_in_force(commune_code)
    province_code = unit["province_code"] if unit is not None else ""
    rule = evaluation_rule(year, province_code=province_code, commune_code=commune_code)
    groups = quota_groups(commune_code=commune_code, year=year, province_code=province_code)
    if kind is not None:
        own = evaluation_rule(year, kind, province_code, commune_code)
        groups = {own["id"]: groups.get(own["id"], {"rule": own, "approved": [], "pending": []})}
    approved = Counter(lv for g in groups.values() for lv in g["approved"])
    pending = Counter(lv for g in groups.values() for lv in g["pending"])
    shown = [{"id": gid, "rule": g["rule"], "approved": dict(Counter(g["approved"])), "allowed_excellent": rules.quota_allowed(g["approved"], g["rule"])}
             for gid, g in sorted(groups.items())]
    return {"approved": dict(approved), "pending": dict(pending), "groups": shown, "rule": rule}


def rule_change_impact(key: str, province_code: str, commune_code: str, valid_from: dt.date) -> list[str]:
    """What a change of a workforce rule from ``valid_from`` meets (shown to the editor; nothing already decided changes)."""
    from django.utils.translation import gettext as _

    out: list[str] = []
    if key.startswith("workforce.evaluation."):
        year = valid_from.year if (valid_from.month, valid_from.day) == (1, 1) else valid_from.year + 1
        if year != valid_from.year:
            out.append(_("Quy định đánh giá áp dụng theo năm (giá trị có hiệu lực ngày 1/1): giá trị mới áp dụng từ năm %(year)s.") % {"year": year})
        qs = Evaluation.objects.filter(year__gte=year, status=Evaluation.Status.APPROVED)
        if province_code:
            qs = qs.filter(province_code=province_code)
        if commune_code:
            qs = qs.filter(commune_code=commune_code)
        n = qs.count()
        if n:
            out.append(_("%(n)s phiếu đánh giá từ năm %(year)s đã được phê duyệt; xếp loại đã phê duyệt được giữ nguyên.") % {"n": n, "year": year})
    else:
        out.append(_("Rà soát các ngày trước %(day)s vẫn theo giá trị cũ; từ ngày này theo giá trị mới.") % {"day": valid_from.strftime("%d/%m/%Y")})
    return out


# ---------------------------------------------------------------- facts for other apps (planning, training)
def person_choices(*, fetched_by: Any, commune: str = "", on: dt.date | None = None, limit: int = 2000) -> list[dict[str, Any]]:
    """People in office in the user's scope as plain values (id, name, position, unit) for pickers of other apps."""
    qs = person_list(fetched_by=fetched_by, commune=commune, on=on).exclude(kind=Person.Kind.VILLAGE_PART_TIME)
    rows: list[dict[str, Any]] = [dict(r) for r in qs.values("id", "full_name", "position_code", "province_code", "commune_code")[:limit]]
    for r in rows:
        r["position_name"] = position_name(r["position_code"], r["province_code"])
    return rows


def person_unit(*, fetched_by: Any, pk: int) -> dict[str, Any]:
    """The unit of a person the user may see (404 otherwise): {id, full_name, kind, province_code, commune_code}."""
    p = person_get(fetched_by=fetched_by, pk=pk)
    if not can_use_register(fetched_by):
        from django.http import Http404

        raise Http404
    return {"id": p.pk, "full_name": p.full_name, "kind": p.kind, "province_code": p.province_code, "commune_code": p.commune_code}


def _gap_out(gap: dict[str, str]) -> dict[str, str]:
    """A gap with its text and the code of the level required (training matches courses on the code)."""
    codes = {label: code for code, label in rules.LEVEL_LABELS.get(gap["standard"], {}).items()}
    return {**gap, "text": rules.gap_text(gap), "required_code": codes.get(gap["required"], "")}


def planning_profiles(ids: Any, *, on: dt.date, targets: Mapping[int, str] | None = None, policy: Policy | None = None,
                      target_sets: Mapping[int, Iterable[str]] | None = None, current_gaps: bool = True) -> dict[int, dict[str, Any]]:
    """What planning and training need to know of people, as plain values (no model object leaves this app).

    Per person: name, sex, ethnic minority, kind, position held and whether it is a leader post, unit,
    birth and retirement dates (Decree 135/2020 roadmap in force on ``on``), the disciplines decided by
    ``on``, the mandatory programmes completed by ``on`` (codes), approved evaluation levels by year, and the standards gaps against the position held
    (``gaps_current``) and, when ``targets`` names a position for the person, against that position
    (``gaps_target``). ``target_sets`` names several positions per person (a candidate planned for up to three):
    their gaps come as ``gaps_by_target`` {position: gaps}. ``current_gaps=False`` skips the gaps against the position
    held (the yearly review does not need them). Four queries whatever the number of people (six for a past day, whose
    position held comes from the position history; the qualifications are always the register's current ones).
    """
    from coso.units.selectors import difficult_area_codes
    from coso.workforce.models import Discipline

    ids = list(ids)
    policy = policy or Policy(on)
    targets = targets or {}
    target_sets = target_sets or {}
    fields = ("id", "full_name", "birth_date", "gender", "is_ethnic_minority", "kind", "position_code", "province_code", "commune_code",
              "started_on", "left_on", "transition_end_date", *QUAL_FIELDS)
    out: dict[int, dict[str, Any]] = {}
    for row in Person.objects.filter(IdsIn("id", ids)).order_by().values(*fields):
        out[row["id"]] = {**row, "disciplines": [], "evaluations": {}, "programmes": []}
    if not out:
        return out
    if on < timezone.localdate():
        # A past day (an index period's last day, a term's start): the post held that day from the position history, not
        # today's. The qualifications are today's: the register keeps no dated history of them (see the README).
        for pid, held in held_positions(list(out), on=on).items():
            out[pid]["position_code"] = held["position_code"]
    communes = {p["commune_code"] for p in out.values()}
    difficult = difficult_area_codes(communes)
    for pid, form, decided, until in Discipline.objects.filter(IdsIn("person_id", ids), decided_on__lte=on).order_by().values_list(
            "person_id", "form", "decided_on", "valid_until"):
        out[pid]["disciplines"].append({"form": form, "form_label": rules.DISCIPLINE_FORMS.get(form, form), "decided_on": decided,
                                        "valid_until": until})
    for pid, code in Training.objects.filter(IdsIn("person_id", ids), ended_on__lte=on).exclude(programme="").order_by().values_list("person_id", "programme"):
        out[pid]["programmes"].append(code)
    for pid, year, level in Evaluation.objects.filter(IdsIn("person_id", ids), status=Evaluation.Status.APPROVED).order_by("year").values_list(
            "person_id", "year", "level"):
        out[pid]["evaluations"][year] = level
    catalogue = rules.positions()
    own_communes = policy.own_standard_communes()
    memo: dict[tuple[Any, ...], list[dict[str, str]]] = {}
    asked: dict[int, tuple[str, ...]] = {}

    def gaps(quals: dict[str, Any], req: dict[str, Any] | None) -> list[dict[str, str]]:
        """Gaps depend only on the requirement, the qualifications it asks for and, when an age is required, the age:
        people who share them share the (read-only) gap entries."""
        if not req:
            return []
        fields = asked.get(id(req))
        if fields is None:
            fields = asked[id(req)] = tuple(k for k in QUAL_FIELDS if req.get(k) or (k == "degree_field" and req.get("degree_fields")))
            if "degree_field" in fields and "degree_level" not in fields:
                fields += ("degree_level",)
        age = rules.age_on(quals["birth_date"], on) if req.get("age_min") and quals.get("birth_date") else None
        key = (id(req), age, *(quals[k] for k in fields))
        found = memo.get(key)
        if found is None:
            found = memo[key] = [_gap_out(g) for g in rules.check_standards(quals, req, on)]
        return list(found)

    for pid, p in out.items():
        p["retirement_date"] = policy.retirement_date(p["birth_date"], p["gender"])
        p["position_name"] = position_name(p["position_code"], p["province_code"])
        p["leader"] = bool(catalogue.get(p["position_code"], {}).get("leader"))
        quals = {k: p[k] for k in ("birth_date", *QUAL_FIELDS)}
        hard = p["commune_code"] in difficult
        own = p["commune_code"] if p["commune_code"] in own_communes else ""
        if current_gaps:
            req = policy.standard(p["position_code"], p["kind"], p["province_code"], own, difficult_area=hard)
            p["gaps_current"] = gaps(quals, req)
        target = targets.get(pid)
        if target:
            kind = catalogue.get(target, {}).get("kind", "civil_servant")
            treq = policy.standard(target, kind, p["province_code"], own, difficult_area=hard)
            p["gaps_target"] = gaps(quals, treq)
            p["target_has_standard"] = treq is not None
        if pid in target_sets:
            p["gaps_by_target"] = {}
            for t in target_sets[pid]:
                treq = policy.standard(t, catalogue.get(t, {}).get("kind", "civil_servant"), p["province_code"], own, difficult_area=hard)
                p["gaps_by_target"][t] = gaps(quals, treq)
    return out


def active_people_ids(*, province_code: str, commune_code: str = "", on: dt.date) -> list[int]:
    """Cadres and civil servants in office on ``on`` in a province (or one commune): the incumbents whose gaps training closes."""
    qs = Person.objects.filter(active_q(on), province_code=province_code, kind__in=[Person.Kind.CADRE, Person.Kind.CIVIL_SERVANT])
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    return list(qs.order_by("id").values_list("id", flat=True))


# ---------------------------------------------------------------- facts for assignment (coso.assignments)
def held_positions(ids: Any, *, on: dt.date) -> dict[int, dict[str, Any]]:
    """The position each person holds on ``on`` from the position history, with the day they took it:
    {id: {position_code, office_code, commune_code, started_on, decision}} (the register's current position
    and start date when the history has no row covering the day)."""
    ids = list(ids)
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        for pid, pos, office, commune, started in Person.objects.filter(pk__in=chunk).values_list(
                "id", "position_code", "office_code", "commune_code", "started_on"):
            out[pid] = {"position_code": pos, "office_code": office, "commune_code": commune, "started_on": started, "decision": ""}
        rows = (PositionHolding.objects.filter(person_id__in=chunk, started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
                .order_by("started_on", "id").values_list("person_id", "position_code", "office_code", "commune_code", "started_on", "decision"))
        for pid, pos, office, commune, started, decision in rows:  # the latest row covering the day wins
            out[pid] = {"position_code": pos, "office_code": office, "commune_code": commune, "started_on": started, "decision": decision}
    return out


def position_history(ids: Any) -> dict[int, list[dict[str, Any]]]:
    """Every position held by each person, oldest first: {id: [{position_code, commune_code, started_on, ended_on, decision}]}."""
    ids = list(ids)
    out: dict[int, list[dict[str, Any]]] = {pid: [] for pid in ids}
    for i in range(0, len(ids), 5000):
        for pid, pos, commune, started, ended, decision in (PositionHolding.objects.filter(person_id__in=ids[i:i + 5000]).order_by("started_on", "id")
                                                            .values_list("person_id", "position_code", "commune_code", "started_on", "ended_on", "decision")):
            out[pid].append({"position_code": pos, "commune_code": commune, "started_on": started, "ended_on": ended, "decision": decision})
    return out


def incumbents(*, province_code: str, commune_codes: Any = None, on: dt.date) -> list[dict[str, Any]]:
    """Cadres and civil servants in office on ``on`` in a province (or some communes) with the position held that day:
    [{id, full_name, commune_code, position_code, office_code, started_on}] (vacancies = quotas minus these)."""
    qs = Person.objects.filter(active_q(on), province_code=province_code, kind__in=[Person.Kind.CADRE, Person.Kind.CIVIL_SERVANT])
    if commune_codes is not None:
        qs = qs.filter(commune_code__in=list(commune_codes))
    names = dict(qs.values_list("id", "full_name"))
    held = held_positions(names, on=on)
    return [{"id": pid, "full_name": names[pid], **held[pid]} for pid in sorted(names)]


def standard_gaps(pairs: Any, *, on: dt.date, policy: Policy | None = None) -> dict[tuple[int, str], list[dict[str, str]]]:
    """The standards gaps of each (person id, position code) pair against that position's standards in force on ``on``
    (the review's own requirement: kind, province, commune standards, difficult area). A position with no standard
    in force gives no gap. Two queries whatever the number of pairs."""
    from coso.units.selectors import difficult_area_codes

    pairs = list(pairs)
    policy = policy or Policy(on)
    ids = sorted({pid for pid, _pos in pairs})
    people: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), 5000):
        for row in Person.objects.filter(pk__in=ids[i:i + 5000]).values("id", "province_code", "commune_code", "birth_date", *QUAL_FIELDS):
            people[row["id"]] = row
    difficult = difficult_area_codes({p["commune_code"] for p in people.values()})
    catalogue = rules.positions()
    own = policy.own_standard_communes()
    out: dict[tuple[int, str], list[dict[str, str]]] = {}
    for pid, pos in pairs:
        p = people.get(pid)
        if p is None:
            continue
        kind = catalogue.get(pos, {}).get("kind", "civil_servant")
        req = policy.standard(pos, kind, p["province_code"], p["commune_code"] if p["commune_code"] in own else "",
                              difficult_area=p["commune_code"] in difficult)
        quals = {k: p[k] for k in ("birth_date", *QUAL_FIELDS)}
        out[(pid, pos)] = [_gap_out(g) for g in rules.check_standards(quals, req, on)]
    return out


def office_quotas(codes: Any, *, on: dt.date, province_code: str) -> dict[str, dict[str, int]] | None:
    """The staff quota of each office of each commune on ``on``: the province-assigned number, else the province's
    default (rule book). None before 1/7/2025, when the quota was a Decree 33/2023 total, not per office."""
    rule = Policy(on).quota(province_code)
    if rule is None or rule["kind"] != "assigned":
        return None
    assigned = assigned_quotas(list(codes), on)
    defaults = dict(rule.get("offices", {}))
    return {code: {**defaults, **assigned.get(code, {})} for code in codes}


def position_catalogue(province_code: str = "", commune_code: str = "", on: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """The positions of a unit (catalogue and the unit's own job positions): {code: {name, kind, office, leader, regime}}."""
    from coso.workforce.policy import positions_for

    return positions_for(province_code, commune_code, on)


def office_catalogue() -> dict[str, dict[str, Any]]:
    """The commune offices (cơ quan, bộ phận): {code: {name, regime, source}}."""
    return rules.offices()


def postgrad_profile(*, fetched_by: Any, pk: int, on: dt.date) -> dict[str, Any]:
    """What a postgraduate-training request needs of a person the user may see (404 otherwise): the planning profile
    (service start, birth date, approved evaluation levels by year, position) and the degree fields the position
    held on ``on`` requires (empty when its standard names none)."""
    unit = person_unit(fetched_by=fetched_by, pk=pk)
    policy = Policy(on)
    p = planning_profiles([unit["id"]], on=on, policy=policy)[unit["id"]]
    req = policy.standard(p["position_code"], p["kind"], p["province_code"], "") or {}
    return {**p, "degree_fields": list(req.get("degree_fields") or []),
            "degree_field_names": [rules.DEGREE_FIELDS.get(f, f) for f in req.get("degree_fields") or []]}


def register_commune(*, fetched_by: Any, commune_code: str) -> dict[str, Any]:
    """A commune in force whose register the user may read (404 otherwise, as one that does not exist):
    {code, name, kind, classification, population, area_km2, province_code}."""
    from coso.units.selectors import communes_in_scope

    found = communes_in_scope(fetched_by=fetched_by, code=commune_code)
    unit = found[0] if found else None
    if unit is None or not can_use_register(fetched_by):
        from django.http import Http404

        raise Http404
    return {k: unit[k] for k in ("code", "name", "kind", "classification", "population", "area_km2", "province_code")}


def surplus_people(*, fetched_by: Any, commune_code: str, on: dt.date) -> dict[str, Any]:
    """The offices of a commune with more cadres and civil servants in post than their quota on ``on``, and the people
    in them (closest to retirement first): the people a reorganisation may ask to retire early or leave."""
    unit = register_commune(fetched_by=fetched_by, commune_code=commune_code)
    qs = Person.objects.filter(active_q(on), commune_code=commune_code, kind__in=[Person.Kind.CADRE, Person.Kind.CIVIL_SERVANT])
    people: list[dict[str, Any]] = [dict(r) for r in qs.values("id", "full_name", "birth_date", "gender", "kind", "position_code", "office_code",
                                                                "province_code", "started_on")]
    offices: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for p in people:
        offices[p["office_code"]] = offices.get(p["office_code"], 0) + 1
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    policy = Policy(on)
    quota = quota_for(dict(unit), on=on, offices=offices, kinds=kinds, policy=policy)
    office_names = {code: rules.office_name(code) for code in offices}
    over = {line["key"]: line for line in quota["lines"] if line["diff"] > 0}
    whole_unit = QUOTA_WHOLE_UNIT in over  # Decree 33 regime: one quota for the whole unit
    rows = []
    for p in people:
        name = office_names.get(p["office_code"], p["office_code"])
        if whole_unit or p["office_code"] in over:
            p["office_name"] = name
            p["position_name"] = position_name(p["position_code"], p["province_code"])
            p["retirement_date"] = policy.retirement_date(p["birth_date"], p["gender"])
            rows.append(p)
    rows.sort(key=lambda r: (r["retirement_date"], r["full_name"]))
    return {"unit": unit, "quota": quota, "over": list(over.values()), "people": rows}
