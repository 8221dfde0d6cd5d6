"""Calendar API: date arithmetic for every module, day lists, and override administration."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from coso.core.api_body import body_in_scope, json_body_doc
from coso.core.exceptions import ApplicationError
from coso.core.params import month_query, year_query
from coso.workcalendar import errors, services
from coso.workcalendar.calendar import CalendarRangeError
from coso.workcalendar.selectors import month_days, override_get, override_list, require_override_admin, viewer_province, weekday_label

router = Router(tags=["calendar"])

MAX_N = 3650  # about 14 years of working days; beyond that the calendar runs out anyway


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


class WorkingDaysOut(Schema):
    start: dt.date
    n: int
    result: dt.date
    result_weekday: str
    working_days_between: int


class DayOut(Schema):
    date: dt.date
    weekday: int = Field(..., description="0 = Monday … 6 = Sunday")
    weekday_label: str
    working: bool
    reason: str
    origin: str = Field(..., description="override | holidays | weekday")
    override_id: int | None = None


class MonthOut(Schema):
    year: int
    month: int
    working_days: int
    days: list[DayOut]


class OverrideOut(Schema):
    id: int
    province_code: str = Field(..., description="'' = nationwide; a province code = that province only")
    date: dt.date
    kind: str
    kind_label: str
    reason: str
    source: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.get_kind_display())


class OverrideIn(Schema):
    province_code: str | None = Field(None, max_length=8, description="Province administrators: always their own province. System administrators: '' for nationwide.")
    date: dt.date
    kind: str = Field(..., description="day_off | working_day")
    reason: str = Field(..., max_length=300)
    source: str = Field("", max_length=500)


class OverridePatch(Schema):
    date: dt.date | None = None
    kind: str | None = None
    reason: str | None = Field(None, max_length=300)
    source: str | None = Field(None, max_length=500)


def _out_of_range(start: dt.date, province_code: str) -> ApplicationError:
    """The error on the field at fault: ``start`` when the calendar does not cover it, else ``n`` (the count runs off)."""
    cal = services.get_calendar(province_code)
    code = errors.DATE_OUT_OF_RANGE if cal.covers(start) else errors.START_OUT_OF_RANGE
    return code(first=cal.first_year, last=cal.last_year)


@router.get(
    "/working-days",
    response={200: WorkingDaysOut, 400: ErrorOut, 422: ErrorOut},
    summary="The n-th working day after start (start not counted; n = 0: start or the next working day; n < 0: before start)",
)
def working_days(request: HttpRequest, start: dt.date, n: int = Query(..., ge=-MAX_N, le=MAX_N),  # type: ignore[no-untyped-def]
                 province_code: str | None = Query(None, max_length=8, description="Calendar of this province (default: the caller's)")):
    province = province_code if province_code is not None else viewer_province(request.user)
    try:
        result = services.add_working_days(start, n, province_code=province)
        if n < 0:  # backwards the days gone back are [result, start), as add_working_days counts them (a Saturday's n = -1 is the Friday: -1)
            between = -services.working_days_between(result - dt.timedelta(days=1), start - dt.timedelta(days=1), province_code=province)
        else:
            between = services.working_days_between(start, result, province_code=province)
    except CalendarRangeError:
        raise _out_of_range(start, province) from None
    return {"start": start, "n": n, "result": result, "result_weekday": weekday_label(result), "working_days_between": between}


@router.get(
    "/days",
    response={200: MonthOut, 400: ErrorOut, 422: ErrorOut},
    summary="Every day of a month: working or not, and why",
)
def days(request: HttpRequest, year: int = year_query(), month: int = month_query(), province_code: str | None = Query(None, max_length=8)):  # type: ignore[no-untyped-def]
    rows = month_days(year=year, month=month, province_code=province_code if province_code is not None else viewer_province(request.user))
    return {
        "year": year,
        "month": month,
        "working_days": sum(1 for d in rows if d["working"]),
        "days": [{**{k: v for k, v in d.items() if k != "override"}, "override_id": d["override"].pk if d["override"] else None} for d in rows],
    }


@router.get("/overrides", response=list[OverrideOut], summary="Announced overrides (administrators)")
@paginate
def list_overrides(request: HttpRequest, year: int | None = year_query(None)):  # type: ignore[no-untyped-def]
    return override_list(fetched_by=request.user, year=year)


@router.post("/overrides", response={201: OverrideOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut}, summary="Add an override (administrators)")
def create_override(request: HttpRequest, payload: OverrideIn):  # type: ignore[no-untyped-def]
    require_override_admin(request.user)
    obj = services.override_create(actor=request.user, date=payload.date, kind=payload.kind, reason=payload.reason, source=payload.source,
                                   province_code=payload.province_code)
    return Status(201, obj)


@router.get("/overrides/{override_id}", response={200: OverrideOut, 403: ErrorOut, 404: ErrorOut}, summary="One override (administrators)")
def get_override(request: HttpRequest, override_id: int):  # type: ignore[no-untyped-def]
    return override_get(fetched_by=request.user, pk=override_id)


# The body is read once the override is the caller's (coso.core.api_body): another province's override answers 404
# whatever the body, as one that does not exist, not 422 for a bad body.
@router.patch(
    "/overrides/{override_id}",
    response={200: OverrideOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change an override (administrators)",
    openapi_extra=json_body_doc(OverridePatch),
)
def update_override(request: HttpRequest, override_id: int):  # type: ignore[no-untyped-def]
    payload = body_in_scope(request, OverridePatch, lambda: override_get(fetched_by=request.user, pk=override_id))
    obj = override_get(fetched_by=request.user, pk=override_id)
    return services.override_update(actor=request.user, override=obj, **payload.dict(exclude_unset=True))


@router.delete("/overrides/{override_id}", response={204: None, 403: ErrorOut, 404: ErrorOut}, summary="Delete an override (administrators)")
def delete_override(request: HttpRequest, override_id: int):  # type: ignore[no-untyped-def]
    obj = override_get(fetched_by=request.user, pk=override_id)
    services.override_delete(actor=request.user, override=obj)
    return Status(204, None)
