"""JSON API of the tasks module (mounted at /api/v1/tasks/). Same services and selectors as the pages.

Errors use the project's one shape {code, message, details}. An endpoint acting on one task or directive finds it before
reading its body (``coso.core.api_body.body_in_scope``): another unit's answers 404 whatever the body, as a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

import pydantic
from ninja import File, Form, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from coso.core.api_body import body_in_scope, json_body_doc
from coso.core.exceptions import ApplicationError
from coso.core.params import SmallCount
from coso.core.types import AuthedHttpRequest
from coso.tasks import errors, periods, selectors, services
from coso.tasks import status as st
from coso.tasks.models import Directive, Extension, Task

router = Router(tags=["tasks"])


class DirectiveOut(Schema):
    id: int
    number: str
    issued_on: dt.date
    received_on: dt.date | None
    issuer: str
    level: str
    summary: str
    province_code: str
    commune_code: str
    has_file: bool

    @staticmethod
    def resolve_has_file(obj: Directive) -> bool:
        return bool(obj.file)


class DirectiveIn(Schema):
    number: str
    issued_on: dt.date
    received_on: dt.date | None = None
    issuer: str
    level: str
    summary: str


class TaskOut(Schema):
    id: int
    directive_id: int
    directive_number: str
    title: str
    province_code: str
    commune_code: str
    lead_unit: str
    coordinating_units: str
    assigned_on: dt.date
    due_on: dt.date
    effective_due: dt.date
    expected_product: str
    progress: int
    state: str
    completed_on: dt.date | None
    status: str
    status_label: str
    version: int
    assignee_id: int | None
    assignee_name: str

    @staticmethod
    def resolve_directive_number(obj: Task) -> str:
        return obj.directive.number

    @staticmethod
    def resolve_assignee_name(obj: Task) -> str:
        return obj.assignee.display_name if obj.assignee_id and obj.assignee is not None else ""

    @staticmethod
    def resolve_status(obj: Task) -> str:
        return selectors.task_status(obj)

    @staticmethod
    def resolve_status_label(obj: Task) -> str:
        return str(st.LABELS.get(selectors.task_status(obj), ""))


class TaskAssignIn(Schema):
    title: str
    commune_codes: list[str]
    assigned_on: dt.date
    due_on: dt.date
    lead_unit: str = ""
    coordinating_units: str = ""
    expected_product: str = ""
    assignee_id: SmallCount | None = None  # officer in charge: a staff account of the (single) commune


class TaskAssigneeIn(Schema):
    assignee_id: SmallCount | None  # null clears it (reminders then go to the commune's leader)
    version: int | None = None


class ProgressReportIn(Schema):
    kind: str
    content: str
    progress: int | None = None
    version: int | None = None


class ProgressReportOut(Schema):
    id: int
    kind: str
    reported_on: dt.date
    progress: int
    content: str
    files: list[str]

    @staticmethod
    def resolve_files(obj: Any) -> list[str]:
        return [a.original_name for a in obj.attachments.all()]


class TaskExtensionIn(Schema):
    new_due: dt.date
    reason: str


class ExtensionDecisionIn(Schema):
    approve: bool
    reason: str = ""


class TaskExtensionOut(Schema):
    id: int
    task_id: int
    current_due: dt.date
    new_due: dt.date
    reason: str
    status: str
    requested_on: dt.date
    decided_on: dt.date | None
    decision_reason: str


class TaskCancelIn(Schema):
    reason: str


class TaskFiguresOut(Schema):
    code: str
    label: str
    total: int
    completed_on_time: int
    completed_late: int
    open_in_term: int
    open_overdue: int
    stopped: int
    completed: int
    due: int
    completion_rate: Decimal | None
    overdue_rate: Decimal | None


class TaskPeriodReportOut(Schema):
    period: str
    start: dt.date
    end: dt.date
    extension_counts_on_time: bool
    total: TaskFiguresOut
    rows: list[TaskFiguresOut]


def _fig(f: st.Figures) -> dict[str, Any]:
    d = f.as_dict()
    return {k: d[k] for k in TaskFiguresOut.model_fields if k in d} | {"code": f.code, "label": f.label}


@router.get("/directives", response=list[DirectiveOut])
@paginate
def list_directives(request: AuthedHttpRequest):  # type: ignore[no-untyped-def]
    return selectors.directive_list(fetched_by=request.user)


@router.post("/directives", response={201: DirectiveOut})
def create_directive(request: AuthedHttpRequest, payload: Form[DirectiveIn], file: File[UploadedFile] = None):  # type: ignore[no-untyped-def, assignment]  # ninja: optional upload
    d = services.directive_create(actor=request.user, file=file, **payload.dict())
    return 201, d


@router.get("/directives/{int:directive_id}", response=DirectiveOut)
def get_directive(request: AuthedHttpRequest, directive_id: int):  # type: ignore[no-untyped-def]
    return selectors.directive_get(fetched_by=request.user, pk=directive_id)


# The services name fields as the pages do; the API's bodies name some of them otherwise.
_SENT_AS = {"assignee": "assignee_id", "communes": "commune_codes"}


@contextmanager
def _fields_as_sent() -> Iterator[None]:
    """The services name the officer in charge ``assignee`` and the communes ``communes`` (the pages' fields); the API's
    body sends ``assignee_id`` and ``commune_codes``: an error on them is answered on the field the client sent."""
    try:
        yield
    except ApplicationError as exc:
        fields = exc.details.get("fields") or {}
        for page_name, api_name in _SENT_AS.items():
            if page_name in fields:
                fields[api_name] = fields.pop(page_name)
        raise


@router.post("/directives/{int:directive_id}/tasks", response={201: list[TaskOut]}, openapi_extra=json_body_doc(TaskAssignIn))
def assign_tasks(request: AuthedHttpRequest, directive_id: int):  # type: ignore[no-untyped-def]
    # The body is read once the directive is the caller's: another unit's answers 404 whatever the body (as a missing one).
    d = selectors.directive_get(fetched_by=request.user, pk=directive_id)
    payload = body_in_scope(request, TaskAssignIn, lambda: d)
    with _fields_as_sent():
        return 201, _assign(request, d, payload)


def _assign(request: AuthedHttpRequest, d: Directive, payload: TaskAssignIn) -> list[Task]:
    return services.tasks_assign(
        actor=request.user,
        directive=d,
        title=payload.title,
        commune_codes=payload.commune_codes,
        assigned_on=payload.assigned_on,
        due_on=payload.due_on,
        lead_unit=payload.lead_unit,
        coordinating_units=payload.coordinating_units,
        expected_product=payload.expected_product,
        assignee=payload.assignee_id,
    )


@router.get("/", response=list[TaskOut])
@paginate
def list_tasks(request: AuthedHttpRequest, status: str = "", directive_id: int | None = None, commune_code: str = ""):  # type: ignore[no-untyped-def]
    if status and status not in st.STATUSES:
        raise errors.INVALID_STATUS(details={"allowed": list(st.STATUSES)})
    return selectors.task_list(fetched_by=request.user, status=status, directive_id=directive_id, commune_code=commune_code)


@router.get("/report", response=TaskPeriodReportOut)
def period_report(request: AuthedHttpRequest, kind: str = "month", year: int | None = None, number: int | None = None):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    if kind not in periods.KINDS:
        raise errors.INVALID_PERIOD()
    here = periods.period_containing(kind, today, cutoff_day=selectors.cutoff_day(today, request.user.province_code))
    year = here.year if year is None else year  # 0 is a wrong year or number, not "the current one"
    number = here.number if number is None else number
    if not periods.FIRST_YEAR <= year <= periods.LAST_YEAR or not 1 <= number <= periods.MAX_NUMBER[kind]:
        raise errors.PERIOD_REPORT_INVALID_PERIOD()
    p = selectors.report_period(kind, year, number, request.user.province_code)
    data = selectors.period_figures(fetched_by=request.user, period=p)
    return {
        "period": p.label,
        "start": p.start,
        "end": p.end,
        "extension_counts_on_time": data["extension_counts"],
        "total": _fig(data["total"]) | {"label": gettext("Tổng cộng")},  # the documents' total row, in the reader's language
        "rows": [_fig(f) for f in data["rows"]],
    }


@router.get("/{int:task_id}", response=TaskOut)
def get_task(request: AuthedHttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    return selectors.task_get(fetched_by=request.user, pk=task_id)


def _report_body_doc() -> dict[str, Any]:
    """OpenAPI request body of a progress report: its fields as multipart/form-data, with repeated ``files`` parts."""
    schema = ProgressReportIn.model_json_schema()
    props = {**schema.get("properties", {}), "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}
    form = {"type": "object", "properties": props, "required": schema.get("required", [])}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": form}}}}


def _report_form(request: AuthedHttpRequest) -> ProgressReportIn:
    """The report's form fields, read once the task is the caller's (an outsider's bad form is a 404, as a missing task)."""
    raw: dict[str, Any] = {k: request.POST[k] for k in ProgressReportIn.model_fields if k in request.POST}
    raw.update({k: None for k in ("progress", "version") if raw.get(k) == ""})  # an empty number field: none given
    try:
        return ProgressReportIn.model_validate(raw)
    except pydantic.ValidationError as exc:
        raise NinjaValidationError([{**e, "loc": ("form", *e["loc"])} for e in exc.errors(include_url=False)]) from None


@router.post("/{int:task_id}/reports", response={201: ProgressReportOut}, openapi_extra=_report_body_doc())
def report_task(request: AuthedHttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    task = selectors.task_get(fetched_by=request.user, pk=task_id)
    payload = _report_form(request)
    r = services.task_report(
        actor=request.user,
        task=task,
        kind=payload.kind,
        content=payload.content,
        progress=payload.progress,
        files=request.FILES.getlist("files"),
        version=payload.version,
    )
    return 201, r


@router.post("/{int:task_id}/extensions", response={201: TaskExtensionOut}, openapi_extra=json_body_doc(TaskExtensionIn))
def request_extension(request: AuthedHttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    task = selectors.task_get(fetched_by=request.user, pk=task_id)
    payload = body_in_scope(request, TaskExtensionIn, lambda: task)
    return 201, services.extension_request(actor=request.user, task=task, new_due=payload.new_due, reason=payload.reason)


@router.get("/{int:task_id}/extensions", response=list[TaskExtensionOut])
def list_extensions(request: AuthedHttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    return list(selectors.task_get(fetched_by=request.user, pk=task_id).extensions.all())


@router.post("/{int:task_id}/extensions/{int:extension_id}/decision", response=TaskExtensionOut, openapi_extra=json_body_doc(ExtensionDecisionIn))
def decide_extension(request: AuthedHttpRequest, task_id: int, extension_id: int):  # type: ignore[no-untyped-def]
    task = selectors.task_get(fetched_by=request.user, pk=task_id)
    ext = Extension.objects.filter(task=task, pk=extension_id).first()
    if ext is None:
        raise Http404
    payload = body_in_scope(request, ExtensionDecisionIn, lambda: ext)
    return services.extension_decide(actor=request.user, extension=ext, approve=payload.approve, reason=payload.reason)


@router.post("/{int:task_id}/assignee", response=TaskOut, openapi_extra=json_body_doc(TaskAssigneeIn))
def set_assignee(request: AuthedHttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    task = selectors.task_get(fetched_by=request.user, pk=task_id)
    payload = body_in_scope(request, TaskAssigneeIn, lambda: task)
    with _fields_as_sent():
        return services.task_set_assignee(actor=request.user, task=task, assignee=payload.assignee_id, version=payload.version)


@router.post("/{int:task_id}/cancel", response=TaskOut, openapi_extra=json_body_doc(TaskCancelIn))
def cancel_task(request: AuthedHttpRequest, task_id: int):  # type: ignore[no-untyped-def]
    task = selectors.task_get(fetched_by=request.user, pk=task_id)
    payload = body_in_scope(request, TaskCancelIn, lambda: task)
    return services.task_cancel(actor=request.user, task=task, reason=payload.reason)
