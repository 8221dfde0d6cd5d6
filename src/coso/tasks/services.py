"""Writes of the tasks module: register directives, assign tasks (one per commune, in one transaction), report
progress and results, request and decide extensions, stop tasks. Every write is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core import attachments as att
from coso.core import locks
from coso.core.audit import AuditLog, audit_log, audited_create, audited_update, snapshot
from coso.core.exceptions import ApplicationError
from coso.core.notify import notify
from coso.core.params import FIRST_DAY, INT_MAX, LAST_DAY
from coso.core.scoping import can_see_unit
from coso.core.text import fold, nfc
from coso.tasks import errors
from coso.tasks.models import Directive, Extension, Task, TaskAttachment, TaskReport
from coso.units.models import AdministrativeUnit

DIRECTIVE_FILE_KINDS = frozenset({"pdf", "doc", "docx", "odt", "jpg", "png"})
MAX_REPORT_FILES = 5
LEADER_ROLES = frozenset({Role.COMMUNE_LEADER})


def _text(value: Any, field: str, label: Any, *, max_length: int, required: bool = True) -> str:
    text = nfc(str(value or "")).strip()
    if required and not text:
        raise errors.FIELD_REQUIRED(label=label, field=field)
    if len(text) > max_length:
        raise errors.FIELD_TOO_LONG(label=str(label)[:1].upper() + str(label)[1:], max_length=max_length, field=field)
    return text


def _day_bounds() -> dict[str, Any]:
    return {"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")}


def _is_province_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in PROVINCE_ROLES and user.province_code)


def _is_commune_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in COMMUNE_ROLES and user.commune_code)


def _is_sysadmin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role == Role.SYSTEM_ADMIN))


def can_register(user: Any) -> bool:
    return _is_province_staff(user) or _is_commune_staff(user)


def can_manage_directive(user: Any, directive: Directive) -> bool:
    """The unit that registered the directive assigns, extends and stops its tasks."""
    if _is_province_staff(user):
        return directive.commune_code == "" and directive.province_code == user.province_code
    if _is_commune_staff(user):
        return directive.commune_code == user.commune_code and user.role in LEADER_ROLES | {Role.COMMUNE_HOME_AFFAIRS}
    return False


def can_report(user: Any, task: Task) -> bool:
    return _is_commune_staff(user) and task.commune_code == user.commune_code


def can_set_assignee(user: Any, task: Task) -> bool:
    """The unit that assigned the task, or the leader of the commune that carries it out, names its officer in charge."""
    if can_manage_directive(user, task.directive):
        return True
    return _is_commune_staff(user) and task.commune_code == user.commune_code and user.role in LEADER_ROLES


def assignee_choices(commune_code: str) -> Any:
    """Who may be a task's officer in charge: the active staff accounts of the task's own commune."""
    from coso.accounts.selectors import commune_staff_accounts

    return commune_staff_accounts(commune_code=commune_code)


def _assignee(value: Any, commune_code: str) -> Any:
    """The account named officer in charge (an account or its id), checked against the commune's active staff; None clears."""
    if value is None or value == "":
        return None
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        pk = 0
    found = assignee_choices(commune_code).filter(pk=pk).first() if 0 < pk <= INT_MAX else None
    if found is None:
        raise errors.BAD_ASSIGNEE()
    return found


def _today() -> dt.date:
    return timezone.localdate()


def _notify_users(users: Iterable[Any], text: str, subject: str) -> None:
    targets = [(u.email or "", getattr(u, "phone", "") or "") for u in users if u is not None and u.is_active]
    if targets:
        transaction.on_commit(lambda: [notify(text=text, subject=subject, email=e, phone=p) for e, p in targets])


# ---------------------------------------------------------------- directives
def directive_create(
    *, actor: Any, number: str, issued_on: dt.date, issuer: str, level: str, summary: str, received_on: dt.date | None = None, file: Any = None
) -> Directive:
    if not can_register(actor):
        raise errors.DIRECTIVE_CREATE_FORBIDDEN()
    today = _today()
    number = _text(number, "number", gettext_lazy("số, ký hiệu văn bản"), max_length=80)
    issuer = _text(issuer, "issuer", gettext_lazy("cơ quan ban hành"), max_length=200)
    summary = _text(summary, "summary", gettext_lazy("trích yếu"), max_length=2000)
    if level not in Directive.Level.values:
        raise errors.BAD_LEVEL()
    if issued_on is None or issued_on > today:
        raise errors.ISSUED_IN_FUTURE()
    if issued_on < FIRST_DAY:  # a year typed short (0026 for 2026): the project's span of dates (coso.core.params)
        raise errors.ISSUED_OUT_OF_RANGE(**_day_bounds())
    if received_on is not None and (received_on < issued_on or received_on > today):
        raise errors.BAD_RECEIVED_ON()
    prepared = att.prepare_one(file, allowed=DIRECTIVE_FILE_KINDS) if file is not None else None
    commune_code = actor.commune_code if _is_commune_staff(actor) else ""
    with att.StoredFiles() as stored, transaction.atomic():
        # No unique constraint (the number is compared without case): one registration of a unit's directive of a day at
        # a time, so that two at once (a double click) do not both find none.
        locks.lock(Directive, "tasks.directive", f"{actor.province_code}:{commune_code}:{issued_on.isoformat()}")
        # Compared folded in Python over the unit's directives of that day (a handful): SQLite's case-insensitive match
        # folds ASCII letters only, so "QĐ"/"qđ" or "Chỉ Thị"/"CHỈ THỊ" were two directives there and one on PostgreSQL.
        same_day = Directive.objects.filter(province_code=actor.province_code, commune_code=commune_code, issued_on=issued_on)
        if fold(number) in {fold(n) for n in same_day.values_list("number", flat=True)}:
            raise errors.DUPLICATE_DIRECTIVE(number=number, date=f"{issued_on:%d/%m/%Y}")
        d = Directive(
            number=number,
            issued_on=issued_on,
            received_on=received_on or today,
            issuer=issuer,
            level=level,
            summary=summary,
            province_code=actor.province_code,
            commune_code=commune_code,
            created_by=actor,
        )
        if prepared is not None:
            d.file = stored.save(prepared, folder=f"tasks/{actor.province_code}/directives")
            d.file_name, d.file_content_type = prepared.original_name, prepared.content_type
        return audited_create(d, actor=actor, verb="directive_register")


# ---------------------------------------------------------------- tasks
def tasks_assign(
    *,
    actor: Any,
    directive: Directive,
    title: str,
    commune_codes: Iterable[str],
    assigned_on: dt.date,
    due_on: dt.date,
    lead_unit: str = "",
    coordinating_units: str = "",
    expected_product: str = "",
    assignee: Any = None,
) -> list[Task]:
    """One task per commune, all or nothing, each audited. A province assigns to communes of its province; a commune to itself."""
    if not can_manage_directive(actor, directive):
        raise errors.TASKS_ASSIGN_FORBIDDEN()
    title = _text(title, "title", gettext_lazy("nội dung nhiệm vụ"), max_length=500)
    lead_unit = _text(lead_unit, "lead_unit", gettext_lazy("đơn vị chủ trì"), max_length=200, required=False)
    coordinating_units = _text(coordinating_units, "coordinating_units", gettext_lazy("đơn vị phối hợp"), max_length=500, required=False)
    expected_product = _text(expected_product, "expected_product", gettext_lazy("sản phẩm dự kiến"), max_length=500, required=False)
    today = _today()
    if assigned_on is None or assigned_on > today:
        raise errors.ASSIGNED_IN_FUTURE()
    if assigned_on < directive.issued_on:
        raise errors.ASSIGNED_BEFORE_ISSUE()
    if due_on is None or due_on < assigned_on:
        raise errors.DUE_BEFORE_ASSIGNED()
    if due_on > LAST_DAY:  # the project's span of dates (coso.core.params): reminders and reports count days up to it
        raise errors.DUE_OUT_OF_RANGE(**_day_bounds())
    codes = list(dict.fromkeys(str(c).strip() for c in commune_codes if str(c).strip()))
    if not codes:
        raise errors.NO_COMMUNE()
    if directive.commune_code and codes != [directive.commune_code]:
        raise errors.COMMUNE_DIRECTIVE_SELF_ONLY()
    units = {u.code: u for u in AdministrativeUnit.objects.filter(level="commune", province_code=directive.province_code, code__in=codes)}
    unknown = [c for c in codes if c not in units]
    if unknown:
        raise errors.UNKNOWN_COMMUNE(codes=", ".join(unknown[:10]))
    if assignee is not None and assignee != "":
        if len(codes) != 1:
            raise errors.BAD_ASSIGNEE()
        assignee = _assignee(assignee, codes[0])
    else:
        assignee = None
    batch = uuid.uuid4().hex
    created: list[Task] = []
    with transaction.atomic():
        # The same assignment sent twice (a double click, a client retrying) gives each commune one task: one assignment
        # under a directive at a time, and a commune that already has this task (same title, date given and deadline)
        # refuses the batch.
        locks.lock(Task, "tasks.assign", str(directive.pk))
        given = set(
            Task.objects.filter(directive=directive, commune_code__in=codes, title=title, assigned_on=assigned_on, due_on=due_on)
            .values_list("commune_code", flat=True)
        )
        if given:
            raise errors.DUPLICATE_TASK(communes=", ".join(units[c].name for c in codes if c in given))
        for code in codes:
            task = Task(
                directive=directive,
                batch=batch,
                title=title,
                lead_unit=lead_unit or units[code].name,
                coordinating_units=coordinating_units,
                assigned_on=assigned_on,
                due_on=due_on,
                effective_due=due_on,
                expected_product=expected_product,
                assignee=assignee,
                province_code=directive.province_code,
                commune_code=code,
                created_by=actor,
            )
            created.append(audited_create(task, actor=actor, verb="task_assign"))
    from coso.accounts.models import User

    leaders = User.objects.filter(is_active=True, commune_code__in=codes, role=Role.COMMUNE_LEADER)
    _notify_users(leaders, f"Coso: UBND nhận nhiệm vụ mới “{title[:80]}” theo văn bản {directive.number}, hạn {due_on:%d/%m/%Y}.", "Nhiệm vụ mới")
    return created


def _locked(task: Task, version: int | None) -> Task:
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if version is not None and locked.version != version:
        raise errors.TASK_CHANGED()
    return locked


def task_report(
    *, actor: Any, task: Task, kind: str, content: str, progress: int | None = None, files: Iterable[Any] = (), version: int | None = None
) -> TaskReport:
    """A progress report, or a result report that completes the task today."""
    if not can_report(actor, task):
        raise errors.TASK_REPORT_FORBIDDEN()
    if kind not in TaskReport.Kind.values:
        raise errors.BAD_REPORT_KIND()
    content = _text(content, "content", gettext_lazy("nội dung báo cáo"), max_length=4000)
    if kind == TaskReport.Kind.RESULT:
        progress = 100
    if progress is None or not 0 <= int(progress) <= 100:
        raise errors.BAD_PROGRESS()
    progress = int(progress)
    prepared = att.prepare(list(files), max_files=MAX_REPORT_FILES)
    today = _today()
    with att.StoredFiles() as stored, transaction.atomic():
        t = _locked(task, version)
        if t.state != Task.State.OPEN:
            raise errors.TASK_CLOSED()
        report = TaskReport.objects.create(task=t, kind=kind, reported_on=today, progress=progress, content=content, reported_by=actor)
        for p in prepared:
            name = stored.save(p, folder=f"tasks/{t.province_code}/{t.commune_code}/{t.pk}")
            TaskAttachment.objects.create(report=report, file=name, original_name=p.original_name, content_type=p.content_type, size=p.size)
        audit_log(
            actor=actor,
            action=AuditLog.Action.CREATE,
            obj=report,
            after={**snapshot(report), "files": [p.original_name for p in prepared]},
            verb="task_report",
            province_code=t.province_code,
            commune_code=t.commune_code,
        )
        changes: dict[str, Any] = {"progress": progress, "version": t.version + 1}
        if kind == TaskReport.Kind.RESULT:
            changes.update(state=Task.State.COMPLETED, completed_on=today, result=content)
            _close_pending(t, actor=actor, reason="Nhiệm vụ đã hoàn thành, không cần gia hạn.")
        audited_update(t, actor=actor, changes=changes, verb="task_complete" if kind == TaskReport.Kind.RESULT else "task_progress")
    task.refresh_from_db()
    return report


def extension_request(*, actor: Any, task: Task, new_due: dt.date, reason: str) -> Extension:
    if not can_report(actor, task):
        raise errors.EXTENSION_REQUEST_FORBIDDEN()
    reason = _text(reason, "reason", gettext_lazy("lý do đề nghị gia hạn"), max_length=2000)
    with transaction.atomic():
        t = _locked(task, None)
        if t.state != Task.State.OPEN:
            raise errors.EXTENSION_REQUEST_TASK_CLOSED()
        if new_due is None or new_due <= t.effective_due:
            raise errors.NEW_DUE_NOT_LATER(due=f"{t.effective_due:%d/%m/%Y}")
        if new_due < _today():  # a deadline already passed extends nothing
            raise errors.NEW_DUE_PASSED(due=f"{new_due:%d/%m/%Y}")
        if new_due > LAST_DAY:
            raise errors.NEW_DUE_OUT_OF_RANGE(**_day_bounds())
        if t.extensions.filter(status=Extension.Status.PENDING).exists():
            raise errors.EXTENSION_PENDING()
        ext = Extension(task=t, current_due=t.effective_due, new_due=new_due, reason=reason, requested_by=actor, requested_on=_today())
        audited_create(ext, actor=actor, verb="task_extension_request")
    return ext


def _close_pending(task: Task, *, actor: Any, reason: str) -> None:
    """A pending extension request ends when the task is completed or stopped (kept in the history, audited)."""
    for ext in task.extensions.select_for_update().filter(status=Extension.Status.PENDING):
        audited_update(
            ext,
            actor=actor,
            changes={"status": Extension.Status.REFUSED, "decided_by": actor, "decided_on": _today(), "decision_reason": reason},
            verb="task_extension_close",
            reason=reason,
        )


def extension_decide(*, actor: Any, extension: Extension, approve: bool, reason: str = "") -> Extension:
    task = extension.task
    if not can_manage_directive(actor, task.directive):
        raise errors.EXTENSION_DECIDE_FORBIDDEN()
    reason = _text(reason, "reason", gettext_lazy("lý do"), max_length=2000, required=not approve)
    with transaction.atomic():
        ext = Extension.objects.select_for_update().get(pk=extension.pk)
        if ext.status != Extension.Status.PENDING:
            raise errors.EXTENSION_DECIDED()
        # Separation of duties: on a commune's own directive the officer who decides extensions also carries out its
        # tasks; the request is approved by someone else (refusing, i.e. withdrawing, one's own request is harmless).
        if approve and ext.requested_by_id is not None and ext.requested_by_id == actor.pk:
            raise errors.EXTENSION_SELF_APPROVAL()
        t = _locked(task, None)
        if t.state != Task.State.OPEN:
            raise errors.EXTENSION_DECIDE_TASK_CLOSED()
        if approve and ext.new_due < _today():  # requested in time, decided after the day asked for: it can only be refused
            raise errors.NEW_DUE_PASSED(due=f"{ext.new_due:%d/%m/%Y}")
        status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
        audited_update(
            ext,
            actor=actor,
            changes={"status": status, "decided_by": actor, "decided_on": _today(), "decision_reason": reason},
            verb="task_extension_approve" if approve else "task_extension_refuse",
            reason=reason,
        )
        if approve and t.state == Task.State.OPEN:
            audited_update(
                t, actor=actor, changes={"effective_due": max(ext.new_due, t.effective_due), "version": t.version + 1}, verb="task_extension_apply"
            )
    asker = ext.requested_by
    # Told while they may still read the task (not once moved to another commune or unit).
    if asker is not None and can_see_unit(asker, province_code=task.province_code, commune_code=task.commune_code):
        verdict = "được đồng ý" if approve else "không được đồng ý"
        _notify_users(
            [asker],
            f"Coso: đề nghị gia hạn nhiệm vụ “{task.title[:80]}” đến {ext.new_due:%d/%m/%Y} {verdict}."
            + (f" Lý do: {reason[:200]}" if reason else ""),
            "Gia hạn nhiệm vụ",
        )
    extension.refresh_from_db()
    task.refresh_from_db()
    return ext


def task_cancel(*, actor: Any, task: Task, reason: str) -> Task:
    if not can_manage_directive(actor, task.directive):
        raise errors.TASK_CANCEL_FORBIDDEN()
    reason = _text(reason, "reason", gettext_lazy("lý do dừng, hủy"), max_length=500)
    with transaction.atomic():
        t = _locked(task, None)
        if t.state != Task.State.OPEN:
            raise errors.TASK_CANCEL_TASK_CLOSED()
        _close_pending(t, actor=actor, reason="Nhiệm vụ đã dừng/hủy.")
        audited_update(
            t,
            actor=actor,
            changes={"state": Task.State.CANCELLED, "cancelled_on": _today(), "cancel_reason": reason, "version": t.version + 1},
            verb="task_cancel",
            reason=reason,
        )
    task.refresh_from_db()
    return task


def task_set_assignee(*, actor: Any, task: Task, assignee: Any, version: int | None = None) -> Task:
    """Name (or clear, with None) the officer in charge of an open task: an active staff account of the task's commune.
    Deadline reminders go to them (``task_reminders_send``)."""
    if not can_set_assignee(actor, task):
        raise errors.TASK_ASSIGNEE_FORBIDDEN()
    with transaction.atomic():
        t = _locked(task, version)
        if t.state != Task.State.OPEN:
            raise errors.TASK_ASSIGNEE_TASK_CLOSED()
        user = _assignee(assignee, t.commune_code)
        if (user.pk if user is not None else None) == t.assignee_id:  # nothing changes, nothing is logged
            task.refresh_from_db()
            return task
        audited_update(t, actor=actor, changes={"assignee": user, "version": t.version + 1}, verb="task_assignee")
    if user is not None:
        _notify_users([user], f"Coso: anh/chị được giao chủ trì nhiệm vụ “{t.title[:80]}”, hạn {t.effective_due:%d/%m/%Y}.", "Nhiệm vụ được giao")
    task.refresh_from_db()
    return task


def as_application_error(exc: ValidationError) -> ApplicationError:
    fields = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
    return errors.AS_APPLICATION_ERROR_INVALID(details={"fields": fields})


# ---------------------------------------------------------------- reminders
def _recipients(task: Task) -> list[Any]:
    """The officer in charge while they are still an active staff account of the task's commune (one moved to another
    commune or unit no longer carries it and may not read it), else the commune's leaders."""
    from coso.accounts.models import User

    a = task.assignee if task.assignee_id else None
    if a is not None and a.is_active and a.role in COMMUNE_ROLES and a.commune_code == task.commune_code:
        return [a]
    return list(User.objects.filter(is_active=True, commune_code=task.commune_code, role=Role.COMMUNE_LEADER))


def _assigner(task: Task) -> list[Any]:
    """The person who assigned the task, told when it is overdue, while they may still see it (not once moved to another
    unit)."""
    u = task.created_by
    if u is None or not u.is_active or not can_see_unit(u, province_code=task.province_code, commune_code=task.commune_code):
        return []
    return [u]


def task_reminders_send(*, today: dt.date, run: Any = None) -> dict[tuple[str, str], int]:
    """Remind open tasks due within the reminder window (working days) and overdue ones; each (task, deadline, kind,
    recipient) once (``coso.jobs.services.remind_once``), so running twice or a day late sends nothing twice."""
    from collections import Counter

    from django.conf import settings

    from coso.jobs.services import remind_once
    from coso.workcalendar.services import add_working_days, is_working_day

    sent: Counter[tuple[str, str]] = Counter()
    open_tasks = Task.objects.filter(state=Task.State.OPEN, assigned_on__lte=today).select_related("assignee", "directive", "created_by")
    for province_code in open_tasks.order_by().values_list("province_code", flat=True).distinct():
        if not is_working_day(today, province_code=province_code):
            sent[("skipped_non_working_day", province_code)] += 1
            continue
        horizon = add_working_days(today, settings.COSO_REMINDER_WORKING_DAYS_BEFORE, province_code=province_code)
        mine = open_tasks.filter(province_code=province_code)
        for kind, qs in (
            ("near", mine.filter(effective_due__gte=today, effective_due__lte=horizon)),
            ("overdue", mine.filter(effective_due__lt=today)),
        ):
            for t in qs.order_by("effective_due", "id").iterator(chunk_size=500):
                if kind == "near":
                    text = f"Coso: nhiệm vụ “{t.title[:80]}” (văn bản {t.directive.number}) sắp đến hạn ({t.effective_due:%d/%m/%Y})."
                    people = _recipients(t)
                else:
                    text = f"Coso: nhiệm vụ “{t.title[:80]}” (văn bản {t.directive.number}) đã quá hạn ({t.effective_due:%d/%m/%Y}), chưa có báo cáo hoàn thành."
                    people = _recipients(t) + _assigner(t)
                people = list({u.pk: u for u in people}.values())  # the leader who gave their commune's task: reminded once
                for user in people:
                    ok = remind_once(
                        key=f"task:{t.pk}:{kind}:{t.effective_due:%Y-%m-%d}",
                        recipient=user,
                        text=text,
                        kind=f"task_{kind}",
                        subject="Nhắc hạn nhiệm vụ",
                        obj=t,
                        province_code=t.province_code,
                        commune_code=t.commune_code,
                        run=run,
                    )
                    sent[(f"{kind}_sent" if ok else f"{kind}_already_sent", province_code)] += 1
    return dict(sent)
