"""Writes of the jobs app: run a periodic job (with its lock and run record), send a reminder once,
request / run / expire export jobs."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from coso.core import locks
from coso.core.audit import audit_log
from coso.core.exceptions import ApplicationError
from coso.core.files import delete_quietly, save_bytes
from coso.core.models import AuditLog
from coso.core.notify import notify
from coso.jobs import errors
from coso.jobs.models import STALE_AFTER, ExportJob, JobLock, JobRun, Reminder
from coso.jobs.registry import EXPORTS, PERIODIC, ExportFile, Prepared, time_limit

logger = logging.getLogger("coso.jobs")

__all__ = ["STALE_AFTER"]  # a run that holds its lock longer than this is taken to have died

_T = TypeVar("_T")


# ---------------------------------------------------------------- periodic jobs
@dataclass
class JobContext:
    """What a periodic job gets: the date it runs for, its run record, and counters for its result."""

    run: JobRun
    today: dt.date
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_province: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def count(self, key: str, n: int = 1, *, province_code: str = "") -> None:
        self.counts[key] += n
        if province_code:
            self.by_province[province_code][key] += n


def _host() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _acquire(name: str, run: JobRun) -> bool:
    """Take the job's lock row with one conditional UPDATE (atomic on SQLite and PostgreSQL); the lock of a run past the
    job's time limit (it died) is taken over."""
    now = timezone.now()
    JobLock.objects.get_or_create(name=name)
    taken = JobLock.objects.filter(name=name).filter(Q(running_since__isnull=True) | Q(running_since__lt=now - time_limit(name))).update(
        running_since=now, run=run)
    return taken == 1


def _release(name: str, run: JobRun) -> bool:
    """Free the job's lock if ``run`` still holds it (its token: the run the lock names). False: the run was overtaken (it
    went on past the job's time limit and the next run took the lock over), the lock is left to that run."""
    return JobLock.objects.filter(name=name, run=run).update(running_since=None) == 1


def _record_abandoned(name: str, run: JobRun, actor: Any) -> None:
    """Record as interrupted the runs of the job still "running" past the job's time limit (their worker died): once,
    when the next run starts, logged and audited like a run's result."""
    now = timezone.now()
    message = str(errors.JOB_RUN_ABANDONED.message)
    stale = JobRun.objects.filter(name=name, status=JobRun.Status.RUNNING, started_at__lt=now - time_limit(name)).exclude(pk=run.pk)
    for dead in stale.order_by("started_at", "id"):
        if not JobRun.objects.filter(pk=dead.pk, status=JobRun.Status.RUNNING).update(status=JobRun.Status.ABANDONED, error=message):
            continue  # recorded meanwhile by another run
        logger.warning("job %s: run %s interrupted", name, dead.pk,
                       extra={"job": name, "run_id": dead.pk, "status": JobRun.Status.ABANDONED, "noticed_by": run.pk})
        audit_log(actor=actor if getattr(actor, "pk", None) else None, action=AuditLog.Action.ACTION, obj=dead, verb="job_run_abandoned",
                  before={"status": JobRun.Status.RUNNING}, after={"name": name, "status": JobRun.Status.ABANDONED, "noticed_by": run.pk})


def run_periodic(name: str, *, trigger: str = JobRun.Trigger.SCHEDULE, actor: Any = None, today: dt.date | None = None) -> JobRun:
    """Run one registered periodic job now, record the run, and return its record.

    A job already running elsewhere is not started twice: the run is recorded as skipped.
    A failing job is recorded with its error (and logged); it never raises to the caller.
    """
    if name not in PERIODIC:
        raise errors.JOB_NOT_FOUND(details={"name": name})
    job = PERIODIC[name]
    run = JobRun.objects.create(name=name, trigger=trigger, triggered_by=actor if getattr(actor, "pk", None) else None,
                                host=_host(), started_at=timezone.now())
    extra = {"job": name, "run_id": run.pk, "trigger": trigger}
    _record_abandoned(name, run, actor)
    if not _acquire(name, run):
        run.status, run.finished_at = JobRun.Status.SKIPPED, timezone.now()
        run.result = {"reason": "already-running"}
        run.save(update_fields=["status", "finished_at", "result"])
        if getattr(actor, "pk", None):  # an administrator's act is audited whether or not the job could run
            audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=run, verb="job_run", after={"name": name, "status": run.status})
        logger.info("job %s skipped: already running", name, extra=extra)
        return run
    logger.info("job %s started", name, extra=extra)
    ctx = JobContext(run=run, today=today or timezone.localdate())
    try:
        job.func(ctx)
    except Exception as exc:  # noqa: BLE001 - the failure is recorded and shown, the scheduler goes on
        run.status = JobRun.Status.FAILED
        run.error = "".join(traceback.format_exception(exc))[-20_000:]
        logger.exception("job %s failed", name, extra=extra)
    else:
        run.status = JobRun.Status.OK
    finally:
        # The run records its end only while it still holds the lock: overtaken (the next run took the lock over once
        # this one went past the job's time limit, and recorded it as interrupted), it records neither a status nor
        # counts over that record; the release and the record are one transaction, so no takeover falls between them.
        with transaction.atomic():
            held = _release(name, run)
            run.finished_at = timezone.now()
            if held:
                run.result = dict(ctx.counts)
                run.by_province = {p: dict(c) for p, c in ctx.by_province.items()}
                run.save(update_fields=["status", "error", "finished_at", "result", "by_province"])
            else:
                failure = run.error if run.status == JobRun.Status.FAILED else ""
                run.status = JobRun.Status.ABANDONED
                run.error = "\n\n".join(filter(None, [str(errors.JOB_RUN_OVERTAKEN.message), failure]))[-20_000:]
                run.result, run.by_province = {}, {}
                JobRun.objects.filter(pk=run.pk).update(status=run.status, error=run.error, finished_at=run.finished_at, result={}, by_province={})
    if not held:
        logger.warning("job %s: run %s overtaken, its end not recorded (counts %s)", name, run.pk, dict(ctx.counts),
                       extra={**extra, "status": run.status, "result": dict(ctx.counts)})
    if actor is not None and getattr(actor, "pk", None):
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=run, verb="job_run", after={"name": name, "status": run.status})
    logger.info("job %s finished: %s %s", name, run.status, run.result, extra={**extra, "status": run.status, "result": run.result})
    return run


def request_periodic_run(*, actor: Any, name: str) -> None:
    """Queue a run of a periodic job now (system administrators)."""
    from coso.accounts.roles import Role
    from coso.jobs.tasks import run_periodic_task

    if not (actor.is_superuser or actor.role == Role.SYSTEM_ADMIN):
        raise errors.RUN_FORBIDDEN()
    if name not in PERIODIC:
        raise errors.JOB_NOT_FOUND(details={"name": name})
    # the request itself is audited: the run is audited by the worker, but a queued message can be lost
    audit_log(actor=actor, action=AuditLog.Action.ACTION, object_type="jobs.PeriodicJob", object_id=name, object_repr=name,
              verb="job_run_requested", after={"name": name})
    _after_commit(lambda: run_periodic_task(name, JobRun.Trigger.MANUAL, actor.pk))


# ---------------------------------------------------------------- reminders
def remind_once(*, key: str, recipient: Any, text: str, kind: str, subject: str = "", obj: Any = None,
                province_code: str = "", commune_code: str = "", run: JobRun | None = None) -> bool:
    """Send ``text`` to ``recipient`` unless a reminder with this ``key`` was already sent to them.

    The ledger row is written first under a unique (key, recipient) constraint, so two runs at the
    same time cannot both send. Returns True when this call sent it.
    """
    if recipient is None or not getattr(recipient, "pk", None):
        return False
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key[:200], recipient=recipient, kind=kind, text=text, run=run,
                object_type=obj._meta.label_lower if obj is not None else "", object_id=str(obj.pk) if obj is not None else "",
                province_code=province_code, commune_code=commune_code,
            )
    except IntegrityError:
        return False
    channels = notify(text=text, subject=subject or text[:80], email=recipient.email or "", phone=getattr(recipient, "phone", "") or "")
    Reminder.objects.filter(pk=reminder.pk).update(channels=channels)
    return True


# ---------------------------------------------------------------- exports
def _after_commit(fn: Callable[[], Any]) -> None:
    """Queue after the transaction commits (a worker must see the rows); at once in immediate mode."""
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        fn()
    else:
        transaction.on_commit(fn)


def export_prepare(*, user: Any, kind: str, params: dict[str, Any]) -> Prepared:
    entry = EXPORTS.get(kind)
    if entry is None:
        raise errors.EXPORT_KIND_NOT_FOUND(details={"kind": kind})
    return entry.impl.prepare(user, dict(params))


def export_request(*, actor: Any, kind: str, params: dict[str, Any]) -> ExportJob:
    """Check rights and parameters, then queue the export.

    Asking again for the same export while it is still waiting or running returns that job (a
    double click makes one file); once it has finished, asking again makes a fresh file (the data
    may have changed since).
    """
    from coso.jobs.tasks import run_export_task

    prepared = export_prepare(user=actor, kind=kind, params=params)
    with transaction.atomic():
        # One request of the user's at a time looks for the same export and queues it: two at once (a double click)
        # would otherwise both find none and queue two.
        locks.lock(ExportJob, "jobs.export_request", str(actor.pk))
        same = (ExportJob.objects.filter(requested_by=actor, kind=kind, params=prepared.params,
                                         status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
                .order_by("-created_at").first())
        if same is not None:
            return same
        job = ExportJob.objects.create(kind=kind, title=prepared.title[:300], title_args=prepared.title_args, params=prepared.params, requested_by=actor,
                                       province_code=prepared.province_code, commune_code=prepared.commune_code)
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=job, verb="export_request", after={"kind": kind, "params": prepared.params})
        job_id = str(job.pk)
        _after_commit(lambda: run_export_task(job_id))
    job.refresh_from_db()
    return job


class _Progress:
    """Progress callback: writes the percentage at most once per whole-percent step (one UPDATE)."""

    def __init__(self, job_id: Any):
        self.job_id = job_id
        self.last = -1

    def __call__(self, pct: int) -> None:
        pct = max(0, min(99, int(pct)))  # 100 is written with the file
        if pct > self.last:
            self.last = pct
            ExportJob.objects.filter(pk=self.job_id, status=ExportJob.Status.RUNNING).update(progress=pct)


def track(items: Iterable[_T], *, total: int, progress: Callable[[int], None], start: int = 5, end: int = 90) -> Iterator[_T]:
    """Yield ``items`` while reporting progress from ``start`` to ``end`` per cent."""
    total = max(total, 1)
    step = max(total // 100, 1)
    for i, item in enumerate(items, start=1):
        if i % step == 0:
            progress(start + (end - start) * i // total)
        yield item
    progress(end)


def export_run(job_id: Any) -> ExportJob | None:
    """Build the file of a queued export as the user who asked for it (idempotent: a finished job is left alone)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ExportJob.Status.QUEUED:
            return job
        job.status, job.started_at, job.progress = ExportJob.Status.RUNNING, timezone.now(), 1
        job.save(update_fields=["status", "started_at", "progress"])
    user = job.requested_by
    extra = {"export_id": str(job.pk), "kind": job.kind, "user_id": user.pk}
    logger.info("export %s started", job.kind, extra=extra)
    try:
        if not user.is_active:
            raise errors.INACTIVE_USER()
        entry = EXPORTS.get(job.kind)
        if entry is None:
            raise errors.EXPORT_KIND_GONE()
        entry.impl.prepare(user, dict(job.params))  # rights are checked again at run time
        result: ExportFile = entry.impl.build(user, dict(job.params), _Progress(job.pk))
        stored = save_bytes(f"exports/{timezone.now():%Y/%m/%d}/{job.pk}/{_safe_name(result.filename)}", result.data)
    except ApplicationError as exc:
        _fail(job, exc.message, exc.code)
        logger.warning("export %s refused: %s", job.kind, exc.message, extra=extra)
    except Exception:  # noqa: BLE001 - recorded on the job; the user sees a clear message
        _fail(job, errors.EXPORT_FAILED.message, errors.EXPORT_FAILED.code)
        logger.exception("export %s failed", job.kind, extra=extra)
    else:
        now = timezone.now()
        updated = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.DONE, progress=100, file_name=stored, filename=result.filename, content_type=result.content_type,
            size=len(result.data), finished_at=now, expires_at=now + dt.timedelta(hours=settings.COSO_EXPORT_KEEP_HOURS))
        if not updated:  # cancelled or expired meanwhile: do not keep an orphan file
            delete_quietly(stored)
        logger.info("export %s done (%d bytes)", job.kind, len(result.data), extra=extra)
    job.refresh_from_db()
    return job


def _safe_name(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return f"{slugify(stem) or 'export'}.{slugify(ext)}" if dot else (slugify(filename) or "export")


def _fail(job: ExportJob, message: Any, code: str = "") -> None:
    """Record the failure: its message (in the language of the run) and its code, which shows it in the reader's."""
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=str(message), error_code=code[:60], finished_at=timezone.now())


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their keeping time; mark them expired. Returns how many."""
    now = now or timezone.now()
    count = 0
    for job in ExportJob.objects.filter(status=ExportJob.Status.DONE, expires_at__lte=now).iterator():
        delete_quietly(job.file_name)
        count += ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(status=ExportJob.Status.EXPIRED, file_name="")
    # Jobs whose worker died long ago: close them so the user is not left waiting.
    ExportJob.objects.filter(status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING], created_at__lt=now - STALE_AFTER).update(
        status=ExportJob.Status.FAILED, error=str(errors.EXPORT_TIMED_OUT.message), error_code=errors.EXPORT_TIMED_OUT.code, finished_at=now)
    return count
