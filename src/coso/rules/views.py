"""“Căn cứ pháp lý” pages: every rule by module with its value on a date, one rule's history and change form, and
what changes between two dates."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError
from coso.core.views import page_not_found
from coso.rules import selectors, services
from coso.rules.forms import DateForm, DiffForm, RuleChangeForm
from coso.rules.models import Confidence, Rule


def _scope_args(request: HttpRequest) -> tuple[dt.date, str | None, str | None]:
    form = DateForm(request.GET or None)
    if not request.GET:
        return timezone.localdate(), None, None
    form.is_valid()
    for message in form.errors.get("on", []):  # 31/12/9999, 1/1/0001 or no date: the rules of today, and why
        messages.error(request, str(message))
    d = form.cleaned_data
    return d.get("on") or timezone.localdate(), d.get("province") or None, d.get("commune") or None


def _error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return page_not_found(request) if exc.status in (403, 404) else render(request, "errors/400.html", {"message": exc.message}, status=exc.status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    on, p, c = _scope_args(request)
    try:
        scope = selectors.viewer_scope(request.user, p, c)
        catalogue = selectors.rule_catalogue(fetched_by=request.user, on=on, province_code=p, commune_code=c, module=request.GET.get("module") or None)
    except ApplicationError as exc:
        return _error_page(request, exc)
    return render(request, "rules/index.html", {
        "on": on, "catalogue": catalogue, "province_code": scope[0], "commune_code": scope[1],
        "is_sysadmin": selectors._is_sysadmin(request.user), "confidence": dict(Confidence.choices),
        # The province's stored values that its key's checks now refuse (e.g. stored before a validator existed).
        "value_problems": selectors.stored_value_problems_for(request.user, scope[0]),
    })


@login_required
def detail(request: HttpRequest, key: str) -> HttpResponse:
    on, p, c = _scope_args(request)
    try:
        data = selectors.rule_detail(fetched_by=request.user, key=key, on=on, province_code=p, commune_code=c)
    except ApplicationError as exc:
        return _error_page(request, exc)
    decl = data["declaration"]
    # Editors change the value of their own unit (a province administrator: the province; a system administrator: the scope viewed).
    user = request.user
    edit_p = data["province_code"] if selectors._is_sysadmin(user) else (getattr(user, "province_code", "") or "")
    edit_c = data["commune_code"] if selectors._is_sysadmin(user) else (getattr(user, "commune_code", "") or "")
    editable = selectors.can_edit(request.user, decl, edit_p, edit_c) and (bool(edit_p) or selectors._is_sysadmin(request.user))
    form = None
    warnings: list[str] = []
    if editable:
        current = data["ref"].value if data["ref"] else None
        form = RuleChangeForm(request.POST or None, declaration=decl)
        if request.method != "POST":
            form.initial["value"] = form.initial_text(current)
            form.initial["valid_from"] = timezone.localdate() + dt.timedelta(days=1)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                result = services.rule_change(
                    actor=request.user, key=key, value=d["value"], valid_from=d["valid_from"], valid_to=d["valid_to"], reason=d["reason"],
                    province_code=edit_p, commune_code=edit_c, source_document=d["source_document"], source_article=d["source_article"],
                    source_url=d["source_url"],
                )
            except ApplicationError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Đã lưu giá trị mới, áp dụng từ %(d)s.") % {"d": result.rule.valid_from.strftime("%d/%m/%Y")})
                for w in result.warnings:
                    messages.warning(request, w)
                return redirect(reverse("rules:detail", args=[key]) + (f"?province={edit_p}" if selectors._is_sysadmin(request.user) and edit_p else ""))
    status = 400 if request.method == "POST" and form is not None and form.errors else 200
    if request.method == "POST" and form is None:
        return page_not_found(request)
    today = timezone.localdate()
    return render(request, "rules/detail.html", {
        **data, "on": on, "form": form, "warnings": warnings, "today": today, "edit_scope": (edit_p, edit_c),
        "scope_label": selectors.scope_label(data["ref"]) if data["ref"] else "", "confidence": dict(Confidence.choices),
        "withdrawable": {r.pk for r in data["history"] if r.valid_from > today and selectors.can_edit(request.user, decl, r.province_code, r.commune_code)
                         and r.origin != Rule.Origin.DATA},
    }, status=status)


@login_required
@require_POST
def withdraw(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    try:
        selectors.require_reader(request.user)
        services.rule_withdraw(actor=request.user, rule_id=pk, key=key, reason=request.POST.get("reason") or _("Huỷ giá trị chưa có hiệu lực"))
    except ApplicationError as exc:
        if exc.status in (403, 404):
            return page_not_found(request)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã huỷ giá trị chưa có hiệu lực."))
    return redirect("rules:detail", key=key)


@login_required
def diff(request: HttpRequest) -> HttpResponse:
    form = DiffForm(request.GET or None)
    rows = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            rows = selectors.rule_diff(fetched_by=request.user, date_from=d["date_from"], date_to=d["date_to"], province_code=d["province"] or None)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                return _error_page(request, exc)
            # e.g. a start after the end, or a province that does not exist: next to its field
            apply_to_form(form, exc, summary=False, field_names={"province_code": "province"})
    else:
        try:
            selectors.require_reader(request.user)
        except ApplicationError:
            return page_not_found(request)
    status = 400 if request.GET and form.errors else 200
    return render(request, "rules/diff.html", {"form": form, "rows": rows, "is_sysadmin": selectors._is_sysadmin(request.user)}, status=status)
