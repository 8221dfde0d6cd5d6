from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError
from coso.units import lineage, services
from coso.units.forms import CommuneAttributesForm, CommuneFilterForm, VillageFilterForm, VillageForm, VillageImportForm
from coso.units.models import AdministrativeUnit
from coso.units.selectors import commune_get, commune_list, is_staff_user, village_get, village_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_user(request.user):
        raise Http404


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response



def _apply_error(form: Any, exc: ApplicationError) -> None:
    apply_to_form(form, exc, summary=False)


@login_required
def unit_list_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = CommuneFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = commune_list(
        fetched_by=request.user, query=filters.get("q", ""), kind=filters.get("kind", ""), classification=filters.get("classification", "")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "units/unit_list.html", {"page": page, "form": form})


@login_required
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    commune = commune_get(fetched_by=request.user, code=code)
    villages = village_list(fetched_by=request.user, commune_code=commune.code)
    return render(
        request,
        "units/commune_detail.html",
        {
            "commune": commune,
            "history": lineage.unit_history(commune),
            "villages": villages[:200],
            "village_count": villages.count(),
            "can_edit": services.can_edit_commune_attributes(request.user, commune),
            "can_edit_villages": services.can_edit_villages(request.user, commune),
        },
    )


@login_required
def commune_edit(request: HttpRequest, code: str) -> HttpResponse:
    commune = commune_get(fetched_by=request.user, code=code)
    if not services.can_edit_commune_attributes(request.user, commune):
        return render(request, "errors/403.html", status=403)
    form = CommuneAttributesForm(request.POST or None, instance=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.commune_update_attributes(actor=request.user, commune=commune, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đơn vị."))
            return redirect("units:commune_detail", code=commune.code)
    return render(request, "units/commune_form.html", {"commune": commune, "form": form})


def _village_filters(request: HttpRequest) -> tuple[VillageFilterForm, dict]:
    form = VillageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {"commune_code": (filters.get("commune") or "").strip(), "kind": filters.get("kind", ""), "query": filters.get("q", "")}


@login_required
def village_list_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form, filters = _village_filters(request)
    qs = village_list(fetched_by=request.user, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    can_create = _editable_communes(request.user).exists()
    return render(
        request, "units/village_list.html", {"page": page, "form": form, "can_create": can_create, "query_string": request.GET.urlencode()}
    )


@login_required
def village_export(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    _form, filters = _village_filters(request)
    return _xlsx(services.villages_export_bytes(village_list(fetched_by=request.user, **filters).iterator()), "thon-to-dan-pho.xlsx")


def _editable_communes(user):  # type: ignore[no-untyped-def]
    return AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE).filter(services.editable_communes_q(user)).order_by("code")


@login_required
def village_create(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    communes = _editable_communes(request.user)
    if not communes.exists():
        return render(request, "errors/403.html", status=403)
    initial = {}
    if request.GET.get("commune"):
        initial["commune"] = communes.filter(code=request.GET["commune"]).first()
    elif communes.count() == 1:
        initial["commune"] = communes.first()
    form = VillageForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        commune = data.pop("commune")
        try:
            village = services.village_create(actor=request.user, commune=commune, **data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": village})
            return redirect("units:commune_detail", code=commune.code)
    return render(request, "units/village_form.html", {"form": form, "village": None})


@login_required
def village_edit(request: HttpRequest, pk: int) -> HttpResponse:
    village = village_get(fetched_by=request.user, pk=pk)
    if not services.can_edit_villages(request.user, village.commune):
        return render(request, "errors/403.html", status=403)
    form = VillageForm(request.POST or None, instance=village)
    if request.method == "POST" and form.is_valid():
        try:
            services.village_update(actor=request.user, village=village, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": village.name})
            return redirect("units:commune_detail", code=village.commune_code)
    return render(request, "units/village_form.html", {"form": form, "village": village})


@login_required
def village_import(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = VillageImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.villages_import(actor=request.user, data=form.cleaned_data["file"].read())
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("Đã nhập %(n)s thôn, tổ dân phố.") % {"n": result["created"]})
            return redirect("units:village_list")
    return render(request, "units/village_import.html", {"form": form, "error": error})


@login_required
def village_template(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return _xlsx(services.villages_template_bytes(), "mau-nhap-thon-to-dan-pho.xlsx")


# --- Old address → current commune (public: citizens use it too) -----------------------------

def _conversion(request: HttpRequest) -> tuple[str, lineage.AddressConversion | None, str]:
    address = (request.GET.get("address") or request.GET.get("old_address") or "").strip()[:300]
    if not address:
        return "", None, ""
    try:
        return address, lineage.convert_old_address(address), ""
    except ApplicationError as exc:
        return address, None, exc.message


def convert_address(request: HttpRequest) -> HttpResponse:
    """Page: type an address written with the units before 1/7/2025, get the current commune(s)."""
    address, result, error = _conversion(request)
    return render(request, "units/convert.html", {"address": address, "result": result, "error": error})


def convert_suggest(request: HttpRequest) -> HttpResponse:
    """htmx partial for the "Địa chỉ cũ" helper field of intake and feedback forms."""
    address, result, error = _conversion(request)
    pks = {}
    if result is not None and result.candidates:
        pks = dict(AdministrativeUnit.objects.filter(code__in=[c.code for c in result.candidates]).values_list("code", "pk"))
    return render(request, "units/partials/_convert_result.html", {"address": address, "result": result, "error": error, "pks": pks,
                                                                    "pick": True})


# ---------------------------------------------------------------- reorganisation wizard
def _reorg_field_errors(form: Any, exc: ApplicationError) -> None:
    """Map spec errors of the service onto the wizard's fields (the service names spec fields)."""
    fields = {"sources": "sources", "target_village": "target_village", "new_name": "new_name", "commune": "commune",
              "targets": "targets", "villages": "village_targets"}
    kind = form.cleaned_data.get("kind") if hasattr(form, "cleaned_data") else ""
    if kind == "commune_merge":
        fields.update({"sources": "source_communes", "commune": "source_communes"})
    if kind == "commune_split":
        fields.update({"commune": "source"})
    names = (exc.details.get("fields") or {}) if exc.details else {}
    for name in names:
        target = fields.get(name, name)
        if target in form.fields:
            form.add_error(target, exc.message)
            return
    form.add_error(None, exc.message)


@login_required
def reorganisation_list_view(request: HttpRequest) -> HttpResponse:
    from coso.units.selectors import can_reorganise, reorganisation_list

    _staff_only(request)
    items = reorganisation_list(fetched_by=request.user)
    return render(request, "units/reorganisation_list.html", {
        "items": items[:200], "can_create": can_reorganise(request.user, getattr(request.user, "province_code", "") or "")})


@login_required
def reorganisation_new(request: HttpRequest) -> HttpResponse:
    from coso.units.forms import ReorganisationForm
    from coso.units.models import Village
    from coso.units.selectors import can_reorganise

    province_code = getattr(request.user, "province_code", "") or request.GET.get("province", "")
    if not can_reorganise(request.user, province_code):
        return render(request, "errors/403.html", status=403)
    communes = list(AdministrativeUnit.objects.filter(level="commune", province_code=province_code).order_by("name"))
    data = request.POST if request.method == "POST" else None
    kind = (data or request.GET).get("kind") or "village_merge"
    commune_code = (data or request.GET).get("commune") or (data or request.GET).get("source") or ""
    villages = list(Village.objects.filter(commune_code=commune_code, province_code=province_code, valid_to__isnull=True).order_by("name")) \
        if commune_code else []
    form = ReorganisationForm(data, communes=communes, villages=villages, initial={"kind": kind, "commune": commune_code, "source": commune_code})
    preview = None
    if data is not None and form.is_valid():
        d = form.cleaned_data
        args = {"actor": request.user, "province_code": province_code, "kind": d["kind"], "decision_number": d["decision_number"],
                "decision_date": d["decision_date"], "effective_on": d["effective_on"], "title": d["title"], "issuer": d.get("issuer", ""),
                "spec": form.spec()}
        try:
            if request.POST.get("action") == "schedule":
                r = services.reorganisation_schedule(**args)
                messages.success(request, _("Đã lên lịch sắp xếp; hệ thống sẽ thực hiện vào ngày có hiệu lực."))
                return redirect("units:reorganisation_detail", pk=r.pk)
            preview = services.reorganisation_schedule(**args, dry_run=True)
        except ApplicationError as exc:
            _reorg_field_errors(form, exc)
    return render(request, "units/reorganisation_form.html", {
        "form": form, "kind": kind, "preview": preview, "commune_code": commune_code, "villages": villages})


@login_required
def reorganisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from coso.units.forms import ReorganisationCancelForm
    from coso.units.selectors import can_reorganise, reorganisation_get, reorganisation_plan_now, reorganisation_result

    _staff_only(request)
    r = reorganisation_get(fetched_by=request.user, pk=pk)
    can_edit = can_reorganise(request.user, r.province_code)
    form = ReorganisationCancelForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            return render(request, "errors/403.html", status=403)
        if form.is_valid():
            try:
                services.reorganisation_cancel(actor=request.user, reorganisation_id=r.pk, reason=form.cleaned_data["reason"],
                                               version=form.cleaned_data["version"] or None)
            except ApplicationError as exc:
                apply_to_form(form, exc, summary=True)
            else:
                messages.success(request, _("Đã hủy phương án sắp xếp."))
                return redirect("units:reorganisation_detail", pk=r.pk)
    from django.utils import timezone

    return render(request, "units/reorganisation_detail.html", {
        "r": r, "preview": reorganisation_plan_now(r), "form": form, "result": reorganisation_result(r),
        "can_cancel": can_edit and (r.status == r.Status.FAILED or (r.status == r.Status.SCHEDULED and timezone.localdate() < r.effective_on))})
