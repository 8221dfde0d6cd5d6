from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from coso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.rules.testing import set_rule
from coso.tasks import selectors, services
from coso.tasks import status as st
from coso.tasks.models import Directive, Extension, Task
from coso.tasks.tests.conftest import TODAY, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def test_directive_register_with_file(users, today, media):
    d = services.directive_create(
        actor=users["province_home_affairs"],
        number=" 12/CĐ-TTg ",
        issued_on=TODAY,
        issuer="Thủ tướng Chính phủ",
        level="central",
        summary="Công điện phòng chống bão",
        file=SimpleUploadedFile("../../cong-dien.pdf", pdf_bytes()),
    )
    assert d.number == "12/CĐ-TTg" and d.commune_code == "" and d.province_code == "79"
    assert d.file_name == "cong-dien.pdf" and d.file.startswith("tasks/79/directives/") and "cong-dien" not in d.file
    assert AuditLog.objects.filter(verb="directive_register", object_id=str(d.pk)).exists()


def test_directive_bad_input_is_refused_in_vietnamese(users, today, media):
    actor = users["province_home_affairs"]
    with pytest.raises(ApplicationError) as e:
        services.directive_create(actor=actor, number="1/UBND", issued_on=TODAY + dt.timedelta(days=1), issuer="X", level="province", summary="Y")
    assert "issued_on" in e.value.details["fields"]
    with pytest.raises(ApplicationError) as e:
        services.directive_create(actor=actor, number="", issued_on=TODAY, issuer="X", level="province", summary="Y")
    assert e.value.code == "required"
    with pytest.raises(ApplicationError) as e:
        services.directive_create(actor=actor, number="1/UBND", issued_on=TODAY, issuer="X", level="nope", summary="Y")
    with pytest.raises(ApplicationError) as e:
        services.directive_create(
            actor=actor,
            number="1/UBND",
            issued_on=TODAY,
            issuer="X",
            level="province",
            summary="Y",
            file=SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert e.value.code == "attachment-type"
    assert not Directive.objects.exists()
    with pytest.raises(PermissionDeniedError):
        services.directive_create(actor=users["citizen"], number="1", issued_on=TODAY, issuer="X", level="province", summary="Y")


def test_duplicate_directive_is_refused(users, directive, today):
    with pytest.raises(ApplicationError) as e:
        services.directive_create(
            actor=users["province_admin"], number="125/ubnd-vx", issued_on=directive.issued_on, issuer="UBND", level="province", summary="Z"
        )
    assert e.value.code == "duplicate"


def test_province_assigns_one_task_per_commune_in_one_transaction(users, two_tasks, commune, other_commune):
    assert {t.commune_code for t in two_tasks} == {commune.code, other_commune.code}
    assert len({t.batch for t in two_tasks}) == 1
    assert all(t.lead_unit in (commune.name, other_commune.name) for t in two_tasks)
    assert AuditLog.objects.filter(verb="task_assign").count() == 2


def test_assign_refuses_communes_outside_the_province_and_writes_nothing(users, directive, commune, foreign_commune, today):
    with pytest.raises(ApplicationError) as e:
        services.tasks_assign(
            actor=users["province_home_affairs"],
            directive=directive,
            title="X",
            commune_codes=[commune.code, foreign_commune.code],
            assigned_on=TODAY,
            due_on=TODAY,
        )
    assert e.value.code == "unknown-commune"
    assert not Task.objects.exists()
    with pytest.raises(ApplicationError) as e:
        services.tasks_assign(
            actor=users["province_home_affairs"],
            directive=directive,
            title="X",
            commune_codes=[commune.code],
            assigned_on=TODAY,
            due_on=TODAY - dt.timedelta(days=1),
        )
    assert "due_on" in e.value.details["fields"]
    with pytest.raises(PermissionDeniedError):
        services.tasks_assign(actor=users["leader"], directive=directive, title="X", commune_codes=[commune.code], assigned_on=TODAY, due_on=TODAY)


def test_commune_registers_its_own_directive_and_assigns_itself(users, commune, other_commune, today):
    d = services.directive_create(actor=users["leader"], number="5/UBND", issued_on=TODAY, issuer="UBND phường", level="commune", summary="Kế hoạch")
    assert d.commune_code == commune.code
    with pytest.raises(ApplicationError):
        services.tasks_assign(actor=users["leader"], directive=d, title="X", commune_codes=[other_commune.code], assigned_on=TODAY, due_on=TODAY)
    [t] = services.tasks_assign(
        actor=users["leader"], directive=d, title="X", commune_codes=[commune.code], assigned_on=TODAY, due_on=TODAY, assignee=users["specialist"]
    )
    assert t.assignee == users["specialist"]


def test_report_progress_then_result_with_attachments(users, two_tasks, commune, media, today):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    r = services.task_report(
        actor=users["specialist"],
        task=task,
        kind="progress",
        content="Đã số hóa 40 %",
        progress=40,
        files=[SimpleUploadedFile("anh.png", png_bytes())],
        version=task.version,
    )
    assert r.attachments.count() == 1 and task.progress == 40 and task.state == "open"
    with pytest.raises(ConflictError):
        services.task_report(actor=users["specialist"], task=task, kind="progress", content="cũ", progress=50, version=task.version - 1)
    services.task_report(actor=users["specialist"], task=task, kind="result", content="Hoàn thành", files=[SimpleUploadedFile("kq.pdf", pdf_bytes())])
    assert task.state == "completed" and task.completed_on == TODAY and task.progress == 100
    assert selectors.task_status(task) == st.ON_TIME
    with pytest.raises(ApplicationError) as e:
        services.task_report(actor=users["specialist"], task=task, kind="progress", content="x", progress=10)
    assert e.value.code == "task-closed"


def test_other_commune_cannot_report(users, two_tasks, commune):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    with pytest.raises(PermissionDeniedError):
        services.task_report(actor=users["other_leader"], task=task, kind="progress", content="x", progress=10)
    with pytest.raises(PermissionDeniedError):
        services.task_report(actor=users["province_home_affairs"], task=task, kind="progress", content="x", progress=10)


def test_bad_report_file_stores_nothing(users, two_tasks, commune, media):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    with pytest.raises(ApplicationError):
        services.task_report(
            actor=users["specialist"],
            task=task,
            kind="progress",
            content="x",
            progress=10,
            files=[SimpleUploadedFile("a.png", png_bytes()), SimpleUploadedFile("b.exe", b"MZ\x90\x00binary")],
        )
    assert not task.reports.exists()
    assert not (media / "tasks").exists() or not any((media / "tasks").rglob("*.*"))


def test_extension_request_refuse_then_approve_with_history(users, two_tasks, commune, on_day):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    with on_day(TODAY):
        e1 = services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=10), reason="Chờ số liệu")
        with pytest.raises(ConflictError):
            services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=5), reason="again")
        with pytest.raises(ApplicationError) as e:
            services.extension_decide(actor=users["province_home_affairs"], extension=e1, approve=False, reason="")
        assert e.value.code == "required"
        with pytest.raises(PermissionDeniedError):
            services.extension_decide(actor=users["leader"], extension=e1, approve=True)
        services.extension_decide(actor=users["province_home_affairs"], extension=e1, approve=False, reason="Nhiệm vụ cấp bách")
        task.refresh_from_db()
        assert task.effective_due == task.due_on and e1.status == "refused"
        with pytest.raises(ApplicationError) as e:
            services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on, reason="x")
        assert "new_due" in e.value.details["fields"]
        e2 = services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=10), reason="Lần 2")
        services.extension_decide(actor=users["province_home_affairs"], extension=e2, approve=True)
        task.refresh_from_db()
        assert task.effective_due == task.due_on + dt.timedelta(days=10)
        assert list(task.extensions.values_list("status", flat=True)) == ["refused", "approved"]
        with pytest.raises(ConflictError):
            services.extension_decide(actor=users["province_home_affairs"], extension=e2, approve=False, reason="x")
    # completed after the first deadline but inside the extension
    with on_day(task.due_on + dt.timedelta(days=3)):
        services.task_report(actor=users["specialist"], task=task, kind="result", content="Xong")
    assert selectors.task_status(task, on=task.due_on + dt.timedelta(days=30)) == st.ON_TIME
    # the rule from a date: extensions no longer count as on time
    set_rule("tasks.extension.counts_on_time", False, valid_from=dt.date(2026, 1, 1))
    assert selectors.task_status(task, on=task.due_on + dt.timedelta(days=30)) == st.LATE


def test_cancel(users, two_tasks, commune, today):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=3), reason="x")
    with pytest.raises(ApplicationError):
        services.task_cancel(actor=users["province_home_affairs"], task=task, reason="")
    services.task_cancel(actor=users["province_home_affairs"], task=task, reason="Văn bản được thay thế")
    assert task.state == "cancelled" and selectors.task_status(task) == st.STOPPED
    assert not task.extensions.filter(status=Extension.Status.PENDING).exists()


def test_scoping(users, two_tasks, commune, other_commune, foreign_commune, make_user, directive):
    from django.http import Http404

    from coso.accounts.roles import Role

    mine = selectors.task_list(fetched_by=users["leader"])
    assert {t.commune_code for t in mine} == {commune.code}
    assert selectors.task_list(fetched_by=users["province_home_affairs"]).count() == 2
    foreign = make_user("hn", Role.PROVINCE_HOME_AFFAIRS, foreign_commune.parent)
    assert selectors.task_list(fetched_by=foreign).count() == 0
    assert selectors.task_list(fetched_by=users["citizen"]).count() == 0
    other_task = next(t for t in two_tasks if t.commune_code == other_commune.code)
    with pytest.raises(Http404):
        selectors.task_get(fetched_by=users["leader"], pk=other_task.pk)
    # a commune sees the province directive that gave it a task, not others
    assert list(selectors.directive_list(fetched_by=users["leader"])) == [directive]
    with pytest.raises(Http404):
        selectors.directive_get(fetched_by=foreign, pk=directive.pk)


def _bulk(directive, commune_code, n, *, state, due, completed=None, assigned=dt.date(2017, 1, 5)):
    return [
        Task(
            directive=directive,
            title="t",
            lead_unit="x",
            assigned_on=assigned,
            due_on=due,
            effective_due=due,
            state=state,
            completed_on=completed,
            province_code="79",
            commune_code=commune_code,
        )
        for _ in range(n)
    ]


def test_21914_tasks_in_the_database_give_98_62_and_1_38(users, commune, other_commune, on_day):
    with on_day(dt.date(2017, 1, 3)):
        d = services.directive_create(
            actor=users["province_admin"],
            number="1/BC",
            issued_on=dt.date(2017, 1, 2),
            issuer="Thủ tướng",
            level="central",
            summary="Số liệu năm 2017",
        )
    end = dt.date(2017, 12, 27)
    rows = (
        _bulk(d, commune.code, 14_068, state="completed", due=dt.date(2017, 6, 30), completed=dt.date(2017, 6, 1))
        + _bulk(d, commune.code, 1_983, state="completed", due=dt.date(2017, 6, 30), completed=dt.date(2017, 7, 15))
        + _bulk(d, other_commune.code, 5_640, state="open", due=dt.date(2018, 3, 31))
        + _bulk(d, other_commune.code, 223, state="open", due=dt.date(2017, 9, 30))
    )
    Task.objects.bulk_create(rows, batch_size=2000)
    data = selectors.task_report_figures(fetched_by=users["province_home_affairs"], start=dt.date(2017, 1, 1), end=end)
    total = data["total"]
    assert (total.total, total.completed, total.due) == (21_914, 16_051, 16_274)
    assert (total.completion_rate, total.overdue_rate) == (Decimal("98.62"), Decimal("1.38"))
    by_commune = selectors.commune_task_figures(fetched_by=users["province_home_affairs"], start=dt.date(2017, 1, 1), end=end)
    assert by_commune[commune.code]["completion_rate"] == Decimal("100.00")
    assert by_commune[other_commune.code]["open_overdue"] == 223
    # the same filter in the database (list page) agrees with the Python status
    assert selectors.task_list(fetched_by=users["province_home_affairs"], status=st.OVERDUE, on=end).count() == 223
    assert selectors.task_list(fetched_by=users["province_home_affairs"], status=st.LATE, on=end).count() == 1_983
    assert selectors.task_list(fetched_by=users["province_home_affairs"], status=st.IN_TERM, on=end).count() == 5_640
    # a commune sees only its own figures
    mine = selectors.task_report_figures(fetched_by=users["leader"], start=dt.date(2017, 1, 1), end=end)
    assert [f.code for f in mine["rows"]] == [commune.code]


def test_person_work_items_for_decree_335(users, commune, today):
    d = services.directive_create(
        actor=users["leader"], number="9/UBND", issued_on=TODAY - dt.timedelta(days=40), issuer="UBND", level="commune", summary="K"
    )
    a = services.tasks_assign(
        actor=users["leader"],
        directive=d,
        title="Niêm yết TTHC",
        commune_codes=[commune.code],
        assigned_on=TODAY - dt.timedelta(days=40),
        due_on=TODAY - dt.timedelta(days=20),
        assignee=users["specialist"],
    )[0]
    b = services.tasks_assign(
        actor=users["leader"],
        directive=d,
        title="Đối thoại",
        commune_codes=[commune.code],
        assigned_on=TODAY - dt.timedelta(days=40),
        due_on=TODAY - dt.timedelta(days=10),
        assignee=users["specialist"],
    )[0]
    Task.objects.filter(pk=a.pk).update(state="completed", completed_on=TODAY - dt.timedelta(days=18), progress=100)
    items = selectors.person_work_items(fetched_by=users["leader"], user_ids=[users["specialist"].pk], start=TODAY - dt.timedelta(days=31), end=TODAY)
    got = {i["source_ref"]: i for i in items[users["specialist"].pk]}
    assert got[f"task:{a.pk}"]["completed"] is True and got[f"task:{a.pk}"]["delays"] == 1
    assert got[f"task:{b.pk}"]["completed"] is False and got[f"task:{b.pk}"]["delays"] == 1
    assert (
        selectors.person_work_items(
            fetched_by=users["other_leader"], user_ids=[users["specialist"].pk], start=TODAY - dt.timedelta(days=31), end=TODAY
        )
        == {}
    )


def test_completing_closes_a_pending_extension_request(users, two_tasks, commune, today):
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    ext = services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=3), reason="x")
    services.task_report(actor=users["specialist"], task=task, kind="result", content="Xong sớm")
    ext.refresh_from_db()
    assert ext.status == "refused" and "đã hoàn thành" in ext.decision_reason
    assert AuditLog.objects.filter(verb="task_extension_close", object_id=str(ext.pk)).exists()
    with pytest.raises(ConflictError):
        services.extension_decide(actor=users["province_home_affairs"], extension=ext, approve=True)


def test_day_numbers_follow_the_dates_through_services_and_stay_out_of_the_audit(users, two_tasks, commune, other_commune, today):
    """The report's day numbers are kept by the database from the dates on every write (completion, stop, extension)."""
    from coso.core.dbfunctions import day_number

    done, stopped = sorted(two_tasks, key=lambda t: t.commune_code != commune.code)
    assert Task.objects.filter(pk=done.pk).values_list("closed_day", flat=True).get() is None
    services.task_report(actor=users["specialist"], task=done, kind="result", content="Hoàn thành")
    services.task_cancel(actor=users["province_home_affairs"], task=stopped, reason="Văn bản được thay thế")
    rows = {r["pk"]: r for r in Task.objects.filter(pk__in=[done.pk, stopped.pk]).values("pk", "assigned_day", "due_day", "effective_due_day", "closed_day")}
    assert rows[done.pk] == {"pk": done.pk, "assigned_day": day_number(done.assigned_on), "due_day": day_number(done.due_on),
                             "effective_due_day": day_number(done.effective_due), "closed_day": day_number(TODAY)}
    assert rows[stopped.pk]["closed_day"] == day_number(TODAY)
    entries = AuditLog.objects.filter(object_id=str(done.pk)).exclude(after=None)
    assert entries.exists() and not any("closed_day" in (e.after or {}) for e in entries)


def test_the_decision_on_an_extension_is_not_sent_to_a_requester_moved_to_another_commune(users, two_tasks, commune, other_commune, today,
                                                                                            django_capture_on_commit_callbacks):
    """The decision on an extension was sent to whoever asked for it while their account was active, even once moved to
    another commune: the task's title and the decision reached someone who may no longer read the task."""
    from coso.accounts import services as accounts
    from coso.core.notify import MemoryBackend

    task = next(t for t in two_tasks if t.commune_code == commune.code)
    for who, phone in (("specialist", "0988000222"), ("leader", "0988000333")):
        users[who].phone = phone
        users[who].save()
    ext = services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=7), reason="Chờ số liệu")
    accounts.account_follows_transfer(actor=users["sysadmin"], user_id=users["specialist"].pk, commune_code=other_commune.code)
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_decide(actor=users["province_home_affairs"], extension=ext, approve=True)
    assert not [m for m in MemoryBackend.outbox if m.to == "0988000222"]
    ext2 = services.extension_request(actor=users["leader"], task=task, new_due=task.due_on + dt.timedelta(days=9), reason="Thêm")
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_decide(actor=users["province_home_affairs"], extension=ext2, approve=False, reason="Không")
    assert [m.to for m in MemoryBackend.outbox] == ["0988000333"]  # one still in the commune is told


def test_a_system_administrators_status_filter_reads_each_tasks_province_rule(users, two_tasks, commune, on_day, login):
    """Province 79 no longer counts approved extensions as on time; the national rule still does. A system administrator's
    filter read the national rule (the viewer's province: none) while the status shown read the task's province: a task
    done inside its extension was listed under "completed on time" and shown "completed late". Both read the task's."""
    from conftest import verify_session

    task = next(t for t in two_tasks if t.commune_code == commune.code)
    with on_day(TODAY):
        e = services.extension_request(actor=users["specialist"], task=task, new_due=task.due_on + dt.timedelta(days=10), reason="Chờ số liệu")
        services.extension_decide(actor=users["province_home_affairs"], extension=e, approve=True)
    with on_day(task.due_on + dt.timedelta(days=3)):
        services.task_report(actor=users["specialist"], task=task, kind="result", content="Xong")
    set_rule("tasks.extension.counts_on_time", False, valid_from=dt.date(2020, 1, 1), province_code="79")
    with on_day(task.due_on + dt.timedelta(days=30)):
        for who in ("sysadmin", "province_home_affairs"):
            assert [t.pk for t in selectors.task_list(fetched_by=users[who], status=st.LATE)] == [task.pk]
            assert not selectors.task_list(fetched_by=users[who], status=st.ON_TIME).filter(pk=task.pk).exists()
        c = login(users["sysadmin"])
        verify_session(c, users["sysadmin"])
        rows = c.get("/api/v1/tasks/", {"status": st.LATE}).json()["items"]
        assert [(r["id"], r["status"]) for r in rows] == [(task.pk, st.LATE)]
        assert c.get("/api/v1/tasks/", {"status": st.ON_TIME}).json()["count"] == 0
        page = c.get("/nhiem-vu/", {"status": st.LATE}).content.decode()
        assert str(st.LABELS[st.LATE]) in page and str(st.LABELS[st.ON_TIME]) not in page.split("<tbody")[-1]
