from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coso.accounts.roles import ADMIN_ROLES, Role
from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError
from coso.core.types import AuthedHttpRequest

from . import services
from .forms import CatalogueImportForm, ProcedureFilterForm, ReactivateForm, StepsForm, VersionForm
from .models import ProcedureVersion
from .selectors import (
    current_version,
    procedure_fields,
    procedure_get,
    procedure_list,
    procedure_versions,
    province_for,
    version_for_admin,
    version_steps,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submit_url(code: str) -> str | None:
    """The online-submission page of the dossiers app for this procedure, if that page exists."""
    try:
        return reverse("dossiers:submit") + "?" + urlencode({"procedure": code})
    except NoReverseMatch:
        return None


def procedure_list_view(request: HttpRequest) -> HttpResponse:
    form = ProcedureFilterForm(request.GET or None, fields=procedure_fields())
    filters = form.cleaned_data if form.is_valid() else {}
    province = province_for(request.user)
    qs = procedure_list(fetched_by=request.user, query=filters.get("q", ""), field=filters.get("field", ""),
                        online=filters.get("online", ""), province_code=province)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [(p, current_version(p, province)) for p in page]
    return render(request, "procedures/procedure_list.html", {"form": form, "page": page, "rows": rows, "is_admin": _is_admin(request.user)})


def procedure_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    province = province_for(request.user)
    today = timezone.localdate()
    procedure = procedure_get(code=code, on=today)  # not ended today (one ended from a later day still is): offered with a version
    version = procedure.version_on(today, province)
    if version is None:
        raise Http404
    online_link = submit_url(procedure.code) if version.online != ProcedureVersion.Online.NONE else None
    return render(request, "procedures/procedure_detail.html", {
        "procedure": procedure, "version": version, "steps": version_steps(version), "today": today,
        "submit_url": online_link, "is_admin": _is_admin(request.user),
    })


# --------------------------------------------------------------------------- administration


def _is_admin(user) -> bool:  # type: ignore[no-untyped-def]
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role in ADMIN_ROLES))


def _admin_only(request: HttpRequest) -> None:
    if not _is_admin(request.user):
        raise Http404


def _province_choices(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from coso.units.models import AdministrativeUnit

    if user.is_superuser or user.role == Role.SYSTEM_ADMIN:
        provinces = AdministrativeUnit.objects.filter(level="province").order_by("code").values_list("code", "name")
        return [("", _("Toàn quốc"))] + [(c, f"{c} · {n}") for c, n in provinces]
    name = AdministrativeUnit.objects.filter(code=user.province_code).values_list("name", flat=True).first() or user.province_code
    return [(user.province_code, _("Riêng %(name)s") % {"name": name})]


@login_required
def admin_list_view(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = ProcedureFilterForm(request.GET or None, fields=procedure_fields())
    filters = form.cleaned_data if form.is_valid() else {}
    province = province_for(request.user)
    qs = procedure_list(fetched_by=request.user, query=filters.get("q", ""), field=filters.get("field", ""),
                        online=filters.get("online", ""), province_code=province, include_inactive=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(p, current_version(p, province)) for p in page]
    return render(request, "procedures/admin_list.html", {"form": form, "page": page, "rows": rows, "today": timezone.localdate()})


@login_required
def admin_detail_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    _admin_only(request)
    procedure = procedure_get(code=code, include_inactive=True)
    user = request.user
    province = province_for(user)
    scope = None if (user.is_superuser or user.role == Role.SYSTEM_ADMIN) else province
    current = procedure.version_on(timezone.localdate(), province)
    choices = _province_choices(user)
    is_system = bool(user.is_superuser or user.role == Role.SYSTEM_ADMIN)
    reactivate_form = None
    if not procedure.is_active and is_system:
        reactivate_form = ReactivateForm(request.POST if request.POST.get("action") == "reactivate" else None, prefix="reactivate",
                                         initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and request.POST.get("action") == "reactivate":
        if reactivate_form is None:  # an active procedure, or not a system administrator: nothing to re-open here
            raise Http404
        if reactivate_form.is_valid():
            d = reactivate_form.cleaned_data
            try:
                services.procedure_reactivate(actor=user, procedure=procedure, valid_from=d["valid_from"], reason=d["reason"])
            except ApplicationError as exc:
                apply_to_form(reactivate_form, exc, summary=False)
            else:
                messages.success(request, _("Đã áp dụng lại thủ tục từ ngày %(d)s.") % {"d": d["valid_from"].strftime("%d/%m/%Y")})
                return redirect("procedures:admin_detail", code=procedure.code)
        form = VersionForm(initial=VersionForm.initial_from(current), province_choices=choices)
    elif request.method == "POST":
        form = VersionForm(request.POST, province_choices=choices)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.version_create(
                    actor=user, procedure=procedure, valid_from=d["valid_from"], province_code=d["province_code"] or "",
                    steps=d["steps"], reason=d["reason"], time_limit=d["time_limit"], time_unit=d["time_unit"],
                    cutoff_time=d["cutoff_time"], time_limit_note=d["time_limit_note"], fee=d["fee"], fee_note=d["fee_note"],
                    required_documents=d["required_documents"], result_type=d["result_type"], online=d["online"],
                    applicant=d["applicant"], legal_basis=d["legal_basis"], source=d["source"], confidence=d["confidence"] or "",
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("Đã tạo phiên bản mới từ ngày %(d)s.") % {"d": d["valid_from"].strftime("%d/%m/%Y")})
                return redirect("procedures:admin_detail", code=procedure.code)
    else:
        initial = VersionForm.initial_from(current)
        if scope:
            initial["province_code"] = scope
        form = VersionForm(initial=initial, province_choices=choices)
    versions = list(procedure_versions(procedure=procedure, province_code=scope))
    for v in versions:
        # template-only attributes set on the fetched rows
        v.steps_text = services.steps_to_text([{"name": s.name, "role": s.role, "share_percent": s.share_percent} for s in v.steps.all()])  # type: ignore[attr-defined]
        v.editable_steps = (v.valid_from > timezone.localdate() and not v.withdrawn  # type: ignore[attr-defined]
                            and (scope is None or v.province_code == scope))
    return render(request, "procedures/admin_detail.html", {"procedure": procedure, "form": form, "versions": versions, "current": current,
                                                            "reactivate_form": reactivate_form, "today": timezone.localdate()})


def _apply_error(form, exc: ApplicationError) -> None:  # type: ignore[no-untyped-def]
    if exc.code == "invalid-steps" and "steps" in form.fields:
        form.add_error("steps", exc.message)
        return
    apply_to_form(form, exc, summary=False)


@login_required
def admin_steps_view(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    version = version_for_admin(fetched_by=request.user, pk=pk)  # another province's: 404, as any record out of scope
    if request.method != "POST":
        return redirect("procedures:admin_detail", code=version.procedure.code)
    form = StepsForm(request.POST)
    if form.is_valid():
        try:
            services.steps_configure(actor=request.user, version=version, steps=form.cleaned_data["steps"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã lưu các bước xử lý."))
    else:
        messages.error(request, "; ".join(str(e) for e in form.errors.get("steps", [])) or _("Các bước xử lý chưa hợp lệ."))
    return redirect("procedures:admin_detail", code=version.procedure.code)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = CatalogueImportForm(request.POST or None, request.FILES or None,
                               initial={"effective_from": timezone.localdate() + dt.timedelta(days=1)})
    error = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            if form.cleaned_data["source_format"] == "portal":
                from .portal import portal_import, read_records

                result = portal_import(actor=request.user, records=read_records(f.read()), effective_from=form.cleaned_data["effective_from"],
                                       commune_only=form.cleaned_data["commune_only"], reason=form.cleaned_data["reason"] or f"portal {f.name}")
            else:
                rows = services.rows_from_upload(f.name, f.read())
                result = services.catalogue_import(actor=request.user, rows=rows, effective_from=form.cleaned_data["effective_from"],
                                                   reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            error = exc
            for name, field_messages in (exc.details.get("fields") or {}).items():
                if name in form.fields:  # e.g. a past "Áp dụng thay đổi từ ngày": named next to its field
                    for message in field_messages:
                        form.add_error(name, str(message))
        else:
            messages.success(request, _("Đã nhập %(rows)s dòng: %(new)s phiên bản mới, %(same)s dòng không thay đổi, %(proc)s thủ tục mới.") % {
                "rows": result["rows"], "new": result["versions_created"], "same": result["unchanged"], "proc": result["procedures_created"]})
            if result.get("skipped"):
                messages.info(request, _("Bỏ qua %(n)s bản ghi không phải thủ tục cấp xã.") % {"n": result["skipped"]})
            if result.get("unconfirmed"):
                messages.warning(request, _("%(n)s thủ tục có thời hạn chưa xác nhận (Cổng không ghi đơn vị hoặc chia nhiều giai đoạn); xem ghi chú thời hạn.") % {"n": result["unconfirmed"]})
            return redirect("procedures:admin")
    return render(request, "procedures/import.html", {"form": form, "error": error})


@login_required
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    _admin_only(request)
    if fmt not in ("json", "xlsx"):
        raise Http404
    province = province_for(request.user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        response = HttpResponse(services.catalogue_json_bytes(province_code=province), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{stamp}.json"'
        return response
    response = HttpResponse(services.catalogue_excel_bytes(province_code=province), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{stamp}.xlsx"'
    return response


# --------------------------------------------------------------------------- phân cấp
@login_required
def decentralisation_view(request: HttpRequest) -> HttpResponse:
    """Province administrators hand provincial procedures' decisions to their communes from a date, and end them."""
    from .forms import DecentralisationForm
    from .models import Procedure
    from .selectors import decentralisation_list

    _admin_only(request)
    user = request.user
    provinces = [(c, n) for c, n in _province_choices(user) if c]
    procedures = Procedure.objects.filter(decision_level=Procedure.Level.PROVINCE, is_active=True).order_by("name")
    form = DecentralisationForm(request.POST if request.POST.get("action") == "create" else None, provinces=provinces, procedures=procedures,
                                initial={"province_code": getattr(user, "province_code", "")})
    if request.method == "POST" and request.POST.get("action") == "end":
        return _decentralisation_end(request)
    if request.method == "POST":
        try:
            if form.is_valid():
                d = form.cleaned_data
                services.decentralisation_create(actor=user, procedure=procedure_get(code=d["procedure"], include_inactive=True), province_code=d["province_code"],
                                                 valid_from=d["valid_from"], valid_to=d["valid_to"], decision_number=d["decision_number"],
                                                 decision_date=d["decision_date"], note=d["note"])
                messages.success(request, _("Đã phân cấp thủ tục cho cấp xã."))
                return redirect("procedures:decentralisations")
        except (ApplicationError, ValueError) as exc:
            if isinstance(exc, ApplicationError):
                apply_to_form(form, exc, summary=True)
            else:
                messages.error(request, _("Ngày không hợp lệ."))
    rows = decentralisation_list(fetched_by=user)
    return render(request, "procedures/decentralisations.html", {"form": form, "rows": rows, "today": timezone.localdate()})


def _decentralisation_end(request: HttpRequest) -> HttpResponse:
    """A row's "Đặt ngày kết thúc": refusals come back as a message on the list (the row form has no place for errors)."""
    from .forms import DecentralisationEndForm

    form = DecentralisationEndForm(request.POST)
    if not form.is_valid():
        if "pk" in form.errors:  # not a decentralisation's id
            raise Http404
        for name, errors in form.errors.items():
            messages.error(request, f"{form.fields[name].label}: {errors[0]}" if name in form.fields else str(errors[0]))
        return redirect("procedures:decentralisations")
    d = form.cleaned_data
    try:
        services.decentralisation_end(actor=request.user, decentralisation_id=d["pk"], valid_to=d["valid_to"], reason=d["reason"])
    except ApplicationError as exc:
        if exc.status in (403, 404):  # another province's decentralisation, or none: not found
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đặt ngày kết thúc phân cấp."))
    return redirect("procedures:decentralisations")
