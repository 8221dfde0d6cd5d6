"""Reads of the tasks module. Communes see their own tasks; provinces their province's (coso.core.scoping).

Selectors for other modules (no double entry):
- ``commune_task_figures`` — per-commune counts and rates for the task-execution pillar of the indices;
- ``person_work_items`` — per-person work items (Decree 335/2025 evaluation) in the shape of workforce.WorkItem;
- ``person_completed_tasks`` — the tasks one officer in charge completed in a year (the evaluation's work log imports them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core.dbfunctions import NotIndexed, day_number
from coso.core.scoping import NOTHING, get_scoped_or_404, scoped
from coso.rules import book
from coso.tasks import periods
from coso.tasks import status as st
from coso.tasks.models import Directive, Extension, Task
from coso.tasks.periods import Period
from coso.units.models import AdministrativeUnit

EXT_KEY = "tasks.extension.counts_on_time"
METHOD_KEY = "tasks.rate.method"
CUTOFF_KEY = "tasks.report.cutoff_day"


def rule_values(on: dt.date, province_code: str = "") -> tuple[bool, str]:
    b = book()
    return bool(b.value(EXT_KEY, on, province_code, "")), str(b.value(METHOD_KEY, on, province_code, ""))


def cutoff_day(on: dt.date, province_code: str = "") -> int:
    """The cut-off day in force on ``on``; 0 (calendar months) before the rule book has one (Decree 09/2019/NĐ-CP)."""
    return int(book().value(CUTOFF_KEY, on, province_code, "", default=0))


def report_period(kind: str, year: int, number: int, province_code: str = "") -> Period:
    """Period ``number`` of ``kind`` in ``year``, cut with the cut-off day in force in the month it ends (read on that month's
    first day), not today's: a province changing the rule from a date does not move the bounds, nor the figures, of the
    periods before it."""
    end_month = periods.last_month(kind, number)
    return periods.period(kind, year, number, cutoff_day=cutoff_day(dt.date(year, end_month, 1), province_code))


def task_status(task: Task, *, on: dt.date | None = None, extension_counts: bool | None = None) -> str:
    """The task's official status on ``on`` (today); ``extension_counts``: the rule tasks.extension.counts_on_time when the
    caller has read it already (a list of tasks), else read here."""
    on = on or timezone.localdate()
    counts = rule_values(on, task.province_code)[0] if extension_counts is None else extension_counts
    return st.official_status(
        state=task.state,
        assigned_on=task.assigned_on,
        due_on=task.due_on,
        effective_due=task.effective_due,
        completed_on=task.completed_on,
        cancelled_on=task.cancelled_on,
        on=on,
        extension_counts=counts,
    )


# ---------------------------------------------------------------- directives
def directive_q(user: Any) -> Q:
    """Directives a user may read: the unit's own, and (for a commune) those that gave it a task."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        return Q()
    if user.role in PROVINCE_ROLES and user.province_code:
        return Q(province_code=user.province_code)
    if user.role in COMMUNE_ROLES and user.commune_code:
        return Q(commune_code=user.commune_code) | Q(pk__in=Task.objects.filter(commune_code=user.commune_code).values("directive_id"))
    return NOTHING


def directive_list(*, fetched_by: Any) -> QuerySet[Directive]:
    return Directive.objects.filter(directive_q(fetched_by)).order_by("-issued_on", "-id")


def directive_get(*, fetched_by: Any, pk: Any) -> Directive:
    from django.http import Http404

    try:
        return directive_list(fetched_by=fetched_by).get(pk=pk)
    except (Directive.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------- tasks
def task_list(
    *,
    fetched_by: Any,
    directive_id: Any = None,
    commune_code: str = "",
    status: str = "",
    on: dt.date | None = None,
    query: str = "",
    pending_extension: bool = False,
) -> QuerySet[Task]:
    """Open tasks first (nearest deadline first), then the others."""
    qs = scoped(Task.objects.select_related("directive", "assignee"), fetched_by)
    if directive_id:
        qs = qs.filter(directive_id=directive_id)
    if commune_code:
        qs = qs.filter(commune_code=commune_code)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(directive__number__icontains=query))
    if status:
        # Each task's own province's rule, as its status shown (``task_status``): a system administrator's province (none)
        # would read the national rule for tasks of a province that changed it.
        qs = qs.filter(status_q_by_province(status, on=on or timezone.localdate(), tasks=qs))
    if pending_extension:
        qs = qs.filter(pk__in=Extension.objects.filter(status=Extension.Status.PENDING).values("task_id"))
    open_first = Case(When(state=Task.State.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(open_first, "effective_due", "id")


def open_task_counts(*, fetched_by: Any, on: dt.date | None = None) -> dict[str, int]:
    """Tasks of the user's unit still open on ``on``: overdue and within their term, as the task list filters them
    (``task_list(status=...)``), for a leader's home page."""
    on = on or timezone.localdate()
    qs = scoped(Task.objects.all(), fetched_by).order_by()
    groups = _rule_groups(on, qs)  # the provinces of the tasks read once for both counts
    return qs.aggregate(overdue=Count("pk", filter=status_q_by_province(st.OVERDUE, on=on, tasks=qs, groups=groups)),
                        in_term=Count("pk", filter=status_q_by_province(st.IN_TERM, on=on, tasks=qs, groups=groups)))


def _rule_groups(on: dt.date, tasks: QuerySet[Task]) -> dict[bool, list[str]]:
    """The provinces of ``tasks`` grouped by the value of the rule tasks.extension.counts_on_time on ``on``."""
    groups: dict[bool, list[str]] = {}
    for code in sorted(set(tasks.order_by().values_list("province_code", flat=True).distinct())):
        groups.setdefault(rule_values(on, code)[0], []).append(code)
    return groups


def status_q_by_province(status: str, *, on: dt.date, tasks: QuerySet[Task], groups: dict[bool, list[str]] | None = None) -> Q:
    """``status_q`` reading, for each task of ``tasks``, the rule of the task's own province (as ``task_status`` does): the
    provinces of the tasks are grouped by the value of the rule on ``on`` (``groups``: that grouping when the caller has
    read it for the same tasks and day)."""
    groups = _rule_groups(on, tasks) if groups is None else groups
    if len(groups) <= 1:
        counts = next(iter(groups)) if groups else rule_values(on, "")[0]
        return status_q(status, on=on, extension_counts=counts)
    q = Q(pk__in=[])
    for counts, codes in groups.items():
        q |= Q(province_code__in=codes) & status_q(status, on=on, extension_counts=counts)
    return q


def status_q(status: str, *, on: dt.date, province_code: str = "", extension_counts: bool | None = None) -> Q:
    """The official status as a database condition (same rule as ``status.official_status``); ``extension_counts``: the
    rule tasks.extension.counts_on_time when the caller has read it, else the one of ``province_code``."""
    counts = rule_values(on, province_code)[0] if extension_counts is None else extension_counts
    due = "effective_due" if counts else "due_on"
    assigned = Q(assigned_on__lte=on)
    done = Q(state=Task.State.COMPLETED, completed_on__lte=on)
    stopped = Q(state=Task.State.CANCELLED, cancelled_on__lte=on)
    if status == st.STOPPED:
        return assigned & stopped
    if status == st.ON_TIME:
        return assigned & done & Q(completed_on__lte=F(due))
    if status == st.LATE:
        return assigned & done & Q(completed_on__gt=F(due))
    open_ = assigned & ~done & ~stopped
    if status == st.OVERDUE:
        return open_ & Q(**{f"{due}__lt": on})
    if status == st.IN_TERM:
        return open_ & Q(**{f"{due}__gte": on})
    return Q()


def task_get(*, fetched_by: Any, pk: Any) -> Task:
    return get_scoped_or_404(Task.objects.select_related("directive", "assignee", "created_by"), fetched_by, pk=pk)


def task_history(task: Task) -> dict[str, Any]:
    return {
        "reports": list(task.reports.select_related("reported_by").prefetch_related("attachments")),
        "extensions": list(task.extensions.select_related("requested_by", "decided_by")),
    }


def pending_extensions(*, fetched_by: Any) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(status=Extension.Status.PENDING)
        .filter(task__in=scoped(Task.objects.all(), fetched_by))
        .select_related("task", "task__directive")
    )


# ---------------------------------------------------------------- figures
_VALUES = ("id", "province_code", "commune_code", "state", "assigned_on", "due_on", "effective_due", "completed_on", "cancelled_on")


def _figures(rows: Any, *, on: dt.date, counts: bool, method: str, key: str = "commune_code") -> dict[str, st.Figures]:
    out: dict[str, st.Figures] = defaultdict(lambda: st.Figures(method=method))
    for r in rows:
        s = st.official_status(
            state=r["state"],
            assigned_on=r["assigned_on"],
            due_on=r["due_on"],
            effective_due=r["effective_due"],
            completed_on=r["completed_on"],
            cancelled_on=r["cancelled_on"],
            on=on,
            extension_counts=counts,
        )
        f = out[r[key]]
        f.add(s)
        f.days_overdue_total += st.days_overdue(
            status=s, due=st.judged_due(r["due_on"], r["effective_due"], extension_counts=counts), completed_on=r["completed_on"], on=on
        )
    return out


# A period at least this long is read in commune order (most of the province's tasks: grouping needs no sort); a shorter
# one by its range of assignment days (a small share of them, then sorted by commune).
LONG_PERIOD_DAYS = 62


def _aggregate(qs: QuerySet[Task], *, start: dt.date, end: dt.date, on: dt.date, province_code: str, method: str) -> dict[str, st.Figures]:
    """Counts per commune of each official status, and the days overdue, in one query grouped by commune over an index
    that holds every column it reads, as whole day numbers (``Task.*_day``, kept by the database). The tests are those
    of ``status.official_status`` in its order, each written as a filtered count:

    - not yet assigned: ``assigned_day > on`` (only when the period ends after the day looked at);
    - stopped / completed: closed (completed or cancelled, ``closed_day``) on or before ``on``, by state;
    - completed late: completed by ``on`` after the deadline; completed on time = completed − late;
    - overdue: the deadline is before ``on`` and the task was not closed by then (and is assigned by then);
    - within term: the rest.
    """
    counts, _m = rule_values(on, province_code)
    due = "effective_due_day" if counts else "due_day"
    o = day_number(on)
    started = Q(assigned_day__lte=o) if end > on else Q()
    closed = Q(closed_day__lte=o) & started
    # COUNT(1), not COUNT(id): the index gives every column the count needs.
    agg: dict[str, Any] = {
        "n": Count("*"),
        "stopped": Count(Value(1), filter=closed & Q(state=Task.State.CANCELLED)),
        "done": Count(Value(1), filter=closed & Q(state=Task.State.COMPLETED)),
        "late": Count(Value(1), filter=closed & Q(**{"closed_day__gt": F(due)}) & Q(state=Task.State.COMPLETED)),
        "late_days": Sum(F("closed_day") - F(due), filter=closed & Q(**{"closed_day__gt": F(due)}) & Q(state=Task.State.COMPLETED)),
        "overdue": Count(Value(1), filter=Q(**{f"{due}__lt": o}) & (Q(closed_day__isnull=True) | Q(closed_day__gt=o)) & started),
        "overdue_due": Sum(F(due), filter=Q(**{f"{due}__lt": o}) & (Q(closed_day__isnull=True) | Q(closed_day__gt=o)) & started),
    }
    if end > on:
        agg["not_yet"] = Count(Value(1), filter=Q(assigned_day__gt=o))
    first, last = day_number(start), day_number(end)
    if (end - start).days + 1 >= LONG_PERIOD_DAYS:
        qs = qs.alias(assigned=NotIndexed(F("assigned_day"))).filter(assigned__gte=first, assigned__lte=last)
    else:
        qs = qs.filter(assigned_day__gte=first, assigned_day__lte=last)
    out: dict[str, st.Figures] = defaultdict(lambda: st.Figures(method=method))
    rows: Any = qs.order_by().values("commune_code").annotate(**agg)
    for row in rows:
        f = out[row["commune_code"]]
        not_yet = row.get("not_yet", 0)
        late, done = row["late"], row["done"]
        for status, n in (
            (st.NOT_YET, not_yet),
            (st.STOPPED, row["stopped"]),
            (st.LATE, late),
            (st.ON_TIME, done - late),
            (st.OVERDUE, row["overdue"]),
            (st.IN_TERM, row["n"] - not_yet - row["stopped"] - done - row["overdue"]),
        ):
            if n:
                f.add(status, n)
        f.days_overdue_total += (row["late_days"] or 0) + row["overdue"] * o - (row["overdue_due"] or 0)
    return out


def task_report_figures(*, fetched_by: Any, start: dt.date, end: dt.date, province_code: str = "", engine: str = "sql",
                        from_above: bool = False) -> dict[str, Any]:
    """Tasks assigned in [start, end], each with its status on ``end`` (today if the period is not over): one row per commune
    and the total. ``engine="python"`` computes every task's status with ``status.official_status`` (the reference the
    grouped query is tested against, and the benchmark's baseline). ``from_above``: only the tasks of directives of the
    levels above the commune (not the commune's own directives)."""
    qs = scoped(Task.objects.all(), fetched_by)
    if from_above:
        qs = qs.exclude(directive__level=Directive.Level.COMMUNE)
    province_code = province_code or getattr(fetched_by, "province_code", "") or ""
    if province_code:
        qs = qs.filter(province_code=province_code)
    on = min(end, timezone.localdate())  # a period not over yet is looked at today (the future is not known)
    counts, method = rule_values(on, province_code)
    if engine == "python":
        rows = qs.filter(assigned_on__gte=start, assigned_on__lte=end).values(*_VALUES)
        per = _figures(rows.iterator(chunk_size=5000), on=on, counts=counts, method=method)
    else:
        per = _aggregate(qs, start=start, end=end, on=on, province_code=province_code, method=method)
    names = commune_names(per)
    rows = []
    total = st.Figures(label="Tổng cộng", method=method)
    for code, f in sorted(per.items(), key=lambda kv: names.get(kv[0], kv[0])):
        f.code, f.label = code, names.get(code, code)
        rows.append(f)
        total.merge(f)
    return {"rows": rows, "total": total, "on": on, "start": start, "end": end, "extension_counts": counts, "method": method}


def commune_task_figures(*, fetched_by: Any, start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    """For the indices' task-execution pillar: {commune_code: {completed_on_time, completed_late, open_in_term, open_overdue,
    stopped, total, completed, due, completion_rate, overdue_rate, on_time_share, days_overdue_total}} for tasks assigned in
    [start, end] looked at on ``end`` (the user's scope). The pillar measures the tasks the levels above assigned: a
    commune's own directives are left out."""
    data = task_report_figures(fetched_by=fetched_by, start=start, end=end, from_above=True)
    return {f.code: f.as_dict() for f in data["rows"]}


def person_work_items(*, fetched_by: Any, user_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list[dict[str, Any]]]:
    """Decree 335/2025 evidence: per account, the tasks it carries whose deadline (after approved extensions, if the rule says
    so) falls in [start, end] or that were completed in it. Each item has the fields of ``workforce.WorkItem``: title, points (1),
    completed, delays (1 when completed late or overdue and not completed), failed_reviews (0), source "tasks", source_ref
    "task:<id>", plus due and completed_on. Stopped tasks are left out."""
    qs = scoped(Task.objects.all(), fetched_by).filter(assignee_id__in=user_ids).exclude(state=Task.State.CANCELLED)
    qs = qs.filter(
        Q(effective_due__gte=start, effective_due__lte=end)
        | Q(due_on__gte=start, due_on__lte=end)
        | Q(completed_on__gte=start, completed_on__lte=end)
    ).filter(assigned_on__lte=end)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in qs.order_by("effective_due", "id"):
        counts, _m = rule_values(end, t.province_code)
        s = task_status(t, on=end, extension_counts=counts)
        if s == st.IN_TERM:
            continue  # still within its term at the end of the period: evidence for a later period
        assert t.assignee_id is not None
        out[t.assignee_id].append(
            {
                "title": t.title[:300],
                "points": 1,
                "completed": s in (st.ON_TIME, st.LATE),
                "delays": 1 if s in (st.LATE, st.OVERDUE) else 0,
                "failed_reviews": 0,
                "source": "tasks",
                "source_ref": f"task:{t.pk}",
                "status": s,
                "due": st.judged_due(t.due_on, t.effective_due, extension_counts=counts),
                "completed_on": t.completed_on,
            }
        )
    return dict(out)


def person_completed_tasks(*, fetched_by: Any, user_id: int, year: int, commune_code: str) -> list[dict[str, Any]]:
    """Work log of the annual evaluation (Decree 335/2025/ND-CP): the tasks of ``commune_code`` completed in ``year`` whose
    officer in charge (assignee) is account ``user_id``, in order of completion, within the user's scope. Each is judged as the
    tasks app reports the year (status looked at on 31 December, deadline after approved extensions when the rule
    ``tasks.extension.counts_on_time`` says so): {"task_id", "source_ref" ("task:<id>"), "title", "assigned_by" (the
    directive's issuer), "directive_number", "due", "completed_on", "on_time", "status"}. Stopped and open tasks are left out."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = (
        scoped(Task.objects.select_related("directive"), fetched_by)
        .filter(assignee_id=user_id, commune_code=commune_code, state=Task.State.COMPLETED, completed_on__gte=start, completed_on__lte=end)
        .order_by("completed_on", "id")
    )
    counts_by_province: dict[str, bool] = {}
    out: list[dict[str, Any]] = []
    for t in qs:
        if t.province_code not in counts_by_province:
            counts_by_province[t.province_code] = rule_values(end, t.province_code)[0]
        counts = counts_by_province[t.province_code]
        s = task_status(t, on=end, extension_counts=counts)
        if s not in (st.ON_TIME, st.LATE):
            continue
        out.append(
            {
                "task_id": t.pk,
                "source_ref": f"task:{t.pk}",
                "title": t.title,
                "assigned_by": t.directive.issuer,
                "directive_number": t.directive.number,
                "due": st.judged_due(t.due_on, t.effective_due, extension_counts=counts),
                "completed_on": t.completed_on,
                "on_time": s == st.ON_TIME,
                "status": s,
            }
        )
    return out


def commune_names(codes: Any) -> dict[str, str]:
    """{code: name} of communes, those since merged or renamed included (the name in force last), for lists of tasks."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return dict(AdministrativeUnit.all_objects.filter(level="commune", code__in=codes).order_by("valid_from").values_list("code", "name"))


def communes_for(user: Any) -> QuerySet[AdministrativeUnit]:
    """Communes the user may assign tasks to (a province's communes in force)."""
    if user.role in PROVINCE_ROLES and user.province_code:
        return AdministrativeUnit.objects.filter(level="commune", province_code=user.province_code).order_by("name")
    if user.role in COMMUNE_ROLES and user.commune_code:
        return AdministrativeUnit.objects.filter(level="commune", code=user.commune_code)
    return AdministrativeUnit.objects.none()


def period_figures(*, fetched_by: Any, period: Period) -> dict[str, Any]:
    return task_report_figures(fetched_by=fetched_by, start=period.start, end=period.end)
