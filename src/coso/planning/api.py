"""JSON API of the planning app (mounted at /api/v1/planning/). Errors: {code, message, details}."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest

from ninja import Router, Schema
from pydantic import Field

from coso.core.api_body import body_in_scope, json_body_doc, query_doc, query_in_scope
from coso.core.params import SmallCount, Year
from coso.planning import catalogue, errors, selectors, services

router = Router(tags=["planning"])
Money = Annotated[int, Field(ge=0, le=10**15)]


class ListOut(Schema):
    id: int
    commune_code: str
    term: str
    position_code: str
    position_name: str
    candidates: int


class ListIn(Schema):
    commune_code: str
    term: str
    position_code: str
    note: str = ""


class CandidateIn(Schema):
    person_id: int
    entered_on: dt.date
    decision: str


class RemoveIn(Schema):
    on: dt.date
    decision: str
    reason: str


class DecideIn(Schema):
    accept: bool
    decision: str = ""
    note: str = ""


class PlanIn(Schema):
    year: Year
    budget: Money
    per_person_limit: SmallCount | None = None
    pinned: list[tuple[int, int]] = []
    excluded: list[int] = []


def _list_out(pl: Any) -> dict[str, Any]:
    return {"id": pl.pk, "commune_code": pl.commune_code, "term": pl.term, "position_code": pl.position_code,
            "position_name": services.position_name(pl.position_code), "candidates": getattr(pl, "active", 0)}


@router.get("/lists", response=list[ListOut])
def lists(request: HttpRequest, term: str = "", commune: str = "") -> list[dict[str, Any]]:
    return [_list_out(pl) for pl in selectors.lists(fetched_by=request.user, term=term, commune=commune)[:1000]]


@router.post("/lists", response={201: ListOut})
def list_create(request: HttpRequest, payload: ListIn) -> tuple[int, dict[str, Any]]:
    pl = services.list_create(actor=request.user, commune_code=payload.commune_code, term=payload.term, position_code=payload.position_code,
                              note=payload.note)
    return 201, _list_out(pl)


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    d = selectors.list_detail(fetched_by=request.user, pk=pk)
    pl = d["list"]
    return {
        "id": pl.pk, "commune_code": pl.commune_code, "term": pl.term, "term_label": catalogue.term_label(pl.term),
        "position_code": pl.position_code, "position_name": d["position_name"],
        "candidates": [{"id": r["candidate"].pk, "person_id": r["person"]["id"], "full_name": r["person"]["full_name"],
                        "status": r["candidate"].status, "entered_on": r["candidate"].entered_on, "decision": r["candidate"].decision,
                        "retirement_date": r["person"]["retirement_date"],
                        "issues": [{"code": i["code"], "severity": i["severity"], "text": i["text"]} for i in r["issues"]],
                        "history": [{"on": e.on, "kind": e.kind, "text": e.display_text} for e in r["events"]]} for r in d["rows"]],
        "structure": {k: v for k, v in d["structure"].items()},
    }


@router.get("/lists/{pk}")
def list_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(request, pk)


# An endpoint acting on one object reads its body once the object is the caller's (coso.core.api_body): another unit's
# object answers 404 whatever the body, as one that does not exist, not 422 for a bad body.
@router.post("/lists/{pk}/candidates", response={201: dict}, openapi_extra=json_body_doc(CandidateIn))
def candidate_add(request: HttpRequest, pk: int) -> tuple[int, dict[str, Any]]:
    payload = body_in_scope(request, CandidateIn, lambda: selectors.list_get(fetched_by=request.user, pk=pk))
    pl = selectors.list_get(fetched_by=request.user, pk=pk)
    c = services.candidate_add(actor=request.user, planning_list=pl, person_id=payload.person_id, entered_on=payload.entered_on,
                               decision=payload.decision)
    return 201, {"id": c.pk, "warnings": c.warnings}


@router.post("/candidates/{pk}/remove", openapi_extra=json_body_doc(RemoveIn))
def candidate_remove(request: HttpRequest, pk: int) -> dict[str, Any]:
    payload = body_in_scope(request, RemoveIn, lambda: selectors.candidate_get(fetched_by=request.user, pk=pk))
    c = selectors.candidate_get(fetched_by=request.user, pk=pk)
    c = services.candidate_remove(actor=request.user, candidate=c, on=payload.on, decision=payload.decision, reason=payload.reason)
    return {"id": c.pk, "status": c.status}


@router.post("/review")
def review_run(request: HttpRequest) -> dict[str, int]:
    from django.utils import timezone

    user: Any = request.user
    if not (user.is_superuser or user.role in services.EDIT_ROLES):
        raise errors.REVIEW_FORBIDDEN()
    return services.review_run(on=timezone.localdate(), actor=user, province_code=user.province_code or "", commune_code=user.commune_code or "")


@router.get("/proposals")
def proposals(request: HttpRequest, status: str = "pending") -> list[dict[str, Any]]:
    return [{"id": p.pk, "candidate_id": p.candidate_id, "list_id": p.candidate.planning_list_id, "year": p.year, "status": p.status,
             "reasons": [{"code": r["code"], "text": r["text"]} for r in p.reasons]}
            for p in selectors.proposals(fetched_by=request.user, status=status)[:1000]]


@router.post("/proposals/{pk}/decide", openapi_extra=json_body_doc(DecideIn))
def proposal_decide(request: HttpRequest, pk: int) -> dict[str, Any]:
    payload = body_in_scope(request, DecideIn, lambda: selectors.proposal_get(fetched_by=request.user, pk=pk))
    p = selectors.proposal_get(fetched_by=request.user, pk=pk)
    p = services.proposal_decide(actor=request.user, proposal=p, accept=payload.accept, decision=payload.decision, note=payload.note)
    return {"id": p.pk, "status": p.status}


@router.post("/training-plans", response={201: dict})
def plan_build(request: HttpRequest, payload: PlanIn) -> tuple[int, dict[str, Any]]:
    user: Any = request.user
    plan = services.plan_build(actor=user, province_code=user.province_code or "", commune_code=user.commune_code or "", year=payload.year,
                               budget=payload.budget, per_person_limit=payload.per_person_limit, pinned=payload.pinned, excluded=payload.excluded)
    return 201, {"id": plan.pk, **plan.result}


@router.get("/training-plans/{pk}")
def plan_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    plan = selectors.plan_get(fetched_by=request.user, pk=pk)
    return {"id": plan.pk, "year": plan.year, "budget": plan.budget, "per_person_limit": plan.per_person_limit, **plan.result}


# ---------------------------------------------------------------- postgraduate training requests
class PostgradIn(Schema):
    person_id: int
    level: str
    field: str
    institution: str
    starts_on: dt.date
    ends_on: dt.date
    cost: Money
    field_note: str = ""


class PostgradDecideIn(Schema):
    approve: bool
    decision: str
    version: int | None = None


class RepaymentIn(Schema):
    case: str
    actual_cost: Money
    months_served: Annotated[int, Field(ge=0, le=1200)]
    exemption: str = ""
    version: int | None = None


def _postgrad_out(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "person_id": r.person_id, "level": r.level, "field": r.field, "institution": r.institution, "starts_on": r.starts_on,
            "ends_on": r.ends_on, "cost": r.cost, "eligible": r.eligible, "checks": r.checks, "rule": r.rule_source,
            "training_months": r.training_months, "commitment_months": r.commitment_months, "commitment_end": r.commitment_end,
            "status": r.status, "decision": r.decision, "repay_case": r.repay_case, "exemption": r.exemption, "actual_cost": r.actual_cost,
            "months_served": r.months_served, "repay_amount": r.repay_amount, "version": r.version}


@router.get("/postgrad")
def postgrad_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [_postgrad_out(r) for r in selectors.postgrad_requests(fetched_by=request.user, status=status)[:1000]]


@router.post("/postgrad", response={201: dict})
def postgrad_create(request: HttpRequest, payload: PostgradIn) -> tuple[int, dict[str, Any]]:
    r = services.postgrad_create(actor=request.user, **payload.dict())
    return 201, _postgrad_out(r)


@router.get("/postgrad/{pk}")
def postgrad_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _postgrad_out(selectors.postgrad_get(fetched_by=request.user, pk=pk))


@router.post("/postgrad/{pk}/decide", openapi_extra=json_body_doc(PostgradDecideIn))
def postgrad_decide(request: HttpRequest, pk: int) -> dict[str, Any]:
    payload = body_in_scope(request, PostgradDecideIn, lambda: selectors.postgrad_get(fetched_by=request.user, pk=pk))
    r = selectors.postgrad_get(fetched_by=request.user, pk=pk)
    return _postgrad_out(services.postgrad_decide(actor=request.user, request=r, approve=payload.approve, decision=payload.decision,
                                                  version=payload.version))


@router.post("/postgrad/{pk}/repayment", openapi_extra=json_body_doc(RepaymentIn))
def postgrad_repayment(request: HttpRequest, pk: int) -> dict[str, Any]:
    payload = body_in_scope(request, RepaymentIn, lambda: selectors.postgrad_get(fetched_by=request.user, pk=pk))
    r = selectors.postgrad_get(fetched_by=request.user, pk=pk)
    return _postgrad_out(services.postgrad_repayment(actor=request.user, request=r, case=payload.case, actual_cost=payload.actual_cost,
                                                     months_served=payload.months_served, exemption=payload.exemption, version=payload.version))


# ---------------------------------------------------------------- leaving payments after the 2025 merger
class LeavingQuery(Schema):
    salary: Money
    si_months: Annotated[int, Field(ge=0, le=600)]
    leave_on: dt.date
    decision_on: dt.date | None = None


class SurplusQuery(Schema):
    on: dt.date
    salary: Money | None = None


@router.get("/leaving-payments", openapi_extra=query_doc(LeavingQuery))
def leaving_payments(request: HttpRequest, person_id: int) -> dict[str, Any]:
    if not services.can_view(request.user):
        raise errors.REVIEW_FORBIDDEN()
    q = query_in_scope(request, LeavingQuery, lambda: services.leaving_scope(fetched_by=request.user, person_id=person_id), exclude=("person_id",))
    return services.leaving_estimate(fetched_by=request.user, person_id=person_id, salary=q.salary, si_months=q.si_months, leave_on=q.leave_on,
                                     decision_on=q.decision_on)


@router.get("/surplus", openapi_extra=query_doc(SurplusQuery))
def surplus(request: HttpRequest, commune: str) -> dict[str, Any]:
    q = query_in_scope(request, SurplusQuery, lambda: selectors.surplus_scope(fetched_by=request.user, commune_code=commune), exclude=("commune",))
    data = selectors.surplus(fetched_by=request.user, commune_code=commune, on=q.on, salary=q.salary or None)
    return {"commune": data["unit"]["code"], "over": data["over"], "total": data["total"],
            "people": [{k: p[k] for k in ("id", "full_name", "position_name", "office_name", "retirement_date", "months_early", "estimate")}
                       for p in data["people"]]}


# ---------------------------------------------------------------- appointment and nomination proposals
class ProposalIn(Schema):
    person_id: int
    position_code: str
    proposed_on: dt.date
    reference: str
    kind: str = "appointment"


class ProposalCloseIn(Schema):
    outcome: str = ""


def _proposal_out(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "person_id": p.person_id, "position_code": p.position_code, "kind": p.kind, "proposed_on": p.proposed_on,
            "reference": p.reference, "status": p.status, "closed_on": p.closed_on, "outcome": p.outcome}


@router.get("/appointment-proposals")
def appointment_proposals(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [_proposal_out(p) for p in selectors.appointment_proposals(fetched_by=request.user, status=status)[:1000]]


@router.post("/appointment-proposals", response={201: dict})
def appointment_proposal_open(request: HttpRequest, payload: ProposalIn) -> tuple[int, dict[str, Any]]:
    return 201, _proposal_out(services.appointment_proposal_open(actor=request.user, **payload.dict()))


@router.post("/appointment-proposals/{pk}/close", openapi_extra=json_body_doc(ProposalCloseIn))
def appointment_proposal_close(request: HttpRequest, pk: int) -> dict[str, Any]:
    payload = body_in_scope(request, ProposalCloseIn, lambda: selectors.appointment_proposal_get(fetched_by=request.user, pk=pk))
    p = selectors.appointment_proposal_get(fetched_by=request.user, pk=pk)
    return _proposal_out(services.appointment_proposal_close(actor=request.user, proposal=p, outcome=payload.outcome))
