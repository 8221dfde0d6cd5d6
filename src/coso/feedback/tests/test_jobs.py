"""The feedback periodic jobs through the job runner: escalation and deadline reminders, each idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.notify import MemoryBackend
from coso.feedback.tests.conftest import MONDAY
from coso.jobs.models import JobRun, Reminder
from coso.jobs.services import run_periodic

pytestmark = pytest.mark.django_db


@pytest.fixture
def fb(submit, users):  # type: ignore[no-untyped-def]
    MemoryBackend.outbox.clear()
    for name, phone in (("leader", "0988000111"), ("onestop", "0988000222"), ("specialist", "0988000333")):
        users[name].phone = phone
        users[name].save()
    with time_machine.travel(MONDAY, tick=False):
        return submit(actor=users["citizen"])


def test_escalation_job_records_run_and_is_idempotent(fb, users):
    due = fb.answer_due
    run = run_periodic("feedback_escalate_overdue", today=due + dt.timedelta(days=1))
    # Never moderated: past the answer deadline, and still unclassified past the forwarding deadline.
    assert run.status == JobRun.Status.OK and run.result == {"escalated": 1, "forward_escalated": 1}
    assert run.by_province == {"79": {"escalated": 1, "forward_escalated": 1}}
    assert run.finished_at is not None and run.trigger == JobRun.Trigger.SCHEDULE
    again = run_periodic("feedback_escalate_overdue", today=due + dt.timedelta(days=2))
    assert again.status == JobRun.Status.OK and again.result == {"escalated": 0, "forward_escalated": 0}
    assert [m.to for m in MemoryBackend.outbox if "quá hạn" in m.text] == ["0988000111"]


def test_deadline_reminders_near_then_overdue_each_once(fb, users):
    from coso.workcalendar.services import add_working_days

    due = fb.answer_due
    near_day = next(d for d in (due - dt.timedelta(days=i) for i in range(1, 10)) if add_working_days(d, 2) >= due and d.weekday() < 5)
    run = run_periodic("feedback_deadline_reminders", today=near_day)
    assert run.status == JobRun.Status.OK
    # The officer the item was routed to is reminded, once.
    handler = fb.assigned_to
    assert handler is not None
    assert run.result == {"near_sent": 1}
    assert [m.to for m in MemoryBackend.outbox if "sắp đến hạn" in m.text] == [handler.phone]
    assert run_periodic("feedback_deadline_reminders", today=near_day).result == {"near_already_sent": 1}
    assert Reminder.objects.filter(kind="feedback_near", object_id=str(fb.pk)).count() == 1

    overdue_day = add_working_days(due, 1)
    run = run_periodic("feedback_deadline_reminders", today=overdue_day)
    assert run.result == {"overdue_sent": 1}
    assert run.by_province == {"79": {"overdue_sent": 1}}
    run_periodic("feedback_deadline_reminders", today=overdue_day)
    assert len([m for m in MemoryBackend.outbox if "đã quá hạn xử lý" in m.text]) == 1
    reminder = Reminder.objects.get(kind="feedback_overdue", recipient=handler)
    assert reminder.channels == ["sms"] and fb.code in reminder.text and reminder.commune_code == "26734"


def test_reminders_skip_non_working_days(fb):
    saturday = dt.date(2026, 3, 21)
    run = run_periodic("feedback_deadline_reminders", today=saturday)
    assert run.result == {"skipped_non_working_day": 1}
    assert not Reminder.objects.exists()


def test_unassigned_item_reminds_everyone_with_the_handling_role(fb, users):
    from coso.accounts.roles import Role
    from coso.workcalendar.services import add_working_days

    fb.assigned_to, fb.handler_role = None, Role.SPECIALIST
    fb.save(update_fields=["assigned_to", "handler_role"])
    run_periodic("feedback_deadline_reminders", today=add_working_days(fb.answer_due, 1))
    assert [r.recipient.username for r in Reminder.objects.all()] == ["specialist"]


def test_a_province_day_off_skips_reminders_there_only(submit, users, cats, foreign_commune, make_user):
    from coso.feedback.services import feedback_submit
    from coso.workcalendar.services import add_working_days, override_create

    with time_machine.travel(MONDAY, tick=False):
        here = submit(actor=users["citizen"])
        there = feedback_submit(actor=users["citizen"], category=cats["MT"], commune=foreign_commune, title="Rác ở tỉnh khác",
                                text="Rác thải ùn ứ đầu hẻm nhiều ngày.", contact_name="Nguyễn Văn An", contact_phone="0909123456")
    officer = make_user("officer_01", there.handler_role or "onestop_officer", foreign_commune)
    overdue_day = add_working_days(max(here.answer_due, there.answer_due), 1)
    with time_machine.travel(MONDAY, tick=False):  # announced before the day (the past is not rewritten)
        override_create(actor=users["province_admin"], date=overdue_day, kind="day_off", reason="Ngày hội của tỉnh")  # province 79 only
    run = run_periodic("feedback_deadline_reminders", today=overdue_day)
    assert run.by_province["79"] == {"skipped_non_working_day": 1}
    assert run.by_province["01"] == {"overdue_sent": 1}
    assert [r.recipient for r in Reminder.objects.all()] == [officer]


def test_escalation_job_tells_the_leader_again_about_a_reraised_item_past_its_new_deadline(fb, users):
    """Once per deadline: a re-raise sets a new answer deadline, and the job tells the leader when that one passes too.
    The forwarding escalation is not repeated: the item was accepted (published) in its first round."""
    from coso.feedback import services as svc

    first = run_periodic("feedback_escalate_overdue", today=fb.answer_due + dt.timedelta(days=1))
    assert first.result == {"escalated": 1, "forward_escalated": 1}
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        item = svc.feedback_publish(feedback=fb, actor=users["onestop"])
        item = svc.feedback_answer(feedback=item, actor=users["specialist"], text="Đã thu gom.")
    with time_machine.travel(dt.datetime(2026, 3, 26, 9, 0, tzinfo=MONDAY.tzinfo), tick=False):
        item = svc.feedback_rate(feedback=item, actor=users["citizen"], rating="reraised")
    assert run_periodic("feedback_escalate_overdue", today=item.answer_due).result == {"escalated": 0, "forward_escalated": 0}
    run = run_periodic("feedback_escalate_overdue", today=item.answer_due + dt.timedelta(days=1))
    assert run.status == JobRun.Status.OK and run.result == {"escalated": 1, "forward_escalated": 0}
    assert run.by_province == {"79": {"escalated": 1}}
    again = run_periodic("feedback_escalate_overdue", today=item.answer_due + dt.timedelta(days=2))
    assert again.result == {"escalated": 0, "forward_escalated": 0}
    assert len([m for m in MemoryBackend.outbox if m.to == "0988000111" and "quá hạn xử lý" in m.text]) == 2
