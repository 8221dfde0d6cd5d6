"""JSON API of the one-stop shop (same services as the pages). Errors: {code, message, details}; 409 on conflict."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import typing
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

import pydantic
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from coso.core import json_input
from coso.core.api_body import body_in_scope, inline_refs, json_body_doc
from coso.core.exceptions import NotFoundError
from coso.core.masking import log_personal_list_read
from coso.core.params import working_days_query
from coso.core.security import client_ip
from coso.core.types import AuthedHttpRequest
from coso.dossiers import documents, errors, selectors, services
from coso.dossiers.constants import Status
from coso.dossiers.models import Dossier
from coso.procedures.selectors import offered_version_of
from coso.units.models import AdministrativeUnit

router = Router(tags=["dossiers"])
TSchema = TypeVar("TSchema", bound=Schema)


class FileIn(Schema):
    document_name: str
    filename: str
    content_base64: str


class ApplicantIn(Schema):
    applicant_name: str
    applicant_phone: str
    applicant_email: str = ""
    applicant_citizen_id: str = ""
    applicant_address: str = ""
    zalo_opt_in: bool = False


class PaperIn(Schema):
    name: str
    copies: int = pydantic.Field(1, ge=1, le=99)


class IntakeIn(ApplicantIn):
    procedure_code: str
    documents: list[str | PaperIn] = []  # papers received: a name, or {"name", "copies"}
    files: list[FileIn] = []
    channel: str = "counter"
    note: str = ""


class OnlineIn(ApplicantIn):
    procedure_code: str
    commune_code: str
    files: list[FileIn] = []
    note: str = ""
    channel: str = "online"  # "online" (national public-service portal) or "vneid" (VNeID app, Decree 367/2025)


class ActionIn(Schema):
    # A JSON integer only: lax parsing read "1", " 1", "1.0", 1.0 and true as the version 1 (optimistic locking).
    version: pydantic.StrictInt = pydantic.Field(description="The dossier's version as last read (a JSON integer)")
    reason: str = ""
    new_date: str | None = pydantic.Field(None, max_length=10, description="The apology's new date: YYYY-MM-DD or dd/mm/yyyy, as the page takes it")
    documents: list[str] = []
    assignee_id: int | None = None
    to_step: int | None = None


class RatingIn(Schema):
    level: str
    criteria: dict[str, int] = {}  # keys of GET /{id}/rating-criteria (Decree 118/2025 Art. 33(1) from 1/7/2025), scores 2/1/0
    comment: str = ""
    channel: str = ""  # Art. 31(1): form, device, portal, camera, box, other (default: portal for a citizen, form for an officer)


class DossierOut(Schema):
    id: int
    code: str
    status: str
    status_label: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_phone: str
    channel: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_date: dt.date | None
    due_at: dt.datetime | None
    apology_due_date: dt.date | None
    current_step: int
    current_step_name: str
    waiting_role: str
    assignee_id: int | None
    supplement_count: int
    paused_working_days: int
    finished_at: dt.datetime | None
    timeliness: str
    version: int
    commune_code: str
    agency_code: str  # identifier heading the code: the competent body's from 1/7/2025 (Decree 118/2025 Art. 28)
    answer_due_at: dt.datetime | None  # online dossier: accept or return by (Decree 118/2025 Art. 17(2))
    forward_due_at: dt.datetime | None  # paper dossier: hand to the competent body by (Art. 18(2))
    close_due_date: dt.date | None  # waiting for a supplement: closed after this day (Art. 19(5))

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(Status(obj.status).label)

    @staticmethod
    def resolve_procedure_code(obj: Any) -> str:
        return obj.procedure_version.procedure.code

    @staticmethod
    def resolve_procedure_name(obj: Any) -> str:
        return obj.procedure_version.procedure.name


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor_name: str
    from_status: str
    to_status: str
    reason: str
    data: dict


class DossierDetailOut(DossierOut):
    events: list[EventOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return obj.events_list

    @staticmethod
    def resolve_allowed_actions(obj: Any) -> list[str]:
        return obj.allowed_list


class PublicStatusOut(Schema):
    code: str
    status: str
    status_label: str
    procedure_name: str
    applicant: str
    submitted_at: dt.datetime
    due_date: dt.date | None
    timeliness: str
    supplement_due_date: dt.date | None = None  # awaiting a supplement: the last day to supply it (Mẫu 02), else null
    history: list[dict]


class InboxOut(Schema):
    counts: dict[str, int]
    mine: list[DossierOut]
    near: list[DossierOut]
    overdue: list[DossierOut]
    warnings: list[DossierOut]
    intake: list[DossierOut]  # Decree 118/2025 intake deadlines: online answer, paper hand-over, closing


def _files(items: list[FileIn]) -> list[tuple[str, Any]]:
    out = []
    for f in items:
        try:
            raw = base64.b64decode(f.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise errors.INVALID_FILE(value=f.filename[:200], details={"fields": {"files": [f.filename[:200]]}}) from None
        # ContentFile keeps the name as sent ("..", "???", a Windows path): the pipeline derives a safe display
        # name from it and stores the content under a generated name.
        out.append((f.document_name, ContentFile(raw, name=f.filename)))
    return out


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


def _submission(request: HttpRequest, schema: type[TSchema]) -> tuple[TSchema, list[tuple[str, Any]]]:
    """The body of a submission: JSON (files as base64, kept for compatibility) or multipart/form-data
    (fields as form fields, lists repeated; files as repeated ``files`` parts with the matching repeated
    ``document_names``), the way the HTML form sends them. Returns the payload and (document name, file) pairs."""
    if request.content_type == "multipart/form-data":
        post, uploads = request.POST, request.FILES.getlist("files")
        raw: dict[str, Any] = {}
        for key, field in schema.model_fields.items():
            if key == "files":
                continue
            if _is_list(field.annotation):
                if key in post:
                    raw[key] = post.getlist(key)
            elif key in post:
                raw[key] = post[key]
        if any("\x00" in v for values in post.lists() for v in values[1]):
            raise errors.INVALID_CHARACTERS()
        names = post.getlist("document_names")
        files = [(names[i] if i < len(names) and names[i].strip() else f"Tệp {i + 1}", f) for i, f in enumerate(uploads)]
    else:
        try:
            raw = json_input.loads(request.body or b"{}")
        except ValueError:  # malformed, not UTF-8, or nested too deeply
            raise errors.SUBMISSION_INVALID_JSON() from None
        if not isinstance(raw, dict):
            raise errors.INVALID_JSON()
        files = []
    try:
        payload = schema.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_context=False)]) from None
    if request.content_type != "multipart/form-data":
        files = _files(getattr(payload, "files", []))
    return payload, files


def _body_doc(schema: type[Schema]) -> dict[str, Any]:
    """OpenAPI request body of a submission: the JSON schema, and the same fields as multipart/form-data."""
    json_schema = schema.model_json_schema()
    json_schema = inline_refs(json_schema, json_schema.get("$defs", {}))
    form_props = {k: v for k, v in json_schema.get("properties", {}).items() if k != "files"}
    if "documents" in form_props:  # repeated form fields: paper names only
        form_props["documents"] = {"type": "array", "items": {"type": "string"}, "description": "Papers received (repeat the field)."}
    form_props["files"] = {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "One part per file."}
    form_props["document_names"] = {"type": "array", "items": {"type": "string"}, "description": "The paper each file is (same order as files)."}
    form_schema = {"type": "object", "properties": form_props, "required": json_schema.get("required", [])}
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": json_schema},
        "multipart/form-data": {"schema": form_schema, "encoding": {"files": {"contentType": "application/octet-stream"}}},
    }}}


def _offered_version(code: str, province_code: str, day: dt.date) -> Any:
    """The version of the procedure ``code`` offered on ``day`` in the province (``procedures.selectors.offered``), read
    with its procedure and steps in one query (``procedures.selectors.offered_version_of``), else ``unknown-procedure``."""
    version = offered_version_of(code, on=day, province_code=province_code)
    if version is None:
        raise errors.UNKNOWN_PROCEDURE(details={"fields": {"procedure_code": [_("Không tồn tại.")]}})
    return version


def _applicant(p: ApplicantIn) -> services.Applicant:
    return services.Applicant(name=p.applicant_name, phone=p.applicant_phone, email=p.applicant_email, citizen_id=p.applicant_citizen_id,
                              address=p.applicant_address, zalo_opt_in=p.zalo_opt_in)


def _detail(request: HttpRequest, d: Any) -> Any:
    d.events_list = selectors.dossier_events(d)
    d.allowed_list = services.allowed_actions(d, request.user)
    return d


@router.post("/intake", response={201: DossierOut}, openapi_extra=_body_doc(IntakeIn),
             summary="Receive a dossier at the counter (one-stop officer); JSON with base64 files, or multipart/form-data")
def intake(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    commune = AdministrativeUnit.objects.filter(code=getattr(user, "commune_code", ""), level="commune").first()
    if commune is None:
        raise errors.INTAKE_FORBIDDEN()
    payload, files = _submission(request, IntakeIn)
    # The receipt's moment is taken here, so that the version is the one in force on the receipt day (the service files
    # the dossier under it, as it would have looked it up for that day itself).
    now = timezone.now()
    version = _offered_version(payload.procedure_code, commune.province_code, timezone.localdate(now))
    d = services.receive_at_counter(actor=user, commune=commune, applicant=_applicant(payload), procedure_version=version,
                                    documents=[d if isinstance(d, str) else d.dict() for d in payload.documents], files=files,
                                    channel=payload.channel, note=payload.note, received_at=now)
    # The dossier as the service saved it (in the officer's own commune, checked above): reading it back
    # would only repeat the same row.
    return 201, d


def _no_commune_details(code: str) -> dict[str, Any]:
    """The details of the no-commune refusal for ``code``: required, unknown, or (a commune that ended in a reorganisation)
    the commune in force that now receives its dossiers, so that the client can send the dossier there."""
    if not code:
        return {"fields": {"commune_code": [_("Bắt buộc.")]}}
    from coso.units.lineage import commune_in_force, ended_on

    ended = ended_on(code)
    successor = commune_in_force(code) if ended is not None else None
    if ended is None or successor is None:
        return {"fields": {"commune_code": [_("Không tồn tại.")]}}
    message = _("Đơn vị này đã thôi hoạt động từ ngày %(date)s; hồ sơ nay nộp cho %(name)s (mã %(code)s).") % {
        "date": ended.strftime("%d/%m/%Y"), "name": successor.name, "code": successor.code}
    return {"fields": {"commune_code": [str(message)]}, "successor": {"code": successor.code, "name": successor.name}}


@router.post("/online", response={201: DossierOut}, openapi_extra=_body_doc(OnlineIn),
             summary="Submit a dossier online (citizen); JSON with base64 files, or multipart/form-data")
def online(request: HttpRequest):  # type: ignore[no-untyped-def]
    # Who may submit online comes first, whatever the body: a member of staff gets the role refusal, not an error about
    # a procedure, a commune or a field they could not have submitted anyway.
    services.check_online_submitter(request.user)
    payload, files = _submission(request, OnlineIn)
    commune = AdministrativeUnit.objects.filter(code=payload.commune_code.strip(), level="commune").first() if payload.commune_code.strip() else None
    if commune is None:
        # An unknown or ended commune has no province whose own versions could offer the procedure: it is refused first
        # (no-commune), whatever the procedure, on the field the client sent.
        raise errors.NO_COMMUNE(details=_no_commune_details(payload.commune_code.strip()))
    version = _offered_version(payload.procedure_code, commune.province_code, timezone.localdate())
    d = services.submit_online(actor=request.user, commune=commune, applicant=_applicant(payload), procedure_version=version,
                               files=files, note=payload.note, channel=payload.channel)
    return 201, selectors.dossier_get(fetched_by=request.user, pk=d.pk)


@router.get("/lookup", response=PublicStatusOut, auth=None, summary="Public status by code + last 4 digits of the phone")
def lookup(request: HttpRequest, code: str, phone: str):  # type: ignore[no-untyped-def]
    d = selectors.public_lookup_limited(code=code, phone_suffix=phone, client=client_ip(request))
    if d is None:
        raise errors.LOOKUP_NOT_FOUND()
    return {
        "code": d.code, "status": d.status, "status_label": str(Status(d.status).label), "procedure_name": d.procedure_version.procedure.name,
        "applicant": selectors.masked_name(d.applicant_name), "submitted_at": d.submitted_at, "due_date": d.promised_date, "timeliness": d.timeliness,
        "supplement_due_date": selectors.supplement_close_date(d),
        "history": [{"at": e["at"].isoformat(), "status": str(e["status"])} for e in selectors.public_events(d)],
    }


@router.get("/", response=list[DossierOut], summary="Dossiers in the caller's scope (search by code, name, phone, CCCD)")
@paginate
def list_dossiers(request: HttpRequest, q: str = "", status: str = "", procedure: str = ""):  # type: ignore[no-untyped-def]
    if status and status not in Status.values:  # ignored by no dossier matching: an empty list, as if the unit had none
        raise errors.LIST_STATUS_INVALID(details={"allowed": list(Status.values)})
    found = selectors.dossier_list(fetched_by=request.user, query=q, status=status, procedure_code=procedure)
    if selectors.is_citizen_id_search(request.user, q):
        # only who sees citizen ids in full gets here (dossier_list refuses the others): the list confirms whose number it is
        log_personal_list_read(user=request.user, model=Dossier, what="Tra cứu hồ sơ theo số CCCD", count=found.count(),
                               filters={"q": q, "status": status, "procedure": procedure}, ids=list(found.values_list("pk", flat=True)[:200]),
                               reason="API")
    return found


@router.get("/mine", response=list[DossierOut], summary="The citizen's own dossiers")
@paginate
def mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.my_dossiers(fetched_by=request.user)


@router.get("/inbox", response=InboxOut, summary="Officer inbox: waiting for me / my role, near deadline, overdue, apology warnings")
def inbox(request: HttpRequest, q: str = "", near_days: int | None = working_days_query(None), limit: int = Query(100, ge=1, le=500)):  # type: ignore[no-untyped-def]
    box = selectors.inbox(fetched_by=request.user, query=q, near_days=near_days)
    n = limit
    names = ("mine", "near", "overdue", "warnings", "intake")
    return {"counts": {k: getattr(box, k).count() for k in names}, **{k: list(getattr(box, k)[:n]) for k in names}}


STATS_GROUPS = ("procedure", "commune", "")  # the breakdown of GET /stats: by procedure, by commune, or none ("")


@router.get("/stats", summary="Statistics for a period (commune or province scope)")
def stats(request: HttpRequest, start: dt.date | None = None, end: dt.date | None = None, group: str = "procedure", procedure: str = "", commune: str = ""):  # type: ignore[no-untyped-def]
    if not selectors.reads_reports(request.user):
        raise errors.STATS_FORBIDDEN()
    if group not in STATS_GROUPS:  # ignored, it answered the totals without any breakdown
        raise errors.STATS_GROUP_INVALID(details={"allowed": list(STATS_GROUPS)})
    if start is None:
        selectors.check_period_days(end=end)  # the default start, a year before the end, is computed from it
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=364)
    selectors.check_register_period(start, end)  # in order and at most three years, as the register and the stats page
    selectors.check_period_days(start=start, end=end)
    data = selectors.stats(fetched_by=request.user, start=start, end=end, commune_code=commune, procedure_code=procedure, group_by=group)
    data["monthly"] = [{"month": m["m"].strftime("%Y-%m"), "received": m["received"], "ok": m["ok"], "late": m["late"]} for m in data["monthly"] if m["m"]]
    data["start"], data["end"] = start.isoformat(), end.isoformat()
    return data


@router.get("/register.{fmt}", summary="Dossier register for a period as PDF or Excel (Mẫu 07 of Circular 03/2025 from 1/7/2025, Mẫu 06 of Circular 01/2018 before)")
def register(request: AuthedHttpRequest, fmt: str, start: dt.date, end: dt.date):  # type: ignore[no-untyped-def]
    if fmt not in ("pdf", "xlsx"):
        raise NotFoundError()
    if not selectors.reads_reports(request.user):
        raise errors.PREPARE_FORBIDDEN()
    from coso.dossiers import jobs as register_jobs
    from coso.dossiers.views import _unit_label

    selectors.check_register_period(start, end)
    selectors.check_period_days(start=start, end=end)
    rows = selectors.register_rows(fetched_by=request.user, start=start, end=end)
    if rows.count() > register_jobs.REGISTER_MAX_ROWS:  # the page's and the export job's limit: a longer register goes by periods
        raise errors.TOO_MANY_ROWS(details={"max": register_jobs.REGISTER_MAX_ROWS})
    label = _unit_label(request.user)  # the unit's name, as on the page's register
    if fmt == "pdf":
        resp = HttpResponse(documents.register_pdf(rows, title_unit=label, start=start, end=end), content_type="application/pdf")
    else:
        resp = HttpResponse(documents.register_xlsx(rows, title_unit=label, start=start, end=end),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'inline; filename="{documents.register_filename(start, end, fmt)}"'
    return resp


@router.get("/{int:dossier_id}", response=DossierDetailOut, summary="One dossier with its event log")
def get_dossier(request: HttpRequest, dossier_id: int):  # type: ignore[no-untyped-def]
    return _detail(request, selectors.dossier_detail(fetched_by=request.user, pk=dossier_id))


@router.post("/{int:dossier_id}/actions/{action}", response=DossierOut, openapi_extra=json_body_doc(ActionIn),
             summary="Take a workflow action (409 when someone else acted first)")
def take_action(request: HttpRequest, dossier_id: int, action: str):  # type: ignore[no-untyped-def]
    # perform() checks the scope itself: another unit's dossier answers 404 before anything else, the body included.
    payload = body_in_scope(request, ActionIn, lambda: services.check_scope(actor=request.user, dossier_id=dossier_id))
    data = {"new_date": payload.new_date, "documents": payload.documents, "assignee_id": payload.assignee_id, "to_step": payload.to_step}
    d = services.perform(actor=request.user, dossier_id=dossier_id, action=action, expected_version=payload.version, reason=payload.reason, data=data)
    # The dossier as perform() saved it under its row lock, after its scope check: reading it back would repeat the same row.
    return d


@router.post("/{int:dossier_id}/rating", response={201: dict}, openapi_extra=json_body_doc(RatingIn),
             summary="Rate the service after the result was returned")
def rating(request: HttpRequest, dossier_id: int):  # type: ignore[no-untyped-def]
    # rate() checks the scope itself: another unit's dossier answers 404 before anything else, the body included.
    payload = body_in_scope(request, RatingIn, lambda: services.check_rating_scope(actor=request.user, dossier_id=dossier_id))
    r = services.rate(actor=request.user, dossier_id=dossier_id, level=payload.level, criteria=payload.criteria, comment=payload.comment,
                      channel=payload.channel)
    return 201, {"id": r.pk, "level": r.level, "channel": r.channel, "criteria": r.criteria, "officer_ids": r.officer_ids}


@router.get("/{int:dossier_id}/rating-criteria", summary="The criteria and channels of the dossier's regime (Decree 118/2025 Art. 31, 33 from 1/7/2025)")
def rating_criteria(request: HttpRequest, dossier_id: int):  # type: ignore[no-untyped-def]
    d = selectors.dossier_get(fetched_by=request.user, pk=dossier_id)
    return {"criteria": [{"key": k, "label": label} for k, label in services.rating_criteria(d)], "scores": [2, 1, 0],
            "channels": services.rating_channels(d, request.user)}


@router.get("/{int:dossier_id}/forms", summary="The forms this dossier has, numbered by its regime (Circular 03/2025 from 1/7/2025, Circular 01/2018 before)")
def forms_list(request: HttpRequest, dossier_id: int):  # type: ignore[no-untyped-def]
    d = selectors.dossier_read(fetched_by=request.user, pk=dossier_id)
    numbers = documents.form_set(d)
    return [{"kind": k, "number": numbers[k][0], "title": numbers[k][1], "label": label} for k, label in documents.available_forms(d)]


FORM_NOT_AVAILABLE = {"supplement": errors.FORM_PDF_NOT_FOUND_4, "refusal": errors.FORM_PDF_NOT_FOUND_5, "apology": errors.FORM_PDF_NOT_FOUND_2,
                      "stop": errors.FORM_PDF_NOT_FOUND_3, "receipt": errors.FORM_PDF_NOT_FOUND_6, "control": errors.FORM_PDF_NOT_FOUND_6}


@router.get("/{int:dossier_id}/forms/{kind}.pdf",
            summary="Forms as PDF: receipt, supplement, refusal, apology, stop (Circular 03/2025 only), control — numbered by the dossier's regime")
def form_pdf(request: HttpRequest, dossier_id: int, kind: str):  # type: ignore[no-untyped-def]
    if kind not in documents.FORMS:
        raise NotFoundError()
    d = selectors.dossier_read(fetched_by=request.user, pk=dossier_id)
    if kind not in documents.form_set(d):
        raise errors.FORM_PDF_NOT_FOUND()
    if not documents.form_available(kind, d):  # the forms GET /{id}/forms lists, and only those
        raise FORM_NOT_AVAILABLE[kind]()
    resp = HttpResponse(documents.form_pdf(kind, d), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="mau{documents.form_number(kind, d)}-{d.code}.pdf"'
    return resp
