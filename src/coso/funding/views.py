"""Pages: allocation drill-down (province → commune → village/organisation), rules, scenarios, comparison, distribution."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from coso.core.types import AuthedHttpRequest
from coso.funding import selectors, services
from coso.funding.compare import MAX_SCENARIOS, compare
from coso.funding.engine import CATEGORIES, Period
from coso.funding.exports import allocation_pdf, allocation_xlsx, comparison_xlsx
from coso.funding.forms import (
    AdoptForm,
    CommuneProfileForm,
    CommunePtDistributionForm,
    NormForm,
    ScenarioForm,
    VillageDistributionForm,
    key_choices,
)
from coso.funding.models import FundDistribution
from coso.funding.rules import RuleBook, read_qd68
from coso.units.models import AdministrativeUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def funding_view(fn):  # type: ignore[no-untyped-def]
    """Login required; permission errors → 403, not-found → 404 (never a 500)."""

    @login_required
    @functools.wraps(fn)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return fn(request, *args, **kwargs)
        except PermissionDeniedError:
            raise PermissionDenied from None
        except NotFoundError:
            raise Http404 from None

    return wrapper


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _period(request: HttpRequest) -> tuple[Period, bool]:
    """The period asked for and True; for one that is not a period, this year (the page shows it, with the error) and
    False: an export is then refused, not served with this year's figures under the period asked for."""
    text = request.GET.get("period") or str(timezone.localdate().year)
    try:
        return Period.parse(text), True
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return Period.parse(str(timezone.localdate().year)), False


def _year_text(year: int) -> str:
    return _("Năm %(year)s") % {"year": year}


def _quarter_text(quarter: int, year: int) -> str:
    return _("Quý %(quarter)s/%(year)s") % {"quarter": quarter, "year": year}


def _month_text(month: int, year: int) -> str:
    return _("Tháng %(month)s/%(year)s") % {"month": f"{month:02d}", "year": year}


def period_text(period: Period) -> str:
    """The period's name in the reader's language (``Period.label`` is the Vietnamese one the official exports print)."""
    y = period.start.year
    if period.months == 12:
        return _year_text(y)
    if period.months == 3:
        return _quarter_text((period.start.month + 2) // 3, y)
    return _month_text(period.start.month, y)


def _period_choices(period: Period) -> list[tuple[str, str]]:
    y = period.start.year
    out = []
    for year in range(y - 2, y + 2):
        out.append((str(year), _year_text(year)))
    out += [(f"{y}-Q{q}", _quarter_text(q, y)) for q in range(1, 5)]
    out += [(f"{y}-{m:02d}", _month_text(m, y)) for m in range(1, 13)]
    return out


@funding_view
def allocation_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    selectors.require_reader(user)
    period, period_taken = _period(request)
    village = org = None
    commune_code = request.GET.get("commune") or ""
    if request.GET.get("village"):
        village = selectors.village_get(fetched_by=user, pk=request.GET["village"])
        commune_code = village.commune_code
    elif request.GET.get("org"):
        org = selectors.organisation_get(fetched_by=user, pk=request.GET["org"])
        commune_code = org.commune_code
    if not selectors.is_province_user(user):
        commune_code = commune_code or user.commune_code
    province_code = selectors.province_for(user, request.GET.get("province") or None) if selectors.is_province_user(user) else user.province_code
    if commune_code:
        commune = selectors.commune_get(fetched_by=user, code=commune_code)
        province_code = commune.province_code
    else:
        commune = None
    fmt = request.GET.get("format")
    status = 200
    if fmt in ("xlsx", "pdf") and not period_taken:  # refused: the page says why
        fmt, status = None, 400
    # The lines' texts (labels, formulas, notes) in the reader's language on the page, in Vietnamese in the official exports
    # (their headings and columns are the finance department's Vietnamese layout).
    with translation.override("vi" if fmt in ("xlsx", "pdf") else translation.get_language()):
        alloc = selectors.allocation_get(fetched_by=user, period=period, province_code=province_code, commune_code=commune_code or None,
                                         detail=commune is not None or fmt == "xlsx")
    province = AdministrativeUnit.objects.filter(code=province_code).first()
    unit_name = commune.name if commune else (province.name if province else province_code)
    if fmt == "xlsx":
        return _download(allocation_xlsx(alloc, unit_name=unit_name), f"phan-bo-kinh-phi-{commune_code or province_code}-{period.code}.xlsx", XLSX)
    if fmt == "pdf":
        return _download(allocation_pdf(alloc, unit_name=unit_name, province_name=province.name if province else ""),
                         f"phan-bo-kinh-phi-{commune_code or province_code}-{period.code}.pdf", "application/pdf")
    ctx: dict[str, Any] = {"period": period, "period_text": period_text(period), "period_choices": _period_choices(period), "alloc": alloc, "province": province,
                           "commune": commune, "village": village, "org": org, "categories": CATEGORIES,
                           "is_province_user": selectors.is_province_user(user)}
    if commune is None:
        ctx["rows"] = [(c, [c.by_category()[k] for k, _ in CATEGORIES]) for c in alloc.communes]
        ctx["totals"] = [alloc.by_category()[k] for k, _ in CATEGORIES]
    else:
        res = alloc.communes[0] if alloc.communes else None
        ctx["result"] = res
        history = selectors.extra_workers_history(fetched_by=user, commune=commune)
        ctx["extra_history"] = history
        ctx["extra_pt_workers"] = selectors.extra_workers_on(history, timezone.localdate())
        ctx["today"] = timezone.localdate()
        ctx["can_edit_profile"] = user.is_superuser or user.role in selectors.WRITE_ROLES
        lines = res.lines if res else []
        if village is not None:
            ctx["lines"] = [ln for ln in lines if ln.recipient_kind == "village" and ln.recipient_id == village.pk]
        elif org is not None:
            ctx["lines"] = [ln for ln in lines if ln.recipient_kind == "organisation" and ln.recipient_id == org.pk]
        else:
            ctx["commune_lines"] = [ln for ln in lines if ln.recipient_kind != "village"]
            vrows: dict[int, dict] = {}
            for ln in lines:
                if ln.recipient_kind == "village":
                    row = vrows.setdefault(ln.recipient_id, {"id": ln.recipient_id, "name": ln.recipient_name, "total": 0, "note": "",
                                                             "village_fund": 0, "village_activist": 0, "ctmt": 0})
                    # per-title lines (a province's own titles) add up in the village fund column
                    row[ln.category] = row.get(ln.category, 0) + ln.amount
                    row["total"] += ln.amount
                    if ln.category == "village_fund" and ln.note:
                        row["note"] = ln.note
            ctx["village_rows"] = list(vrows.values())
        ctx["detail_total"] = sum(ln.amount for ln in ctx.get("lines", []))
    query = {"period": period.code}
    ctx["export_query"] = "&".join(f"{k}={v}" for k, v in {**query, **({"commune": commune.code} if commune else {})}.items())
    return render(request, "funding/allocation.html", ctx, status=status)


@funding_view
def rules_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    selectors.require_reader(user)
    try:
        day = dt.date.fromisoformat(request.GET.get("date") or "")
        selectors.check_day(day, "date")
    except ValueError:
        day = timezone.localdate()
    except ApplicationError as exc:  # 31/12/9999: the rules of today, and why
        messages.error(request, exc.message)
        day = timezone.localdate()
    code, book = selectors.rules_in_force(fetched_by=user, day=day)
    commune_code = selectors.rules_commune_code(user)
    refs = book.in_force(day, commune_code=commune_code)
    can_edit = user.is_superuser or user.role in selectors.WRITE_ROLES
    form = None
    if can_edit:
        all_refs = {r.key: r for r in book.in_force(day)}
        keys = [(k, r.label) for k, r in sorted(all_refs.items()) if not isinstance(r.value, list) and k.startswith("funding.")]
        form = NormForm(request.POST or None, keys=keys)
        if request.method == "POST" and form.is_valid():
            try:
                services.funding_rule_set(actor=user, key=form.cleaned_data["key"], value=form.cleaned_data["value"],
                                          valid_from=form.cleaned_data["valid_from"], source=form.cleaned_data["source"], province_code=code,
                                          valid_to=form.cleaned_data.get("valid_to"), reason=form.cleaned_data["reason"])
                messages.success(request, _("Đã lưu định mức mới; giá trị trước được giữ trong lịch sử."))
                return redirect(reverse("funding:rules") + f"?date={form.cleaned_data['valid_from'].isoformat()}")
            except ApplicationError as exc:
                form.add_error(None, exc.message)
    history = selectors.rule_history(fetched_by=user, province_code=code, key=request.GET.get("key")) if request.GET.get("key") else None
    return render(request, "funding/rules.html", {"refs": refs, "day": day, "form": form, "province_code": code, "history": history,
                                                   "commune_code": commune_code, "qd68": read_qd68()})


@funding_view
def scenario_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    scenarios = selectors.scenario_list(fetched_by=user)
    code = selectors.province_for(user)
    refs = RuleBook.load(code).in_force(timezone.localdate())
    form = ScenarioForm(request.POST or None, keys=key_choices(refs))
    if request.method == "POST" and form.is_valid():
        try:
            sc = services.scenario_create(actor=user, name=form.cleaned_data["name"], description=form.cleaned_data["description"],
                                          changes=form.cleaned_data["changes"])
            messages.success(request, _("Đã tạo kịch bản “%(name)s”.") % {"name": sc.name})
            return redirect("funding:scenario", pk=sc.pk)
        except ApplicationError as exc:
            for field, errs in (exc.details.get("fields") or {}).items():
                name = field.replace("changes.", "").replace(".", "_")
                parts = name.split("_")
                target = f"{parts[1]}_{parts[0]}" if len(parts) == 2 and parts[0].isdigit() else field
                form.add_error(target if target in form.fields else None, errs[0])
            if not exc.details.get("fields"):
                form.add_error(None, exc.message)
    return render(request, "funding/scenarios.html", {"scenarios": scenarios, "form": form, "max": MAX_SCENARIOS})


@funding_view
def scenario_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    sc = selectors.scenario_get(fetched_by=user, pk=pk)
    adopt = AdoptForm(request.POST or None) if request.POST.get("action") == "adopt" else AdoptForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.scenario_delete(actor=user, scenario=sc)
                messages.success(request, _("Đã xoá kịch bản."))
                return redirect("funding:scenarios")
            if request.POST.get("action") == "unadopt":
                try:
                    n = services.scenario_unadopt(actor=user, scenario=sc)
                except ApplicationError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("Đã huỷ áp dụng kịch bản: %(n)s định mức chưa có hiệu lực được huỷ; kịch bản trở lại dự thảo.") % {"n": n})
                return redirect("funding:scenario", pk=sc.pk)
            if request.POST.get("action") == "adopt" and adopt.is_valid():
                rows = services.scenario_adopt(actor=user, scenario=sc, effective_from=adopt.cleaned_data["effective_from"],
                                               source=adopt.cleaned_data["source"])
                messages.success(request, _("Đã áp dụng kịch bản: %(n)s định mức mới từ %(d)s.") % {
                    "n": len(rows), "d": adopt.cleaned_data["effective_from"].strftime("%d/%m/%Y")})
                return redirect("funding:scenario", pk=sc.pk)
        except ApplicationError as exc:
            apply_to_form(adopt, exc)
    book = RuleBook.load(sc.province_code, selectors.scenario_changes(sc))
    changed = [r for r in book.in_force(timezone.localdate()) if r.original_value is not None]
    unadoptable = sc.status == sc.Status.ADOPTED and (sc.adopted_from is None or sc.adopted_from > timezone.localdate())
    return render(request, "funding/scenario_detail.html", {"scenario": sc, "adopt": adopt, "changed": changed, "unadoptable": unadoptable})


@funding_view
def compare_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    all_scenarios = list(selectors.scenario_list(fetched_by=user))
    code = selectors.province_for(user)
    period, period_taken = _period(request)
    status = 200
    ids = list(dict.fromkeys(i for i in request.GET.getlist("s") if i.isdigit()))  # each scenario once, in the order chosen
    if len(ids) > MAX_SCENARIOS:
        messages.error(request, _("Chỉ so sánh tối đa %(n)s kịch bản cùng lúc; đã lấy %(n)s kịch bản đầu.") % {"n": MAX_SCENARIOS})
        ids = ids[:MAX_SCENARIOS]
    chosen = [selectors.scenario_get(fetched_by=user, pk=i) for i in ids]
    if len({sc.province_code for sc in chosen}) > 1:
        messages.error(request, _("Chỉ so sánh các kịch bản của cùng một tỉnh."))
        chosen = [sc for sc in chosen if sc.province_code == chosen[0].province_code]
    for sc in [sc for sc in chosen if sc.bound_problems]:  # saved before the bounds were checked: the engine cannot compute it
        messages.error(request, _("Kịch bản “%(name)s” có định mức ngoài giới hạn cho phép nên không được đưa vào so sánh: %(problems)s. "
                                  "Hãy sửa hoặc xoá kịch bản.") % {"name": sc.name, "problems": "; ".join(sc.bound_problems)})
        chosen.remove(sc)
    if chosen:
        code = chosen[0].province_code
    cmp = None
    chart = None
    if chosen:
        qs = AdministrativeUnit.objects.filter(level="commune", province_code=code)
        exporting = request.GET.get("format") == "xlsx" and period_taken
        with translation.override("vi" if exporting else translation.get_language()):  # the official export is Vietnamese
            cmp = compare(province_code=code, period=period, scenarios=[None, *chosen], inputs_factory=lambda: selectors.commune_inputs(qs))
        if request.GET.get("format") == "xlsx" and not period_taken:  # refused: the page says why
            status = 400
        elif request.GET.get("format") == "xlsx":
            province = AdministrativeUnit.objects.filter(code=code).first()
            return _download(comparison_xlsx(cmp, unit_name=province.name if province else code), f"so-sanh-kich-ban-{period.code}.xlsx", XLSX)
        top = sorted(cmp.communes, key=lambda r: -max(r.diffs or [0]))[:15]
        chart = {
            "scenarios": [c["name"] for c in cmp.columns],
            "categories": [r.name for r in cmp.categories],
            "category_values": [[r.values[i] for r in cmp.categories] for i in range(len(cmp.columns))],
            "communes": [r.name for r in top],
            "commune_diffs": [[r.diffs[i] for r in top] for i in range(len(cmp.columns) - 1)],
        }
        changed_villages = sorted((r for r in cmp.villages if any(cmp_d != 0 for cmp_d in r.diffs)), key=lambda r: -r.max_gain)
    export_query = "&".join([f"period={period.code}"] + [f"s={i}" for i in ids])
    return render(request, "funding/compare.html", {
        "all_scenarios": all_scenarios, "ids": [int(i) for i in ids], "cmp": cmp, "chart": chart, "period": period, "period_text": period_text(period),
        "period_choices": _period_choices(period), "export_query": export_query, "max": MAX_SCENARIOS,
        "changed_villages": changed_villages[:100] if cmp else [], "changed_villages_count": len(changed_villages) if cmp else 0,
        "gainers": cmp.gainers(20) if cmp else [],
    }, status=status)


@funding_view
def village_distribution_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    village = selectors.village_get(fetched_by=user, pk=pk)
    data = request.POST or {"month": request.GET.get("month") or VillageDistributionForm.default_month()}
    form = VillageDistributionForm(data)
    preview = None
    if form.is_valid():
        coefs = {k: form.cleaned_data[k] for k in ("bi_thu", "truong_thon", "truong_ban_ctmt") if form.cleaned_data.get(k) is not None}
        if request.method == "POST" and not request.POST.get("use_defaults"):
            coefs = {k: form.cleaned_data.get(k) for k in ("bi_thu", "truong_thon", "truong_ban_ctmt")}
        try:
            preview = services.village_distribution_preview(fetched_by=user, village_id=village.pk, month=form.cleaned_data["month"], coefficients=coefs or None)
            if request.method == "POST":
                services.village_fund_distribute(actor=user, village_id=village.pk, month=form.cleaned_data["month"], coefficients=coefs or None)
                messages.success(request, _("Đã lưu phân phối quỹ phụ cấp của thôn."))
                return redirect(reverse("funding:village_distribution", args=[village.pk]) + f"?month={form.cleaned_data['month']:%Y-%m}")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            if exc.details.get("lines"):
                preview = {"lines": exc.details["lines"], "fund": exc.details.get("fund"), "total": exc.details.get("requested"), "refused": True}
    return render(request, "funding/village_distribution.html", {"village": village, "form": form, "preview": preview})


@funding_view
def commune_pt_distribution_view(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    commune = selectors.commune_get(fetched_by=user, code=code)
    form = CommunePtDistributionForm(request.POST or None, initial={"month": timezone.localdate().strftime("%Y-%m")})
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.commune_pt_fund_distribute(actor=user, commune_code=commune.code, month=form.cleaned_data["month"],
                                                        workers=form.cleaned_data["workers"])
            messages.success(request, _("Đã lưu phân phối quỹ phụ cấp."))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    recent = FundDistribution.objects.filter(commune=commune, kind=FundDistribution.Kind.COMMUNE_PT)[:5]
    return render(request, "funding/commune_pt_distribution.html", {"commune": commune, "form": form, "saved": saved, "recent": recent})


@funding_view
def commune_profile_view(request: AuthedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    commune = selectors.commune_get(fetched_by=user, code=code)
    if not (user.is_superuser or user.role in selectors.WRITE_ROLES):
        raise PermissionDenied
    if request.method != "POST":
        return redirect(reverse("funding:allocation") + f"?commune={commune.code}")
    form = CommuneProfileForm(request.POST)
    if form.is_valid():
        try:
            services.commune_profile_set(actor=user, commune=commune, extra_pt_workers=form.cleaned_data["extra_pt_workers"],
                                         valid_from=form.cleaned_data.get("valid_from"))
            messages.success(request, _("Đã cập nhật số người hoạt động không chuyên trách tăng thêm."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse("funding:allocation") + f"?commune={commune.code}&period={request.POST.get('period', '')}")
