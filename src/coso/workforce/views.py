"""Pages of the workforce app (server-rendered; the API in api.py calls the same services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from coso.core.exceptions import ApplicationError
from coso.core.masking import log_personal_list_read, log_personal_read, mask_citizen_id, sees_full_citizen_id
from coso.core.paging import COUNT_CAP, CappedPaginator
from coso.core.types import AuthedHttpRequest
from coso.rules.lookup import book
from coso.workforce import errors as workforce_errors
from coso.workforce import exports, rules, selectors, services
from coso.workforce.forms import AssessForm, ImportForm, WorkItemForm
from coso.workforce.models import Evaluation, Person
from coso.workforce.policy import ROADMAP, Policy, evaluation_rule, positions_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_register(request: HttpRequest) -> None:
    if not selectors.can_use_register(request.user):
        raise Http404


def _on(request: HttpRequest) -> dt.date:
    raw = request.GET.get("on", "")
    if raw:
        try:
            on = services.parse_vn_date(raw)
        except ValueError:
            messages.error(request, gettext("Ngày rà soát phải theo định dạng dd/mm/yyyy; đang dùng ngày hôm nay."))
        else:
            try:
                selectors.check_review_date(on)
            except ApplicationError as exc:
                messages.error(request, f"{exc.message} {gettext('Đang dùng ngày hôm nay.')}")
            else:
                return on
    return timezone.localdate()


def _communes(user: Any) -> list[dict[str, Any]]:
    from coso.units.selectors import communes_in_scope

    return communes_in_scope(fetched_by=user)


def _commune_name(code: str) -> str:
    from coso.units.selectors import unit_latest_name

    return unit_latest_name(code) or code


def _percent(rate: float | None) -> float | None:
    """A ratio as the percentage the tables print (one decimal): the charts draw the same number."""
    return None if rate is None else round(rate * 100, 1)


def _filters(request: HttpRequest) -> dict[str, Any]:
    g = request.GET
    retiring = g.get("retiring", "")
    return {"q": g.get("q", "")[:100], "commune": g.get("commune", ""), "kind": g.get("kind", ""), "position": g.get("position", ""),
            "gender": g.get("gender", ""), "retiring_within": int(retiring) if retiring in ("1", "3", "5") else None}


PEOPLE_PER_PAGE = 50


@login_required
def people(request: AuthedHttpRequest) -> HttpResponse:
    _require_register(request)
    filters = _filters(request)
    export = request.GET.get("format") == "xlsx"
    # the page counts up to COUNT_CAP: a common word is probed from the list's rows (not for the export of every match)
    qs = selectors.person_list(fetched_by=request.user, **filters, for_capped_page=bool(filters["q"]) and not export)
    if export:
        # full CCCDs for who sees them (a re-importable list), logged as one read of the register (Decree 13/2023)
        data = services.export_bytes(qs.iterator(chunk_size=2000), user=request.user, filters=filters)
        resp = HttpResponse(data, content_type=XLSX)
        resp["Content-Disposition"] = 'attachment; filename="danh-sach-can-bo.xlsx"'
        return resp
    # a text query counts its matches only up to COUNT_CAP ("hơn 1.000 người")
    page = CappedPaginator(qs, PEOPLE_PER_PAGE, cap=COUNT_CAP if filters["q"] else None).get_page(request.GET.get("page"))
    communes = _communes(request.user)
    names = {c["code"]: c["name"] for c in communes}
    today = timezone.localdate()
    policy = Policy(today)
    for p in page:
        p.commune_name = names.get(p.commune_code) or _commune_name(p.commune_code)  # type: ignore[attr-defined]
        p.past_retirement = policy.retirement_date(p.birth_date, p.gender) <= today  # type: ignore[attr-defined]
        # a list shows every CCCD masked, whoever reads it: the full number only on one person's record (Decree 13/2023)
        p.cccd = mask_citizen_id(p.citizen_id, None)  # type: ignore[attr-defined]
    if filters["q"] and selectors.is_citizen_id_search(filters["q"]):
        # only who sees citizen ids in full gets here (person_list refuses the others): the list confirms whose number it is
        log_personal_list_read(user=request.user, model=Person, what="Tra cứu sổ cán bộ theo số CCCD", count=page.paginator.count,
                               filters=filters, ids=[p.pk for p in page], reason="Tra cứu danh sách cán bộ")
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    export_query.pop("page", None)
    return render(request, "workforce/people.html", {
        "page": page, "filters": request.GET, "communes": communes, "kinds": rules.KINDS,
        "positions": positions_for(request.user.province_code or "", request.user.commune_code or ""), "export_query": export_query.urlencode(),
        "can_import": request.user.is_superuser or request.user.role in services.REGISTER_EDIT_ROLES,
    })


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(fetched_by=request.user, pk=pk)
    log_personal_read(user=request.user, obj=person, reason="Xem hồ sơ cán bộ")
    on = _on(request)
    retirement = person.retirement_date
    in_office = (person.left_on is None or person.left_on > on) and (person.transition_end_date is None or person.transition_end_date > on)
    roadmap = book().get(ROADMAP, on)
    return render(request, "workforce/person.html", {
        "person": person, "cccd": mask_citizen_id(person.citizen_id, request.user), "review": selectors.person_review(person, on=on), "on": on,
        "positions": person.positions.all(), "trainings": person.trainings.all(), "disciplines": person.disciplines.all(),
        "evaluations": person.evaluations.all(), "retirement": retirement, "kind_label": rules.KINDS.get(person.kind, ""),
        "labels": rules.LEVEL_LABELS, "fields": rules.DEGREE_FIELDS,
        "past_retirement": in_office and retirement <= on, "retirement_source": roadmap.source_text if roadmap else "",
        "can_edit": request.user.is_superuser or getattr(request.user, "role", "") in services.REGISTER_EDIT_ROLES,
    })


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    resp = HttpResponse(services.template_bytes(), content_type=XLSX)
    resp["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.xlsx"'
    return resp


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    errors: list[dict[str, Any]] = []
    refused = False
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.import_people(actor=request.user, data=form.cleaned_data["file"].read())
        except ApplicationError as exc:
            messages.error(request, exc.message)
            errors = exc.details.get("rows", [])
            refused = True
        else:
            messages.success(request, gettext("Đã nhập %(n)s người.") % {"n": n})
            return redirect("workforce:people")
    return render(request, "workforce/import.html", {"form": form, "errors": errors}, status=400 if refused else 200)


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    on = _on(request)
    commune = request.GET.get("commune", "")
    standard = request.GET.get("standard", "")
    if standard and standard not in rules.STANDARD_LABELS:
        standard = ""
    result = selectors.review(fetched_by=request.user, on=on, commune=commune, standard=standard)
    selected = next((c for c in result["communes"] if c["code"] == commune), None)
    if commune and selected is None:
        raise Http404
    chart = {
        "communes": [{"code": c["code"], "name": c["name"], "percent": _percent(c["compliance_rate"])} for c in result["communes"]],
        "standards": [{"key": k, "label": rules.STANDARD_LABELS[k], "percent": _percent(v["rate"]), "met": v["met"], "checked": v["checked"]}
                      for k, v in (selected or result["total"])["by_standard"].items()],
        "ages": (selected or result["total"])["ages"], "commune": commune, "on": on.strftime("%d/%m/%Y"),
    }
    return render(request, "workforce/review.html", {
        "r": result, "selected": selected, "scope": selected or result["total"], "commune": commune, "standard": standard,
        "standard_label": rules.STANDARD_LABELS.get(standard, ""), "chart": chart, "on": on, "labels": rules.STANDARD_LABELS,
    })


@login_required
def review_excel(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    resp = HttpResponse(exports.review_xlsx(request.user, on=_on(request), commune=request.GET.get("commune", "")), content_type=XLSX)
    resp["Content-Disposition"] = 'attachment; filename="ra-soat-doi-ngu.xlsx"'
    return resp


@login_required
def review_pdf(request: AuthedHttpRequest) -> HttpResponse:
    _require_register(request)
    resp = HttpResponse(exports.review_pdf(request.user, on=_on(request)), content_type="application/pdf")
    resp["Content-Disposition"] = 'inline; filename="ra-soat-doi-ngu.pdf"'
    return resp


# ---------------------------------------------------------------- evaluations
@login_required
def evaluations(request: AuthedHttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2020), 2100)
    commune = request.GET.get("commune", "") or (request.user.commune_code or "")
    communes = _communes(request.user)
    if commune and commune not in {c["code"] for c in communes}:  # another unit's evaluations (and its agency's levels): not found
        raise Http404
    if request.method == "POST":
        # ASCII digits only: str.isdigit() also takes "²" (int() refuses it: a 500) and other scripts' digits ("٣" is 3)
        ids = [int(i) for i in request.POST.getlist("ids") if i.isascii() and i.isdigit()]
        evs = [selectors.evaluation_get(fetched_by=request.user, pk=i) for i in ids]
        try:
            approved = services.approve(actor=request.user, evaluations=evs)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            if exc.details.get("candidates"):
                messages.error(request, gettext("Người được đề nghị xuất sắc: %(names)s") % {"names": ", ".join(exc.details["candidates"])})
        else:
            messages.success(request, gettext("Đã phê duyệt %(n)s phiếu.") % {"n": len(approved)})
        return redirect(f"{request.path}?year={year}&commune={commune}")
    qs = selectors.evaluation_list(fetched_by=request.user, year=year, commune=commune if selectors.can_use_register(request.user) else "",
                                   status=request.GET.get("status", ""))
    without = []
    if selectors.can_use_register(request.user) and commune:
        without = list(selectors.person_list(fetched_by=request.user, commune=commune).filter(kind__in=["cadre", "civil_servant"])
                       .exclude(evaluations__year=year)[:200])
    own = Person.objects.filter(user=request.user).exclude(evaluations__year=year).first() if request.user.is_authenticated else None
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "workforce/evaluations.html", {
        "evaluations": page, "page": page, "filters": request.GET, "year": year, "commune": commune, "rule": evaluation_rule(year, province_code=request.user.province_code or "", commune_code=commune), "without": without, "own": own,
        "agency": selectors.agency_levels(commune_code=commune, year=year) if commune else None, "communes": communes,
        "can_approve": request.user.is_superuser or request.user.role in services.LEADER_ROLES, "level_names": rules.LEVEL_NAMES,
    })


@login_required
@require_POST
def evaluation_open(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = selectors.person_get(fetched_by=request.user, pk=person_pk)
    try:
        year = int(request.POST.get("year", ""))
        ev = services.evaluation_open(actor=request.user, person=person, year=year)
    except (ValueError, ApplicationError) as exc:
        messages.error(request, exc.message if isinstance(exc, ApplicationError) else gettext("Năm không hợp lệ."))
        return redirect("workforce:evaluations")
    return redirect("workforce:evaluation", pk=ev.pk)


@login_required
def evaluation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ev = selectors.evaluation_get(fetched_by=request.user, pk=pk)
    rule = evaluation_rule(ev.year, ev.person.kind, ev.province_code, ev.commune_code)
    is_leader = request.user.is_superuser or request.user.role in services.LEADER_ROLES
    item_form = WorkItemForm(prefix="item")
    self_form = AssessForm(prefix="self", regime=rule["regime"], general_max=rule.get("general_max"), initial={"version": ev.version, "general_score": ev.self_general_score,
                                                                           "level": ev.self_level, "comment": ev.self_comment})
    leader_form = AssessForm(prefix="lead", regime=rule["regime"], general_max=rule.get("general_max"), leader=True, initial={
        "version": ev.version, "general_score": ev.general_score, "level": ev.level, "comment": ev.leader_comment,
        "degradation": ev.degradation, "leader_corruption": ev.leader_corruption})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "item":
                item_form = WorkItemForm(request.POST, prefix="item")
                if item_form.is_valid():
                    services.work_item_add(actor=request.user, evaluation=ev, **item_form.cleaned_data)
                    messages.success(request, gettext("Đã thêm công việc."))
                    return redirect("workforce:evaluation", pk=ev.pk)
            elif action in ("self", "lead"):
                form = AssessForm(request.POST, prefix=action, regime=rule["regime"], general_max=rule.get("general_max"), leader=action == "lead")
                if action == "self":
                    self_form = form
                else:
                    leader_form = form
                if form.is_valid():
                    d = form.cleaned_data
                    kwargs = {"version": d["version"], "comment": d.get("comment", ""), "level": d.get("level", ""), "general_score": d.get("general_score")}
                    if action == "self":
                        services.self_assess(actor=request.user, evaluation=ev, **kwargs)
                    else:
                        services.leader_assess(actor=request.user, evaluation=ev, degradation=d.get("degradation", False),
                                               leader_corruption=d.get("leader_corruption", False), **kwargs)
                    messages.success(request, gettext("Đã lưu đánh giá."))
                    return redirect("workforce:evaluation", pk=ev.pk)
            elif action == "approve":
                try:
                    version = int(request.POST.get("version", "0") or 0)
                except ValueError:  # not the version the page was given (a tampered form): as stale as an old one
                    raise workforce_errors.LOCK_CONFLICT() from None
                services.approve(actor=request.user, evaluations=[ev], versions={ev.pk: version})
                messages.success(request, gettext("Đã phê duyệt."))
                return redirect("workforce:evaluation", pk=ev.pk)
            elif action == "dossiers":
                n = services.import_dossier_items(actor=request.user, evaluation=ev)
                messages.success(request, gettext("Đã lấy %(n)s mục công việc từ một cửa.") % {"n": n})
                return redirect("workforce:evaluation", pk=ev.pk)
            elif action == "tasks":
                n = services.import_task_items(actor=request.user, evaluation=ev)
                messages.success(request, gettext("Đã lấy %(n)s nhiệm vụ đã hoàn thành vào nhật ký công việc.") % {"n": n})
                return redirect("workforce:evaluation", pk=ev.pk)
            status = 400
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = exc.status if exc.status < 500 else 400
        ev.refresh_from_db()
    return render(request, "workforce/evaluation.html", {
        "ev": ev, "rule": rule, "items": selectors.evaluation_work_items(ev), "steps": ev.steps.all(), "item_form": item_form,
        "self_form": self_form, "leader_form": leader_form, "is_leader": is_leader, "is_self": ev.person.user_id == request.user.pk,
        "can_self": ev.person.user_id == request.user.pk or request.user.is_superuser or request.user.role in services.REGISTER_EDIT_ROLES,
        "dossiers": ev.person.user_id is not None, "level_names": rules.LEVEL_NAMES,
        "agency": selectors.agency_levels(commune_code=ev.commune_code, year=ev.year, kind=ev.person.kind),
    }, status=status)


__all__ = ["Evaluation"]


@login_required
def person_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Edit a person's identity, qualifications and position history (home-affairs officers of the person's unit)."""
    from coso.core.errors import apply_to_form
    from coso.workforce.forms import PersonEditForm, PositionAddForm

    person = selectors.person_get(fetched_by=request.user, pk=pk)
    if not (request.user.is_superuser or request.user.role in services.REGISTER_EDIT_ROLES):
        raise Http404
    action = request.POST.get("action", "")
    initial = {f: getattr(person, f) for f in services.EDITABLE_FIELDS if f != "transition_end_date"}
    initial["version"] = person.version
    # The form shows the CCCD as the person's record does (Decree 13/2023): in full to who sees citizen ids, that read
    # logged; masked to the others, for whom the masked number left as it is keeps the stored one.
    sees_full = sees_full_citizen_id(request.user)
    if not sees_full:
        initial["citizen_id"] = mask_citizen_id(person.citizen_id, None)
    positions = [(code, gettext(p["name"]) if p.get("name") else code) for code, p in positions_for(person.province_code, person.commune_code).items()]
    form = PersonEditForm(request.POST if action == "person" else None, initial=initial)
    pform = PositionAddForm(request.POST if action == "position" else None, initial={"version": person.version}, positions=positions, prefix="pos")
    if action == "person" and form.is_valid():
        d = dict(form.cleaned_data)
        version = d.pop("version")
        if not sees_full and person.citizen_id and d.get("citizen_id") == initial["citizen_id"]:
            del d["citizen_id"]  # the masked number sent back as shown: the CCCD is not changed
        try:
            services.person_update(actor=request.user, person=person, version=version, **d)
        except ApplicationError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, gettext("Đã lưu hồ sơ."))
            return redirect("workforce:person", pk=person.pk)
    elif action == "position" and pform.is_valid():
        d = dict(pform.cleaned_data)
        try:
            services.position_add(actor=request.user, person=person, **d)
        except ApplicationError as exc:
            apply_to_form(pform, exc)
        else:
            messages.success(request, gettext("Đã thêm quá trình công tác."))
            return redirect("workforce:person_edit", pk=person.pk)
    if sees_full and person.citizen_id and not form.is_bound:
        log_personal_read(user=request.user, obj=person, reason="Sửa hồ sơ cán bộ")
    return render(request, "workforce/person_edit.html", {"person": person, "form": form, "pform": pform, "positions": person.positions.all()})
