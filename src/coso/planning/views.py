"""Pages of the planning app (server-rendered; the API in api.py calls the same services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from coso.core.exceptions import ApplicationError
from coso.core.params import iso_day
from coso.planning import catalogue, errors, selectors, services
from coso.workforce import selectors as wf


def _require(request: HttpRequest) -> None:
    if not services.can_view(request.user):
        raise Http404


def parse_date(raw: str) -> dt.date:
    raw = (raw or "").strip()
    try:
        return iso_day(raw)
    except ValueError:
        pass
    from coso.workforce.services import parse_vn_date

    try:
        return parse_vn_date(raw)
    except ValueError as exc:
        raise errors.INVALID_DATE() from exc


def _int(raw: Any, label: str) -> int:
    try:
        value = int(str(raw).replace(".", "").replace(",", "").strip())
    except (TypeError, ValueError) as exc:
        raise errors.NOT_A_NUMBER(label=label) from exc
    if value < 0 or value > 10**15:
        raise errors.OUT_OF_RANGE(label=label)
    return value


def _communes(user: Any) -> list[Any]:
    from coso.core.scoping import scoped
    from coso.units.models import AdministrativeUnit

    return list(scoped(AdministrativeUnit.objects.filter(level="commune"), user, commune_field="code").order_by("name").only("code", "name"))


@login_required
def lists(request: HttpRequest) -> HttpResponse:
    _require(request)
    user: Any = request.user
    if request.method == "POST":
        try:
            plist = services.list_create(actor=user, commune_code=request.POST.get("commune") or user.commune_code or "",
                                         term=request.POST.get("term", ""), position_code=request.POST.get("position", ""),
                                         note=request.POST.get("note", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Đã lập danh sách quy hoạch."))
            return redirect("planning:list", pk=plist.pk)
    term = request.GET.get("term", "")
    commune = request.GET.get("commune", "")
    qs = selectors.lists(fetched_by=user, term=term if term in catalogue.TERMS else "", commune=commune)
    communes = _communes(user)
    names = {u.code: u.name for u in communes}
    rows = [{"list": pl, "commune_name": names.get(pl.commune_code, pl.commune_code), "position_name": services.position_name(pl.position_code),
             "term_label": catalogue.term_label(pl.term)} for pl in qs[:500]]
    structure = selectors.unit_structure(fetched_by=user, term=term or "2030-2035", commune=commune)
    return render(request, "planning/lists.html", {
        "rows": rows, "terms": catalogue.TERMS, "term": term, "commune": commune, "communes": communes,
        "positions": [(code, services.position_name(code)) for code in catalogue.PLANNABLE], "structure": structure,
        "structure_term": catalogue.term_label(term or "2030-2035"),
        "can_edit": user.is_superuser or user.role in services.EDIT_ROLES,
    })


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    user: Any = request.user
    plist = selectors.list_get(fetched_by=user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                services.candidate_add(actor=user, planning_list=plist, person_id=_int(request.POST.get("person"), gettext("Người được quy hoạch")),
                                       entered_on=parse_date(request.POST.get("entered_on", "")), decision=request.POST.get("decision", ""))
                messages.success(request, gettext("Đã đưa vào danh sách quy hoạch."))
            elif action == "remove":
                cand = selectors.candidate_get(fetched_by=user, pk=_int(request.POST.get("candidate"), gettext("Người trong quy hoạch")))
                if cand.planning_list_id != plist.pk:
                    raise Http404
                services.candidate_remove(actor=user, candidate=cand, on=parse_date(request.POST.get("on", "")),
                                          decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""))
                messages.success(request, gettext("Đã đưa ra khỏi quy hoạch."))
            else:
                raise errors.INVALID_ACTION()
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("planning:list", pk=plist.pk)
    ctx = selectors.list_detail(fetched_by=user, pk=pk)
    ctx["people"] = wf.person_choices(fetched_by=user, commune=plist.commune_code)
    ctx["today"] = timezone.localdate()
    ctx["can_edit"] = user.is_superuser or user.role in services.EDIT_ROLES
    ctx["commune_name"] = next((u.name for u in _communes(user) if u.code == plist.commune_code), plist.commune_code)
    return render(request, "planning/list.html", ctx)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    _require(request)
    user: Any = request.user
    if request.method == "POST":
        try:
            if request.POST.get("action") == "run":
                if not (user.is_superuser or user.role in services.EDIT_ROLES):
                    raise errors.REVIEW_FORBIDDEN()
                counts = services.review_run(on=timezone.localdate(), actor=user, province_code=user.province_code or "",
                                             commune_code=user.commune_code or "")
                messages.success(request, gettext("Đã rà soát %(checked)s người trong quy hoạch: %(proposed)s đề xuất mới đưa ra khỏi quy hoạch "
                                                  "chờ quyết định.") % {"checked": counts["checked"], "proposed": counts["proposed"]})
            elif request.POST.get("action") in ("accept", "reject"):
                prop = selectors.proposal_get(fetched_by=user, pk=_int(request.POST.get("proposal"), gettext("Đề xuất")))
                services.proposal_decide(actor=user, proposal=prop, accept=request.POST.get("action") == "accept",
                                         decision=request.POST.get("decision", ""), note=request.POST.get("note", ""))
                messages.success(request, gettext("Đã ghi quyết định."))
            else:
                raise errors.INVALID_ACTION()
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("planning:review")
    status = request.GET.get("status", "pending")
    props = list(selectors.proposals(fetched_by=user, status=status if status in ("pending", "accepted", "rejected") else "pending")[:500])
    names = selectors.person_names([p.candidate.person_id for p in props])
    rows = [{"p": p, "name": names.get(p.candidate.person_id, ""), "position_name": services.position_name(p.candidate.planning_list.position_code),
             "term_label": catalogue.term_label(p.candidate.planning_list.term)} for p in props]
    return render(request, "planning/review.html", {"rows": rows, "status": status,
                                                    "can_edit": user.is_superuser or user.role in services.EDIT_ROLES})


@login_required
def training(request: HttpRequest) -> HttpResponse:
    _require(request)
    user: Any = request.user
    year = timezone.localdate().year + 1
    if request.method == "POST":
        try:
            if request.POST.get("action") == "course":
                cost_raw = request.POST.get("cost_per_person", "").strip()
                starts = request.POST.get("starts_on", "").strip()
                services.course_create(actor=user, province_code=user.province_code or "", commune_code=user.commune_code or "",
                                       kind=request.POST.get("kind", ""), name=request.POST.get("name", ""),
                                       year=_int(request.POST.get("year"), gettext("Năm")),
                                       duration_days=_int(request.POST.get("duration_days"), gettext("Thời gian")),
                                       seats=_int(request.POST.get("seats"), gettext("Số chỗ")),
                                       cost_per_person=_int(cost_raw, gettext("Chi phí")) if cost_raw else None,
                                       starts_on=parse_date(starts) if starts else None)
                messages.success(request, gettext("Đã thêm khóa học."))
                return redirect("planning:training")
            if request.POST.get("action") != "plan":
                raise errors.INVALID_ACTION()
            raw_pinned, raw_excluded = _parts(request.POST.get("pinned", "")), _parts(request.POST.get("excluded", ""))
            services.check_plan_lists(pinned=len(raw_pinned), excluded=len(raw_excluded))  # counted before each is read
            pinned, excluded = _pins(raw_pinned), _ids(raw_excluded)
            plan = services.plan_build(actor=user, province_code=user.province_code or "", commune_code=user.commune_code or "",
                                       year=_int(request.POST.get("year"), gettext("Năm")),
                                       budget=_int(request.POST.get("budget"), gettext("Kinh phí")),
                                       per_person_limit=(_int(request.POST.get("limit"), gettext("Số khóa tối đa"))
                                                         if request.POST.get("limit") else None),
                                       pinned=pinned, excluded=excluded)
            return redirect("planning:plan", pk=plan.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(request, "planning/training.html", {
        "courses": selectors.courses(fetched_by=user).order_by("-year", "kind")[:200], "kinds": catalogue.COURSE_KINDS, "year": year,
        "plans": selectors.plans(fetched_by=user)[:20], "can_edit": user.is_superuser or user.role in services.EDIT_ROLES,
    })


def _parts(raw: str) -> list[str]:
    """The items of a list typed with commas or semicolons (blank ones left out)."""
    return [part for part in raw.replace(";", ",").split(",") if part.strip()]


def _ids(parts: list[str]) -> list[int]:
    return [_int(part, gettext("Mã người loại trừ")) for part in parts]


def _pins(parts: list[str]) -> list[tuple[int, int]]:
    out = []
    for part in parts:
        person, sep, course = part.partition(":")
        if not sep:
            raise errors.INVALID_PIN()
        out.append((_int(person, gettext("Mã người")), _int(course, gettext("Mã khóa"))))
    return out


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    user: Any = request.user
    plan = selectors.plan_get(fetched_by=user, pk=pk)
    if request.method == "POST":
        try:
            services.attendance_complete(actor=user, plan=plan, person_id=_int(request.POST.get("person"), gettext("Mã người")),
                                         course_id=_int(request.POST.get("course"), gettext("Mã khóa")),
                                         ended_on=parse_date(request.POST.get("ended_on", "")),
                                         certificate=request.POST.get("certificate", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("Đã ghi nhận hoàn thành; hồ sơ cán bộ đã được cập nhật trình độ."))
            return redirect("planning:plan", pk=plan.pk)
    done = {(p, c) for p, c in plan.result.get("completed", [])}
    rows = [{**row, "done": (row["person"], row["course"]) in done} for row in plan.result.get("milp", {}).get("rows", [])]
    return render(request, "planning/plan.html", {"plan": plan, "r": plan.result, "rows": rows, "today": timezone.localdate(),
                                                  "can_edit": user.is_superuser or user.role in services.EDIT_ROLES})


# ---------------------------------------------------------------- postgraduate training requests
def _can_edit(user: Any) -> bool:
    return bool(user.is_superuser or user.role in services.EDIT_ROLES)


@login_required
def postgrad_list(request: HttpRequest) -> HttpResponse:
    from coso.core.errors import apply_to_form
    from coso.planning.forms import PostgradForm
    from coso.workforce import rules as wf_rules

    _require(request)
    user: Any = request.user
    people = wf.person_choices(fetched_by=user)
    form = PostgradForm(request.POST or None, people=people, fields=wf_rules.DEGREE_FIELDS.items())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req = services.postgrad_create(actor=user, person_id=d["person"], level=d["level"], field=d["field"], institution=d["institution"],
                                           starts_on=d["starts_on"], ends_on=d["ends_on"], cost=d["cost"], field_note=d["field_note"])
        except ApplicationError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("planning:postgrad", pk=req.pk)
    return render(request, "planning/postgrad_list.html", {"form": form, "rows": selectors.postgrad_requests(fetched_by=user)[:200],
                                                            "can_edit": _can_edit(user)})


@login_required
def postgrad_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from coso.core.errors import apply_to_form
    from coso.planning.forms import DecideForm, RepaymentForm

    _require(request)
    user: Any = request.user
    req = selectors.postgrad_get(fetched_by=user, pk=pk)
    action = request.POST.get("action", "")
    decide = DecideForm(request.POST if action == "decide" else None, initial={"version": req.version})
    repay = RepaymentForm(request.POST if action == "repay" else None, initial={"version": req.version})
    if action == "decide" and decide.is_valid():
        try:
            services.postgrad_decide(actor=user, request=req, approve=decide.cleaned_data["approve"], decision=decide.cleaned_data["decision"],
                                     version=decide.cleaned_data["version"])
        except ApplicationError as exc:
            apply_to_form(decide, exc)
        else:
            return redirect("planning:postgrad", pk=req.pk)
    elif action == "repay" and repay.is_valid():
        d = repay.cleaned_data
        try:
            services.postgrad_repayment(actor=user, request=req, case=d["case"], exemption=d["exemption"] or "", actual_cost=d["actual_cost"],
                                        months_served=d["months_served"], version=d["version"])
        except ApplicationError as exc:
            apply_to_form(repay, exc)
        else:
            return redirect("planning:postgrad", pk=req.pk)
    from coso.workforce import rules as wf_rules

    return render(request, "planning/postgrad.html", {"req": req, "decide": decide, "repay": repay, "can_edit": _can_edit(user),
                                                       "field_name": wf_rules.DEGREE_FIELDS.get(req.field, req.field)})


# ---------------------------------------------------------------- leaving payments after the 2025 merger
@login_required
def leaving(request: HttpRequest) -> HttpResponse:
    from coso.core.errors import apply_to_form
    from coso.planning.forms import LeavingForm

    _require(request)
    user: Any = request.user
    form = LeavingForm(request.GET or None, people=wf.person_choices(fetched_by=user))
    result = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.leaving_estimate(fetched_by=user, person_id=d["person"], salary=d["salary"], si_months=d["si_months"],
                                               leave_on=d["leave_on"], decision_on=d["decision_on"])
        except ApplicationError as exc:
            apply_to_form(form, exc)
    return render(request, "planning/leaving.html", {"form": form, "r": result})


@login_required
def surplus(request: HttpRequest) -> HttpResponse:
    from coso.planning.forms import SurplusForm

    _require(request)
    user: Any = request.user
    communes = _communes(user)
    initial = {"on": timezone.localdate().strftime("%d/%m/%Y"), "commune": user.commune_code or (communes[0].code if communes else "")}
    form = SurplusForm(request.GET or None, communes=communes, initial=initial)
    data = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        data = selectors.surplus(fetched_by=user, commune_code=d["commune"], on=d["on"], salary=d["salary"])
    return render(request, "planning/surplus.html", {"form": form, "data": data})
