"""API of the jobs app: export jobs (start, follow, download) and the periodic jobs' status."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from coso.core.files import serve_file
from coso.jobs import selectors, services
from coso.jobs.models import ExportJob

router = Router(tags=["jobs"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict


class ExportIn(Schema):
    kind: str = Field(..., max_length=60, examples=["funding.allocation"])
    params: dict[str, str | int] = Field(default_factory=dict, examples=[{"period": "2026", "format": "xlsx"}])


class ExportOut(Schema):
    id: UUID
    kind: str
    title: str
    status: str
    progress: int
    params: dict
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    filename: str
    size: int
    error: str
    file_url: str | None

    @staticmethod
    def resolve_title(obj: ExportJob) -> str:
        return obj.display_title

    @staticmethod
    def resolve_error(obj: ExportJob) -> str:
        return obj.display_error

    @staticmethod
    def resolve_status(obj: ExportJob) -> str:
        return obj.current_status

    @staticmethod
    def resolve_file_url(obj: ExportJob) -> str | None:
        return reverse("api-v1:jobs_export_file", kwargs={"pk": obj.pk}) if obj.current_status == ExportJob.Status.DONE else None


class JobOut(Schema):
    name: str
    title: str
    schedule: str
    last_started_at: dt.datetime | None
    last_status: str | None
    last_ok_at: dt.datetime | None
    recent_failures: int
    result: dict[str, Any]


ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/exports", response={202: ExportOut, **ERRORS}, summary="Start an export job (province funding, dossier register, workforce review)")
def export_start(request: HttpRequest, payload: ExportIn) -> Any:
    job = services.export_request(actor=request.user, kind=payload.kind, params={k: str(v) for k, v in payload.params.items()})
    return Status(202, job)


@router.get("/exports", response=list[ExportOut], summary="My export jobs, newest first")
@paginate
def export_list(request: HttpRequest) -> Any:
    return selectors.export_list(fetched_by=request.user)


@router.get("/exports/{pk}", response={200: ExportOut, **ERRORS}, summary="One of my export jobs: status and progress (poll it)")
def export_get(request: HttpRequest, pk: str) -> Any:
    # ``pk`` is a plain string: an id that is not a UUID is no job, answered 404 like an unknown one (a typed UUID
    # parameter answered 422 validation-error).
    return selectors.export_get(fetched_by=request.user, pk=pk)


@router.get("/exports/{pk}/file", response={200: None, **ERRORS}, url_name="jobs_export_file", summary="The file of a finished export job")
def export_file(request: HttpRequest, pk: str) -> HttpResponseBase:
    job = selectors.export_file_for_download(fetched_by=request.user, pk=pk)
    return serve_file(request, job.file_name, filename=job.filename, content_type=job.content_type, as_attachment=True)


@router.get("/periodic", response={200: list[JobOut], **ERRORS}, summary="Periodic jobs with their last run (administrators)")
def periodic_list(request: HttpRequest) -> Any:
    out = []
    for s in selectors.periodic_job_status(fetched_by=request.user):
        out.append({"name": s.job.name, "title": str(s.job.title), "schedule": str(s.job.schedule_text),
                    "last_started_at": s.last.started_at if s.last else None, "last_status": s.last.current_status if s.last else None,
                    "last_ok_at": s.last_ok.started_at if s.last_ok else None, "recent_failures": len(s.failures),
                    "result": selectors.visible_result_raw(s.last, request.user) if s.last else {}})
    return out
