"""Reads of the planning app, scoped to the user's unit (another unit's list answers 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from coso.core.scoping import get_scoped_or_404, scoped
from coso.planning import catalogue, checks
from coso.planning import rules as prules
from coso.planning.models import AppointmentProposal, Candidate, Course, PlanningList, PostgradRequest, RemovalProposal, TrainingPlan
from coso.planning.services import can_view, check_day, position_name
from coso.workforce import selectors as wf


def _require(user: Any) -> None:
    if not can_view(user):
        raise Http404


def lists(*, fetched_by: Any, term: str = "", commune: str = "") -> QuerySet[PlanningList]:
    _require(fetched_by)
    qs = scoped(PlanningList.objects.all(), fetched_by)
    if term:
        qs = qs.filter(term=term)
    if commune:
        qs = qs.filter(commune_code=commune)
    return qs.annotate(active=Count("candidates", filter=Q(candidates__status=Candidate.Status.ACTIVE))).order_by(
        "commune_code", "term", "position_code")


def list_get(*, fetched_by: Any, pk: int) -> PlanningList:
    _require(fetched_by)
    return get_scoped_or_404(PlanningList.objects.all(), fetched_by, pk=pk)


def list_detail(*, fetched_by: Any, pk: int, on: dt.date | None = None) -> dict[str, Any]:
    """A planning list with each candidate's facts, every rule checked today (flags), gaps, history and the structure figures."""
    plist = list_get(fetched_by=fetched_by, pk=pk)
    on = on or timezone.localdate()
    r = checks.PlanningRules(on, plist.province_code, plist.commune_code)
    cands = list(plist.candidates.prefetch_related("events").order_by("status", "entered_on", "id"))
    ids = [c.person_id for c in cands]
    profiles = wf.planning_profiles(ids, on=on, targets=dict.fromkeys(ids, plist.position_code))
    rows = []
    for c in cands:
        p = profiles[c.person_id]
        issues = checks.assess(p, target=plist.position_code, term=plist.term, r=r, target_name=position_name(plist.position_code))
        rows.append({"candidate": c, "person": p, "issues": issues, "blocking": [i for i in issues if i["severity"] == prules.BLOCK],
                     "warnings": [i for i in issues if i["severity"] == prules.WARN], "events": list(c.events.all()),
                     "proposals": list(c.proposals.all())})
    active = [profiles[c.person_id] for c in cands if c.status == Candidate.Status.ACTIVE]
    return {"list": plist, "position_name": position_name(plist.position_code), "term_label": catalogue.term_label(plist.term),
            "rows": rows, "structure": structure_with_targets(active, r=r, on=catalogue.term_start(plist.term)), "rules": r, "on": on,
            "suggestions": suggestions(plist, r=r, exclude={c.person_id for c in cands if c.status == Candidate.Status.ACTIVE})}


def suggestions(plist: PlanningList, *, r: checks.PlanningRules, exclude: set[int], limit: int = 5) -> list[dict[str, Any]]:
    """People of the unit who meet every planning condition for the post (the review's "who could be added"), fewest warnings first."""
    ids = [pid for pid in wf.active_people_ids(province_code=plist.province_code, commune_code=plist.commune_code, on=r.on) if pid not in exclude]
    profiles = wf.planning_profiles(ids, on=r.on, targets=dict.fromkeys(ids, plist.position_code))
    out = []
    for pid, p in profiles.items():
        issues = checks.assess(p, target=plist.position_code, term=plist.term, r=r, target_name=position_name(plist.position_code))
        if not checks.blocking(issues):
            out.append({"id": pid, "full_name": p["full_name"], "position_name": p["position_name"], "warnings": issues})
    out.sort(key=lambda x: (len(x["warnings"]), x["full_name"], x["id"]))
    return out[:limit]


def structure_with_targets(members: list[dict[str, Any]], *, r: checks.PlanningRules, on: dt.date) -> dict[str, Any]:
    s = prules.structure(members, on=on, young_under=r.young_under, science_fields=r.science_fields)
    s["lines"] = [
        {"key": "young", "label": gettext("Cán bộ trẻ (dưới %(age)s tuổi)") % {"age": r.young_under}, "count": s["young"], "share": s["young_share"],
         "target": r.targets["young"]},
        {"key": "women", "label": gettext("Cán bộ nữ"), "count": s["women"], "share": s["women_share"], "target": r.targets["women"]},
        {"key": "minority", "label": gettext("Cán bộ người dân tộc thiểu số"), "count": s["minority"], "share": s["minority_share"],
         "target": r.targets["minority"]},
        {"key": "science", "label": gettext("Cán bộ có trình độ khoa học, công nghệ"), "count": s["science"], "share": s["science_share"],
         "target": r.targets["science"]},
    ]
    for line in s["lines"]:
        line["below"] = line["target"] is not None and line["share"] is not None and line["share"] < float(line["target"])
    return s


def unit_structure(*, fetched_by: Any, term: str, commune: str = "") -> dict[str, Any] | None:
    """The structure figures of every active candidate of a term in the user's scope (or one commune)."""
    if term not in catalogue.TERMS:
        return None
    qs = scoped(Candidate.objects.filter(status=Candidate.Status.ACTIVE, planning_list__term=term), fetched_by)
    if commune:
        qs = qs.filter(commune_code=commune)
    ids = sorted(set(qs.values_list("person_id", flat=True)))
    start = catalogue.term_start(term)
    # One commune's figures are compared with that commune's targets (its own value over the province's), as its lists are.
    commune = commune or getattr(fetched_by, "commune_code", "") or ""
    province = getattr(fetched_by, "province_code", "") or ""
    if commune and not province:  # a system administrator looking at one commune: the commune's province
        province = next(iter(Candidate.objects.filter(commune_code=commune).values_list("province_code", flat=True)[:1]), "")
    r = checks.PlanningRules(timezone.localdate(), province, commune)
    return structure_with_targets(list(wf.planning_profiles(ids, on=start).values()), r=r, on=start)


def proposals(*, fetched_by: Any, status: str = "pending") -> QuerySet[RemovalProposal]:
    _require(fetched_by)
    qs = scoped(RemovalProposal.objects.select_related("candidate", "candidate__planning_list"), fetched_by)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("commune_code", "candidate__planning_list__position_code", "id")


def proposal_get(*, fetched_by: Any, pk: int) -> RemovalProposal:
    _require(fetched_by)
    return get_scoped_or_404(RemovalProposal.objects.select_related("candidate"), fetched_by, pk=pk)


def candidate_get(*, fetched_by: Any, pk: int) -> Candidate:
    _require(fetched_by)
    return get_scoped_or_404(Candidate.objects.select_related("planning_list"), fetched_by, pk=pk)


def person_names(ids: list[int]) -> dict[int, str]:
    return {pid: p["full_name"] for pid, p in wf.planning_profiles(ids, on=timezone.localdate()).items()}


def courses(*, fetched_by: Any, year: int | None = None) -> QuerySet[Course]:
    _require(fetched_by)
    qs = Course.objects.filter(province_code=fetched_by.province_code) if not fetched_by.is_system_admin else Course.objects.all()
    if fetched_by.commune_code:
        qs = qs.filter(Q(commune_code="") | Q(commune_code=fetched_by.commune_code))
    if year:
        qs = qs.filter(year=year)
    return qs


def plans(*, fetched_by: Any) -> QuerySet[TrainingPlan]:
    _require(fetched_by)
    return scoped(TrainingPlan.objects.all(), fetched_by)


def plan_get(*, fetched_by: Any, pk: int) -> TrainingPlan:
    _require(fetched_by)
    return get_scoped_or_404(TrainingPlan.objects.all(), fetched_by, pk=pk)


def planned_posts(person_ids: Any, *, on: dt.date) -> dict[int, list[dict[str, Any]]]:
    """The planning entries in force on ``on`` of each person, as plain values for the assignment of cadres
    (QĐ 377-QĐ/TW Art. 34: appointed from the planning for the post or an equivalent one):
    {id: [{candidate_id, list_id, position_code, rank, term, level, commune_code, entered_on, decision}]}."""
    ids = list(person_ids)
    out: dict[int, list[dict[str, Any]]] = {pid: [] for pid in ids}
    for i in range(0, len(ids), 5000):
        qs = (Candidate.objects.filter(person_id__in=ids[i:i + 5000], entered_on__lte=on)
              .filter(Q(status=Candidate.Status.ACTIVE) | Q(removed_on__gt=on))
              .values_list("id", "person_id", "planning_list_id", "planning_list__position_code", "planning_list__term",
                           "planning_list__level", "commune_code", "entered_on", "decision").order_by("entered_on", "id"))
        for cid, pid, lid, pos, term, level, commune, entered, decision in qs:
            out[pid].append({"candidate_id": cid, "list_id": lid, "position_code": pos, "rank": catalogue.RANKS.get(pos, 0), "term": term,
                             "level": level, "commune_code": commune, "entered_on": entered, "decision": decision})
    return out


def postgrad_requests(*, fetched_by: Any, status: str = "") -> QuerySet[PostgradRequest]:
    _require(fetched_by)
    qs = scoped(PostgradRequest.objects.select_related("person"), fetched_by)
    if status:
        qs = qs.filter(status=status)
    return qs


def postgrad_get(*, fetched_by: Any, pk: int) -> PostgradRequest:
    _require(fetched_by)
    return get_scoped_or_404(PostgradRequest.objects.select_related("person"), fetched_by, pk=pk)


def surplus_scope(*, fetched_by: Any, commune_code: str) -> None:
    """404 unless the user may read the surplus list of the commune (checked before any other input is)."""
    _require(fetched_by)
    wf.register_commune(fetched_by=fetched_by, commune_code=commune_code)


def surplus(*, fetched_by: Any, commune_code: str, on: dt.date, salary: int | None, si_from_service: bool = True) -> dict[str, Any]:
    """The surplus people of a commune (offices over quota) with an estimate of each one's early-retirement or leaving payment,
    at a monthly salary the officer assumes, leaving on ``on``; social-insurance months are estimated from the service start."""
    from coso.planning import payments
    from coso.planning.rules import months_between

    _require(fetched_by)
    data = wf.surplus_people(fetched_by=fetched_by, commune_code=commune_code, on=on)  # another unit's commune: 404 first
    check_day("on", on)  # 31/12/9999 counted eight thousand years of social insurance
    rows = []
    for p in data["people"]:
        months_early = months_between(on, p["retirement_date"])
        row = {**p, "months_early": months_early, "estimate": None}
        if salary and p["retirement_date"] and on >= p["retirement_date"]:
            # At the retirement age on that day: the person retires; neither policy of Decree 178/2024/ND-CP pays anything.
            si = months_between(p["started_on"], on) if p["started_on"] and si_from_service else 0
            row["estimate"] = {"kind": "retirement", "total": 0, "si_months": max(si, 0)}
        elif salary:
            si = months_between(p["started_on"], on) if p["started_on"] and si_from_service else 0
            est = payments.estimate(salary=salary, birth_retirement=p["retirement_date"], leave_on=on, si_months=max(si, 0), decision_on=None,
                                    province_code=p["province_code"])
            best = est["early"] if est["early"]["eligible"] else est["resignation"]
            row["estimate"] = {"kind": "early" if est["early"]["eligible"] else "resignation", "total": best["total"], "si_months": max(si, 0)}
        rows.append(row)
    return {**data, "people": rows, "total": sum(r["estimate"]["total"] for r in rows if r["estimate"])}


def appointment_proposals(*, fetched_by: Any, status: str = "") -> QuerySet[AppointmentProposal]:
    _require(fetched_by)
    qs = scoped(AppointmentProposal.objects.all(), fetched_by)
    return qs.filter(status=status) if status else qs


def appointment_proposal_get(*, fetched_by: Any, pk: int) -> AppointmentProposal:
    _require(fetched_by)
    return get_scoped_or_404(AppointmentProposal.objects.all(), fetched_by, pk=pk)
