"""JSON API of the funding app (mounted at /api/v1/funding/). Finance roles and leaders only, scoped by unit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from ninja import Field, Query, Router, Schema
from pydantic import PlainValidator, WithJsonSchema

from coso.core.api_body import body_in_scope, json_body_doc
from coso.core.types import AuthedHttpRequest
from coso.funding import errors, selectors, services
from coso.funding.compare import MAX_SCENARIOS, compare
from coso.funding.engine import CATEGORIES, Period
from coso.funding.exports import allocation_pdf, allocation_xlsx, comparison_xlsx
from coso.funding.models import Scenario
from coso.units.models import AdministrativeUnit

router = Router(tags=["funding"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RuleOut(Schema):
    key: str
    label: str
    value: Any
    unit: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    confidence: str
    province_code: str
    commune_code: str = ""
    scope: str = Field(default="national", description="Where the value is set: national | province | commune (the commune's own)")


# A number as sent, text or a JSON number (anything else too): the service reads it (coso.funding.numbers.plain_decimal), so that "1e5", "NaN" or
# "-0" is refused on its field with the service's message, as on the pages, rather than first made a Decimal here.
NumberIn = Annotated[Any, PlainValidator(lambda value: value), WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]})]


class NormIn(Schema):
    key: str
    value: NumberIn
    valid_from: dt.date
    valid_to: dt.date | None = None
    source: str
    reason: str = ""


class ChangeIn(Schema):
    key: str
    mode: str = "set"
    value: NumberIn


class ChangeOut(Schema):
    key: str
    mode: str
    value: str


class ScenarioIn(Schema):
    name: str
    description: str = ""
    changes: list[ChangeIn]


class ScenarioPatch(Schema):
    version: int
    name: str | None = None
    description: str | None = None
    changes: list[ChangeIn] | None = None


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    status: str
    adopted_from: dt.date | None
    version: int
    province_code: str
    changes: list[ChangeOut]
    bound_problems: list[str] = Field(default=[], description="Changes taking a rule outside its declared bounds (saved before they were checked)")


class AdoptIn(Schema):
    effective_from: dt.date
    source: str


class VillageDistributionIn(Schema):
    village_id: int
    month: dt.date
    coefficients: dict[str, NumberIn | None] | None = None


class WorkerIn(Schema):
    name: str
    title: str = ""
    coefficient: NumberIn | None = None


class CommuneDistributionIn(Schema):
    commune_code: str
    month: dt.date
    workers: list[WorkerIn]


class DistributionOut(Schema):
    id: int
    kind: str
    month: dt.date
    fund: int
    total: int
    lines: list[dict]


class AllocationFilter(Schema):
    period: str = Field(default="", description="2026 | 2026-Q2 | 2026-05 (default: this year)")
    commune: str | None = None
    province: str | None = None
    detail: bool = True


def _scenario_out(sc: Scenario) -> dict[str, Any]:
    return {"id": sc.pk, "name": sc.name, "description": sc.description, "status": sc.status, "adopted_from": sc.adopted_from,
            "version": sc.version, "province_code": sc.province_code,
            "changes": [{"key": c.key, "mode": c.mode, "value": str(c.value.normalize())} for c in sc.changes.all()],
            "bound_problems": getattr(sc, "bound_problems", [])}


def _period(text: str) -> Period:
    return Period.parse(text or str(timezone.localdate().year))


@router.get("/rules", response={200: list[RuleOut], **ERRORS},
            summary="Rules in force on a date (province rows over national defaults; for a commune user, the commune's own rows over both)")
def list_rules(request: HttpRequest, date: dt.date | None = None, province: str | None = None):  # type: ignore[no-untyped-def]
    day = date or timezone.localdate()
    _, book = selectors.rules_in_force(fetched_by=request.user, day=day, province_code=province)
    refs = book.in_force(day, commune_code=selectors.rules_commune_code(request.user))
    return [{**r.as_dict(), "valid_from": r.valid_from, "valid_to": r.valid_to} for r in refs]


@router.get("/rules/history", response={200: list[RuleOut], **ERRORS})
def rule_history(request: AuthedHttpRequest, key: str | None = None):  # type: ignore[no-untyped-def]
    code = selectors.province_for(request.user) if selectors.is_province_user(request.user) else request.user.province_code
    return [{**r.as_dict(), "valid_from": r.valid_from, "valid_to": r.valid_to}
            for r in selectors.rule_history(fetched_by=request.user, province_code=code, key=key)]


@router.post("/rules", response={201: RuleOut, **ERRORS}, summary="Set the province's own value for a funding rule from a date (through the rule book)")
def set_rule(request: HttpRequest, payload: NormIn):  # type: ignore[no-untyped-def]
    row = services.funding_rule_set(actor=request.user, key=payload.key, value=payload.value, valid_from=payload.valid_from,
                                    valid_to=payload.valid_to, source=payload.source, reason=payload.reason or payload.source)
    _, book = selectors.rules_in_force(fetched_by=request.user, day=payload.valid_from, province_code=row.province_code)
    ref = book.get(row.key, payload.valid_from)
    assert ref is not None  # just written
    return 201, {**ref.as_dict(), "valid_from": ref.valid_from, "valid_to": ref.valid_to}


def _check_scope(request: HttpRequest, f: AllocationFilter) -> None:
    """The caller may read funds and see the commune (or the province) asked for, else 403 / 404: checked before the period
    or the format, so that another unit's caller learns nothing from a bad one."""
    if f.commune:
        selectors.commune_get(fetched_by=request.user, code=f.commune)
    elif selectors.is_province_user(request.user):
        selectors.province_for(request.user, f.province)
    else:
        selectors.require_reader(request.user)


def _allocation(request: HttpRequest, f: AllocationFilter, detail: bool):  # type: ignore[no-untyped-def]
    _check_scope(request, f)
    return selectors.allocation_get(fetched_by=request.user, period=_period(f.period), province_code=f.province, commune_code=f.commune, detail=detail)


@router.get("/allocation", response={200: dict, **ERRORS}, summary="Allocation of a province or a commune for a period")
def get_allocation(request: HttpRequest, filters: Query[AllocationFilter]):  # type: ignore[no-untyped-def]
    alloc = _allocation(request, filters, detail=filters.detail and bool(filters.commune))
    communes = []
    for c in alloc.communes:
        item: dict[str, Any] = {"code": c.commune.code, "name": c.commune.name, "classification": c.commune.classification,
                                "total": c.total, "by_category": c.by_category()}
        if filters.commune:
            item["lines"] = [ln.as_dict() for ln in c.lines]
        communes.append(item)
    return {"period": alloc.period.code, "period_label": alloc.period.label, "province_code": alloc.province_code, "total": alloc.total,
            "by_category": alloc.by_category(), "categories": {k: str(label) for k, label in CATEGORIES}, "communes": communes}


@router.get("/allocation/export", response={200: None, **ERRORS}, summary="Allocation table as Excel (format=xlsx) or PDF (format=pdf)")
def export_allocation(request: HttpRequest, filters: Query[AllocationFilter], format: str = "xlsx"):  # type: ignore[no-untyped-def]
    _check_scope(request, filters)
    if format not in ("xlsx", "pdf"):
        raise errors.EXPORT_ALLOCATION_INVALID_FORMAT(field="format")
    _period(filters.period)  # a bad period is refused in the reader's language
    with translation.override("vi"):  # the official table: Vietnamese layout, lines' texts in Vietnamese too
        alloc = _allocation(request, filters, detail=True)
    province = AdministrativeUnit.objects.filter(code=alloc.province_code).first()
    # One commune's table (asked for, or the only one a commune user may see: allocation_get gives them their own) is
    # headed with the commune's name, as the page's export is; the province's with the province's.
    one_commune = bool(filters.commune) or not selectors.is_province_user(request.user)
    unit = alloc.communes[0].commune.name if one_commune and alloc.communes else (province.name if province else alloc.province_code)
    if format == "pdf":
        resp = HttpResponse(allocation_pdf(alloc, unit_name=unit, province_name=province.name if province else ""), content_type="application/pdf")
    else:
        resp = HttpResponse(allocation_xlsx(alloc, unit_name=unit), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="phan-bo-kinh-phi-{alloc.period.code}.{format}"'
    return resp


@router.post("/distributions/village", response={201: DistributionOut, **ERRORS}, summary="Split a village's monthly fund among its paid positions")
def distribute_village(request: HttpRequest, payload: VillageDistributionIn):  # type: ignore[no-untyped-def]
    d = services.village_fund_distribute(actor=request.user, village_id=payload.village_id, month=payload.month, coefficients=payload.coefficients)
    return 201, {"id": d.pk, "kind": d.kind, "month": d.month, "fund": int(d.fund), "total": int(d.total), "lines": d.lines}


@router.post("/distributions/commune-pt", response={201: DistributionOut, **ERRORS}, summary="Split the commune part-time fund among its workers")
def distribute_commune_pt(request: HttpRequest, payload: CommuneDistributionIn):  # type: ignore[no-untyped-def]
    d = services.commune_pt_fund_distribute(actor=request.user, commune_code=payload.commune_code, month=payload.month,
                                            workers=[w.dict() for w in payload.workers])
    return 201, {"id": d.pk, "kind": d.kind, "month": d.month, "fund": int(d.fund), "total": int(d.total), "lines": d.lines}


@router.get("/scenarios", response={200: list[ScenarioOut], **ERRORS})
def list_scenarios(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [_scenario_out(s) for s in selectors.scenario_list(fetched_by=request.user)]


@router.post("/scenarios", response={201: ScenarioOut, **ERRORS})
def create_scenario(request: HttpRequest, payload: ScenarioIn):  # type: ignore[no-untyped-def]
    sc = services.scenario_create(actor=request.user, name=payload.name, description=payload.description,
                                  changes=[c.dict() for c in payload.changes])
    return 201, _scenario_out(selectors.scenario_get(fetched_by=request.user, pk=sc.pk))


def _compare(request: HttpRequest, ids: list[int], period: str, language: str | None = None):  # type: ignore[no-untyped-def]
    ids = list(dict.fromkeys(ids))  # a scenario named twice (?ids=1&ids=1) is compared once, not as two identical columns
    if not ids or len(ids) > MAX_SCENARIOS:
        raise errors.INVALID_SCENARIO_COUNT(max_scenarios=MAX_SCENARIOS, field="ids")
    chosen = [selectors.scenario_get(fetched_by=request.user, pk=i) for i in ids]
    if len({sc.province_code for sc in chosen}) > 1:
        raise errors.SCENARIOS_OF_DIFFERENT_PROVINCES()
    for sc in chosen:
        if sc.bound_problems:
            raise errors.SCENARIO_OUT_OF_BOUNDS(name=sc.name, problems="; ".join(sc.bound_problems),
                                                details={"scenario": sc.pk, "problems": sc.bound_problems})
    code = chosen[0].province_code
    qs = AdministrativeUnit.objects.filter(level="commune", province_code=code)
    the_period = _period(period)
    with translation.override(language or translation.get_language()):
        return compare(province_code=code, period=the_period, scenarios=[None, *chosen], inputs_factory=lambda: selectors.commune_inputs(qs))


@router.get("/scenarios/compare", response={200: dict, **ERRORS}, summary="Current rules beside up to four scenarios")
def compare_scenarios(request: HttpRequest, ids: list[int] = Query(...), period: str = "", villages: bool = False):  # type: ignore[no-untyped-def]  # noqa: B008
    cmp = _compare(request, ids, period)

    def rows(items):  # type: ignore[no-untyped-def]
        return [{"key": r.key, "name": r.name, "parent": r.parent, "values": r.values, "diffs": r.diffs} for r in items]

    out = {"period": cmp.period.code, "columns": cmp.columns, "totals": cmp.totals, "total_diffs": cmp.total_diffs,
           "categories": rows(cmp.categories), "communes": rows(cmp.communes), "organisations": rows(cmp.organisations),
           "gainers": rows(cmp.gainers(50))}
    if villages:
        out["villages"] = rows(cmp.villages)
    return out


@router.get("/scenarios/compare/export", response={200: None, **ERRORS}, summary="Comparison as Excel")
def export_comparison(request: HttpRequest, ids: list[int] = Query(...), period: str = ""):  # type: ignore[no-untyped-def]  # noqa: B008
    cmp = _compare(request, ids, period, language="vi")  # the official table: Vietnamese layout and names
    province = AdministrativeUnit.objects.filter(code=cmp.province_code).first()
    resp = HttpResponse(comparison_xlsx(cmp, unit_name=province.name if province else cmp.province_code),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="so-sanh-kich-ban-{cmp.period.code}.xlsx"'
    return resp


@router.get("/scenarios/{scenario_id}", response={200: ScenarioOut, **ERRORS})
def get_scenario(request: HttpRequest, scenario_id: int):  # type: ignore[no-untyped-def]
    return _scenario_out(selectors.scenario_get(fetched_by=request.user, pk=scenario_id))


# An endpoint acting on one object reads its body once the object is the caller's (coso.core.api_body): another
# province's scenario answers 404 whatever the body, as one that does not exist, not 422 for a bad body.
@router.patch("/scenarios/{scenario_id}", response={200: ScenarioOut, **ERRORS}, openapi_extra=json_body_doc(ScenarioPatch))
def update_scenario(request: HttpRequest, scenario_id: int):  # type: ignore[no-untyped-def]
    payload = body_in_scope(request, ScenarioPatch, lambda: selectors.scenario_get(fetched_by=request.user, pk=scenario_id))
    sc = selectors.scenario_get(fetched_by=request.user, pk=scenario_id)
    services.scenario_update(actor=request.user, scenario=sc, version=payload.version, name=payload.name, description=payload.description,
                             changes=[c.dict() for c in payload.changes] if payload.changes is not None else None)
    return _scenario_out(selectors.scenario_get(fetched_by=request.user, pk=scenario_id))


@router.delete("/scenarios/{scenario_id}", response={204: None, **ERRORS})
def delete_scenario(request: HttpRequest, scenario_id: int):  # type: ignore[no-untyped-def]
    services.scenario_delete(actor=request.user, scenario=selectors.scenario_get(fetched_by=request.user, pk=scenario_id))
    return 204, None


@router.post("/scenarios/{scenario_id}/adopt", response={200: ScenarioOut, **ERRORS}, summary="Adopt a scenario as the province's rules from a date",
             openapi_extra=json_body_doc(AdoptIn))
def adopt_scenario(request: HttpRequest, scenario_id: int):  # type: ignore[no-untyped-def]
    payload = body_in_scope(request, AdoptIn, lambda: selectors.scenario_get(fetched_by=request.user, pk=scenario_id))
    sc = selectors.scenario_get(fetched_by=request.user, pk=scenario_id)
    services.scenario_adopt(actor=request.user, scenario=sc, effective_from=payload.effective_from, source=payload.source)
    return _scenario_out(selectors.scenario_get(fetched_by=request.user, pk=scenario_id))


@router.post("/scenarios/{scenario_id}/unadopt", response={200: ScenarioOut, **ERRORS},
             summary="Withdraw a scenario's adoption whose start date is still ahead (its rules are withdrawn; a draft again)")
def unadopt_scenario(request: HttpRequest, scenario_id: int):  # type: ignore[no-untyped-def]
    sc = selectors.scenario_get(fetched_by=request.user, pk=scenario_id)
    services.scenario_unadopt(actor=request.user, scenario=sc)
    return _scenario_out(selectors.scenario_get(fetched_by=request.user, pk=scenario_id))
