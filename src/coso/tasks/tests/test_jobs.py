"""Deadline reminders through the job runner: near, then overdue, each once per deadline and recipient."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.notify import MemoryBackend
from coso.jobs.models import JobRun, Reminder
from coso.jobs.services import run_periodic
from coso.tasks import services
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_near_then_overdue_each_once(users, two_tasks, commune, other_commune, settings):
    from coso.workcalendar.services import add_working_days

    MemoryBackend.outbox.clear()
    users["leader"].phone = "0988000111"
    users["leader"].save()
    due = two_tasks[0].effective_due
    near_day = due - dt.timedelta(days=1)
    while add_working_days(near_day, settings.COSO_REMINDER_WORKING_DAYS_BEFORE) < due or near_day.weekday() >= 5:
        near_day += dt.timedelta(days=1)
    run = run_periodic("task_deadline_reminders", today=near_day)
    assert run.status == JobRun.Status.OK
    assert run.result.get("near_sent") == 2  # the leader of each commune
    again = run_periodic("task_deadline_reminders", today=near_day)
    assert again.result.get("near_sent", 0) == 0 and again.result.get("near_already_sent") == 2
    overdue_day = due + dt.timedelta(days=1)
    while overdue_day.weekday() >= 5:
        overdue_day += dt.timedelta(days=1)
    run = run_periodic("task_deadline_reminders", today=overdue_day)
    # the commune leader and the province officer who assigned it, for each of the two tasks
    assert run.result.get("overdue_sent") == 4
    assert Reminder.objects.filter(kind="task_overdue", recipient=users["province_home_affairs"]).count() == 2
    assert any("quá hạn" in m.text and m.to == "0988000111" for m in MemoryBackend.outbox)
    assert run_periodic("task_deadline_reminders", today=overdue_day + dt.timedelta(days=1)).result.get("overdue_sent", 0) == 0


def test_an_approved_extension_gets_new_reminders(users, two_tasks, commune, on_day):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    with on_day(TODAY):
        ext = services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=14), reason="x")
        services.extension_decide(actor=users["province_home_affairs"], extension=ext, approve=True)
    day = task.due_on + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    run = run_periodic("task_deadline_reminders", today=day)
    assert not Reminder.objects.filter(kind="task_overdue", object_id=str(task.pk)).exists()
    assert run.status == JobRun.Status.OK


def test_completed_and_cancelled_tasks_are_not_reminded(users, two_tasks, commune, other_commune, today):
    a, b = two_tasks
    services.task_report(actor=users["specialist"] if a.commune_code == commune.code else users["other_leader"], task=a, kind="result", content="x")
    services.task_cancel(actor=users["province_home_affairs"], task=b, reason="thay thế")
    run_periodic("task_deadline_reminders", today=a.due_on + dt.timedelta(days=3))
    assert not Reminder.objects.filter(kind__startswith="task_").exists()


def test_an_officer_moved_away_is_not_reminded_the_commune_leader_is(users, two_tasks, commune, other_commune, foreign_commune, today):
    """The reminders went to the task's officer in charge and to the person who assigned it as long as their account was
    active, even once moved to another commune or province: they got a task they may no longer read, and the commune's
    leader, who now answers for it, got nothing."""
    from coso.accounts import services as accounts

    mine = next(t for t in two_tasks if t.commune_code == commune.code)
    services.task_set_assignee(actor=users["leader"], task=mine, assignee=users["specialist"].pk)
    accounts.account_follows_transfer(actor=users["sysadmin"], user_id=users["specialist"].pk, commune_code=other_commune.code)
    accounts.staff_update(actor=users["sysadmin"], user=users["province_home_affairs"], unit=foreign_commune.parent)
    day = mine.effective_due + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    run = run_periodic("task_deadline_reminders", today=day)
    assert run.status == JobRun.Status.OK
    reminded = set(Reminder.objects.filter(kind="task_overdue", object_id=str(mine.pk)).values_list("recipient__username", flat=True))
    assert reminded == {"leader"}
    assert not Reminder.objects.filter(recipient__in=[users["specialist"], users["province_home_affairs"]]).exists()


def test_a_leader_who_assigned_their_communes_task_is_reminded_once_and_counted_once(users, commune, on_day):
    """A commune leader who registers the commune's own directive and gives the task (no officer in charge) is both its
    recipient and its assigner: the overdue reminder was tried twice for them, and the first run's record said one of the
    two had "already been sent" though nothing had been before."""
    from coso.tasks.tests.helpers import completed_task

    task = completed_task(leader=users["leader"], commune_code=commune.code, title="Tự kiểm tra", assigned=TODAY, due=TODAY,
                          completed=None, assignee=None)
    run = run_periodic("task_deadline_reminders", today=TODAY + dt.timedelta(days=1))
    assert run.status == JobRun.Status.OK
    assert run.result == {"overdue_sent": 1}
    assert Reminder.objects.filter(kind="task_overdue", object_id=str(task.pk)).count() == 1
