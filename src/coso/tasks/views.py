"""Pages of the tasks module: directives, tasks (assign, report, extend, stop) and the periodic report."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core.exceptions import ApplicationError
from coso.core.files import serve_file
from coso.core.types import AuthedHttpRequest
from coso.tasks import documents, errors, forms, periods, selectors, services
from coso.tasks import status as st
from coso.tasks.models import Extension, TaskAttachment
from coso.units.models import AdministrativeUnit


def _staff_or_404(user: Any) -> None:
    if not (user.is_authenticated and (user.is_superuser or user.role in COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN})):
        raise Http404


def _apply_errors(form: Any, exc: ApplicationError) -> None:
    fields = (exc.details or {}).get("fields") or {}
    placed = False
    for name, errs in fields.items():
        if name in form.fields:
            for e in errs:
                form.add_error(name, str(e))
            placed = True
    if not placed:
        form.add_error(None, str(exc))


def _rows(tasks: Any, *, user: Any, on: Any, extension_counts: bool | None) -> dict[str, Any]:
    """The rows of a task table with each task's official status on ``on``; a viewer above the commune (a province, the
    system) also sees each task's commune, since one directive gives the same task to many communes.
    ``extension_counts``: the rule when every task is of one province, read by the caller; None: each task's own."""
    tasks = list(tasks)
    show_commune = not (user.role in COMMUNE_ROLES and user.commune_code)
    names = selectors.commune_names(t.commune_code for t in tasks) if show_commune else {}
    rows = []
    for t in tasks:
        s = selectors.task_status(t, on=on, extension_counts=extension_counts)
        rows.append({"task": t, "status": s, "label": st.LABELS.get(s, ""), "css": st.CSS.get(s, ""),
                     "commune": names.get(t.commune_code, t.commune_code)})
    return {"rows": rows, "show_commune": show_commune}


def _unit_label(user: Any) -> str:
    code = user.commune_code or user.province_code
    unit = AdministrativeUnit.objects.filter(code=code).first() if code else None
    return unit.name if unit else _("Toàn quốc")


@login_required
def task_list(request: AuthedHttpRequest) -> HttpResponse:
    _staff_or_404(request.user)
    form = forms.FilterForm(request.GET or None)
    status, q, pending = "", "", False
    if form.is_valid():
        status, q, pending = form.cleaned_data["status"], form.cleaned_data["q"], form.cleaned_data["pending"]
    today = timezone.localdate()
    qs = selectors.task_list(fetched_by=request.user, status=status, query=q, on=today, pending_extension=pending)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/list.html",
        {
            "form": form,
            "page": page,
            # Each task's own province's rule (a system administrator's tasks are of every province), as the filter.
            **_rows(page.object_list, user=request.user, on=today, extension_counts=None),
            "can_register": services.can_register(request.user),
            "pending": selectors.pending_extensions(fetched_by=request.user).count(),
            "unit": _unit_label(request.user),
        },
    )


@login_required
def directive_list(request: AuthedHttpRequest) -> HttpResponse:
    _staff_or_404(request.user)
    page = Paginator(selectors.directive_list(fetched_by=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "tasks/directives.html", {"page": page, "can_register": services.can_register(request.user)})


@login_required
def directive_new(request: AuthedHttpRequest) -> HttpResponse:
    _staff_or_404(request.user)
    if not services.can_register(request.user):
        raise Http404
    form = forms.DirectiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            d = services.directive_create(actor=request.user, **{**form.cleaned_data, "file": request.FILES.get("file")})
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đăng ký văn bản %(n)s.") % {"n": d.number})
            return redirect("tasks:directive", pk=d.pk)
    return render(request, "tasks/directive_new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def directive_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _staff_or_404(request.user)
    d = selectors.directive_get(fetched_by=request.user, pk=pk)
    can_manage = services.can_manage_directive(request.user, d)
    communes = selectors.communes_for(request.user) if can_manage else []
    form = forms.AssignForm(request.POST or None, communes=communes) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                tasks = services.tasks_assign(
                    actor=request.user,
                    directive=d,
                    title=data["title"],
                    commune_codes=data["communes"],
                    assigned_on=data["assigned_on"],
                    due_on=data["due_on"],
                    lead_unit=data["lead_unit"],
                    coordinating_units=data["coordinating_units"],
                    expected_product=data["expected_product"],
                    assignee=data.get("assignee") or None,
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Đã giao %(n)s nhiệm vụ.") % {"n": len(tasks)})
                return redirect("tasks:directive", pk=d.pk)
    today = timezone.localdate()
    counts, _m = selectors.rule_values(today, d.province_code)
    rows = _rows(selectors.task_list(fetched_by=request.user, directive_id=d.pk), user=request.user, on=today, extension_counts=counts)
    return render(request, "tasks/directive.html", {"d": d, "form": form, **rows, "can_manage": can_manage},
                  status=400 if request.method == "POST" else 200)


@login_required
def directive_file(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    _staff_or_404(request.user)
    d = selectors.directive_get(fetched_by=request.user, pk=pk)
    if not d.file:
        raise Http404
    return serve_file(request, d.file, filename=d.file_name or "van-ban", content_type=d.file_content_type, as_attachment=False)


def _task_context(request: AuthedHttpRequest, task: Any, **forms_: Any) -> dict[str, Any]:
    today = timezone.localdate()
    s = selectors.task_status(task, on=today)
    can_report = services.can_report(request.user, task) and task.state == task.State.OPEN
    can_manage = services.can_manage_directive(request.user, task.directive)
    history = selectors.task_history(task)
    pending = next((e for e in history["extensions"] if e.status == Extension.Status.PENDING), None)
    ctx = {
        "t": task,
        "commune": selectors.commune_names([task.commune_code]).get(task.commune_code, task.commune_code),
        "status": s,
        "label": st.LABELS.get(s, ""),
        "css": st.CSS.get(s, ""),
        "can_report": can_report,
        "can_manage": can_manage and task.state == task.State.OPEN,
        "pending": pending,
        **history,
        "report_form": forms.ReportForm(initial={"version": task.version, "progress": task.progress}) if can_report else None,
        "extension_form": forms.ExtensionForm() if can_report and pending is None else None,
        "decision_form": forms.DecisionForm() if can_manage and pending is not None else None,
        "cancel_form": forms.CancelForm() if can_manage and task.state == task.State.OPEN else None,
        "assignee_form": (
            forms.AssigneeForm(initial={"assignee": task.assignee_id or "", "version": task.version}, commune_code=task.commune_code)
            if services.can_set_assignee(request.user, task) and task.state == task.State.OPEN
            else None
        ),
    }
    ctx.update(forms_)
    return ctx


@login_required
def task_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _staff_or_404(request.user)
    task = selectors.task_get(fetched_by=request.user, pk=pk)
    return render(request, "tasks/task.html", _task_context(request, task))


def _post_action(request: AuthedHttpRequest, pk: int, form_cls: Any, form_key: str, action: Any, done: str) -> HttpResponse:
    _staff_or_404(request.user)
    task = selectors.task_get(fetched_by=request.user, pk=pk)
    form = form_cls(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(task, form.cleaned_data)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("tasks:task", pk=task.pk)
    task.refresh_from_db()
    ctx = _task_context(request, task)
    if ctx[form_key] is None:  # the form is no longer offered (the extension was decided, the task closed): its errors as messages
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    else:
        ctx[form_key] = form
    return render(request, "tasks/task.html", ctx, status=400)


@login_required
@require_POST
def task_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def act(task: Any, data: dict[str, Any]) -> None:
        services.task_report(
            actor=request.user,
            task=task,
            kind=data["kind"],
            content=data["content"],
            progress=data.get("progress"),
            files=request.FILES.getlist("attachments"),
            version=data.get("version"),
        )

    return _post_action(request, pk, forms.ReportForm, "report_form", act, _("Đã gửi báo cáo."))


@login_required
@require_POST
def task_extension(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def act(task: Any, data: dict[str, Any]) -> None:
        services.extension_request(actor=request.user, task=task, new_due=data["new_due"], reason=data["reason"])

    return _post_action(request, pk, forms.ExtensionForm, "extension_form", act, _("Đã gửi đề nghị gia hạn."))


@login_required
@require_POST
def task_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def act(task: Any, data: dict[str, Any]) -> None:
        ext = task.extensions.filter(status=Extension.Status.PENDING).first()
        if ext is None:
            raise errors.ACT_EXTENSION_DECIDED()
        services.extension_decide(actor=request.user, extension=ext, approve=data["decision"] == "approve", reason=data["reason"])

    return _post_action(request, pk, forms.DecisionForm, "decision_form", act, _("Đã ghi quyết định gia hạn."))


@login_required
@require_POST
def task_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def act(task: Any, data: dict[str, Any]) -> None:
        services.task_cancel(actor=request.user, task=task, reason=data["reason"])

    return _post_action(request, pk, forms.CancelForm, "cancel_form", act, _("Đã dừng nhiệm vụ."))


@login_required
@require_POST
def task_assignee(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def act(task: Any, data: dict[str, Any]) -> None:
        services.task_set_assignee(actor=request.user, task=task, assignee=data["assignee"] or None, version=data.get("version"))

    commune_code = selectors.task_get(fetched_by=request.user, pk=pk).commune_code
    form_cls = functools.partial(forms.AssigneeForm, commune_code=commune_code)
    return _post_action(request, pk, form_cls, "assignee_form", act, _("Đã cập nhật cán bộ chủ trì."))


@login_required
def attachment(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    _staff_or_404(request.user)
    try:
        a = TaskAttachment.objects.select_related("report").get(pk=pk)
    except TaskAttachment.DoesNotExist:
        raise Http404 from None
    selectors.task_get(fetched_by=request.user, pk=a.report.task_id)  # 404 outside the user's scope
    return serve_file(request, a.file, filename=a.original_name, content_type=a.content_type, as_attachment=False)


@login_required
def report(request: AuthedHttpRequest) -> HttpResponse:
    _staff_or_404(request.user)
    today = timezone.localdate()
    here = periods.period_containing("month", today, cutoff_day=selectors.cutoff_day(today, request.user.province_code))
    initial = {"kind": "month", "year": here.year, "number": here.number}
    form = forms.PeriodForm(request.GET or initial)
    data = None
    period = None
    if form.is_valid():
        cd = form.cleaned_data
        period = selectors.report_period(cd["kind"], cd["year"], cd["number"], request.user.province_code)
        data = selectors.period_figures(fetched_by=request.user, period=period)
        unit = _unit_label(request.user)
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            resp = HttpResponse(
                documents.report_xlsx(unit_name=unit, period=period, data=data),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            resp["Content-Disposition"] = f'attachment; filename="bao-cao-nhiem-vu-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"'
            return resp
        if fmt == "pdf":
            resp = HttpResponse(documents.report_pdf(unit_name=unit, period=period, data=data), content_type="application/pdf")
            resp["Content-Disposition"] = f'attachment; filename="bao-cao-nhiem-vu-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf"'
            return resp
    query = request.GET.urlencode() if request.GET else "&".join(f"{k}={v}" for k, v in initial.items())
    return render(
        request,
        "tasks/report.html",
        {"form": form, "data": data, "period": period, "query": query, "unit": _unit_label(request.user), "status_labels": st.LABELS},
    )
