"""The periodic job runner: registry and schedule, run records, failures, the lock, the admin page."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

import pytest

from coso.jobs import registry
from coso.jobs.models import JobLock, JobRun
from coso.jobs.services import run_periodic

pytestmark = pytest.mark.django_db

EXPECTED = {"feedback_escalate_overdue", "feedback_deadline_reminders", "dossier_deadline_reminders", "retirement_notices", "exports_expire",
            "search_stats", "sessions_clear_expired"}


@pytest.fixture
def temp_job(monkeypatch):  # type: ignore[no-untyped-def]
    """Register throw-away jobs for one test (the registry is the same object apps use)."""
    calls: list[dt.date] = []

    def add(name: str, func):  # type: ignore[no-untyped-def]
        monkeypatch.setitem(registry.PERIODIC, name, registry.PeriodicJob(name=name, title=name, schedule=lambda d: False, func=func))

    add.calls = calls  # type: ignore[attr-defined]
    return add


def test_every_job_is_registered_and_scheduled_with_huey():
    from huey.contrib.djhuey import HUEY

    assert set(registry.PERIODIC) >= EXPECTED
    # What the scheduler would enqueue at a given minute (local time: the consumer runs with utc=False).
    assert HUEY.utc is False
    at_six = {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 2, 6, 0))}
    assert {"coso.periodic.feedback_escalate_overdue", "coso.periodic.exports_expire"} <= at_six
    assert "coso.periodic.dossier_deadline_reminders" not in at_six
    at_seven_thirty = {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 2, 7, 30))}
    assert {"coso.periodic.dossier_deadline_reminders", "coso.periodic.feedback_deadline_reminders"} <= at_seven_thirty
    assert "coso.periodic.retirement_notices" in {t.name for t in HUEY.read_periodic(dt.datetime(2026, 3, 2, 6, 30))}
    assert not HUEY.read_periodic(dt.datetime(2026, 3, 2, 6, 7))


def test_scheduled_task_runs_the_job_and_records_it():
    from huey.contrib.djhuey import HUEY

    task = next(t for t in HUEY.read_periodic(dt.datetime(2026, 3, 2, 6, 15)) if t.name == "coso.periodic.exports_expire")
    HUEY.execute(task)
    run = JobRun.objects.get(name="exports_expire")
    assert run.status == JobRun.Status.OK and run.trigger == JobRun.Trigger.SCHEDULE and run.result == {"expired": 0}


def test_failure_is_recorded_logged_and_does_not_raise(temp_job, caplog):
    def broken(ctx):  # type: ignore[no-untyped-def]
        ctx.count("before_failure", 3, province_code="79")
        raise RuntimeError("the rollup table is missing")

    temp_job("broken_job", broken)
    run = run_periodic("broken_job")
    assert run.status == JobRun.Status.FAILED
    assert "RuntimeError: the rollup table is missing" in run.error
    assert run.result == {"before_failure": 3} and run.by_province == {"79": {"before_failure": 3}}
    assert "job broken_job failed" in caplog.text
    # The lock is released: the next run starts.
    assert JobLock.objects.get(name="broken_job").running_since is None


def test_a_job_already_running_is_skipped_not_run_twice(temp_job):
    from django.utils import timezone

    seen = []
    temp_job("slow_job", lambda ctx: seen.append(ctx.today))
    JobLock.objects.create(name="slow_job", running_since=timezone.now())
    run = run_periodic("slow_job")
    assert run.status == JobRun.Status.SKIPPED and seen == []
    # A lock left by a run that died hours ago is taken over.
    JobLock.objects.filter(name="slow_job").update(running_since=timezone.now() - dt.timedelta(hours=7))
    assert run_periodic("slow_job").status == JobRun.Status.OK and len(seen) == 1


def test_registering_the_same_name_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        registry.periodic_job("feedback_escalate_overdue", title="x", schedule=lambda d: False)(lambda ctx: None)


def test_management_command_runs_a_job(capsys):
    call_command("run_job", "exports_expire")
    assert "exports_expire: ok" in capsys.readouterr().out
    assert JobRun.objects.get().trigger == JobRun.Trigger.COMMAND
    call_command("run_job", "--list")
    assert "feedback_escalate_overdue" in capsys.readouterr().out


@pytest.mark.parametrize("day", ["2026-02-30", "30/11/2026", "x"])
def test_management_command_refuses_a_date_that_is_not_one(day):
    """``run_job NAME --today 2026-02-30`` ended in a ValueError traceback; it is a command error, and nothing runs."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_job", "exports_expire", "--today", day)
    assert not JobRun.objects.exists()


# ---------------------------------------------------------------- the page
def _runs():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    now = timezone.now()
    JobRun.objects.create(name="dossier_deadline_reminders", status=JobRun.Status.OK, started_at=now - dt.timedelta(days=1), finished_at=now,
                          result={"near_sent": 7}, by_province={"79": {"near_sent": 5}, "01": {"near_sent": 2}})
    JobRun.objects.create(name="retirement_notices", status=JobRun.Status.FAILED, started_at=now, finished_at=now, error="Traceback: boom")


def test_system_admin_sees_every_job_with_last_run_result_and_failures(login, users):
    _runs()
    r = login(users["sysadmin"]).get("/jobs/")
    assert r.status_code == 200
    html = r.content.decode()
    for name in EXPECTED:
        assert f'data-job="{name}"' in html
    assert "Đã nhắc sắp đến hạn: <strong>7</strong>" in html
    assert "status-failed" in html and "Chạy ngay" in html
    detail = login(users["sysadmin"]).get("/jobs/periodic/retirement_notices/")
    assert "Traceback: boom" in detail.content.decode()


def test_province_admin_sees_own_province_counts_only(login, users):
    _runs()
    c = login(users["province_admin"])
    html = c.get("/jobs/").content.decode()
    assert "Đã nhắc sắp đến hạn: <strong>5</strong>" in html and "<strong>7</strong>" not in html and "Chạy ngay" not in html
    detail = c.get("/jobs/periodic/retirement_notices/").content.decode()
    assert "Traceback" not in detail
    # Running a job by hand is for system administrators.
    r = c.post("/jobs/periodic/exports_expire/run/", follow=True)
    assert "Chỉ quản trị hệ thống" in r.content.decode()
    assert not JobRun.objects.filter(name="exports_expire").exists()


@pytest.mark.parametrize("who", ["leader", "onestop", "province_finance", "citizen"])
def test_other_roles_get_404(login, users, who):
    c = login(users[who])
    assert c.get("/jobs/").status_code == 404
    assert c.get("/jobs/periodic/retirement_notices/").status_code == 404
    assert c.post("/jobs/periodic/exports_expire/run/").status_code == 404


def test_run_now_queues_and_records_who(login, users):
    r = login(users["sysadmin"]).post("/jobs/periodic/exports_expire/run/")
    assert r.status_code == 302
    run = JobRun.objects.get(name="exports_expire")  # immediate mode in tests: already ran
    assert run.trigger == JobRun.Trigger.MANUAL and run.triggered_by == users["sysadmin"] and run.status == JobRun.Status.OK
    assert login(users["sysadmin"]).get("/jobs/periodic/nope/").status_code == 404
    # the request is audited itself (the run is audited by the worker, but a queued message can be lost)
    from coso.core.models import AuditLog

    asked = AuditLog.objects.get(verb="job_run_requested")
    assert asked.actor_id == users["sysadmin"].pk and asked.object_id == "exports_expire" and asked.at <= run.started_at


def test_a_run_whose_worker_died_is_shown_then_recorded_as_interrupted(login, users, caplog):
    """A run whose worker was killed stayed "Đang chạy" on the page forever (its lock frees itself after 6 hours). Once
    its lock has expired it is shown as interrupted; the next run of the job records it so (once), audited and logged."""
    from django.utils import timezone

    from coso.core.models import AuditLog

    now = timezone.now()
    dead = JobRun.objects.create(name="exports_expire", status=JobRun.Status.RUNNING, started_at=now - dt.timedelta(hours=7))
    live = JobRun.objects.create(name="retirement_notices", status=JobRun.Status.RUNNING, started_at=now - dt.timedelta(hours=1))
    JobLock.objects.create(name="exports_expire", running_since=dead.started_at, run=dead)
    c = login(users["sysadmin"])
    html = c.get("/jobs/").content.decode()
    assert html.count("status-abandoned") == 2 and "Bị gián đoạn" in html  # the last run and the failures column
    assert "Bị gián đoạn" in c.get("/jobs/periodic/exports_expire/").content.decode()
    assert "Bị gián đoạn" not in c.get("/jobs/periodic/retirement_notices/").content.decode()  # a run of an hour is running
    rows = {r["name"]: r["last_status"] for r in c.get("/api/v1/jobs/periodic").json()}
    assert rows["exports_expire"] == "abandoned" and rows["retirement_notices"] == "running"
    # The next run records it; a second run changes nothing more.
    caplog.set_level("WARNING", logger="coso.jobs")
    assert run_periodic("exports_expire", trigger=JobRun.Trigger.MANUAL, actor=users["sysadmin"]).status == JobRun.Status.OK
    assert run_periodic("exports_expire").status == JobRun.Status.OK
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == JobRun.Status.ABANDONED and "gián đoạn" in dead.error and live.status == JobRun.Status.RUNNING
    assert AuditLog.objects.filter(verb="job_run_abandoned", object_id=str(dead.pk)).count() == 1
    assert caplog.text.count(f"job exports_expire: run {dead.pk} interrupted") == 1
