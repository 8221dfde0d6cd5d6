"""Reads of the jobs app: periodic jobs with their last runs (scoped for province administrators), export jobs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from coso.accounts.roles import Role
from coso.core.scoping import can_see_unit
from coso.jobs.models import ExportJob, JobRun
from coso.jobs.registry import EXPORTS, PERIODIC, PeriodicJob


def is_system_admin(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.SYSTEM_ADMIN))


def can_see_jobs(user: Any) -> bool:
    return bool(user.is_authenticated and (is_system_admin(user) or (user.role == Role.PROVINCE_ADMIN and user.province_code)))


@dataclass
class JobStatus:
    job: PeriodicJob
    last: JobRun | None
    last_ok: JobRun | None
    failures: list[JobRun]  # recent failed runs (newest first)
    result: list[tuple[Any, Any]]  # the last run's counts (label, value), as the viewer may see them


def _visible_result(run: JobRun | None, user: Any) -> dict[str, Any]:
    if run is None:
        return {}
    if is_system_admin(user):
        return dict(run.result)
    return dict((run.by_province or {}).get(user.province_code, {}))


def periodic_job_status(*, fetched_by: Any, recent: int = 20) -> list[JobStatus]:
    """Every registered periodic job with its last run, last success and recent failures.

    A province administrator sees the same jobs, with the counts of their own province only.
    """
    if not can_see_jobs(fetched_by):
        raise Http404
    out = []
    for name, job in sorted(PERIODIC.items()):
        runs = list(JobRun.objects.filter(name=name).order_by("-started_at", "-id")[:recent])
        last = runs[0] if runs else None
        last_ok = next((r for r in runs if r.status == JobRun.Status.OK), None)
        if last_ok is None and last is not None:
            last_ok = JobRun.objects.filter(name=name, status=JobRun.Status.OK).order_by("-started_at", "-id").first()
        failures = [r for r in runs if r.current_status in (JobRun.Status.FAILED, JobRun.Status.ABANDONED)][:5]
        out.append(JobStatus(job=job, last=last, last_ok=last_ok, failures=failures, result=job.labelled(_visible_result(last, fetched_by))))
    return out


def job_runs(*, fetched_by: Any, name: str) -> QuerySet[JobRun]:
    if not can_see_jobs(fetched_by) or name not in PERIODIC:
        raise Http404
    return JobRun.objects.filter(name=name).select_related("triggered_by").order_by("-started_at", "-id")


def visible_result_raw(run: JobRun, user: Any) -> dict[str, Any]:
    return _visible_result(run, user)


def visible_result(run: JobRun, user: Any) -> list[tuple[Any, Any]]:
    job = PERIODIC.get(run.name)
    result = _visible_result(run, user)
    return job.labelled(result) if job else list(result.items())


# ---------------------------------------------------------------- exports
def export_list(*, fetched_by: Any) -> QuerySet[ExportJob]:
    if not fetched_by.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=fetched_by).order_by("-created_at")


def export_get(*, fetched_by: Any, pk: Any) -> ExportJob:
    """An export job of this user; anyone else's → 404 (its file: see ``export_may_download``)."""
    if not fetched_by.is_authenticated:
        raise Http404
    try:
        pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))  # an id that is not a UUID is no job
        return ExportJob.objects.get(pk=pk, requested_by=fetched_by)
    except (ExportJob.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def export_may_download(*, fetched_by: Any, job: ExportJob) -> bool:
    """The file goes only to the user who asked, and only while they still have the rights the export
    needs and may still see the unit it is about (the kind's ``prepare`` is run again: role and scope)."""
    from coso.core.exceptions import ApplicationError

    if (job.province_code or job.commune_code) and not can_see_unit(fetched_by, province_code=job.province_code, commune_code=job.commune_code):
        return False
    entry = EXPORTS.get(job.kind)
    if entry is None or job.requested_by_id != fetched_by.pk:
        return False
    try:
        entry.impl.prepare(fetched_by, dict(job.params))
    except (ApplicationError, Http404):
        return False
    return True


def export_file_for_download(*, fetched_by: Any, pk: Any) -> ExportJob:
    """The finished export whose file the user may take now; the download is recorded (exports carry
    personal data: names, phone numbers — Decree 13/2023/NĐ-CP on personal data protection)."""
    from django.utils import timezone

    from coso.core.masking import log_personal_read

    job = export_get(fetched_by=fetched_by, pk=pk)
    if job.status != ExportJob.Status.DONE or not export_may_download(fetched_by=fetched_by, job=job):
        raise Http404
    if job.expires_at is not None and job.expires_at <= timezone.now():
        raise Http404  # past its keeping time: gone, even before the periodic job (``exports_expire``) deletes the file
    log_personal_read(user=fetched_by, obj=job, reason=f"Tải tệp xuất {job.filename}")
    return job
