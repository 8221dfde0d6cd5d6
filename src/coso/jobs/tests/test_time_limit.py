"""A periodic job's time limit: a run still "running" past it has died (its worker was killed, the machine lost). It was
shown as running until the 6-hour lock expired, whatever the job; each job now declares its limit (default
``COSO_JOB_TIME_LIMIT_MINUTES``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
import time_machine

from coso.jobs import registry
from coso.jobs.models import JobLock, JobRun
from coso.jobs.services import run_periodic

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def jobs(monkeypatch):  # type: ignore[no-untyped-def]
    def add(name, **kw):  # type: ignore[no-untyped-def]
        monkeypatch.setitem(registry.PERIODIC, name, registry.PeriodicJob(name=name, title=name, schedule=lambda d: False,
                                                                         func=lambda ctx: None, **kw))

    add("quick_job", time_limit=dt.timedelta(minutes=15))
    add("plain_job")
    return add


def _dead(name):  # type: ignore[no-untyped-def]
    run = JobRun.objects.create(name=name, status=JobRun.Status.RUNNING, started_at=timezone.now())
    JobLock.objects.create(name=name, running_since=run.started_at, run=run)
    return run


def test_a_run_past_its_jobs_time_limit_is_interrupted(jobs, settings, login, users):  # type: ignore[no-untyped-def]
    settings.COSO_JOB_TIME_LIMIT_MINUTES = 90
    with time_machine.travel(START, tick=False) as traveller:
        quick, plain = _dead("quick_job"), _dead("plain_job")
        traveller.shift(dt.timedelta(minutes=14))
        assert (quick.current_status, plain.current_status) == ("running", "running")
        assert run_periodic("quick_job").status == JobRun.Status.SKIPPED  # still within its limit: the lock holds
        traveller.shift(dt.timedelta(minutes=2))  # 16 minutes: past the 15 the job declares
        assert (quick.current_status, plain.current_status) == ("abandoned", "running")
        rows = {r["name"]: r["last_status"] for r in login(users["sysadmin"]).get("/api/v1/jobs/periodic").json()}
        assert rows["quick_job"] != "running"
        traveller.shift(dt.timedelta(minutes=75))  # 91 minutes: past the default limit of the job that declares none
        assert plain.current_status == "abandoned"
        # The next run records them as interrupted and runs (the lock of a dead run is taken over).
        assert run_periodic("quick_job").status == JobRun.Status.OK
        assert run_periodic("plain_job").status == JobRun.Status.OK
    quick.refresh_from_db()
    plain.refresh_from_db()
    assert quick.status == plain.status == JobRun.Status.ABANDONED


def test_every_registered_job_has_a_time_limit():  # type: ignore[no-untyped-def]
    for job in registry.PERIODIC.values():
        assert dt.timedelta(0) < registry.time_limit(job.name) <= dt.timedelta(hours=24)


def test_a_run_overtaken_past_its_time_limit_does_not_record_its_end_over_the_next(monkeypatch):  # type: ignore[no-untyped-def]
    """A run still working past its job's time limit had its lock taken over by the next run, which recorded it as
    interrupted; when it ended it then wrote "ok" and its counts over that record, as if it had held the lock to the end.
    It now checks its lock token (the run the lock names) before it records its end: overtaken, it stays interrupted,
    its counts are not recorded, and the lock stays with the run that took it over."""
    seen: dict[str, JobRun] = {}

    def slow(ctx):  # type: ignore[no-untyped-def]
        ctx.count("sent", 5)
        if "first" not in seen:
            seen["first"] = ctx.run
            traveller.shift(dt.timedelta(minutes=16))  # past the 15 the job declares: the next run takes the lock over
            seen["second"] = run_periodic("slow_job")

    monkeypatch.setitem(registry.PERIODIC, "slow_job", registry.PeriodicJob(name="slow_job", title="slow_job", schedule=lambda d: False,
                                                                            func=slow, time_limit=dt.timedelta(minutes=15)))
    with time_machine.travel(START, tick=False) as traveller:
        first = run_periodic("slow_job")
    second = seen["second"]
    assert second.status == JobRun.Status.OK and second.pk != first.pk
    first.refresh_from_db()
    assert first.status == JobRun.Status.ABANDONED and first.result == {} and first.finished_at is not None
    second.refresh_from_db()
    assert second.status == JobRun.Status.OK and second.result == {"sent": 5}
    lock = JobLock.objects.get(name="slow_job")
    assert lock.run_id == second.pk and lock.running_since is None
    # The next run finds the job free and runs.
    assert run_periodic("slow_job").status == JobRun.Status.OK


def test_a_run_overtaken_without_being_recorded_yet_still_does_not_record_its_end(monkeypatch):  # type: ignore[no-untyped-def]
    """The lock token decides, not the run's status: a run whose lock another run holds (taken over a moment after the
    run was started, before the interrupted runs were recorded) does not write "ok" either."""
    def overtaken(ctx):  # type: ignore[no-untyped-def]
        other = JobRun.objects.create(name="taken_job", status=JobRun.Status.RUNNING, started_at=timezone.now())
        JobLock.objects.filter(name="taken_job").update(run=other, running_since=other.started_at)
        ctx.count("sent", 3)

    monkeypatch.setitem(registry.PERIODIC, "taken_job", registry.PeriodicJob(name="taken_job", title="taken_job", schedule=lambda d: False,
                                                                             func=overtaken))
    run = run_periodic("taken_job")
    run.refresh_from_db()
    assert run.status == JobRun.Status.ABANDONED and run.result == {}
    assert JobLock.objects.get(name="taken_job").running_since is not None  # still held by the run that took it over


def test_an_interrupted_run_is_explained_by_its_jobs_time_limit_not_six_hours(jobs):  # type: ignore[no-untyped-def]
    """A run recorded as interrupted said its "6-hour lock" had expired, whatever its job's time limit (15 minutes
    here); it now says that its job's time limit has passed."""
    from coso.jobs import errors

    with time_machine.travel(START, tick=False) as traveller:
        dead = _dead("quick_job")
        traveller.shift(dt.timedelta(minutes=16))
        run_periodic("quick_job")
    dead.refresh_from_db()
    assert dead.status == JobRun.Status.ABANDONED and dead.error == str(errors.JOB_RUN_ABANDONED.message)
    assert "6 giờ" not in dead.error and "thời hạn của tác vụ" in dead.error


def test_a_manual_run_skipped_while_the_job_runs_is_audited(jobs, users):  # type: ignore[no-untyped-def]
    """A system administrator's run was audited only when it ran: one skipped because the job was running elsewhere
    left no audit entry of the administrator's act; it is now audited with its status (skipped)."""
    from coso.core.models import AuditLog

    _dead("quick_job")  # still within its time limit: the lock holds
    run = run_periodic("quick_job", trigger=JobRun.Trigger.MANUAL, actor=users["sysadmin"])
    assert run.status == JobRun.Status.SKIPPED
    entry = AuditLog.objects.get(verb="job_run", object_id=str(run.pk))
    assert entry.actor_id == users["sysadmin"].pk and entry.after == {"name": "quick_job", "status": "skipped"}
