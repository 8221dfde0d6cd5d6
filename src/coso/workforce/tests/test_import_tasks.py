"""The evaluation's work log (Decree 335/2025) imports the tasks the person completed in the year as officer in charge."""

import datetime as dt
from decimal import Decimal

import pytest

from coso.core.exceptions import ApplicationError, NotFoundError
from coso.core.models import AuditLog
from coso.tasks.tests.helpers import completed_task
from coso.workforce import services
from coso.workforce.models import Evaluation, WorkItem

from .helpers import person

pytestmark = pytest.mark.django_db


def _tasks_of_the_year(users, commune):
    """Four completed tasks: two of 2026 carried by the specialist (one late), one of 2025, one carried by someone else."""
    me, leader = users["specialist"], users["leader"]
    on_time = completed_task(leader=leader, commune_code=commune.code, title="Niêm yết thủ tục hành chính", assigned=dt.date(2026, 1, 5),
                             due=dt.date(2026, 2, 10), completed=dt.date(2026, 2, 9), assignee=me, issuer="UBND Thành phố")
    late = completed_task(leader=leader, commune_code=commune.code, title="Đối thoại với Nhân dân", assigned=dt.date(2026, 3, 2),
                          due=dt.date(2026, 3, 20), completed=dt.date(2026, 4, 1), assignee=me, issuer="UBND phường")
    completed_task(leader=leader, commune_code=commune.code, title="Việc năm trước", assigned=dt.date(2025, 11, 3), due=dt.date(2025, 12, 1),
                   completed=dt.date(2025, 11, 28), assignee=me)
    completed_task(leader=leader, commune_code=commune.code, title="Việc người khác", assigned=dt.date(2026, 1, 5), due=dt.date(2026, 2, 10),
                   completed=dt.date(2026, 2, 2), assignee=users["home_affairs"])
    return on_time, late


def _evaluation(users, commune, year=2026):
    p = person(commune, user=users["specialist"])
    return services.evaluation_open(actor=users["home_affairs"], person=p, year=year)


def test_import_tasks_completed_in_the_year_as_officer_in_charge(users, commune):
    on_time, late = _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    assert services.import_task_items(actor=users["leader"], evaluation=ev) == 2
    items = {i.source_ref: i for i in WorkItem.objects.filter(person=ev.person, year=2026, source="tasks")}
    assert set(items) == {f"task:{on_time.pk}", f"task:{late.pk}"}
    a, b = items[f"task:{on_time.pk}"], items[f"task:{late.pk}"]
    assert (a.title, a.assigned_by, a.due_on, a.completed_on, a.month, a.completed, a.delays) == (
        "Niêm yết thủ tục hành chính", "UBND Thành phố", dt.date(2026, 2, 10), dt.date(2026, 2, 9), 2, True, 0)
    assert (b.assigned_by, b.due_on, b.completed_on, b.month, b.completed, b.delays) == (
        "UBND phường", dt.date(2026, 3, 20), dt.date(2026, 4, 1), 4, True, 1)
    ev.refresh_from_db()
    # The late task loses a quarter as a late dossier does: (1 + 0.75) / 2 · 70 = 61.25.
    assert ev.task_score == Decimal("61.25")
    log = AuditLog.objects.get(verb="import-task-items", object_id=str(ev.pk))
    assert log.after["items"] == 2 and log.after["created"] == 2
    assert AuditLog.objects.filter(verb="import-tasks", object_id=str(ev.pk)).exists()


def test_importing_tasks_twice_does_not_double_and_keeps_what_was_entered_by_hand(users, commune):
    _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    services.import_task_items(actor=users["specialist"], evaluation=ev)  # the person fetches their own evidence
    ids = set(WorkItem.objects.filter(source="tasks").values_list("pk", flat=True))
    WorkItem.objects.filter(source="tasks", delays=1).update(excused=True)
    ev.refresh_from_db()
    version = ev.version
    assert services.import_task_items(actor=users["home_affairs"], evaluation=ev) == 2
    assert set(WorkItem.objects.filter(source="tasks").values_list("pk", flat=True)) == ids
    assert WorkItem.objects.filter(source="tasks", excused=True).count() == 1
    ev.refresh_from_db()
    assert ev.version == version  # nothing changed: the evaluation is left alone
    assert AuditLog.objects.filter(verb="import-task-items", object_id=str(ev.pk)).count() == 2


def test_importing_tasks_into_another_commune_s_evaluation_is_refused_and_changes_nothing(users, commune):
    _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    # another commune's staff, and a colleague outside the register's roles: not found, as the pages and the API answer
    for actor in (users["other_leader"], users["other_onestop"], users["onestop"]):
        with pytest.raises(NotFoundError):
            services.import_task_items(actor=actor, evaluation=ev)
    assert not WorkItem.objects.exists()
    assert not AuditLog.objects.filter(verb__in=["import-tasks", "import-task-items"]).exists()


def test_importing_tasks_after_the_leader_assessed_sends_the_evaluation_back(users, commune):
    _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Việc", points=2, month=1)
    ev.refresh_from_db()
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=Decimal(28))
    ev = services.leader_assess(actor=users["leader"], evaluation=ev, version=ev.version, general_score=Decimal(28))
    assert ev.status == Evaluation.Status.LEADER_ASSESSED
    services.import_task_items(actor=users["specialist"], evaluation=ev)
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.SELF_ASSESSED
    with pytest.raises(ApplicationError) as exc:
        services.approve(actor=users["leader"], evaluations=[ev])
    assert exc.value.code == "wrong-status"


def test_importing_tasks_without_an_account_or_into_an_approved_evaluation_is_refused(users, commune):
    q = person(commune, full_name="Không tài khoản")
    ev = services.evaluation_open(actor=users["leader"], person=q, year=2026)
    with pytest.raises(ApplicationError) as exc:
        services.import_task_items(actor=users["leader"], evaluation=ev)
    assert exc.value.code == "no-user" and "nhiệm vụ" in exc.value.message
    Evaluation.objects.filter(pk=ev.pk).update(status=Evaluation.Status.APPROVED)
    with pytest.raises(ApplicationError) as exc:
        services.import_task_items(actor=users["leader"], evaluation=ev)
    assert exc.value.code == "evaluation-closed"
    assert not WorkItem.objects.exists()


def test_import_tasks_api(users, commune, login):
    _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    url = f"/api/v1/workforce/evaluations/{ev.pk}/import-tasks"
    client = login(users["specialist"])
    r = client.post(url)
    assert r.status_code == 200, r.content
    assert r.json()["imported"] == 2 and Decimal(str(r.json()["task_score"])) == Decimal("61.25")
    r = client.post(url)  # again: nothing doubled
    assert r.status_code == 200 and r.json()["imported"] == 2
    assert WorkItem.objects.filter(source="tasks").count() == 2
    # Another commune's leader: the evaluation does not exist for them.
    r = login(users["other_leader"]).post(url)
    assert r.status_code == 404 and "code" in r.json()
    # A one-stop officer of the commune who is not the person evaluated does not see the evaluation: 404, nothing changed.
    r = login(users["onestop"]).post(url)
    assert r.status_code == 404 and "code" in r.json()
    assert WorkItem.objects.filter(source="tasks").count() == 2
    q = person(commune, full_name="Không tài khoản")
    ev2 = services.evaluation_open(actor=users["leader"], person=q, year=2026)
    r = login(users["leader"]).post(f"/api/v1/workforce/evaluations/{ev2.pk}/import-tasks")
    assert r.status_code == 400 and r.json()["code"] == "no-user" and "nhiệm vụ" in r.json()["message"]


def test_import_tasks_page(users, commune, login):
    _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    url = f"/workforce/danh-gia/{ev.pk}/"
    client = login(users["leader"])
    assert 'value="tasks"' in client.get(url).content.decode()
    resp = client.post(url, {"action": "tasks"}, follow=True)
    assert resp.status_code == 200
    assert "Đã lấy 2 nhiệm vụ đã hoàn thành vào nhật ký công việc." in [str(m) for m in resp.context["messages"]]
    html = resp.content.decode()
    assert "UBND Thành phố" in html and "10/02/2026" in html and "09/02/2026" in html
    assert "Đã hoàn thành đúng hạn" in html and "Đã hoàn thành quá hạn" in html
    assert client.post(url, {"action": "tasks"}).status_code == 302
    assert WorkItem.objects.filter(source="tasks").count() == 2
    # Another commune's leader cannot open nor import into it.
    assert login(users["other_leader"]).post(url, {"action": "tasks"}).status_code == 404
    assert WorkItem.objects.filter(source="tasks").count() == 2


def test_the_api_reads_an_evaluation_with_its_work_log(users, commune, login):
    """GET /api/v1/workforce/evaluations/{id}: what an import put in the work log, as the page shows it; another commune's
    evaluation is not found; the person evaluated reads their own."""
    on_time, late = _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    services.work_item_add(actor=users["home_affairs"], evaluation=ev, title="Soạn báo cáo", points=2, month=1)
    services.import_task_items(actor=users["leader"], evaluation=ev)
    r = login(users["leader"]).get(f"/api/v1/workforce/evaluations/{ev.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == ev.pk and body["year"] == 2026
    items = {i["source_ref"] or i["title"]: i for i in body["work_items"]}
    assert set(items) == {"Soạn báo cáo", f"task:{on_time.pk}", f"task:{late.pk}"}
    assert items[f"task:{late.pk}"]["delays"] == 1 and items[f"task:{late.pk}"]["assigned_by"] == "UBND phường"
    assert items[f"task:{late.pk}"]["due_on"] == "2026-03-20" and items[f"task:{late.pk}"]["completed_on"] == "2026-04-01"
    assert items["Soạn báo cáo"]["source"] == "manual" and items["Soạn báo cáo"]["points"] in ("2", "2.00", 2)
    assert login(users["specialist"]).get(f"/api/v1/workforce/evaluations/{ev.pk}").status_code == 200  # their own
    r = login(users["other_leader"]).get(f"/api/v1/workforce/evaluations/{ev.pk}")
    assert r.status_code == 404 and r.json()["code"] == "not-found"
    assert login(users["onestop"]).get(f"/api/v1/workforce/evaluations/{ev.pk}").status_code == 404
