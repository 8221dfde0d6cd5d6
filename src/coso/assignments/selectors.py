"""Reads of the assignments app, scoped to the user's unit: vacancies and surplus per commune, ranked candidates for a
post with every rule shown, several vacancies matched at once, the periodic rotation due, decisions.

People, positions, standards, quotas and retirement dates come from ``coso.workforce.selectors``; planning entries
from ``coso.planning.selectors`` (no model of those apps is read here).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.http import Http404
from django.utils import timezone

import numpy as np

from coso.accounts.roles import Role
from coso.assignments import checks, errors, matching
from coso.assignments.models import Decision, Origin, RotationExemption
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.core.scoping import can_see_unit, get_scoped_or_404, scoped
from coso.planning import catalogue as planning_catalogue
from coso.planning import selectors as planning
from coso.units.lineage import locality_windows
from coso.workforce import selectors as wf

VIEW_ROLES = frozenset({Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})
EDIT_ROLES = VIEW_ROLES
MAX_MATCH_POSTS = 300
MAX_MATCH_PEOPLE = 5000


def can_view(user: Any) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role in VIEW_ROLES))


def _require(user: Any) -> None:
    if not can_view(user):
        raise Http404


def communes(user: Any, commune: str = "") -> list[dict[str, Any]]:
    from coso.units.models import AdministrativeUnit

    qs = scoped(AdministrativeUnit.objects.filter(level="commune"), user, commune_field="code")
    if commune:
        qs = qs.filter(code=commune)
    return [dict(u) for u in qs.order_by("name").values("code", "name", "province_code")]


def unit_in_scope(*, fetched_by: Any, commune_code: str) -> None:
    """404 unless the user may work on the commune (checked before any other input is)."""
    _require(fetched_by)
    unit_of(fetched_by, commune_code)


def unit_of(user: Any, code: str) -> dict[str, Any]:
    rows = communes(user, code) if code else []
    if not rows:
        raise errors.UNIT_NOT_FOUND(details={"commune_code": code})
    return rows[0]


def _pending(codes: list[str]) -> dict[tuple[str, str], list[Decision]]:
    """Decisions recorded but not yet applied to the register (they hold their post on any day): those not yet in force,
    and those in force that the daily job has not applied yet (a later day asked for, or before the job's run), whose
    person the register does not show on the post either."""
    out: dict[tuple[str, str], list[Decision]] = defaultdict(list)
    for d in Decision.objects.filter(commune_code__in=codes, status=Decision.Status.PENDING).order_by("effective_on"):
        out[(d.commune_code, d.position_code)].append(d)
    return out


# ---------------------------------------------------------------- vacancies
def check_on(on: dt.date | None) -> None:
    """Refuse, on its field, a day outside the project's span of dates (``coso.core.params``): a year typed short or long
    gives figures of no meaning."""
    if on is not None and not FIRST_DAY <= on <= LAST_DAY:
        raise errors.DAY_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"))


def vacancies(*, fetched_by: Any, on: dt.date | None = None, commune: str = "") -> dict[str, Any]:
    """Per commune: each office's quota (province-assigned or the province default) against the staff in post on ``on``,
    the surplus since the 2025 merger, and the vacant posts — leader posts (slots of the rule book minus holders) and
    the rest of the office quota as civil-servant posts — less the decisions already recorded for them."""
    _require(fetched_by)
    check_on(on)
    on = on or timezone.localdate()
    units = communes(fetched_by, commune)
    out: dict[str, Any] = {"on": on, "communes": [], "regime": "assigned", "total": Counter()}
    by_province: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u in units:
        by_province[u["province_code"]].append(u)
    for province_code, group in by_province.items():
        codes = [u["code"] for u in group]
        quotas = wf.office_quotas(codes, on=on, province_code=province_code)
        if quotas is None:
            out["regime"] = "decree33"
            continue
        r = checks.AssignRules(on, province_code)
        catalogue = wf.position_catalogue(province_code, "", on)
        staff = wf.incumbents(province_code=province_code, commune_codes=codes, on=on)
        pending = _pending(codes)
        per_commune: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in staff:
            per_commune[p["commune_code"]].append(p)
        for u in group:
            out["communes"].append(_commune_vacancies(u, quotas.get(u["code"], {}), per_commune[u["code"]], catalogue, r, pending))
    for c in out["communes"]:
        for k in ("quota", "staff", "open", "surplus"):
            out["total"][k] += c[k]
    out["total"] = dict(out["total"])
    return out


def _commune_vacancies(unit: dict[str, Any], quota: dict[str, int], staff: list[dict[str, Any]], catalogue: dict[str, dict[str, Any]],
                       r: checks.AssignRules, pending: dict[tuple[str, str], list[Decision]]) -> dict[str, Any]:
    code = unit["code"]
    holders = Counter(p["position_code"] for p in staff)
    in_office = Counter(p["office_code"] for p in staff)
    offices = wf.office_catalogue()
    lines, posts = [], []
    for office, number in sorted(quota.items()):
        leaders = [(pos, info) for pos, info in catalogue.items() if info.get("office") == office and pos in r.slots]
        open_total = max(0, number - in_office[office])
        leader_open = 0
        for pos, info in leaders:
            vacant = max(0, r.slots[pos] - holders[pos])
            decided = pending.get((code, pos), [])
            free = max(0, vacant - len(decided))
            leader_open += vacant
            if vacant:
                posts.append({"key": f"{code}:{pos}", "commune_code": code, "commune_name": unit["name"], "office_code": office, "position_code": pos,
                              "position_name": info.get("name", pos), "count": free, "vacant": vacant, "leader": True,
                              "pending": [{"id": d.pk, "number": d.number, "effective_on": d.effective_on} for d in decided]})
        rest = max(0, open_total - leader_open)
        staff_pos = next((pos for pos, info in catalogue.items() if info.get("office") == office and pos not in r.slots
                          and info.get("kind") in ("civil_servant", "cadre")), None)
        if rest and staff_pos:
            decided = pending.get((code, staff_pos), [])
            posts.append({"key": f"{code}:{staff_pos}", "commune_code": code, "commune_name": unit["name"], "office_code": office,
                          "position_code": staff_pos, "position_name": catalogue[staff_pos].get("name", staff_pos), "count": max(0, rest - len(decided)),
                          "vacant": rest, "leader": False,
                          "pending": [{"id": d.pk, "number": d.number, "effective_on": d.effective_on} for d in decided]})
        lines.append({"office_code": office, "office_name": offices.get(office, {}).get("name", office), "quota": number, "staff": in_office[office],
                      "open": open_total, "surplus": max(0, in_office[office] - number)})
    outside = sum(n for o, n in in_office.items() if o not in quota)
    return {"code": code, "name": unit["name"], "lines": lines, "posts": posts, "quota": sum(quota.values()), "staff": len(staff),
            "open": sum(line["open"] for line in lines), "surplus": sum(line["surplus"] for line in lines) + outside, "outside_quota": outside}


def vacancy_get(*, fetched_by: Any, key: str, on: dt.date | None = None) -> dict[str, Any]:
    code, _sep, position = (key or "").partition(":")
    if not code or not position:
        raise Http404
    data = vacancies(fetched_by=fetched_by, on=on, commune=code)
    for c in data["communes"]:
        for post in c["posts"]:
            if post["position_code"] == position:
                return post
    raise Http404


# ---------------------------------------------------------------- candidates and their checks
class Facts:
    """Everything the rules need about a pool of people on one date, read once (a fixed number of queries)."""

    def __init__(self, ids: list[int], *, on: dt.date):
        self.on = on
        self.ids = ids
        self.profiles = wf.planning_profiles(ids, on=on)
        self.held = wf.held_positions(ids, on=on)
        self.history = wf.position_history(ids)
        self.planned = planning.planned_posts(ids, on=on)
        self.exemptions: dict[int, list[dict[str, Any]]] = defaultdict(list)
        labels = dict(RotationExemption.Reason.choices)
        for pid, reason, start, end in RotationExemption.objects.filter(person_id__in=ids).values_list("person_id", "reason", "valid_from", "valid_to"):
            self.exemptions[pid].append({"reason": reason, "reason_label": str(labels.get(reason, reason)), "valid_from": start, "valid_to": end})
        self.origins: dict[int, dict[str, Any]] = {
            pid: {"birth_commune_code": birth, "other_years": years}
            for pid, birth, years in Origin.objects.filter(person_id__in=ids).values_list("person_id", "birth_commune_code", "other_years")}
        self._gaps: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self.cache: dict[tuple[Any, ...], Any] = {}

    def locality(self, code: str) -> list[tuple[str, dt.date | None, dt.date | None]]:
        key = ("locality", code)
        if key not in self.cache:
            self.cache[key] = locality_windows(code)
        return self.cache[key]  # type: ignore[no-any-return]

    def gaps(self, pairs: list[tuple[int, str]]) -> None:
        missing = [p for p in pairs if p not in self._gaps]
        if missing:
            self._gaps.update(wf.standard_gaps(missing, on=self.on))


def assess(facts: Facts, pid: int, *, commune_code: str, position_code: str, position_name: str, r: checks.AssignRules,
           names: dict[str, str]) -> dict[str, Any]:
    """Every rule for one person and one post, and the fit score. The checks that depend on the person alone (and the
    local status, on the person and the commune) are computed once per pool and reused for every post."""
    on = facts.on
    p = facts.profiles[pid]
    held = facts.held.get(pid, {})
    ranks = planning_catalogue.RANKS
    own = facts.cache.get((pid, r.key))
    if own is None:
        since = checks.equivalent_since(facts.history.get(pid, []), on=on, ranks=ranks, fallback=held.get("started_on"))
        entries = [{**e, "position_name": names.get(e["position_code"], e["position_code"])} for e in facts.planned.get(pid, [])]
        own = facts.cache[(pid, r.key)] = {
            "since": since, "entries": entries,
            "retirement": checks.check_retirement(retirement_date=p["retirement_date"], on=on, r=r),
            "exemption": checks.check_exemption(facts.exemptions.get(pid, []), on=on),
            "time_in_post": checks.check_time_in_post(started_on=since, on=on, held_name=names.get(held.get("position_code", ""), ""), r=r)}
    since, entries = own["since"], own["entries"]
    local = facts.cache.get((pid, commune_code, r.key))
    if local is None:
        origin = facts.origins.get(pid) or {}
        local = facts.cache[(pid, commune_code, r.key)] = checks.local_status(
            family={commune_code}, windows=facts.locality(commune_code), birth_commune=origin.get("birth_commune_code") or None, other_years=origin.get("other_years") or {},
            history=facts.history.get(pid, []), on=on, r=r)
    result = [
        checks.check_planning(target=position_code, target_commune=commune_code, entries=entries, ranks=ranks, target_name=position_name),
        checks.check_standards(facts._gaps.get((pid, position_code), []), target_name=position_name),
        checks.check_nonlocal(target=position_code, target_name=position_name, local=local[0], reason=local[1], r=r),
        own["retirement"], own["exemption"], own["time_in_post"],
    ]
    exact = any(e["position_code"] == position_code and e["commune_code"] == commune_code for e in entries)
    equivalent = position_code in ranks and any(e["rank"] >= ranks[position_code] for e in entries)
    fit = checks.fit_score(result, planned_exact=exact, planned_equivalent=equivalent, retirement_date=p["retirement_date"],
                           started_on=since, same_commune=held.get("commune_code") == commune_code, on=on, r=r)
    return {"id": pid, "full_name": p["full_name"], "commune_code": held.get("commune_code", p["commune_code"]),
            "position_code": held.get("position_code", ""), "position_name": names.get(held.get("position_code", ""), ""),
            "checks": result, "eligible": checks.eligible(result), "fails": sum(1 for c in result if c["status"] == checks.FAIL), "fit": fit}


def pool_ids(fetched_by: Any, *, province_code: str, on: dt.date) -> list[int]:
    """Who may be considered: the cadres and civil servants in office the user may see (a commune leader: the commune's own)."""
    commune_codes = [fetched_by.commune_code] if getattr(fetched_by, "is_commune_staff", False) else None
    return [p["id"] for p in wf.incumbents(province_code=province_code, commune_codes=commune_codes, on=on)]


def _holders(ids_positions: dict[int, dict[str, Any]], commune_code: str, position_code: str) -> set[int]:
    return {pid for pid, h in ids_positions.items() if h.get("commune_code") == commune_code and h.get("position_code") == position_code}


def candidates(*, fetched_by: Any, commune_code: str, position_code: str, on: dt.date | None = None, limit: int = 50,
               facts: Facts | None = None) -> dict[str, Any]:
    """The people ranked for one post: eligible first by fit, then the others by the number of rules failed; every rule shown."""
    _require(fetched_by)
    unit = unit_of(fetched_by, commune_code)
    check_on(on)
    on = on or timezone.localdate()
    catalogue = wf.position_catalogue(unit["province_code"], unit["code"], on)
    if position_code not in catalogue:
        raise errors.POSITION_UNKNOWN()
    names = {code: str(info.get("name", code)) for code, info in catalogue.items()}
    r = checks.AssignRules(on, unit["province_code"], unit["code"])
    facts = facts or Facts(pool_ids(fetched_by, province_code=unit["province_code"], on=on), on=on)
    ids = [pid for pid in facts.ids if pid not in _holders(facts.held, unit["code"], position_code)]
    facts.gaps([(pid, position_code) for pid in ids])
    rows = [assess(facts, pid, commune_code=unit["code"], position_code=position_code, position_name=names[position_code], r=r, names=names)
            for pid in ids]
    rows.sort(key=lambda x: (not x["eligible"], x["fails"], -x["fit"], x["full_name"], x["id"]))
    return {"unit": unit, "position_code": position_code, "position_name": names[position_code], "on": on, "rows": rows[:limit],
            "eligible": sum(1 for x in rows if x["eligible"]), "considered": len(rows), "rule_labels": checks.RULE_LABELS}


def person_check(*, fetched_by: Any, person_id: int, commune_code: str, position_code: str, on: dt.date) -> dict[str, Any]:
    """The rules for one person and one post (the decision service re-checks with it)."""
    unit = unit_of(fetched_by, commune_code)
    catalogue = wf.position_catalogue(unit["province_code"], unit["code"], on)
    if position_code not in catalogue:
        raise errors.POSITION_UNKNOWN()
    person = wf.person_unit(fetched_by=fetched_by, pk=person_id)
    if person["province_code"] != unit["province_code"]:
        raise Http404
    names = {code: str(info.get("name", code)) for code, info in catalogue.items()}
    facts = Facts([person_id], on=on)
    facts.gaps([(person_id, position_code)])
    r = checks.AssignRules(on, unit["province_code"], unit["code"])
    row = assess(facts, person_id, commune_code=unit["code"], position_code=position_code, position_name=names[position_code], r=r, names=names)
    row["holds"] = person_id in _holders(facts.held, unit["code"], position_code)
    row["from_position_code"], row["from_commune_code"] = facts.held.get(person_id, {}).get("position_code", ""), facts.held.get(person_id, {}).get("commune_code", "")
    return row


# ---------------------------------------------------------------- several vacancies at once
def match(*, fetched_by: Any, keys: list[str], on: dt.date | None = None, ranked: int = 5) -> dict[str, Any]:
    """Fill the chosen vacancies at once (one person per post, each person at most one post, every rule respected), exactly,
    beside the greedy baseline and the ranked list of each post."""
    _require(fetched_by)
    check_on(on)
    on = on or timezone.localdate()
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        raise errors.NOTHING_SELECTED()
    posts: list[dict[str, Any]] = []
    by_commune: dict[str, list[dict[str, Any]]] = {}
    for key in keys:
        code = key.split(":", 1)[0]
        if code not in by_commune:
            by_commune[code] = [p for c in vacancies(fetched_by=fetched_by, on=on, commune=code)["communes"] for p in c["posts"]]
        posts += [p for p in by_commune[code] if p["key"] == key and p["count"] > 0]
    slots = [p for p in posts for _i in range(p["count"])]
    if not slots:
        raise errors.NOTHING_SELECTED()
    provinces = {p["commune_code"]: unit_of(fetched_by, p["commune_code"])["province_code"] for p in posts}
    people: list[int] = sorted({pid for prov in set(provinces.values()) for pid in pool_ids(fetched_by, province_code=prov, on=on)})
    if len(slots) > MAX_MATCH_POSTS or len(people) > MAX_MATCH_PEOPLE:
        raise errors.TOO_MANY(max=MAX_MATCH_POSTS, people=MAX_MATCH_PEOPLE)
    facts = Facts(people, on=on)
    facts.gaps([(pid, p["position_code"]) for p in posts for pid in people])
    column_of_post: dict[str, dict[int, dict[str, Any]]] = {}
    rules_of: dict[tuple[str, str], checks.AssignRules] = {}
    for p in posts:
        prov = provinces[p["commune_code"]]
        catalogue = wf.position_catalogue(prov, p["commune_code"], on)
        names = {code: str(info.get("name", code)) for code, info in catalogue.items()}
        if (prov, p["commune_code"]) not in rules_of:
            rules_of[(prov, p["commune_code"])] = checks.AssignRules(on, prov, p["commune_code"])
        r = rules_of[(prov, p["commune_code"])]
        holders = _holders(facts.held, p["commune_code"], p["position_code"])
        column_of_post[p["key"]] = {pid: assess(facts, pid, commune_code=p["commune_code"], position_code=p["position_code"],
                                                position_name=p["position_name"], r=r, names=names) for pid in people if pid not in holders}
    fit = np.zeros((len(people), len(slots)), dtype=np.int64)
    allowed = np.zeros((len(people), len(slots)), dtype=bool)
    for j, slot in enumerate(slots):
        col = column_of_post[slot["key"]]
        for i, pid in enumerate(people):
            row = col.get(pid)
            if row is not None and row["eligible"]:
                allowed[i, j] = True
                fit[i, j] = row["fit"]
    exact = matching.solve(fit, allowed)
    base = matching.greedy(fit, allowed)
    by_slot = {j: people[i] for i, j in exact}
    base_slot = {j: people[i] for i, j in base}
    out_posts = []
    for j, slot in enumerate(slots):
        col = column_of_post[slot["key"]]
        ranked_rows = sorted((x for x in col.values() if x["eligible"]), key=lambda x: (-x["fit"], x["full_name"], x["id"]))[:ranked]
        chosen = col.get(by_slot[j]) if j in by_slot else None
        greedy_pick = col.get(base_slot[j]) if j in base_slot else None
        out_posts.append({**slot, "slot": j, "chosen": chosen, "greedy": greedy_pick, "ranked": ranked_rows,
                          "eligible": sum(1 for x in col.values() if x["eligible"])})
    return {"on": on, "posts": out_posts, "exact": matching.score(exact, fit), "greedy": matching.score(base, fit), "people": len(people)}


# ---------------------------------------------------------------- periodic rotation (anti-corruption)
def rotation(*, fetched_by: Any, year: int, commune: str = "") -> dict[str, Any]:
    """The positions on the sector lists with their intervals, the people who hold them and when they are due, and a draft
    plan for the first quarter (rule book: the quarter): each person due on the plan's day (months served counted to the
    day of the move, the last day of that quarter) not exempt (Art. 38) nor within the retirement
    margin (Art. 39) moves to the same position in another commune of the province, in cycles, so that no commune loses a
    post; a position whose due people are all in one commune (or the due people of a commune beyond those the other communes
    can exchange with) is left to a joint plan by the superior (Art. 39)."""
    _require(fetched_by)
    quarter_end = {1: dt.date(year, 3, 31), 2: dt.date(year, 6, 30), 3: dt.date(year, 9, 30), 4: dt.date(year, 12, 31)}
    units = communes(fetched_by, commune)
    names = {u["code"]: u["name"] for u in units}
    out: dict[str, Any] = {"year": year, "sectors": [], "people": [], "plan": [], "joint": []}
    for province_code in sorted({u["province_code"] for u in units}):
        r0 = checks.AssignRules(dt.date(year, 1, 1), province_code)
        plan_day = quarter_end[r0.plan_quarter]
        r = checks.AssignRules(plan_day, province_code)
        out["plan_day"] = plan_day
        catalogue = wf.position_catalogue(province_code, "", plan_day)
        for code, s in sorted(r.sectors.items()):
            out["sectors"].append({"code": code, **s, "position_names": [str(catalogue.get(p, {}).get("name", p)) for p in s["positions"]]})
        staff = [p for p in wf.incumbents(province_code=province_code, commune_codes=[u["code"] for u in units], on=plan_day)
                 if r.sector_of(p["position_code"])]
        facts = Facts([p["id"] for p in staff], on=plan_day)
        due_by_position: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in staff:
            sector_code, sector = r.sector_of(p["position_code"])  # type: ignore[misc]
            # Counted on the plan's day, the day the draft plan moves the due people (Thông tư 27/2024/TT-BTC: the plan of
            # the quarter the rule book names): someone moved that day must have served the interval by then; counting to
            # 31 December moved people up to nine months before it. Counted from the assignment to the position, through the positions of the same list held without a break
            # (a Decree 33 title and the job position that replaced it on 1/7/2025 are one assignment).
            same = {pos: 0 for pos in sector["positions"]}
            history = [h for h in facts.history.get(p["id"], []) if h["started_on"] <= plan_day]
            since = checks.equivalent_since([h for h in history if h["position_code"] in same] or history, on=plan_day,
                                            ranks=same, fallback=p["started_on"])
            months = checks.months_between(since, plan_day) if since else 0
            exemption = checks.check_exemption(facts.exemptions.get(p["id"], []), on=plan_day)
            retire = checks.check_retirement(retirement_date=facts.profiles[p["id"]]["retirement_date"], on=plan_day, r=r)
            status = "due" if months >= sector["max_months"] else ("may" if months >= sector["min_months"] else "not_yet")
            row = {"id": p["id"], "full_name": p["full_name"], "commune_code": p["commune_code"], "commune_name": names.get(p["commune_code"], ""),
                   "position_code": p["position_code"], "position_name": str(catalogue.get(p["position_code"], {}).get("name", "")),
                   "sector": sector["name"], "started_on": since, "months_on_plan_day": months, "status": status,
                   "due_on": checks.add_months(since, sector["max_months"]) if since else None,
                   "checks": [exemption, retire], "blocked": exemption["status"] == checks.FAIL or retire["status"] == checks.FAIL}
            out["people"].append(row)
            if status == "due" and not row["blocked"]:
                due_by_position[p["position_code"]].append(row)
        for _position, rows in sorted(due_by_position.items()):
            rows.sort(key=lambda x: (x["commune_code"], x["id"]))
            by_commune: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                by_commune[row["commune_code"]].append(row)
            if len(by_commune) < 2:
                out["joint"] += rows
                continue
            # Each person takes the post another one leaves, so that every commune receives as many as it sends. A commune
            # with more due people than all the others together can exchange only as many (the longest in post first); its
            # others are left to the superior's joint plan.
            code, group = max(by_commune.items(), key=lambda item: (len(item[1]), item[0]))
            others = len(rows) - len(group)
            if len(group) > others:
                group.sort(key=lambda x: (-x["months_on_plan_day"], x["id"]))
                out["joint"] += sorted(group[others:], key=lambda x: x["id"])
                by_commune[code] = group[:others]
                rows = sorted((x for g in by_commune.values() for x in g), key=lambda x: (x["commune_code"], x["id"]))
            # The communes' people side by side, each taking the post of the one `shift` places on: no commune holds more
            # than half of them, so that place is always in another commune.
            shift = max(len(g) for g in by_commune.values())
            for k, row in enumerate(rows):
                target = rows[(k + shift) % len(rows)]
                out["plan"].append({**row, "to_commune_code": target["commune_code"], "to_commune_name": target["commune_name"], "on": plan_day})
    out["people"].sort(key=lambda x: ({"due": 0, "may": 1, "not_yet": 2}[x["status"]], x["commune_name"], x["full_name"]))
    return out


# ---------------------------------------------------------------- decisions, exemptions, origins
def decisions(*, fetched_by: Any, commune: str = "") -> Any:
    _require(fetched_by)
    qs = scoped(Decision.objects.all(), fetched_by)
    if commune:
        qs = qs.filter(commune_code=commune)
    return qs.order_by("-effective_on", "-id")


def decision_get(*, fetched_by: Any, pk: int) -> Decision:
    _require(fetched_by)
    return get_scoped_or_404(Decision.objects.all(), fetched_by, pk=pk)


def exemptions(*, fetched_by: Any, person_id: int | None = None) -> Any:
    """The exemptions of the user's unit, or every exemption of one person the user may see (404 otherwise): an exemption
    follows the person, as the rotation plan reads it, also when a reorganisation moved the person to another commune."""
    _require(fetched_by)
    if person_id:
        wf.person_unit(fetched_by=fetched_by, pk=person_id)
        return RotationExemption.objects.filter(person_id=person_id)
    return scoped(RotationExemption.objects.all(), fetched_by)


def names_of(ids: list[int]) -> dict[int, str]:
    return {pid: p["full_name"] for pid, p in wf.planning_profiles(ids, on=timezone.localdate()).items()}


def visible(user: Any, province_code: str, commune_code: str) -> bool:
    return can_see_unit(user, province_code=province_code, commune_code=commune_code)

