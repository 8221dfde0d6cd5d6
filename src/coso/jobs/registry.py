"""The extension point: apps register periodic jobs and export kinds here, from their own ``jobs.py``.

A periodic job::

    from huey import crontab
    from coso.jobs.registry import periodic_job

    @periodic_job("feedback_escalate", title=_("Báo lãnh đạo phản ánh quá hạn"), schedule=crontab(hour="6", minute="0"))
    def escalate(ctx):
        n = feedback_escalate_overdue(today=ctx.today)
        ctx.count("escalated", n)

The function gets a ``JobContext`` (today's date, counters) and must be idempotent: running it twice
in a row, or on two machines at once, does no harm (a database lock also keeps two runs of the same
job from overlapping). Every run is recorded (``JobRun``) and logged.

An export kind (a long export run as a job, see ``coso.jobs.services.export_request``)::

    @export_kind("funding.allocation_xlsx", title=_("Phân bổ kinh phí (Excel)"))
    class AllocationExport:
        def prepare(self, user, params) -> Prepared: ...   # check rights, validate; raise ApplicationError
        def build(self, user, params, progress) -> ExportFile: ...

``prepare`` runs when the user asks, and again before every download (rights may have changed).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- periodic jobs
# Labels of the counters the jobs here use (a job may add its own with ``result_labels``).
COMMON_LABELS: dict[str, Any] = {
    "near_sent": _("Đã nhắc sắp đến hạn"),
    "near_already_sent": _("Sắp đến hạn, đã nhắc trước đó"),
    "overdue_sent": _("Đã nhắc quá hạn"),
    "overdue_already_sent": _("Quá hạn, đã nhắc trước đó"),
    "sent": _("Đã gửi"),
    "already_sent": _("Đã gửi trước đó"),
    "people": _("Số người"),
    "escalated": _("Đã báo lãnh đạo"),
    "expired": _("Tệp đã xoá"),
    "skipped_non_working_day": _("Bỏ qua: ngày nghỉ"),
    "reason": _("Lý do"),
}
@dataclass
class PeriodicJob:
    name: str
    title: Any
    schedule: Callable[[Any], bool]  # huey.crontab(...) or any validate_datetime(datetime) -> bool
    func: Callable[..., Any]
    description: Any = ""
    schedule_text: Any = ""
    result_labels: dict[str, Any] = field(default_factory=dict)  # counter key → label shown on the page
    # How long a run may take: a run still "running" past it has died (its worker killed, its machine lost): it is shown
    # as interrupted, its lock is taken over by the next run, which records it so. None: COSO_JOB_TIME_LIMIT_MINUTES.
    time_limit: dt.timedelta | None = None

    def labelled(self, result: dict[str, Any]) -> list[tuple[Any, Any]]:
        return [(self.result_labels.get(k) or COMMON_LABELS.get(k) or k, v) for k, v in result.items()]


PERIODIC: dict[str, PeriodicJob] = {}


def periodic_job(name: str, *, title: Any, schedule: Callable[[Any], bool], description: Any = "", schedule_text: Any = "",
                 result_labels: dict[str, Any] | None = None, time_limit: dt.timedelta | None = None) -> Callable:
    """Register ``func(ctx)`` as a periodic job run on ``schedule`` by the Huey scheduler; ``time_limit``: how long a run
    may take before it counts as interrupted (default ``COSO_JOB_TIME_LIMIT_MINUTES``)."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in PERIODIC and PERIODIC[name].func is not func:
            raise ValueError(f"periodic job {name!r} is registered twice")
        job = PeriodicJob(name=name, title=title, schedule=schedule, func=func, description=description, schedule_text=schedule_text,
                          result_labels=dict(result_labels or {}), time_limit=time_limit)
        if name not in PERIODIC:
            PERIODIC[name] = job
            _schedule(job)
        return func

    return decorator


def time_limit(name: str) -> dt.timedelta:
    """How long a run of the job ``name`` may take before it counts as interrupted: the limit the job declares, else
    ``COSO_JOB_TIME_LIMIT_MINUTES``; a job no longer registered: ``coso.jobs.models.STALE_AFTER``."""
    from django.conf import settings

    from coso.jobs.models import STALE_AFTER

    job = PERIODIC.get(name)
    if job is None:
        return STALE_AFTER
    if job.time_limit is not None:
        return job.time_limit
    return dt.timedelta(minutes=int(settings.COSO_JOB_TIME_LIMIT_MINUTES))


def _schedule(job: PeriodicJob) -> None:
    from huey.contrib.djhuey import db_periodic_task

    def scheduled() -> None:
        from coso.jobs.services import run_periodic

        run_periodic(job.name, trigger="schedule")

    scheduled.__name__ = f"periodic_{job.name}"
    db_periodic_task(job.schedule, name=f"coso.periodic.{job.name}")(scheduled)


# ---------------------------------------------------------------- exports
@dataclass
class Prepared:
    """What ``prepare`` returns: the normalised parameters, a title, and the unit the data belongs to.

    ``title_args``: what the kind's ``title(args)`` needs to name the export again in the reader's language (the
    list of exports shows it so); ``title`` is the name in the language of the request, kept as recorded."""

    params: dict[str, Any]
    title: str
    province_code: str = ""
    commune_code: str = ""
    title_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportFile:
    data: bytes
    filename: str
    content_type: str


class ExportKind(Protocol):
    def prepare(self, user: Any, params: dict[str, Any]) -> Prepared: ...

    def build(self, user: Any, params: dict[str, Any], progress: Callable[[int], None]) -> ExportFile: ...

    # Optional: ``title(args) -> str`` names an export from its ``Prepared.title_args`` in the current language.


@dataclass
class ExportKindEntry:
    kind: str
    title: Any
    impl: Any = field(repr=False)


EXPORTS: dict[str, ExportKindEntry] = {}


def export_kind(kind: str, *, title: Any) -> Callable:
    def decorator(cls: Any) -> Any:
        if kind in EXPORTS and type(EXPORTS[kind].impl) is not cls:
            raise ValueError(f"export kind {kind!r} is registered twice")
        EXPORTS[kind] = ExportKindEntry(kind=kind, title=title, impl=cls())
        return cls

    return decorator


def autodiscover() -> None:
    """Import ``<app>.jobs`` of every installed app (their decorators register the jobs)."""
    autodiscover_modules("jobs")
    # This app's own jobs (export cleanup) live in coso.jobs.builtin.
    from coso.jobs import builtin  # noqa: F401
