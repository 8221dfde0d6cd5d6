"""JSON API of the indices: published figures (no sign-in) and the records behind a figure (scoped)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

import pydantic
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from coso.core.params import FIRST_YEAR, LAST_YEAR
from coso.core.types import AuthedHttpRequest
from coso.indices import errors, periods, selectors
from coso.indices.cache import page_of_figures
from coso.indices.catalogue import INDICATOR_BY_CODE
from coso.indices.throttle import check_public_range

router = Router(tags=["indices"])


def _period(period: str, start: str, end: str) -> periods.Period:
    return periods.parse({"period": period, "start": start, "end": end})


def _unit(code: str, level: str) -> Any:
    from coso.units.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(code=code, level=level).first() if code else None
    if unit is None:
        raise Http404
    return unit


def _scoped_commune(request: AuthedHttpRequest, code: str) -> Any:
    """The commune whose records (or strength index) the caller asks for, if they may see them; else 404, before any other
    parameter is looked at."""
    unit = _unit(code, "commune")
    if not selectors.can_view_records(request.user, province_code=unit.province_code, commune_code=unit.code):
        raise Http404
    return unit


@router.get("/scorecard", auth=None, summary="Decision 766 index of a commune, a province or the country (published figures)")
@page_of_figures
def scorecard(request: HttpRequest, level: str = "national", code: str = "", period: str = "", start: str = "", end: str = "") -> dict[str, Any]:
    p = _period(period, start, end)
    check_public_range(request, p)
    if level == "commune":
        unit = _unit(code, "commune")
        card = selectors.commune_card(unit.code, unit.province_code, p)
    elif level == "province":
        unit = _unit(code, "province")
        card = selectors.province_card(unit.code, p)
    elif level == "national":
        unit = None
        card = selectors.national_card(p)
    else:
        raise errors.BAD_LEVEL()
    return {
        "level": level,
        "code": unit.code if unit else "",
        "name": unit.name if unit else "Toàn quốc",
        "period": p.value,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        **card.as_dict(),
    }


@router.get("/ranking", auth=None, summary="Communes of a province (province=…) or provinces ranked, with the change against the previous period")
@page_of_figures
def ranking(request: HttpRequest, province: str = "", period: str = "", start: str = "", end: str = "") -> dict[str, Any]:
    p = _period(period, start, end)
    check_public_range(request, p)
    rows = selectors.commune_ranking(_unit(province, "province").code, p) if province else selectors.province_ranking(p)
    prev = p.previous()
    return {
        "period": p.value,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "previous_start": prev.start.isoformat(),
        "previous_end": prev.end.isoformat(),
        "level": "commune" if province else "province",
        "rows": [r.as_dict() for r in rows],
    }


class RecordsOptions(Schema):
    """The options of ``records``, read once the commune is the caller's (declared, django-ninja would check them before
    the scope: another unit's commune with a bad ``limit`` would answer 422 instead of 404)."""

    all: bool = False  # the whole denominator, not only the records counting against the figure
    limit: int = pydantic.Field(200, ge=1, le=1000)


def _records_options(request: HttpRequest) -> RecordsOptions:
    raw = {name: request.GET[name] for name in RecordsOptions.model_fields if name in request.GET}
    try:
        return RecordsOptions.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]) from None


_RECORDS_OPTIONS_DOC = {"parameters": [
    {"in": "query", "name": "all", "required": False, "schema": {"type": "boolean", "default": False}},
    {"in": "query", "name": "limit", "required": False, "schema": {"type": "integer", "default": 200, "minimum": 1, "maximum": 1000}},
]}


@router.get("/records", summary="Codes of the dossiers or feedback (3.2: online procedures) behind a commune's figure (scoped to the caller)",
            openapi_extra=_RECORDS_OPTIONS_DOC)
def records(request: AuthedHttpRequest, commune: str, indicator: str, period: str = "", start: str = "", end: str = "") -> dict[str, Any]:
    unit = _scoped_commune(request, commune)  # the scope first: another unit's caller learns nothing from a bad period or option
    options = _records_options(request)
    all, limit = options.all, options.limit  # noqa: A001 -- the query parameter's name
    p = _period(period, start, end)
    ind = INDICATOR_BY_CODE.get(indicator)
    if ind is None or not ind.drillable:
        raise errors.BAD_INDICATOR()
    if ind.source == "usage":
        rows = selectors.usage_procedures(viewer=request.user, commune_code=unit.code, province_code=unit.province_code, period=p, missed=not all)
        return {
            "indicator": indicator,
            "source": ind.source,
            "commune": unit.code,
            "count": len(rows),
            "items": [{"code": r["code"], "name": r["name"], "online": r["online"], "dossiers": r["dossiers"]} for r in rows[:limit]],
        }
    if ind.source == "dossier":
        from coso.dossiers.selectors import index_dossiers

        qs = index_dossiers(fetched_by=request.user, commune_code=unit.code, indicator=indicator, start=p.start, end=p.end, missed=not all)
    else:
        from coso.feedback.selectors import index_feedback

        qs = index_feedback(fetched_by=request.user, commune_code=unit.code, indicator=indicator, start=p.start, end=p.end, missed=not all)
    return {
        "indicator": indicator,
        "source": ind.source,
        "commune": unit.code,
        "count": qs.count(),
        "items": [{"id": pk, "code": c} for pk, c in qs.values_list("pk", "code")[:limit]],
    }


@router.get("/strength", summary="Commune-strength index of a commune, with its pillars, inputs and coverage (scoped)")
@page_of_figures
def strength(request: AuthedHttpRequest, commune: str, period: str = "", start: str = "", end: str = "") -> dict[str, Any]:
    unit = _scoped_commune(request, commune)
    p = _period(period, start, end)
    out = selectors.province_strengths(unit.province_code, p, request.user, [unit.code])[unit.code].as_dict()
    out["province"] = selectors.strength_comparison(unit.province_code, p, unit.code).as_dict()
    return out


class ProvinceFiguresIn(Schema):
    key: str
    year: int
    document: str
    values: dict[str, str | float | None]  # commune code → value (a number, or as typed: "85,5"); "" or null removes a figure


@router.get("/province-figures", summary="Figures the caller's province entered for the commune-strength index (one input, one year)")
def province_figures(request: AuthedHttpRequest, key: str, year: int = Query(..., ge=FIRST_YEAR, le=LAST_YEAR)) -> dict[str, Any]:
    from coso.indices import services
    from coso.indices.strength import PROVINCE_FIGURES

    if not services.can_enter_province_figures(request.user):
        raise Http404
    if key not in PROVINCE_FIGURES:
        raise errors.UNKNOWN_PROVINCE_FIGURE()
    found = selectors.province_figures(province_code=request.user.province_code, key=key, year=year)
    return {"key": key, "year": year, "province": request.user.province_code,
            "figures": [{"commune": code, "value": float(f["value"]), "document": f["document"]} for code, f in sorted(found.items())]}


@router.put("/province-figures", summary="Enter one input's figures of a year for communes of the caller's province (all or nothing)")
def province_figures_put(request: AuthedHttpRequest, body: ProvinceFiguresIn) -> dict[str, Any]:
    from coso.indices import services

    if not services.can_enter_province_figures(request.user):
        raise Http404
    changed = services.province_figures_save(actor=request.user, key=body.key, year=body.year, document=body.document, values=body.values)
    return {"changed": changed}
