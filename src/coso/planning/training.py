"""The yearly training plan: needs from standards gaps, courses, and the choice of attendees.

A need is a standards gap of one person (against the position held, or the position planned for a
planning candidate; the higher requirement wins). A course closes a gap when it teaches that
standard at the required level or above. The plan chooses (person, course) pairs to maximise the
closed gaps weighted by priority (planning candidates first, then leaders; rule
``planning.training.priority``) within the budget, each course's seats and a person's limit of
courses in the year. ``milp`` solves it exactly with SciPy's HiGHS; ``greedy`` is the baseline
(best weight per đồng first) shown beside it on the same data.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from coso.planning.catalogue import COURSE_KINDS, PROGRAMME, RANKS
from coso.workforce import rules as wrules

TRAINABLE = {"political_theory", "state_management", "it", "foreign_language", "degree_level"}


def _rank(standard: str, code: str) -> int:
    levels = wrules.LEVELS.get(standard, [])
    return levels.index(code) if code in levels else 0


def needs_and_courses(*, province_code: str, commune_code: str = "", year: int, excluded: set[int] | None = None) -> dict[str, Any]:
    """People with their gaps and weights, and the year's courses of the province (and of the commune)."""
    from django.db.models import Q

    from coso.planning.models import Candidate, Course
    from coso.rules.lookup import rule
    from coso.workforce import selectors as wf

    on = dt.date(year, 1, 1)
    priority = rule("planning.training.priority", on=on, province_code=province_code)
    programmes = rule("planning.training.mandatory_programmes", on=on, province_code=province_code, default={"positions": {}})["positions"]
    transition = rule("planning.training.transition_priority", on=on, province_code=province_code, default=None)
    bonus = transition_bonus(transition, on)
    ids = set(wf.active_people_ids(province_code=province_code, commune_code=commune_code, on=on))
    cq = Candidate.objects.filter(status=Candidate.Status.ACTIVE, province_code=province_code)
    if commune_code:
        cq = cq.filter(commune_code=commune_code)
    targets: dict[int, str] = {}
    for pid, pos in cq.values_list("person_id", "planning_list__position_code"):
        if RANKS.get(pos, 0) > RANKS.get(targets.get(pid, ""), -1):
            targets[pid] = pos
    ids |= set(targets)
    ids -= excluded or set()
    profiles = wf.planning_profiles(sorted(ids), on=on, targets=targets)
    people: dict[int, dict[str, Any]] = {}
    gaps: list[dict[str, Any]] = []
    for pid, p in profiles.items():
        role = "candidate" if pid in targets else "leader" if p["leader"] else "staff"
        people[pid] = {"name": p["full_name"], "position": p["position_name"], "commune": p["commune_code"], "role": role,
                       "target": targets.get(pid, "")}
        best: dict[str, dict[str, Any]] = {}
        for source, items in (("current", p["gaps_current"]), ("target", p.get("gaps_target", []))):
            for g in items:
                if g["standard"] not in TRAINABLE or not g.get("required_code"):
                    continue
                old = best.get(g["standard"])
                if old is None or _rank(g["standard"], g["required_code"]) > _rank(g["standard"], old["required_code"]):
                    best[g["standard"]] = {**g, "source": source}
        for g in best.values():
            extra = bonus if g["source"] == "current" and p["kind"] in TRANSITION_KINDS else 0
            gaps.append({"person": pid, "standard": g["standard"], "required_code": g["required_code"], "text": g["text"],
                         "source": g["source"], "weight": int(priority[role]) + extra, "transition": bool(extra),
                         "deadline": str(transition["deadline"])[:10] if extra else ""})
        gaps += programme_gaps(pid, p, targets.get(pid, ""), programmes, weight=int(priority[role]))
    cq2 = Course.objects.filter(province_code=province_code, year=year)
    cq2 = cq2.filter(Q(commune_code="") | Q(commune_code=commune_code)) if commune_code else cq2
    courses = [{"id": c.pk, "name": c.name, "kind": c.kind, "standard": COURSE_KINDS[c.kind]["standard"], "level": COURSE_KINDS[c.kind]["level"],
                "seats": c.seats, "cost": int(c.cost_per_person)} for c in cq2]
    return {"people": people, "gaps": gaps, "courses": courses}


TRANSITION_KINDS = ("cadre", "civil_servant")


def transition_bonus(transition: Any, on: dt.date) -> int:
    """Extra weight of a gap against the post held when the plan's year starts within the window before the standards deadline
    (Nghị định 33/2023: 1/8/2028): people whose deadline is near come first."""
    if not transition:
        return 0
    deadline = transition["deadline"]
    if isinstance(deadline, str):
        deadline = dt.date.fromisoformat(deadline)
    from coso.planning.rules import months_between

    left = months_between(on, deadline)
    return int(transition["bonus"]) if 0 <= left <= int(transition["window_months"]) else 0


def programme_gaps(pid: int, p: dict[str, Any], target: str, programmes: dict[str, list[str]], *, weight: int) -> list[dict[str, Any]]:
    """The mandatory programmes of the post held (and of the post planned) that the person has not completed."""
    from coso.workforce.policy import position_name

    done = set(p.get("programmes") or [])
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for source, post in (("current", p["position_code"]), ("target", target)):
        for code in programmes.get(post, []) if post else []:
            if code in done or code in seen:
                continue
            seen.add(code)
            name = next((k["name"] for k in COURSE_KINDS.values() if k["standard"] == PROGRAMME and k["level"] == code), code)
            out.append({"person": pid, "standard": PROGRAMME, "required_code": code, "source": source, "weight": weight, "transition": False,
                        "deadline": "", "text": f"Chưa học chương trình bắt buộc “{name}” của chức danh {position_name(post)}"})
    return out


def pairs_of(gaps: list[dict[str, Any]], courses: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(gap index, course index) where the course closes the gap."""
    by_std: dict[str, list[int]] = defaultdict(list)
    for j, c in enumerate(courses):
        by_std[c["standard"]].append(j)
    out = []
    for i, g in enumerate(gaps):
        if g["standard"] == PROGRAMME:  # a programme is closed by that programme only
            out += [(i, j) for j in by_std.get(PROGRAMME, []) if courses[j]["level"] == g["required_code"]]
            continue
        need = _rank(g["standard"], g["required_code"])
        out += [(i, j) for j in by_std.get(g["standard"], []) if _rank(g["standard"], courses[j]["level"]) >= need]
    return out


def _pinned_pairs(pairs: list[tuple[int, int]], gaps: list[dict[str, Any]], courses: list[dict[str, Any]],
                  pinned: list[tuple[int, int]]) -> set[int]:
    want = {(int(p), int(c)) for p, c in pinned}
    return {k for k, (i, j) in enumerate(pairs) if (gaps[i]["person"], courses[j]["id"]) in want}


def milp_plan(gaps: list[dict[str, Any]], courses: list[dict[str, Any]], *, budget: int, per_person_limit: int,
              pinned: list[tuple[int, int]] | None = None, time_limit: float = 60.0) -> list[tuple[int, int]]:
    """The optimal choice of (gap, course) pairs (HiGHS branch and bound, proven optimal: the objective is an integer sum of weights).

    (A cost tie-breaker in the objective made HiGHS unable to prove optimality within a minute at
    province scale, for no gain in closed gaps; among plans of equal weight any one is returned.)"""
    pairs = pairs_of(gaps, courses)
    if not pairs:
        return []
    n = len(pairs)
    w = np.array([gaps[i]["weight"] for i, _ in pairs], dtype=float)
    cost = np.array([courses[j]["cost"] for _, j in pairs], dtype=float)
    rows, cols, vals, ub = [], [], [], []
    r = 0
    persons: dict[int, list[int]] = defaultdict(list)
    by_gap: dict[int, list[int]] = defaultdict(list)
    by_course: dict[int, list[int]] = defaultdict(list)
    for k, (i, j) in enumerate(pairs):
        by_gap[i].append(k)
        by_course[j].append(k)
        persons[gaps[i]["person"]].append(k)
    for group, cap in ([(ks, 1) for ks in by_gap.values() if len(ks) > 1] + [(ks, courses[j]["seats"]) for j, ks in by_course.items()]
                       + [(ks, per_person_limit) for ks in persons.values() if len(ks) > per_person_limit]):
        rows += [r] * len(group)
        cols += group
        vals += [1.0] * len(group)
        ub.append(cap)
        r += 1
    rows += [r] * n
    cols += list(range(n))
    vals += list(cost)
    ub.append(budget)
    r += 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, n)).tocsr()
    lower = np.zeros(n)
    for k in _pinned_pairs(pairs, gaps, courses, pinned or []):
        lower[k] = 1
    res = milp(c=-w, constraints=LinearConstraint(a, -np.inf, np.array(ub, dtype=float)), integrality=np.ones(n),
               bounds=Bounds(lower, np.ones(n)), options={"time_limit": time_limit, "mip_rel_gap": 0})
    if res.x is None:
        from coso.planning import errors

        raise errors.PLAN_INFEASIBLE()
    return [pairs[k] for k in range(n) if res.x[k] > 0.5]


def greedy_plan(gaps: list[dict[str, Any]], courses: list[dict[str, Any]], *, budget: int, per_person_limit: int,
                pinned: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Baseline: pinned pairs first, then the best weight per đồng (heavier, then cheaper) while budget, seats and limits allow."""
    pairs = pairs_of(gaps, courses)
    pins = _pinned_pairs(pairs, gaps, courses, pinned or [])
    order = sorted(range(len(pairs)), key=lambda k: (k not in pins, -gaps[pairs[k][0]]["weight"] / max(courses[pairs[k][1]]["cost"], 1),
                                                     -gaps[pairs[k][0]]["weight"], courses[pairs[k][1]]["cost"], k))
    seats = [c["seats"] for c in courses]
    taken: dict[int, int] = defaultdict(int)
    closed: set[int] = set()
    left = budget
    out = []
    for k in order:
        i, j = pairs[k]
        person, cost = gaps[i]["person"], courses[j]["cost"]
        if i in closed or seats[j] <= 0 or taken[person] >= per_person_limit or cost > left:
            continue
        closed.add(i)
        seats[j] -= 1
        taken[person] += 1
        left -= cost
        out.append((i, j))
    return out


def priority_first_plan(gaps: list[dict[str, Any]], courses: list[dict[str, Any]], *, budget: int, per_person_limit: int,
                        pinned: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Second baseline, the plan as drawn up by hand: highest priority first, the cheapest course that closes the gap."""
    pairs = pairs_of(gaps, courses)
    pins = _pinned_pairs(pairs, gaps, courses, pinned or [])
    order = sorted(range(len(pairs)), key=lambda k: (k not in pins, -gaps[pairs[k][0]]["weight"], courses[pairs[k][1]]["cost"], k))
    seats = [c["seats"] for c in courses]
    taken: dict[int, int] = defaultdict(int)
    closed: set[int] = set()
    left = budget
    out = []
    for k in order:
        i, j = pairs[k]
        person, cost = gaps[i]["person"], courses[j]["cost"]
        if i in closed or seats[j] <= 0 or taken[person] >= per_person_limit or cost > left:
            continue
        closed.add(i)
        seats[j] -= 1
        taken[person] += 1
        left -= cost
        out.append((i, j))
    return out


ROLE_WHY = {"candidate": "Trong quy hoạch {target}", "leader": "Lãnh đạo đương nhiệm", "staff": "Cán bộ, công chức"}


def describe(chosen: list[tuple[int, int]], data: dict[str, Any], seconds: float) -> dict[str, Any]:
    from coso.workforce.policy import position_name

    gaps, courses, people = data["gaps"], data["courses"], data["people"]
    rows = []
    for i, j in sorted(chosen, key=lambda p: (-gaps[p[0]]["weight"], people[gaps[p[0]]["person"]]["name"], p[1])):
        g, c = gaps[i], courses[j]
        p = people[g["person"]]
        why = ROLE_WHY[p["role"]].format(target=position_name(p["target"]) if p["target"] else "")
        if g.get("transition"):
            why += "; hạn chuẩn hóa tiêu chuẩn {}".format(dt.date.fromisoformat(g["deadline"]).strftime("%d/%m/%Y"))
        rows.append({"person": g["person"], "name": p["name"], "position": p["position"], "commune": p["commune"], "course": c["id"],
                     "course_name": c["name"], "cost": c["cost"], "gap": g["text"], "weight": g["weight"], "why": why,
                     "against": "chức danh quy hoạch" if g["source"] == "target" else "chức danh đang giữ"})
    return {"closed": len(chosen), "weighted": sum(gaps[i]["weight"] for i, _ in chosen), "cost": sum(courses[j]["cost"] for _, j in chosen),
            "people": len({gaps[i]["person"] for i, _ in chosen}), "seconds": round(seconds, 3), "rows": rows}


def compare(data: dict[str, Any], *, budget: int, per_person_limit: int, pinned: list[tuple[int, int]] | None = None) -> dict[str, Any]:
    t = time.perf_counter()
    best = milp_plan(data["gaps"], data["courses"], budget=budget, per_person_limit=per_person_limit, pinned=pinned)
    t_milp = time.perf_counter() - t
    t = time.perf_counter()
    base = greedy_plan(data["gaps"], data["courses"], budget=budget, per_person_limit=per_person_limit, pinned=pinned)
    t_greedy = time.perf_counter() - t
    t = time.perf_counter()
    hand = priority_first_plan(data["gaps"], data["courses"], budget=budget, per_person_limit=per_person_limit, pinned=pinned)
    t_hand = time.perf_counter() - t
    m, g = describe(best, data, t_milp), describe(base, data, t_greedy)
    h = describe(hand, data, t_hand)
    h["rows"] = []  # the figures only
    return {"priority_first": h,"needs": len(data["gaps"]), "people": len(data["people"]), "courses": len(data["courses"]), "milp": m, "greedy": g,
            "extra_closed": m["closed"] - g["closed"], "extra_weighted": m["weighted"] - g["weighted"], "pinned": [list(p) for p in pinned or []]}
