"""Dossier jobs: deadline reminders (near / overdue, each once) and the register (Mẫu 07 from 1/7/2025) as an export job."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

import pytest
from openpyxl import load_workbook

from coso.core.notify import MemoryBackend
from coso.jobs.models import ExportJob, JobRun, Reminder
from coso.jobs.services import run_periodic
from coso.workcalendar.services import add_working_days

pytestmark = pytest.mark.django_db


def _phones(users):  # type: ignore[no-untyped-def]
    for i, name in enumerate(("onestop", "specialist", "leader", "other_leader")):
        users[name].phone = f"098800011{i}"
        users[name].save()


def test_near_and_overdue_reminders_are_sent_once_each(receive, users):
    _phones(users)
    d = receive()
    assert d.due_date is not None and d.is_open
    holders = [d.assignee] if d.assignee_id else [u for u in users.values() if u.commune_code == d.commune_code and u.role == d.waiting_role]
    assert holders

    run = run_periodic("dossier_deadline_reminders", today=d.due_date)
    assert run.status == JobRun.Status.OK and run.result == {"near_sent": len(holders)}
    assert run.by_province == {"79": {"near_sent": len(holders)}}
    assert run_periodic("dossier_deadline_reminders", today=d.due_date).result == {"near_already_sent": len(holders)}
    near = [m for m in MemoryBackend.outbox if d.code in m.text and "sắp đến hạn" in m.text]
    assert sorted(m.to for m in near) == sorted(u.phone for u in holders)

    late_day = add_working_days(d.due_date, 1)
    run = run_periodic("dossier_deadline_reminders", today=late_day)
    # Overdue: the holder and the commune leader (not the other commune's leader).
    recipients = {r.recipient.username for r in Reminder.objects.filter(kind="dossier_overdue")}
    assert recipients == {u.username for u in holders} | {"leader"}
    assert run.result == {"overdue_sent": len(recipients)}
    run_periodic("dossier_deadline_reminders", today=late_day)
    assert Reminder.objects.filter(kind="dossier_overdue").count() == len(recipients)
    assert not Reminder.objects.filter(recipient=users["other_leader"]).exists()


def test_a_new_promised_date_gets_its_own_reminder(receive, users):
    d = receive()
    run_periodic("dossier_deadline_reminders", today=d.due_date)
    first = Reminder.objects.count()
    new_due = add_working_days(d.due_date, 5)
    type(d).objects.filter(pk=d.pk).update(due_date=new_due)
    run_periodic("dossier_deadline_reminders", today=new_due)
    assert Reminder.objects.count() == 2 * first
    assert {r.key.rsplit(":", 1)[1] for r in Reminder.objects.all()} == {f"{d.due_date:%Y-%m-%d}", f"{new_due:%Y-%m-%d}"}


def test_closed_and_paused_dossiers_are_not_reminded(receive):
    from coso.dossiers.constants import Status

    d = receive()
    type(d).objects.filter(pk=d.pk).update(status=Status.SUPPLEMENT_REQUESTED)
    run = run_periodic("dossier_deadline_reminders", today=add_working_days(d.due_date, 1))
    assert run.result == {} and not Reminder.objects.exists()
    type(d).objects.filter(pk=d.pk).update(status=Status.RETURNED, is_open=False)
    run_periodic("dossier_deadline_reminders", today=add_working_days(d.due_date, 1))
    assert not Reminder.objects.exists()


# ---------------------------------------------------------------- register as a job
def test_register_export_job_xlsx_and_pdf(receive, users, login):
    d = receive()
    today = timezone.localdate()
    c = login(users["onestop"])
    for fmt in ("xlsx", "pdf"):
        r = c.post("/jobs/exports/start/", {"kind": "dossiers.register", "format": fmt, "start": f"{today - dt.timedelta(days=30):%Y-%m-%d}",
                                            "end": f"{today:%Y-%m-%d}"})
        assert r.status_code == 302
    xlsx_job, pdf_job = ExportJob.objects.get(params__format="xlsx"), ExportJob.objects.get(params__format="pdf")
    assert xlsx_job.status == pdf_job.status == ExportJob.Status.DONE
    assert xlsx_job.commune_code == "26734" and "Mẫu 07" in xlsx_job.title  # the period ends after 1/7/2025: Circular 03/2025
    body = b"".join(c.get(f"/jobs/exports/{xlsx_job.pk}/download/").streaming_content)
    cells = [c.value for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]
    assert d.code in cells
    body = b"".join(c.get(f"/jobs/exports/{pdf_job.pk}/download/").streaming_content)
    assert body.startswith(b"%PDF-")
    # Another commune's officer neither sees the job nor gets this commune's dossiers in their own register.
    other = login(users["other_onestop"])
    assert other.get(f"/jobs/exports/{xlsx_job.pk}/download/").status_code == 404
    other.post("/jobs/exports/start/", {"kind": "dossiers.register", "format": "xlsx", "start": f"{today - dt.timedelta(days=30):%Y-%m-%d}",
                                        "end": f"{today:%Y-%m-%d}"})
    theirs = ExportJob.objects.get(requested_by=users["other_onestop"])
    body = b"".join(other.get(f"/jobs/exports/{theirs.pk}/download/").streaming_content)
    assert d.code not in [c.value for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]


def test_register_export_refuses_bad_periods_and_citizens(users, login):
    c = login(users["onestop"])
    for params in ({"start": "2026-03-01", "end": "2026-01-01"}, {"start": "2020-01-01", "end": "2026-01-01"}, {"start": "31/02/2026", "end": "2026-03-01"},
                   {"start": "2026-01-01", "end": "2026-03-01", "format": "docx"}):
        r = c.post("/jobs/exports/start/", {"kind": "dossiers.register", "format": "pdf", **params}, follow=True)
        assert r.status_code == 200 and "msg-error" in r.content.decode()
    assert login(users["citizen"]).post("/jobs/exports/start/", {"kind": "dossiers.register", "start": "2026-01-01", "end": "2026-03-01"}).status_code == 302
    assert not ExportJob.objects.exists()


def test_register_page_offers_the_export_job(users, login):
    html = login(users["onestop"]).get("/dossiers/register/").content.decode()
    assert 'action="/jobs/exports/start/"' in html and 'value="dossiers.register"' in html
