"""Rule book API: list rules with their value on a date, one rule with its history, the diff between two dates,
and changes (scoped like the pages: a user reads national values and those of their own unit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from coso.core.api_body import query_doc, query_in_scope
from coso.rules import selectors, services
from coso.rules.lookup import RuleRef

router = Router(tags=["rules"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


class SourceOut(Schema):
    document: str
    article: str
    url: str


class RefOut(Schema):
    id: int | None
    value: Any
    display: str
    scope: str
    province_code: str
    commune_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: SourceOut
    confidence: str
    origin: str


class RuleInForceOut(Schema):
    key: str
    module: str
    label: str
    description: str
    type: str
    unit: str
    default_source: str
    in_force: RefOut | None


class RowOut(Schema):
    id: int
    scope: str
    province_code: str
    commune_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    value: Any
    source: SourceOut
    confidence: str
    origin: str
    reason: str
    changed_by: str


class RuleInForceDetailOut(RuleInForceOut):
    history: list[RowOut]


class DiffOut(Schema):
    key: str
    label: str
    before: RefOut | None
    after: RefOut | None
    value_changed: bool


class RuleChangeIn(Schema):
    key: str = Field(..., max_length=120)
    value: Any
    valid_from: dt.date
    valid_to: dt.date | None = None
    reason: str = Field(..., max_length=2000)
    province_code: str | None = Field(None, max_length=8, description="Province administrators: always their own province")
    commune_code: str = Field("", max_length=8)
    source_document: str = Field("", max_length=300)
    source_article: str = Field("", max_length=300)
    source_url: str = Field("", max_length=500)


class RuleChangeOut(Schema):
    rule: RowOut
    warnings: list[str]


def _ref(ref: RuleRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"id": ref.id, "value": ref.raw, "display": ref.display_value, "scope": ref.scope, "province_code": ref.province_code,
            "commune_code": ref.commune_code, "valid_from": ref.valid_from, "valid_to": ref.valid_to,
            "source": {"document": ref.source_document, "article": ref.source_article, "url": ref.source_url},
            "confidence": ref.confidence, "origin": ref.origin}


def _row(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "scope": r.scope, "province_code": r.province_code, "commune_code": r.commune_code, "valid_from": r.valid_from,
            "valid_to": r.valid_to, "value": r.value, "source": {"document": r.source_document, "article": r.source_article, "url": r.source_url},
            "confidence": r.confidence, "origin": r.origin, "reason": r.reason if r.origin != "data" else "",
            "changed_by": r.changed_by.display_name if r.changed_by_id else ""}


def _rule(key: str, decl: Any, ref: RuleRef | None) -> dict[str, Any]:
    return {"key": key, "module": decl.module, "label": str(decl.label), "description": str(decl.description), "type": decl.type.value,
            "unit": decl.unit, "default_source": decl.default_source, "in_force": _ref(ref)}


@router.get("/", response={200: list[RuleInForceOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="Every rule with its value in force on a date for a scope")
def list_rules(request: HttpRequest, on: dt.date | None = None, module: str | None = Query(None, max_length=40),  # type: ignore[no-untyped-def]
               province_code: str | None = Query(None, max_length=8), commune_code: str | None = Query(None, max_length=8)):
    cat = selectors.rule_catalogue(fetched_by=request.user, on=on or timezone.localdate(), province_code=province_code,
                                   commune_code=commune_code, module=module)
    return [_rule(line.key, line.declaration, line.ref) for m in cat for line in m["rules"]]


@router.get("/diff", response={200: list[DiffOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="What changes between two dates for a scope")
def diff(request: HttpRequest, date_from: dt.date, date_to: dt.date, province_code: str | None = Query(None, max_length=8),  # type: ignore[no-untyped-def]
         commune_code: str | None = Query(None, max_length=8)):
    rows = selectors.rule_diff(fetched_by=request.user, date_from=date_from, date_to=date_to, province_code=province_code, commune_code=commune_code)
    return [{"key": d["key"], "label": str(d["declaration"].label), "before": _ref(d["before"]), "after": _ref(d["after"]),
             "value_changed": d["value_changed"]} for d in rows]


@router.post("/changes", response={201: RuleChangeOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Give a rule a new value for a unit from a date (never in the past; reason required)")
def change(request: HttpRequest, payload: RuleChangeIn):  # type: ignore[no-untyped-def]
    selectors.require_reader(request.user)
    province = payload.province_code if payload.province_code is not None else (request.user.province_code or "")  # type: ignore[union-attr]
    result = services.rule_change(
        actor=request.user, key=payload.key, value=payload.value, valid_from=payload.valid_from, valid_to=payload.valid_to, reason=payload.reason,
        province_code=province, commune_code=payload.commune_code, source_document=payload.source_document,
        source_article=payload.source_article, source_url=payload.source_url,
    )
    return Status(201, {"rule": _row(result.rule), "warnings": result.warnings})


class WithdrawQuery(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


# ``?reason=`` is read once the value is the caller's (coso.core.api_body): another province's value answers 404 whatever
# the reason, as one that does not exist, not 422 for a missing or too long reason.
@router.delete("/changes/{rule_id}", response={204: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
               summary="Withdraw a value that has not taken effect yet", openapi_extra=query_doc(WithdrawQuery))
def withdraw(request: HttpRequest, rule_id: int):  # type: ignore[no-untyped-def]
    selectors.require_reader(request.user)
    query = query_in_scope(request, WithdrawQuery, lambda: selectors.stored_value_get(fetched_by=request.user, rule_id=rule_id))
    services.rule_withdraw(actor=request.user, rule_id=rule_id, reason=query.reason)
    return Status(204, None)


@router.get("/{key}", response={200: RuleInForceDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}, summary="One rule: value on a date and its history")
def get_rule(request: HttpRequest, key: str, on: dt.date | None = None, province_code: str | None = Query(None, max_length=8),  # type: ignore[no-untyped-def]
             commune_code: str | None = Query(None, max_length=8)):
    data = selectors.rule_detail(fetched_by=request.user, key=key, on=on or timezone.localdate(), province_code=province_code, commune_code=commune_code)
    return {**_rule(key, data["declaration"], data["ref"]), "history": [_row(r) for r in data["history"]]}
