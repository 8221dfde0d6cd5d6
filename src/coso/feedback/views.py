"""Pages: submission (phone first), public listing, detail, sender actions, moderation and handling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError
from coso.core.paging import COUNT_CAP, CappedPaginator
from coso.core.params import INT_MAX
from coso.core.security import client_ip
from coso.core.types import AuthedHttpRequest
from coso.feedback import errors
from coso.feedback import forms as f
from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackCategory
from coso.units import selectors as unit_selectors


def _apply_error(form: Any, exc: ApplicationError) -> None:
    """Put a service error on the field it concerns, else at the top of the form."""
    if exc.code.startswith("attachment") or exc.code == "too-many-attachments":
        form.add_error("attachments", exc.message)
        return
    apply_to_form(form, exc, summary=False)


# --------------------------------------------------------------------------- citizen side

def submit_view(request: HttpRequest) -> HttpResponse:
    ask_accents = False
    initial: dict[str, Any] = {}
    if request.user.is_authenticated and request.user.is_citizen:
        initial = {"contact_name": request.user.display_name, "contact_phone": request.user.phone, "contact_email": request.user.email}
    if request.GET.get("commune"):
        initial["commune"] = request.GET["commune"]
    form = f.SubmitForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["commune"].widget.attrs["hx-get"] = reverse("feedback:villages")
    villages = []
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                fb = svc.feedback_submit(  # a village of another commune is refused by the service, on the field
                    actor=request.user, category=d["category"], commune=d["commune"], village=svc.submitted_village(d.get("village")), title=d["title"], text=d["text"],
                    address=d["address"], lat=d["lat"], long=d["long"], anonymous=d["anonymous"], contact_name=d["contact_name"],
                    contact_phone=d["contact_phone"], contact_email=d["contact_email"], files=request.FILES.getlist("attachments"),
                    confirm_unaccented=d["confirm_unaccented"], channel=Feedback.Channel.WEB,
                )
            except ApplicationError as exc:
                if exc.code == "unaccented-text":
                    ask_accents = True
                else:
                    _apply_error(form, exc)
            else:
                messages.success(request, _("Đã gửi phản ánh %(code)s. Hạn xử lý: %(due)s. Vui lòng lưu đường dẫn này để theo dõi.")
                                 % {"code": fb.code, "due": fb.answer_due.strftime("%d/%m/%Y")})
                return redirect(reverse("feedback:detail", args=[fb.pk]) + f"?key={fb.access_key}")
        if form.data.get("commune"):
            villages = list(unit_selectors.villages_in_force(commune_code=str(form.data.get("commune"))))
    return render(request, "feedback/submit.html", {"form": form, "ask_accents": ask_accents, "villages": villages,
                                                     "selected_village": form.data.get("village", "")})


def villages_partial(request: HttpRequest) -> HttpResponse:
    villages = unit_selectors.villages_in_force(commune_code=request.GET.get("commune", ""))
    return render(request, "feedback/partials/_village_options.html", {"villages": villages})


def _viewer(request: HttpRequest, pk: int) -> tuple[Feedback, str, str]:
    key = request.GET.get("key") or request.POST.get("key") or ""
    fb, mode = sel.feedback_get_for_viewer(pk=pk, user=request.user, access_key=key)
    return fb, mode, key


def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    fb, mode, key = _viewer(request, pk)
    ctx = {
        "fb": fb, "mode": mode, "key": key,
        "events": sel.feedback_history(feedback=fb, moderator=False),
        "attachments": [a for a in fb.attachments.all() if not a.hidden or mode == "staff"],
        "rate_form": f.RateForm() if mode == "sender" and fb.status == Feedback.Status.CLOSED and not fb.rating else None,
        "supplement_form": f.SupplementForm() if mode == "sender" and fb.status == Feedback.Status.INFO_REQUESTED else None,
        "overdue": fb.is_overdue(),
        "commune_name": _commune_name(fb.commune_code),
        "forward_copy": _forward_copy(fb, mode),
    }
    return render(request, "feedback/detail.html", ctx)


def _forward_copy(fb: Feedback, mode: str) -> Feedback | None:
    """The item at the commune it was forwarded to: for its sender, or for anyone once published there."""
    if fb.status != Feedback.Status.FORWARDED:
        return None
    copy = fb.forwarded_copies.order_by("id").first()
    if copy is None or (mode != "sender" and not (copy.is_public and not copy.hidden)):
        return None
    return copy


def _commune_name(code: str) -> str:
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(code=code).values_list("name", flat=True).first() or code


def _back(fb: Feedback, key: str) -> HttpResponse:
    return redirect(reverse("feedback:detail", args=[fb.pk]) + (f"?key={key}" if key else ""))


@require_POST
def rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    fb, _mode, key = _viewer(request, pk)
    form = f.RateForm(request.POST)
    if not form.is_valid():  # the message of the first field in error: a rating chosen is not "choose a rating"
        if "rating" in form.errors:
            exc = errors.FEEDBACK_RATE_VALIDATION_ERROR()
        elif "officer_rating" in form.errors:  # a score outside 1–5, or not in ASCII digits
            exc = errors.FEEDBACK_RATE_VALIDATION_ERROR_2()
        else:
            exc = errors.FEEDBACK_RATE_COMMENT_TOO_LONG(max=number_format(svc.RATE_COMMENT_MAX, force_grouping=True))
        messages.error(request, exc.message)
        return _back(fb, key)
    try:
        svc.feedback_rate(feedback=fb, actor=request.user, access_key=key, rating=form.cleaned_data["rating"],
                          officer_rating=form.cleaned_data["officer_rating"], comment=form.cleaned_data["comment"])
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(fb, key)


@require_POST
def supplement_view(request: HttpRequest, pk: int) -> HttpResponse:
    fb, _mode, key = _viewer(request, pk)
    form = f.SupplementForm(request.POST)
    try:
        if not form.is_valid():
            raise errors.FEEDBACK_SUPPLEMENT_VALIDATION_ERROR()
        svc.feedback_supplement(feedback=fb, actor=request.user, access_key=key, text=form.cleaned_data["text"])
        messages.success(request, _("Đã gửi thông tin bổ sung."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _back(fb, key)


@require_POST
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    fb = sel.feedback_get_public(pk=pk)
    try:
        svc.feedback_report(feedback=fb, actor=request.user, address=client_ip(request), reason=request.POST.get("reason", ""))
        messages.success(request, _("Cảm ơn bạn. Người kiểm duyệt sẽ xem lại phản ánh này."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        if exc.status == 429:  # too many reports from this address: say so on the item's page, with the status
            response = detail_view(request, pk)
            response.status_code = 429
            return response
    fb.refresh_from_db()
    if fb.hidden:
        return redirect("feedback:public_list")
    return redirect("feedback:detail", pk=fb.pk)


@login_required
def mine_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.my_feedback(fetched_by=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "feedback/mine.html", {"page": page})


def public_list_view(request: HttpRequest) -> HttpResponse:
    form = f.PublicFilterForm(request.GET or None)
    d: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter shows its error and is left out; the valid ones (and the search) still apply
        d = form.cleaned_data
    filters = {"query": d.get("q", ""), "commune_code": d.get("commune", ""), "category_code": d.get("category", ""),
               "status": d.get("status", ""), "date_from": d.get("date_from"), "date_to": d.get("date_to")}
    qs = sel.feedback_public_list(**filters, for_capped_page=bool(filters["query"]))
    page = CappedPaginator(qs, 20, cap=COUNT_CAP if filters["query"] else None, allow_empty_first_page=True).get_page(request.GET.get("page"))
    stats = sel.public_commune_stats(**filters)  # all published items of the filter, not only this page's
    from coso.units.models import AdministrativeUnit

    names = dict(AdministrativeUnit.objects.filter(code__in={fb.commune_code for fb in page}).values_list("code", "name"))
    for fb in page:
        fb.commune_name = names.get(fb.commune_code, fb.commune_code)
    return render(request, "feedback/public_list.html", {"form": form, "page": page, "stats": stats})


def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    att = FeedbackAttachment.objects.select_related("feedback").filter(pk=pk).first()
    if att is None:
        raise Http404
    key = request.GET.get("key", "")
    try:
        _fb, mode = sel.feedback_get_for_viewer(pk=att.feedback_id, user=request.user, access_key=key)
    except Http404:
        raise
    if att.hidden and mode != "staff":
        raise Http404
    name = att.file.name
    if not name:  # no stored file: same answer as a missing one
        raise Http404
    try:
        fh = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    inline = att.is_image or att.content_type == "application/pdf"
    ext = name.rsplit(".", 1)[-1]
    resp = FileResponse(fh, content_type=att.content_type, as_attachment=not inline, filename=f"dinh-kem-{att.pk}.{ext}")
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, max-age=300"
    return resp


# --------------------------------------------------------------------------- moderation and handling

def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not (request.user.is_superuser or request.user.is_staff_role):
        raise PermissionDenied


# Marked for translation (gettext_noop) so that every label is collected; translated when the page is drawn.
TABS = [("pending", gettext_noop("Chờ kiểm duyệt")), ("flagged", gettext_noop("Gắn cờ / bị báo")), ("handling", gettext_noop("Đang xử lý")),
        ("overdue", gettext_noop("Quá hạn")), ("forwarded", gettext_noop("Đã chuyển")), ("hidden", gettext_noop("Đã ẩn")),
        ("closed", gettext_noop("Đã xong")), ("all", gettext_noop("Tất cả"))]


@login_required
def moderation_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    tab = request.GET.get("tab", "pending")
    if tab not in sel.STAFF_TABS:  # an old or mistyped link opens the default tab
        tab = "pending"
    qs = sel.feedback_list(fetched_by=request.user, tab=tab, query=request.GET.get("q", ""), category_code=request.GET.get("category", ""),
                           for_capped_page=True)
    page = CappedPaginator(qs, 30, cap=COUNT_CAP if request.GET.get("q", "") else None).get_page(request.GET.get("page"))
    return render(request, "feedback/moderation.html", {
        "page": page, "tab": tab, "tabs": [(k, _(v)) for k, v in TABS], "q": request.GET.get("q", ""),
        "categories": FeedbackCategory.objects.filter(is_active=True), "category": request.GET.get("category", ""),
    })


@login_required
def manage_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    # the predecessors' items (before 1/7/2025) are read only: no action offered (manage_action refuses them, 404)
    fb = sel.feedback_read(fetched_by=request.user, pk=pk)
    own = sel.in_own_scope(user=request.user, feedback=fb)
    templates = list(sel.templates_for(fb.category))
    ctx = {
        "fb": fb,
        "events": sel.feedback_history(feedback=fb, moderator=True),
        "attachments": list(fb.attachments.all()),
        "edit_form": f.EditForm(initial={"title": fb.title, "text": fb.text, "version": fb.version}),
        "redact_form": f.RedactForm(),
        "reason_form": f.ReasonForm(),
        "info_form": f.InfoForm(),
        # an item not yet published takes an answer kept unpublished (feedback_answer refuses to publish it)
        "answer_form": f.AnswerForm(initial={"text": fb.answer_text, "publish": fb.is_public}),
        "forward_form": f.ForwardForm(province_code=fb.province_code, exclude_commune=fb.commune_code) if fb.is_open else None,
        "department_names": f.DEPARTMENT_SUGGESTIONS,
        "forward_overdue": fb.status in svc.FORWARDABLE and fb.forward_due is not None and not fb.published_at
        and fb.forward_due < timezone.localdate(),
        "templates": templates,
        "templates_data": {str(t.pk): t.body for t in templates},
        "overdue": fb.is_overdue(),
        "can_act": own and (request.user.is_superuser or request.user.role in svc.HANDLER_ROLES),
        "staff": _commune_staff(fb.commune_code),
    }
    return render(request, "feedback/manage.html", ctx)


def _commune_staff(commune_code: str) -> list[Any]:
    """Whom "Giao cho" offers: the commune's active staff who may handle feedback (``services.feedback_assign``)."""
    from coso.accounts.models import User

    return list(User.objects.filter(is_active=True, commune_code=commune_code, role__in=svc.ASSIGNABLE_ROLES).order_by("full_name"))


def _id(value: str) -> int | None:
    """A row id sent by a form: ASCII digits within what an id column holds (``"²".isdigit()`` is true, but int() refuses
    it; a number past the column's range fails in the database; past 4,300 digits int() refuses it), else None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= len(str(INT_MAX)) and int(value) <= INT_MAX else None


@login_required
@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_staff(request)
    fb = sel.feedback_get(fetched_by=request.user, pk=pk)
    p = request.POST
    user = request.user
    try:
        if action in ("edit", "publish"):
            form = f.EditForm(p)
            if not form.is_valid():
                raise errors.FEEDBACK_EDIT_VALIDATION_ERROR()
            d = form.cleaned_data
            if action == "edit":
                svc.feedback_edit(feedback=fb, actor=user, title=d["title"], text=d["text"], note=d["note"], version=d["version"])
                messages.success(request, _("Đã lưu bản biên tập."))
            else:
                svc.feedback_publish(feedback=fb, actor=user, title=d["title"], text=d["text"], note=d["note"], version=d["version"])
                messages.success(request, _("Đã công khai phản ánh."))
        elif action == "redact":
            redact_form = f.RedactForm(p)
            redact_form.is_valid()
            phrases = [x for x in (redact_form.cleaned_data.get("phrases") or "").splitlines() if x.strip()]
            ids = [i for i in map(_id, p.getlist("attachment")) if i is not None]
            svc.feedback_redact(feedback=fb, actor=user, phrases=phrases, patterns=bool(redact_form.cleaned_data.get("patterns")),
                                attachment_ids=ids, remove_contact=bool(redact_form.cleaned_data.get("remove_contact")))
            messages.success(request, _("Đã ẩn thông tin cá nhân."))
        elif action == "unhide_attachment":
            ids = [i for i in map(_id, p.getlist("attachment")) if i is not None]
            svc.feedback_unhide_attachments(feedback=fb, actor=user, attachment_ids=ids, note=p.get("reason", ""))
            messages.success(request, _("Đã hiện lại tệp."))
        elif action == "hide":
            svc.feedback_hide(feedback=fb, actor=user, reason=p.get("reason", ""))
            messages.success(request, _("Đã ẩn phản ánh."))
        elif action == "unhide":
            svc.feedback_unhide(feedback=fb, actor=user, note=p.get("reason", ""))
            messages.success(request, _("Đã bỏ ẩn phản ánh."))
        elif action == "clear_flag":
            svc.feedback_clear_flag(feedback=fb, actor=user, note=p.get("reason", ""), version=_id(p.get("version") or ""))
            messages.success(request, _("Đã bỏ cờ từ ngữ."))
        elif action == "dismiss_reports":
            svc.feedback_dismiss_reports(feedback=fb, actor=user, note=p.get("reason", ""), version=_id(p.get("version") or ""))
            messages.success(request, _("Đã bỏ qua các báo cáo vi phạm."))
        elif action == "reject":
            svc.feedback_reject(feedback=fb, actor=user, reason=p.get("reason", ""))
            messages.success(request, _("Đã từ chối và báo lý do cho người gửi."))
        elif action == "info":
            svc.feedback_request_info(feedback=fb, actor=user, message=p.get("message", ""))
            messages.success(request, _("Đã gửi đề nghị bổ sung thông tin."))
        elif action == "answer":
            answer_form = f.AnswerForm(p)
            if not answer_form.is_valid():
                raise errors.FEEDBACK_ANSWER_VALIDATION_ERROR()
            svc.feedback_answer(feedback=fb, actor=user, text=answer_form.cleaned_data["text"], publish=answer_form.cleaned_data["publish"])
            messages.success(request, _("Đã lưu trả lời."))
        elif action == "assign":
            from coso.accounts.models import User

            assignee_pk = _id(p.get("assignee") or "")
            assignee = User.objects.filter(pk=assignee_pk).first() if assignee_pk is not None else None
            svc.feedback_assign(feedback=fb, actor=user, assignee=assignee)
            messages.success(request, _("Đã giao người xử lý."))
        elif action == "forward":
            forward_form = f.ForwardForm(p, province_code=fb.province_code, exclude_commune=fb.commune_code)
            if not forward_form.is_valid():
                first = next(iter(forward_form.errors.values()))[0]
                raise errors.MANAGE_ACTION_VALIDATION_ERROR(error=first)
            d = forward_form.cleaned_data
            svc.feedback_forward(feedback=fb, actor=user, target=d["target"], target_commune=d["target_commune"],
                                 target_name=d["target_name"], reason=d["reason"])
            fb.refresh_from_db()
            messages.success(request, _("Đã chuyển phản ánh đến %(name)s và báo cho người gửi.") % {"name": fb.forward_target_name})
        elif action == "publish_answer":
            svc.feedback_publish_answer(feedback=fb, actor=user)
            messages.success(request, _("Đã công khai trả lời."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("feedback:manage", pk=fb.pk)
