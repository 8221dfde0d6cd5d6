"""The officer in charge of a task (cán bộ chủ trì, ``Task.assignee``) is named on the pages and through the API, by the
unit that assigned the task or the leader of the commune that carries it out: an active staff account of the task's own
commune, audited; the deadline reminders then go to them."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.audit import AuditLog
from coso.jobs.models import Reminder
from coso.jobs.services import run_periodic
from coso.tasks.models import Task

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"


@pytest.fixture
def task(two_tasks, commune):  # type: ignore[no-untyped-def]
    return next(t for t in two_tasks if t.commune_code == commune.code)


def _state(task: Task) -> tuple:
    task.refresh_from_db()
    return task.assignee_id, task.version, AuditLog.objects.count()


def _overdue_day(task: Task) -> dt.date:
    day = task.effective_due + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_commune_leader_names_the_officer_on_the_task_page_and_reminders_go_to_them(login, users, task, today):
    client = login(users["leader"])
    html = client.get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert 'id="assignee-form"' in html and f'value="{users["specialist"].pk}"' in html
    assert f'value="{users["other_onestop"].pk}"' not in html  # another commune's staff are not offered
    r = client.post(f"/nhiem-vu/{task.pk}/chu-tri/", {"assignee": users["specialist"].pk, "version": task.version})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.assignee == users["specialist"] and task.version == 2
    entry = AuditLog.objects.get(verb="task_assignee")
    assert entry.after["assignee_id"] == users["specialist"].pk and entry.before["assignee_id"] is None
    page = client.get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert 'id="task-assignee">' + users["specialist"].display_name in page
    listing = client.get("/nhiem-vu/").content.decode()
    assert f'<td class="task-assignee">{users["specialist"].display_name}</td>' in listing
    run_periodic("task_deadline_reminders", today=_overdue_day(task))
    to = set(Reminder.objects.filter(kind="task_overdue", object_id=str(task.pk)).values_list("recipient__username", flat=True))
    assert to == {"specialist", "province_home_affairs"}  # not the commune's leader any more


def test_page_refuses_another_communes_officer_with_a_clear_error_and_changes_nothing(login, users, task, today):
    client = login(users["leader"])
    before = _state(task)
    r = client.post(f"/nhiem-vu/{task.pk}/chu-tri/", {"assignee": users["other_onestop"].pk, "version": task.version})
    assert r.status_code == 400
    assert r.context["assignee_form"].errors["assignee"] == ["Người được giao phải là cán bộ của xã nhận nhiệm vụ."]
    assert "Người được giao phải là cán bộ của xã nhận nhiệm vụ." in r.content.decode()
    assert _state(task) == before


def test_page_hides_the_form_from_staff_who_may_not_name_the_officer(login, users, task, today):
    client = login(users["onestop"])
    assert 'id="assignee-form"' not in client.get(f"/nhiem-vu/{task.pk}/").content.decode()
    before = _state(task)
    r = client.post(f"/nhiem-vu/{task.pk}/chu-tri/", {"assignee": users["onestop"].pk, "version": task.version})
    assert r.status_code == 400 and "lãnh đạo xã thực hiện được chọn cán bộ chủ trì" in r.content.decode()
    assert _state(task) == before


def test_commune_directive_assigns_with_its_officer_on_the_create_page(login, users, commune, today):
    client = login(users["leader"])
    r = client.post(
        "/nhiem-vu/van-ban/moi/",
        {"number": "7/KH-UBND", "issued_on": "2026-02-20", "issuer": "UBND xã", "level": "commune", "summary": "Kế hoạch"},
    )
    assert r.status_code == 302
    url = r["Location"]
    html = client.get(url).content.decode()
    assert 'name="assignee"' in html
    data = {"title": "Rà soát hộ nghèo", "communes": [commune.code], "assigned_on": "2026-02-25", "due_on": "2026-03-20"}
    r = client.post(url, {**data, "assignee": users["other_onestop"].pk})
    assert r.status_code == 400 and r.context["form"].errors["assignee"] == ["Người được giao phải là cán bộ của xã nhận nhiệm vụ."]
    assert not Task.objects.exists()
    r = client.post(url, {**data, "assignee": users["home_affairs"].pk})
    assert r.status_code == 302
    assert Task.objects.get().assignee == users["home_affairs"]


def test_province_staff_set_the_officer_through_the_api_and_can_clear_it(login, users, task, today):
    client = login(users["province_home_affairs"])
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": users["home_affairs"].pk}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["assignee_id"] == users["home_affairs"].pk
    assert r.json()["assignee_name"] == users["home_affairs"].display_name
    assert client.get(f"{API}/{task.pk}").json()["assignee_id"] == users["home_affairs"].pk
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": None}, content_type="application/json")
    assert r.status_code == 200 and r.json()["assignee_id"] is None and r.json()["assignee_name"] == ""
    assert AuditLog.objects.filter(verb="task_assignee").count() == 2


@pytest.mark.parametrize("who", ["other_onestop", "citizen", "province_home_affairs", "missing"])
def test_api_refuses_an_officer_who_is_not_staff_of_the_task_commune(login, users, task, today, who):
    client = login(users["leader"])
    before = _state(task)
    pk = 10**6 if who == "missing" else users[who].pk
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": pk}, content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid"
    assert body["details"]["fields"]["assignee_id"] == ["Người được giao phải là cán bộ của xã nhận nhiệm vụ."]
    assert _state(task) == before


def test_api_refuses_an_inactive_account_and_an_impossible_id(login, users, task, today):
    users["specialist"].is_active = False
    users["specialist"].save()
    client = login(users["leader"])
    before = _state(task)
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": users["specialist"].pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": 2**70}, content_type="application/json")
    assert r.status_code in (400, 422) and set(r.json()) >= {"code", "message", "details"}
    assert _state(task) == before


@pytest.mark.parametrize(("who", "status"), [("specialist", 403), ("onestop", 403), ("other_leader", 404), ("citizen", 404)])
def test_api_refuses_staff_who_may_not_name_the_officer_and_other_units(login, users, task, today, who, status):
    client = login(users[who])
    before = _state(task)
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": users["specialist"].pk}, content_type="application/json")
    assert r.status_code == status, r.content
    assert set(r.json()) >= {"code", "message", "details"}
    assert _state(task) == before


def test_api_assigns_a_commune_task_with_its_officer_and_refuses_another_communes(login, users, commune, today):
    client = login(users["leader"])
    r = client.post(
        f"{API}/directives",
        {"number": "8/KH-UBND", "issued_on": "2026-02-20", "issuer": "UBND xã", "level": "commune", "summary": "Kế hoạch"},
    )
    assert r.status_code == 201, r.content
    url = f"{API}/directives/{r.json()['id']}/tasks"
    data = {"title": "Rà soát", "commune_codes": [commune.code], "assigned_on": "2026-02-25", "due_on": "2026-03-20"}
    r = client.post(url, {**data, "assignee_id": users["other_leader"].pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["details"]["fields"] == {"assignee_id": ["Người được giao phải là cán bộ của xã nhận nhiệm vụ."]}
    assert not Task.objects.exists()
    r = client.post(url, {**data, "assignee_id": users["specialist"].pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()[0]["assignee_id"] == users["specialist"].pk


def test_a_closed_task_keeps_its_officer(login, users, task, today):
    from coso.tasks import services

    services.task_cancel(actor=users["province_home_affairs"], task=task, reason="thay thế")
    client = login(users["leader"])
    before = _state(task)
    r = client.post(f"{API}/{task.pk}/assignee", {"assignee_id": users["specialist"].pk}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "task-closed"
    assert _state(task) == before
    assert 'id="assignee-form"' not in client.get(f"/nhiem-vu/{task.pk}/").content.decode()
