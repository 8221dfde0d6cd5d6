"""Procedure catalogue API: public reads (the version in force on a date), admin writes, import/export."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone

from ninja import File, Form, Router, Schema, UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from coso.accounts.roles import ADMIN_ROLES
from coso.core.api_body import body_in_scope, json_body_doc
from coso.core.exceptions import NotFoundError
from coso.core.scoping import require_roles
from coso.procedures import errors

from . import services
from .models import Procedure, ProcedureVersion
from .selectors import current_version, procedure_get, procedure_list, procedure_versions, province_for, version_for_admin, version_from

router = Router(tags=["procedures"])

TimeUnit = Literal["working_days", "working_hours", "calendar_days", "same_day"]
Online = Literal["none", "partial", "full"]
Confidence = Literal["", "C", "C-3p", "I", "R"]


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class StepOut(Schema):
    order: int
    name: str
    role: str
    share_percent: Decimal


class DocumentOut(Schema):
    name: str
    copies: int = 1
    required: bool = True


VersionStatus = Literal["in_force", "upcoming", "ended", "withdrawn"]


class VersionOut(Schema):
    id: int
    province_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    withdrawn: bool = Field(description="Withdrawn before it took effect (the procedure ended first): never in force")
    status: VersionStatus = Field(description="On today's date: in_force, upcoming, ended, or withdrawn (never in force)")
    time_limit: Decimal
    time_unit: str
    time_limit_label: str
    time_limit_note: str
    cutoff_time: dt.time | None
    fee: int
    fee_note: str
    required_documents: list[DocumentOut]
    result_type: str
    online: str
    applicant: str
    legal_basis: str
    source: str
    confidence: str
    steps: list[StepOut]


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    field: str
    decision_level: str
    code_verified: bool
    version_id: int
    valid_from: dt.date
    time_limit: Decimal
    time_unit: str
    time_limit_label: str
    cutoff_time: dt.time | None
    fee: int
    online: str


class ProcedureDetailOut(Schema):
    code: str
    name: str
    field: str
    decision_level: str
    code_verified: bool
    code_note: str
    is_active: bool = Field(description="False once an end is decided (also from a later day): no new version or phân cấp")
    ends_on: dt.date | None = Field(description="The day it is no longer applied (it is offered until the day before); null: no end")
    version: VersionOut


class StepIn(Schema):
    order: int = Field(..., ge=1, le=100)
    name: str = Field(..., min_length=1, max_length=200)
    role: str
    share_percent: Decimal = Field(..., ge=0, le=100)


class DocumentIn(Schema):
    name: str = Field(..., min_length=1, max_length=500)
    copies: int = Field(1, ge=1, le=99)
    required: bool = True


class VersionIn(Schema):
    valid_from: dt.date
    province_code: str = Field("", max_length=8)
    time_limit: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    time_unit: TimeUnit | None = None
    cutoff_time: dt.time | None = None
    time_limit_note: str | None = Field(None, max_length=500)
    fee: int | None = Field(None, ge=0, le=2_000_000_000)
    fee_note: str | None = Field(None, max_length=500)
    required_documents: list[DocumentIn] | None = None
    result_type: str | None = Field(None, max_length=300)
    online: Online | None = None
    applicant: str | None = Field(None, max_length=300)
    legal_basis: str | None = None
    source: str | None = Field(None, max_length=500)
    confidence: Confidence | None = None
    steps: list[StepIn] | None = None
    reason: str = Field("", max_length=500)


class StepsIn(Schema):
    steps: list[StepIn]


class ProcedureIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-_]*$")
    name: str = Field(..., min_length=1, max_length=500)
    field: str = Field(..., min_length=1, max_length=200)
    decision_level: Literal["commune", "province"] = "commune"
    code_verified: bool = True
    code_note: str = Field("", max_length=300)


class ProcedurePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=500)
    field: str | None = Field(None, min_length=1, max_length=200)
    decision_level: Literal["commune", "province"] | None = None
    code_verified: bool | None = None
    code_note: str | None = Field(None, max_length=300)
    is_active: bool | None = None


class ProcedureImportOut(Schema):
    rows: int
    procedures_created: int
    procedures_updated: int
    versions_created: int
    unchanged: int
    kept: int


def _version_out(v: ProcedureVersion) -> dict:
    return {
        "id": v.pk, "province_code": v.province_code, "valid_from": v.valid_from, "valid_to": v.valid_to,
        "withdrawn": v.withdrawn, "status": v.status_on(timezone.localdate()),
        "time_limit": v.time_limit, "time_unit": v.time_unit, "time_limit_label": v.time_limit_label,
        "time_limit_note": v.time_limit_note, "cutoff_time": v.cutoff_time, "fee": v.fee, "fee_note": v.fee_note,
        "required_documents": v.required_documents, "result_type": v.result_type, "online": v.online,
        "applicant": v.applicant, "legal_basis": v.legal_basis, "source": v.source, "confidence": v.confidence,
        "steps": [{"order": s.order, "name": s.name, "role": s.role, "share_percent": s.share_percent} for s in sorted(v.steps.all(), key=lambda s: s.order)],
    }


def _detail_out(p: Procedure, v: ProcedureVersion) -> dict:
    return {"code": p.code, "name": p.name, "field": p.field, "decision_level": p.decision_level, "code_verified": p.code_verified,
            "code_note": p.code_note, "is_active": p.is_active, "ends_on": p.ends_on, "version": _version_out(v)}


def _province(request: HttpRequest, province_code: str | None) -> str:
    return province_code if province_code is not None else province_for(request.user)


def _admin(request: HttpRequest) -> None:
    require_roles(request.user, *ADMIN_ROLES)


# ---- import / export first: "/import" must not be taken for a procedure code


@router.post("/import", response={200: ProcedureImportOut, **ERRORS}, summary="Import the catalogue (.xlsx or .json); all rows or none")
def import_catalogue(request: HttpRequest, file: UploadedFile = File(...), effective_from: dt.date = Form(...), reason: str = Form("")):  # type: ignore[no-untyped-def]  # noqa: B008
    _admin(request)
    if file.size and file.size > 5 * 1024 * 1024:
        raise errors.FILE_TOO_LARGE()
    rows = services.rows_from_upload(file.name or "", file.read())
    return services.catalogue_import(actor=request.user, rows=rows, effective_from=effective_from, reason=reason)


@router.get("/export", summary="The catalogue in force on a date, in the import format (JSON)")
def export_catalogue(request: HttpRequest, date: dt.date | None = None, province_code: str | None = None) -> dict:
    _admin(request)
    own = province_for(request.user)
    if province_code not in (None, "", own) and not services.is_system_admin(request.user):
        raise NotFoundError()  # a province administrator exports her province's catalogue, as the page does
    return {"format": "coso.procedures/1", "procedures": services.catalogue_export_rows(day=date, province_code=_province(request, province_code))}


# The body is read once the version is the caller's (coso.core.api_body): another province's answers 404 whatever the
# body, as one that does not exist, not 422 for a bad body.
@router.put("/versions/{int:version_id}/steps", response={200: VersionOut, **ERRORS}, summary="Replace the steps of a version that has not started yet",
            openapi_extra=json_body_doc(StepsIn))
def put_steps(request: HttpRequest, version_id: int):  # type: ignore[no-untyped-def]
    _admin(request)
    payload = body_in_scope(request, StepsIn, lambda: version_for_admin(fetched_by=request.user, pk=version_id))
    version = version_for_admin(fetched_by=request.user, pk=version_id)  # another province's: 404, as any record out of scope
    version = services.steps_configure(actor=request.user, version=version, steps=[s.dict() for s in payload.steps])
    return _version_out(version)


# ---- public reads


# ---------------------------------------------------------------- phân cấp (province administrators)
class DecentralisationIn(Schema):
    procedure_code: str = Field(max_length=40)
    valid_from: dt.date
    valid_to: dt.date | None = None
    decision_number: str = Field(max_length=60)
    decision_date: dt.date
    note: str = Field("", max_length=500)
    province_code: str = Field("", max_length=8, description="System administrators only; others act in their own province.")


class DecentralisationOut(Schema):
    id: int
    procedure_code: str
    province_code: str
    level: str
    valid_from: dt.date
    valid_to: dt.date | None
    decision_number: str
    decision_date: dt.date

    @staticmethod
    def resolve_procedure_code(obj: Any) -> str:
        return str(obj.procedure.code)


class DecentralisationEnd(Schema):
    valid_to: dt.date
    reason: str = Field("", max_length=500)


@router.get("/decentralisations", response=list[DecentralisationOut], summary="Procedures the province handed to its communes (phân cấp)")
@paginate
def list_decentralisations(request: HttpRequest, procedure_code: str = ""):  # type: ignore[no-untyped-def]
    from .selectors import decentralisation_list

    return decentralisation_list(fetched_by=request.user, procedure_code=procedure_code)


@router.post("/decentralisations", response={201: DecentralisationOut, **ERRORS},
             summary="Hand a provincial procedure's decision to the communes from a date")
def create_decentralisation(request: HttpRequest, payload: DecentralisationIn):  # type: ignore[no-untyped-def]
    from ninja import Status

    data = payload.dict()
    procedure = procedure_get(code=data.pop("procedure_code"), include_inactive=True)  # an ended one: refused by the service, with why
    province_code = getattr(request.user, "province_code", "") or data.pop("province_code")
    data.pop("province_code", None)
    return Status(201, services.decentralisation_create(actor=request.user, procedure=procedure, province_code=province_code, **data))


def _decentralisation_get(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    from .selectors import decentralisation_list

    row = decentralisation_list(fetched_by=request.user).filter(pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row


# The body is read once the decentralisation is the caller's (coso.core.api_body): another province's answers 404 whatever
# the body, as one that does not exist, not 422 for a bad body.
@router.post("/decentralisations/{int:pk}/end", response={200: DecentralisationOut, **ERRORS}, summary="End a decentralisation from a future date",
             openapi_extra=json_body_doc(DecentralisationEnd))
def end_decentralisation(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    payload = body_in_scope(request, DecentralisationEnd, lambda: _decentralisation_get(request, pk))
    row = _decentralisation_get(request, pk)
    return services.decentralisation_end(actor=request.user, decentralisation_id=row.pk, valid_to=payload.valid_to, reason=payload.reason)


@router.get("/", response=list[ProcedureSummaryOut], auth=None, summary="Procedures with the version in force on a date (public)")
@paginate
def list_procedures(request: HttpRequest, q: str = "", field: str = "", online: Online | None = None,  # type: ignore[no-untyped-def]
                    date: dt.date | None = None, province_code: str | None = None):
    province = _province(request, province_code)
    day = date or timezone.localdate()
    out = []
    for p in procedure_list(fetched_by=request.user, query=q, field=field, online=online or "", day=day, province_code=province):
        v = current_version(p, province)
        if v is None:
            continue
        out.append({"code": p.code, "name": p.name, "field": p.field, "decision_level": p.decision_level, "code_verified": p.code_verified,
                    "version_id": v.pk, "valid_from": v.valid_from, "time_limit": v.time_limit, "time_unit": v.time_unit,
                    "time_limit_label": v.time_limit_label, "cutoff_time": v.cutoff_time, "fee": v.fee, "online": v.online})
    return out


@router.post("/", response={201: ProcedureDetailOut, **ERRORS}, summary="Add a procedure with its first version (system admin)")
def create_procedure(request: HttpRequest, payload: ProcedureIn, version: VersionIn):  # type: ignore[no-untyped-def]
    _admin(request)
    from django.db import transaction

    with transaction.atomic():
        p = services.procedure_create(actor=request.user, **payload.dict())
        v = _create_version(request, p, version)
    return 201, _detail_out(p, v)


@router.get("/{code}", response={200: ProcedureDetailOut, **ERRORS}, auth=None, summary="One procedure with the version in force on a date (public)")
def get_procedure(request: HttpRequest, code: str, date: dt.date | None = None, province_code: str | None = None):  # type: ignore[no-untyped-def]
    day, province = date or timezone.localdate(), _province(request, province_code)
    p = procedure_get(code=code, on=day)  # not ended that day: one ended from a later day still is, until the day before
    v = p.version_on(day, province)
    if v is None:
        raise errors.NO_VERSION()
    return _detail_out(p, v)


@router.put("/{code}", response={200: ProcedureDetailOut, **ERRORS}, summary="Edit a procedure's name, field, level (system admin)")
def update_procedure(request: HttpRequest, code: str, payload: ProcedurePatch):  # type: ignore[no-untyped-def]
    _admin(request)
    p = procedure_get(code=code, include_inactive=True)
    p = services.procedure_update(actor=request.user, procedure=p, **{k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    v = p.version_on(timezone.localdate(), province_for(request.user)) or p.versions.order_by("-valid_from").first()
    assert v is not None  # a procedure always has at least one version
    return _detail_out(p, v)


class EndIn(Schema):
    valid_to: dt.date = Field(description="Today or later: versions in force then close that day, later ones are withdrawn")
    reason: str = Field("", max_length=300)


class EndOut(Schema):
    code: str
    is_active: bool
    valid_to: dt.date


@router.post("/{code}/end", response={200: EndOut, **ERRORS},
             summary="End a procedure from a date: its versions and phân cấp end then, later ones are withdrawn (system admin)")
def end_procedure(request: HttpRequest, code: str, payload: EndIn):  # type: ignore[no-untyped-def]
    _admin(request)
    p = procedure_get(code=code, include_inactive=True)
    services.procedures_end(actor=request.user, items=[{"code": p.code, "valid_to": payload.valid_to.isoformat(), "reason": payload.reason}],
                            reason=payload.reason)
    p.refresh_from_db()
    return {"code": p.code, "is_active": p.is_active, "valid_to": payload.valid_to}


class ReactivateIn(Schema):
    valid_from: dt.date = Field(description="Today or later, on or after the day the procedure ended")
    reason: str = Field("", max_length=500)


@router.post("/{code}/reactivate", response={200: ProcedureDetailOut, **ERRORS},
             summary="Apply an ended procedure again from a date: its last versions' rules apply again from then (system admin)")
def reactivate_procedure(request: HttpRequest, code: str, payload: ReactivateIn):  # type: ignore[no-untyped-def]
    _admin(request)
    p = procedure_get(code=code, include_inactive=True)
    p = services.procedure_reactivate(actor=request.user, procedure=p, valid_from=payload.valid_from, reason=payload.reason)
    v = version_from(p, payload.valid_from, province_for(request.user))
    if v is None:
        raise errors.NO_VERSION()
    return _detail_out(p, v)


@router.get("/{code}/versions", response={200: list[VersionOut], **ERRORS}, auth=None,
            summary="The versions of a procedure (history, public): the national ones and one province's own")
def list_versions(request: HttpRequest, code: str, province_code: str | None = None):  # type: ignore[no-untyped-def]
    """The national versions and those of ``province_code`` (by default the reader's province; none for an anonymous reader),
    as ``GET /{code}`` picks among them: never every province's variants at once."""
    province = _province(request, province_code)
    p = procedure_get(code=code)
    return [_version_out(v) for v in procedure_versions(procedure=p, province_code=province)]


@router.post("/{code}/versions", response={201: VersionOut, **ERRORS}, summary="Create a version from a date; the previous one is closed")
def create_version(request: HttpRequest, code: str, payload: VersionIn):  # type: ignore[no-untyped-def]
    _admin(request)
    p = procedure_get(code=code, include_inactive=True)
    return 201, _version_out(_create_version(request, p, payload))


def _create_version(request: HttpRequest, p: Procedure, payload: VersionIn) -> ProcedureVersion:
    data = payload.dict(exclude_unset=True)
    valid_from = data.pop("valid_from")
    province_code = data.pop("province_code", "") or ""
    reason = data.pop("reason", "")
    steps = data.pop("steps", None)
    rules = {k: v for k, v in data.items() if v is not None or k == "cutoff_time"}
    return services.version_create(actor=request.user, procedure=p, valid_from=valid_from, province_code=province_code,
                                   steps=steps, reason=reason, **rules)

