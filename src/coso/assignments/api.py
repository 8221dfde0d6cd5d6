"""JSON API of the assignments app (mounted at /api/v1/assignments/). Errors: {code, message, details}."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest

from ninja import Query, Router, Schema
from pydantic import Field

from coso.assignments import selectors, services
from coso.core.api_body import query_doc, query_in_scope
from coso.core.params import SmallCount, Year

router = Router(tags=["assignments"])
Code = Annotated[str, Field(max_length=30)]


class DecisionIn(Schema):
    commune_code: Code
    position_code: Code
    person_id: SmallCount
    number: Annotated[str, Field(max_length=60)]
    decided_on: dt.date
    effective_on: dt.date
    note: Annotated[str, Field(max_length=500)] = ""


class ExemptionIn(Schema):
    person_id: SmallCount
    reason: Code
    valid_from: dt.date
    valid_to: dt.date | None = None
    note: Annotated[str, Field(max_length=300)] = ""


class OriginIn(Schema):
    person_id: SmallCount
    birth_commune_code: Annotated[str, Field(max_length=10)] = ""
    other_years: dict[Annotated[str, Field(max_length=10)], SmallCount] = {}
    note: Annotated[str, Field(max_length=300)] = ""


class MatchIn(Schema):
    keys: Annotated[list[Annotated[str, Field(max_length=50)]], Field(max_length=500)]
    on: dt.date | None = None


def _decision(d: Any) -> dict[str, Any]:
    return {"id": d.pk, "commune_code": d.commune_code, "position_code": d.position_code, "person_id": d.person_id, "number": d.number,
            "decided_on": d.decided_on, "effective_on": d.effective_on, "status": d.status, "from_position_code": d.from_position_code,
            "from_commune_code": d.from_commune_code, "checks": d.checks, "return_reason": d.return_reason}


@router.get("/vacancies")
def vacancies(request: HttpRequest, commune: Annotated[str, Query(max_length=10)] = "", on: dt.date | None = None) -> dict[str, Any]:
    return selectors.vacancies(fetched_by=request.user, on=on, commune=commune)


class CandidatesQuery(Schema):
    position_code: Annotated[str, Field(max_length=30)]
    on: dt.date | None = None
    limit: Annotated[int, Field(ge=1, le=500)] = 50


# The commune is checked before the other parameters (core.api_body.query_in_scope): another unit's commune answers 404 whatever
# they are, as one that does not exist.
@router.get("/candidates", openapi_extra=query_doc(CandidatesQuery))
def candidates(request: HttpRequest, commune_code: Annotated[str, Query(max_length=10)]) -> dict[str, Any]:
    q = query_in_scope(request, CandidatesQuery, lambda: selectors.unit_in_scope(fetched_by=request.user, commune_code=commune_code),
                       exclude=("commune_code",))
    data = selectors.candidates(fetched_by=request.user, commune_code=commune_code, position_code=q.position_code, on=q.on, limit=q.limit)
    return {k: v for k, v in data.items() if k != "rule_labels"}


@router.post("/match")
def match(request: HttpRequest, payload: MatchIn) -> dict[str, Any]:
    return selectors.match(fetched_by=request.user, keys=payload.keys, on=payload.on)


@router.get("/rotation")
def rotation(request: HttpRequest, year: Year, commune: Annotated[str, Query(max_length=10)] = "") -> dict[str, Any]:
    return selectors.rotation(fetched_by=request.user, year=year, commune=commune)


@router.get("/decisions")
def decisions(request: HttpRequest, commune: Annotated[str, Query(max_length=10)] = "") -> list[dict[str, Any]]:
    return [_decision(d) for d in selectors.decisions(fetched_by=request.user, commune=commune)[:1000]]


@router.post("/decisions", response={201: dict})
def decision_record(request: HttpRequest, payload: DecisionIn) -> tuple[int, dict[str, Any]]:
    d = services.decision_record(actor=request.user, commune_code=payload.commune_code, position_code=payload.position_code,
                                 person_id=payload.person_id, number=payload.number, decided_on=payload.decided_on,
                                 effective_on=payload.effective_on, note=payload.note)
    return 201, _decision(d)


@router.get("/decisions/{pk}")
def decision_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _decision(selectors.decision_get(fetched_by=request.user, pk=pk))


@router.post("/exemptions", response={201: dict})
def exemption_add(request: HttpRequest, payload: ExemptionIn) -> tuple[int, dict[str, Any]]:
    e = services.exemption_add(actor=request.user, person_id=payload.person_id, reason=payload.reason, valid_from=payload.valid_from,
                               valid_to=payload.valid_to, note=payload.note)
    return 201, {"id": e.pk, "person_id": e.person_id, "reason": e.reason, "valid_from": e.valid_from, "valid_to": e.valid_to}


@router.put("/origins")
def origin_set(request: HttpRequest, payload: OriginIn) -> dict[str, Any]:
    o = services.origin_set(actor=request.user, person_id=payload.person_id, birth_commune_code=payload.birth_commune_code,
                            other_years=payload.other_years, note=payload.note)
    return {"person_id": o.person_id, "birth_commune_code": o.birth_commune_code, "other_years": o.other_years}
