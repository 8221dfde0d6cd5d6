"""Pages of the one-stop shop: lookup, my dossiers, online submission, counter intake, inbox, detail, stats."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from csp.decorators import csp_replace

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core.exceptions import ApplicationError, ConflictError
from coso.core.masking import log_personal_list_read, log_personal_read
from coso.core.security import client_ip
from coso.core.types import AuthedHttpRequest
from coso.dossiers import documents, errors, selectors, services
from coso.dossiers.constants import ACTIONS, OPEN_STATUSES, Action, Status, Timeliness
from coso.dossiers.forms import ActionForm, CounterIntakeForm, LookupForm, OnlineSubmitForm, PeriodForm, RatingForm
from coso.dossiers.models import Dossier, DossierAttachment
from coso.procedures.selectors import offered, offered_version_of
from coso.units.models import AdministrativeUnit
from coso.units.selectors import commune_get


def _staff(user: Any) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in COMMUNE_ROLES or user.role in PROVINCE_ROLES or user.role == Role.SYSTEM_ADMIN)


def _procedure_choices(province_code: str) -> list[Any]:
    """The procedures offered today in the province (``procedures.selectors.offered``): one ended from a later day is still
    listed until the day before, one applied again from a later day only from then."""
    return list(offered(on=timezone.localdate(), province_code=province_code).order_by("field", "name"))


def _version(code: str, province_code: str) -> Any:
    if not code:
        return None, None
    # the procedure offered today in the province with its version in force and its steps, in one query
    version = offered_version_of(code, on=timezone.localdate(), province_code=province_code)
    if version is None:
        return None, None
    return version.procedure, version


def _apply_errors(form: Any, exc: ApplicationError) -> None:
    fields = dict((exc.details or {}).get("fields") or {})
    for missing in (exc.details or {}).get("missing") or []:  # a mandatory paper not ticked: say so at its checkbox
        for i, name, _req in getattr(form, "doc_names", []):
            if name == missing and f"doc_{i}" in form.fields:
                fields.setdefault(f"doc_{i}", []).append(_("Giấy tờ bắt buộc: đánh dấu khi đã nhận bản giấy."))
    document = (exc.details or {}).get("document")
    if document:  # a refused file: show the error at its own file field
        for i, name, _req in getattr(form, "doc_names", []):
            if name == document and f"file_{i}" in form.fields:
                fields.pop("files", None)
                fields[f"file_{i}"] = [exc.message]
                break
    placed = False
    for name, errs in fields.items():
        if name in form.fields:
            for e in errs if isinstance(errs, list) else [errs]:
                form.add_error(name, e if len(str(e)) > 12 else exc.message)
            placed = True
    if not placed or exc.code not in ("invalid-applicant",):
        form.add_error(None, exc.message)


def _files(form: Any, request: HttpRequest) -> list[tuple[str, Any]]:
    out = []
    for i, name, _req in getattr(form, "doc_names", []):
        f = request.FILES.get(f"file_{i}")
        if f:
            out.append((name, f))
    return out


def _applicant(cd: dict[str, Any]) -> services.Applicant:
    return services.Applicant(
        name=cd.get("applicant_name", ""), phone=cd.get("applicant_phone", ""), email=cd.get("applicant_email", ""),
        citizen_id=cd.get("applicant_citizen_id", ""), address=cd.get("applicant_address", ""), zalo_opt_in=bool(cd.get("zalo_opt_in")),
    )


# ---------------------------------------------------------------- citizens
def lookup(request: HttpRequest) -> HttpResponse:
    """Public status page (also the QR target): code + last 4 digits of the phone."""
    initial = {"code": request.GET.get("code", "")}
    form = LookupForm(request.GET if "phone" in request.GET else None, initial=initial)
    dossier = None
    not_found = False
    status = 200
    if form.is_bound and form.is_valid():
        try:
            dossier = selectors.public_lookup_limited(code=form.cleaned_data["code"], phone_suffix=form.cleaned_data["phone"],
                                                      client=client_ip(request))
        except ApplicationError as exc:
            if exc.status != 429:
                raise
            form.add_error(None, _("Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau một giờ."))
            status = 429
        else:
            not_found = dossier is None
    ctx: dict[str, Any] = {"form": form, "dossier": dossier, "not_found": not_found}
    if dossier is not None:
        ctx["events"] = selectors.public_events(dossier)
        ctx["masked_name"] = selectors.masked_name(dossier.applicant_name)
        if dossier.status == Status.SUPPLEMENT_REQUESTED:  # what the citizen must bring (the papers listed on Mẫu 02)
            ev = dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-id").first()
            if ev is not None:
                ctx["supplement"] = {"documents": [str(x) for x in (ev.data or {}).get("documents") or []], "reason": ev.reason, "at": ev.at,
                                     "close_after": selectors.supplement_close_date(dossier)}
    return render(request, "dossiers/lookup.html", ctx, status=status)


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_dossiers(fetched_by=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "dossiers/my.html", {"page": page})


@login_required
def submit(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.CITIZEN:
        messages.warning(request, _("Nộp trực tuyến dành cho tài khoản công dân; cán bộ tiếp nhận tại quầy."))
        return redirect("dossiers:intake") if user.role == Role.ONESTOP_OFFICER else redirect("core:home")
    code = request.GET.get("procedure", "") or request.POST.get("procedure", "")
    province = settings.COSO_DEMO_PROVINCE
    proc, version = _version(code, province)
    if proc is None:
        today = timezone.localdate()
        procs = [p for p in _procedure_choices(province) if getattr(p.version_on(today, province), "online", "none") != "none"]
        return render(request, "dossiers/choose_procedure.html", {"procedures": procs, "target": "dossiers:submit", "unknown": bool(code)})
    initial = {"applicant_name": user.full_name, "applicant_phone": user.phone, "applicant_email": user.email, "applicant_citizen_id": user.citizen_id}
    form = OnlineSubmitForm(request.POST or None, request.FILES or None, version=version, province_code=province, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                d = services.submit_online(actor=user, commune=form.cleaned_data["commune"], applicant=_applicant(form.cleaned_data),
                                           procedure_version=version, files=_files(form, request), note=form.cleaned_data.get("note", ""))
            except ApplicationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Đã nộp hồ sơ %(code)s. Bộ phận một cửa sẽ kiểm tra và tiếp nhận.") % {"code": d.code})
                return redirect("dossiers:detail", pk=d.pk)
        else:
            status = 400
    return render(request, "dossiers/submit.html", {"form": form, "procedure": proc, "version": version}, status=status)


def _can_rate(d: Any, user: Any) -> bool:
    """Whether ``user`` may rate dossier ``d`` now: returned, not yet rated, by its applicant or, for an applicant at the
    counter, the commune's one-stop officer (the service refuses anyone else)."""
    return d.status == Status.RETURNED and not hasattr(d, "rating") and (
        d.owner_id == user.pk or (user.role == Role.ONESTOP_OFFICER and d.commune_code == user.commune_code))


@login_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.dossier_get(fetched_by=request.user, pk=pk)
    if request.method != "POST" and not _can_rate(d, request.user):
        # Not returned yet, rated already, or not theirs to rate: no form that could only be refused.
        messages.info(request, _("Hồ sơ này không có gì để ông/bà đánh giá lúc này."))
        return redirect("dossiers:detail", pk=d.pk)
    keys = services.rating_criteria(d)
    form = RatingForm(request.POST or None, criteria=keys)
    status = 200
    if request.method == "POST" and form.is_valid():
        criteria = {k: form.cleaned_data.get(f"c_{k}") for k, _l in keys}
        try:
            services.rate(actor=request.user, dossier_id=d.pk, level=form.cleaned_data["level"], criteria=criteria, comment=form.cleaned_data.get("comment", ""))
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
            return redirect("dossiers:detail", pk=d.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "dossiers/rate.html", {"form": form, "d": d}, status=status)


# ---------------------------------------------------------------- officers
@login_required
def intake(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.ONESTOP_OFFICER or not user.commune_code:
        raise Http404
    try:
        commune = commune_get(fetched_by=user, code=user.commune_code)
    except Http404:  # the account's commune ended in a reorganisation and the account was not moved yet
        raise errors.INTAKE_COMMUNE_ENDED(code=user.commune_code) from None
    code = request.GET.get("procedure", "") or request.POST.get("procedure", "")
    proc, version = _version(code, commune.province_code)
    if proc is None:
        return render(request, "dossiers/choose_procedure.html", {"procedures": _procedure_choices(commune.province_code), "target": "dossiers:intake", "unknown": bool(code)})
    form = CounterIntakeForm(request.POST or None, request.FILES or None, version=version)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            docs = [{"name": name, "copies": form.cleaned_data.get(f"count_{i}") or None} for i, name, _r in form.doc_names if form.cleaned_data.get(f"doc_{i}")]
            try:
                d = services.receive_at_counter(
                    actor=user, commune=commune, applicant=_applicant(form.cleaned_data), procedure_version=version, documents=docs,
                    files=_files(form, request), channel=form.cleaned_data["channel"], note=form.cleaned_data.get("note", ""),
                )
            except ApplicationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                assert d.due_date is not None  # set on receipt
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả ngày %(date)s.") % {"code": d.code, "date": d.due_date.strftime("%d/%m/%Y")})
                # "Tiếp nhận và in giấy hẹn": the detail page opens the receipt (Mẫu 01) and the print dialog.
                return redirect(reverse("dossiers:detail", args=[d.pk]) + "?print=receipt")
        else:
            status = 400
    return render(request, "dossiers/intake.html", {"form": form, "procedure": proc, "version": version}, status=status)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    if not _staff(request.user):
        raise Http404
    near_days = request.GET.get("near_days", "")
    try:
        nd = int(near_days) if near_days else None
        if nd is not None and not 0 <= nd <= 60:
            nd = None
    except ValueError:
        nd = None
    box = selectors.inbox(fetched_by=request.user, query=request.GET.get("q", ""), near_days=nd)
    tab = request.GET.get("tab", "mine")
    if tab not in ("mine", "near", "overdue", "warnings", "intake"):
        tab = "mine"
    counts = {name: getattr(box, name).count() for name in ("mine", "near", "overdue", "warnings", "intake")}
    page = Paginator(getattr(box, tab), 50).get_page(request.GET.get("page"))
    q = request.GET.get("q", "")
    if selectors.is_citizen_id_search(request.user, q):
        # only who sees citizen ids in full gets here (inbox refuses the others): the list confirms whose number it is
        log_personal_list_read(user=request.user, model=Dossier, what="Tra cứu hồ sơ theo số CCCD", count=counts["mine"], filters={"q": q},
                               ids=list(box.mine.values_list("pk", flat=True)[:200]), reason="Tra cứu hồ sơ")
    return render(request, "dossiers/inbox.html", {"box": box, "tab": tab, "rows": page, "page": page, "counts": counts,
                                                   "q": request.GET.get("q", ""), "near_days": near_days})


# The order of the actions on the dossier page: the usual next step of each status first, then the other
# steps, then the ones that end the dossier without a result (asked for confirmation). Actions not named here
# (added later) come after the usual ones and before those that end the dossier.
ACTION_ORDER = ["accept", "receive_supplement", "approve", "forward", "result_ready", "return_result", "assign", "send_back",
                "request_supplement", "apology"]


def irreversible(action: str) -> bool:
    """An action that closes the dossier without a result (refusal, stop, withdrawal): the page asks before it."""
    transition = ACTIONS.get(action)
    target = transition.target if transition is not None else None
    return target is not None and target not in OPEN_STATUSES and target != Status.RETURNED and target != Status.RESULT_READY


def ordered_actions(actions: list[str]) -> list[str]:
    def rank(action: str) -> tuple[int, int]:
        if irreversible(action):
            return (2, actions.index(action))
        if action in ACTION_ORDER:
            return (0, ACTION_ORDER.index(action))
        return (1, actions.index(action))

    return sorted(actions, key=rank)


def _detail_context(request: AuthedHttpRequest, d: Any) -> dict[str, Any]:
    actions = ordered_actions(services.allowed_actions(d, request.user))
    from coso.accounts.models import User

    assignable = []
    if "forward" in actions or "assign" in actions:
        assignable = list(User.objects.filter(commune_code=d.commune_code, is_active=True, role__in=[Role.SPECIALIST, Role.COMMUNE_LEADER, Role.ONESTOP_OFFICER]).order_by("role", "full_name"))
    forms = documents.available_forms(d)
    forms_available = [k for k, _l in forms]
    return {
        "d": d, "actions": [(a, _action_label(a), ACTIONS[a].reason_required, irreversible(a)) for a in actions], "events": d.events.order_by("at", "id"),
        "steps": d.steps.order_by("order"), "attachments": d.attachments.all(), "apologies": d.apologies.all(), "assignable": assignable,
        "forms_available": forms_available, "forms": forms, "can_rate": _can_rate(d, request.user),
        "rating": getattr(d, "rating", None), "staff": _staff(request.user), "Timeliness": Timeliness,
    }


def _action_label(action: str) -> str:
    return str(Action(action).label) if action in Action.values else action


@login_required
def detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    d = selectors.dossier_read(fetched_by=request.user, pk=pk)
    if _staff(request.user) and d.applicant_citizen_id:
        log_personal_read(user=request.user, obj=d, reason="dossier-detail")
    ctx = _detail_context(request, d)
    ctx["print_receipt"] = request.GET.get("print") == "receipt" and "receipt" in ctx["forms_available"]
    return render(request, "dossiers/detail.html", ctx)


@login_required
@require_POST
def act(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    d = selectors.dossier_get(fetched_by=request.user, pk=pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        ctx = _detail_context(request, d)
        ctx["action_error"] = "; ".join(_field_error(form, k, v[0]) for k, v in form.errors.items())
        ctx["failed_action"] = action
        return render(request, "dossiers/detail.html", ctx, status=400)
    if irreversible(action) and request.POST.get("confirm_required") and not request.POST.get("confirm"):
        # The page's form asks for a tick before an action that closes the dossier (the browser enforces it
        # too; this answers a form sent without it). Clients of the API confirm by calling the action.
        ctx = _detail_context(request, d)
        ctx["action_error"] = _("Hãy đánh dấu xác nhận trước khi thực hiện “%(label)s”: thao tác này kết thúc hồ sơ và không hoàn tác được.") % {
            "label": _action_label(action)}
        ctx["failed_action"] = action
        return render(request, "dossiers/detail.html", ctx, status=400)
    cd = form.cleaned_data
    data = {
        "new_date": cd.get("new_date"), "assignee_id": cd.get("assignee_id"), "to_step": cd.get("to_step"),
        "documents": [x.strip() for x in (cd.get("documents") or "").splitlines() if x.strip()],
    }
    files = [(f"Tệp {i + 1}", f) for i, f in enumerate(request.FILES.getlist("files"))]
    try:
        services.perform(actor=request.user, dossier_id=d.pk, action=action, expected_version=cd["version"], reason=cd.get("reason") or "", data=data, files=files)
    except ApplicationError as exc:
        d.refresh_from_db()
        ctx = _detail_context(request, d)
        ctx["action_error"] = exc.message
        ctx["conflict"] = isinstance(exc, ConflictError)
        ctx["failed_action"] = action
        return render(request, "dossiers/detail.html", ctx, status=exc.status)
    label = Action(action).label if action in Action.values else action
    messages.success(request, _("Đã thực hiện: %(label)s.") % {"label": label})
    if action in (Action.REQUEST_SUPPLEMENT, Action.REFUSE, Action.APOLOGY):
        messages.info(request, _("In phiếu cho công dân từ mục «Biểu mẫu» bên dưới."))
    if _staff(request.user) and action in (Action.RETURN_RESULT, Action.REFUSE, Action.STOP, Action.WITHDRAW, Action.RESULT_READY) and request.user.role != Role.ONESTOP_OFFICER:
        return redirect("dossiers:inbox")
    return redirect("dossiers:detail", pk=d.pk)


def _field_error(form: Any, name: str, message: Any) -> str:
    """"label: message" for a field's error, the field's name when it has no label, the bare message for the form's own."""
    field = form.fields.get(name)
    if field is None:
        return str(message)
    return f"{field.label or name}: {message}"


@login_required
@xframe_options_sameorigin  # the detail page prints the receipt from a same-origin frame
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]  # django-csp types the view as (request) only
def form_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in documents.FORMS:
        raise Http404
    d = selectors.dossier_read(fetched_by=request.user, pk=pk)
    if kind not in documents.form_set(d) or not documents.form_available(kind, d):  # the forms the detail page lists
        raise Http404
    pdf = documents.form_pdf(kind, d)
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="mau{documents.form_number(kind, d)}-{d.code}.pdf"'
    return resp


@login_required
def attachment(request: HttpRequest, pk: int, att_id: int) -> FileResponse:
    d = selectors.dossier_read(fetched_by=request.user, pk=pk)
    try:
        att = d.attachments.get(pk=att_id)
    except DossierAttachment.DoesNotExist:
        raise Http404 from None
    return FileResponse(att.file.open("rb"), content_type=att.content_type, filename=att.original_name, as_attachment=False)


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    form = PeriodForm(request.GET or None)
    end = timezone.localdate()
    start = end - dt.timedelta(days=364)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end, "group": "procedure"})
    return form, start, end


def _unit_label(user: Any) -> str:
    code = user.commune_code or user.province_code
    unit = AdministrativeUnit.objects.filter(code=code).first()
    return unit.name if unit else _("Toàn quốc")


@login_required
def register(request: HttpRequest) -> HttpResponse:
    if not _staff(request.user):
        raise Http404
    form, start, end = _period(request)
    rows = selectors.register_rows(fetched_by=request.user, start=start, end=end)
    fmt = request.GET.get("format", "")
    label = _unit_label(request.user)
    if fmt in ("pdf", "xlsx") and not form.errors:
        if rows.count() > 20000:
            messages.error(request, _("Quá nhiều hồ sơ để in một lần (tối đa 20.000); hãy thu hẹp khoảng thời gian."))
        elif fmt == "pdf":
            resp = HttpResponse(documents.register_pdf(rows, title_unit=label, start=start, end=end), content_type="application/pdf")
            resp["Content-Disposition"] = f'inline; filename="{documents.register_filename(start, end, "pdf")}"'
            return resp
        else:
            resp = HttpResponse(documents.register_xlsx(rows, title_unit=label, start=start, end=end), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            resp["Content-Disposition"] = f'attachment; filename="{documents.register_filename(start, end, "xlsx")}"'
            return resp
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    number, title, circular = documents.register_form(end)
    return render(request, "dossiers/register.html", {"form": form, "page": page, "start": start, "end": end, "query": request.GET.urlencode(),
                                                      "register_number": number, "register_circular": circular})


@login_required
def stats(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not _staff(user):
        raise Http404
    form, start, end = _period(request)
    group = request.GET.get("group") or ("commune" if user.role in PROVINCE_ROLES else "procedure")
    if group not in ("commune", "procedure"):
        group = "procedure"
    data = selectors.stats(fetched_by=user, start=start, end=end, procedure_code=request.GET.get("procedure", ""), group_by=group)
    names = {}
    if group == "commune":
        names = dict(AdministrativeUnit.objects.filter(code__in=[r["commune_code"] for r in data["rows"]]).values_list("code", "name"))
        for r in data["rows"]:
            r["label"] = names.get(r["commune_code"], r["commune_code"])
    else:
        for r in data["rows"]:
            r["label"] = r["procedure_version__procedure__name"]
    label = _unit_label(user)
    if request.GET.get("format") == "xlsx" and not form.errors:  # a refused period: the page shows why instead of another period's figures
        body = documents.stats_xlsx(data, label=label, group_label=_("Xã/phường") if group == "commune" else _("Thủ tục"), group_key=lambda r: r["label"])
        resp = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="thong-ke-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        return resp
    chart = {
        "labels": [m["m"].strftime("%m/%Y") for m in data["monthly"] if m["m"]],
        "received": [m["received"] for m in data["monthly"] if m["m"]],
        "ok": [m["ok"] for m in data["monthly"] if m["m"]],
        "late": [m["late"] for m in data["monthly"] if m["m"]],
    }
    return render(request, "dossiers/stats.html", {"form": form, "data": data, "t": data["total"], "chart": chart, "group": group, "label": label,
                                                   "xlsx_url": reverse("dossiers:stats") + "?" + _with(request, format="xlsx")})


def _with(request: HttpRequest, **kw: str) -> str:
    q = request.GET.copy()
    for k, v in kw.items():
        q[k] = v
    return q.urlencode()
