"""JSON API of the feedback app (mounted at /api/v1/feedback/). Same services and selectors as the pages.

Errors use the project's one shape {code, message, details}.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from coso.accounts.backends import public_api_caller
from coso.core.api_body import body_in_scope, json_body_doc, raw_json
from coso.core.security import client_ip
from coso.core.types import AuthedHttpRequest
from coso.feedback import errors
from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackCategory

router = Router(tags=["feedback"])


class CategoryOut(Schema):
    code: str
    name: str
    classification: str
    description: str
    allow_anonymous: bool


class FeedbackPublicOut(Schema):
    id: int
    code: str
    category: str
    commune_code: str
    title: str
    text: str
    status: str
    status_label: str
    published_at: dt.datetime | None
    answer_text: str | None
    answer_published_at: dt.datetime | None
    lat: Decimal | None
    long: Decimal | None
    forwarded_to: str | None = None  # outside the commune's competence: the competent body it went to
    forwarded_at: dt.datetime | None = None

    @staticmethod
    def resolve_category(obj: Feedback) -> str:
        return obj.category.code

    @staticmethod
    def resolve_forwarded_to(obj: Feedback) -> str | None:
        return obj.forward_target_name if obj.status == Feedback.Status.FORWARDED else None

    @staticmethod
    def resolve_status_label(obj: Feedback) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_answer_text(obj: Feedback) -> str | None:
        return obj.answer_text if obj.status == Feedback.Status.CLOSED else None


class FeedbackSenderOut(FeedbackPublicOut):
    """What the sender sees of their own feedback: their own contact data and the deadlines, the
    answer only once it is published, no moderation fields (hiding, flags, reports, internal notes)."""

    province_code: str
    is_public: bool
    submitted_at: dt.datetime
    answer_due: dt.date
    anonymous: bool
    contact_name: str
    contact_phone: str
    contact_email: str
    info_request: str
    reject_reason: str
    rating: str
    officer_rating: int | None

    @staticmethod
    def resolve_info_request(obj: Feedback) -> str:
        return obj.info_request if obj.status == Feedback.Status.INFO_REQUESTED else ""

    @staticmethod
    def resolve_reject_reason(obj: Feedback) -> str:
        return obj.reject_reason if obj.status == Feedback.Status.REJECTED else ""


class FeedbackStaffOut(FeedbackPublicOut):
    province_code: str
    is_public: bool
    hidden: bool
    hidden_reason: str
    flagged: bool
    flag_words: list[str]
    report_count: int
    submitted_at: dt.datetime
    reject_due: dt.date
    info_due: dt.date
    answer_due: dt.date
    publish_due: dt.date | None
    forward_due: dt.date | None
    forward_target: str
    forward_target_code: str
    forward_reason: str
    late: bool
    escalated: bool
    anonymous: bool
    contact_name: str
    contact_phone: str
    contact_email: str
    rating: str
    officer_rating: int | None
    version: int

    @staticmethod
    def resolve_answer_text(obj: Feedback) -> str | None:
        return obj.answer_text or None

    @staticmethod
    def resolve_hidden_reason(obj: Feedback) -> str:
        return obj.hidden_reason_display


class SubmitIn(Schema):
    category: str
    commune: str
    text: str
    title: str = ""
    village_id: int | None = None
    lat: Decimal | None = None
    long: Decimal | None = None
    address: str = ""
    anonymous: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    confirm_unaccented: bool = False


class SubmitOut(Schema):
    id: int
    code: str
    access_key: str
    status: str
    answer_due: dt.date


class ModerateIn(Schema):
    action: str  # publish | edit | redact | unhide_attachments | hide | unhide | dismiss_reports | clear_flag | reject | request_info | publish_answer | forward
    title: str | None = None
    text: str | None = None
    reason: str = ""
    phrases: list[str] = []
    attachment_ids: list[int] = []
    remove_contact: bool = False
    version: int | None = None
    target: str = ""  # forward: commune | province | external
    target_commune: str = ""  # forward to a commune: its code
    target_name: str = ""  # forward to a department or another body: its name


class DismissReportsIn(Schema):
    reason: str = ""  # why the reports are dismissed (staff history and audit entry)
    version: int | None = None


class AnswerIn(Schema):
    text: str
    publish: bool = True
    version: int | None = None


class RateIn(Schema):
    rating: str
    officer_rating: int | None = None
    comment: str = ""
    access_key: str = ""


class ReportIn(Schema):
    reason: str = ""


class CommuneStatOut(Schema):
    commune_code: str
    commune_name: str
    total: int
    on_time: int
    late: int
    answered: int
    rated: int
    useful: int
    unsatisfied: int
    on_time_rate: float | None
    satisfaction_rate: float | None


@router.get("/categories", response=list[CategoryOut], auth=None)  # public
def list_categories(request: HttpRequest):  # type: ignore[no-untyped-def]
    return sel.category_list()


@router.post("/", response={201: SubmitOut}, auth=None)  # public: citizens may submit without an account
def create_feedback(request: HttpRequest, payload: Form[SubmitIn], attachments: File[list[UploadedFile]] = None):  # type: ignore[no-untyped-def, assignment]  # ninja: optional upload list, declared its documented way
    from coso.feedback.forms import commune_queryset

    category = FeedbackCategory.objects.filter(code=payload.category, is_active=True).first()
    commune = commune_queryset().filter(code=payload.commune).first()  # the communes the submit page and Open311 offer
    village = svc.submitted_village(payload.village_id)
    fb = svc.feedback_submit(
        actor=public_api_caller(request), category=category, commune=commune, village=village, text=payload.text, title=payload.title,
        lat=payload.lat, long=payload.long, address=payload.address, anonymous=payload.anonymous, contact_name=payload.contact_name,
        contact_phone=payload.contact_phone, contact_email=payload.contact_email, files=list(attachments or []),
        confirm_unaccented=payload.confirm_unaccented, channel=Feedback.Channel.API,
    )
    return 201, fb


def _check_period(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """A range typed the wrong way round is the caller's error, not a range with nothing in it."""
    if date_from and date_to and date_from > date_to:
        raise errors.PERIOD_REVERSED()


@router.get("/public", response=list[FeedbackPublicOut], auth=None)  # public listing
@paginate
def list_public_feedback(request: HttpRequest, q: str = "", commune: str = "", category: str = "", status: str = "",
                         date_from: dt.date | None = None, date_to: dt.date | None = None):  # type: ignore[no-untyped-def]
    _check_period(date_from, date_to)
    if status and status not in sel.PUBLIC_STATUSES:  # ignored, it answered every item as if no status were asked
        raise errors.PUBLIC_STATUS_INVALID(details={"allowed": list(sel.PUBLIC_STATUSES)})
    return sel.feedback_public_list(query=q, commune_code=commune, category_code=category, status=status, date_from=date_from, date_to=date_to)


@router.get("/public/{int:feedback_id}", response=FeedbackPublicOut, auth=None)  # public
def get_public_feedback(request: HttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    return sel.feedback_get_public(pk=feedback_id)


@router.get("/stats", response=list[CommuneStatOut], auth=None)  # public figures per commune (QĐ 766 5.2/5.3)
def feedback_stats(request: HttpRequest, province: str = "", commune: str = "", date_from: dt.date | None = None,
                   date_to: dt.date | None = None):  # type: ignore[no-untyped-def]
    _check_period(date_from, date_to)
    return sel.commune_stats(province_code=province, commune_codes=[commune] if commune else None, date_from=date_from, date_to=date_to)


class _SenderView:
    """A feedback item as its sender may see it: only the sender schema's attributes exist, so the
    response can only validate as FeedbackSenderOut (never as the staff schema)."""

    _ALLOWED = frozenset(FeedbackSenderOut.model_fields) | {"get_status_display"}

    def __init__(self, fb: Feedback) -> None:
        self._fb = fb

    def __getattr__(self, name: str) -> Any:
        if name in _SenderView._ALLOWED:
            return getattr(self._fb, name)
        raise AttributeError(name)


def _as_seen_by(user: Any, fb: Feedback) -> Any:
    """Staff of the unit see the moderation fields and the draft answer; anyone else (the sender,
    whose own items the scoping lets through) sees the sender's view."""
    if getattr(user, "is_staff_role", False) or getattr(user, "is_superuser", False):
        return fb
    return _SenderView(fb)


@router.get("/", response=list[FeedbackStaffOut | FeedbackSenderOut],
            summary="Feedback in the caller's scope (staff: with moderation fields; a citizen: their own, sender's view)")
@paginate
def list_feedback(request: HttpRequest, tab: str = "all", q: str = "", category: str = ""):  # type: ignore[no-untyped-def]
    if tab not in sel.STAFF_TABS:  # ignored, it listed every item as if "all" were asked
        raise errors.STAFF_TAB_INVALID(details={"allowed": list(sel.STAFF_TABS)})
    return _LazyMap(sel.feedback_list(fetched_by=request.user, tab=tab, query=q, category_code=category), lambda fb: _as_seen_by(request.user, fb))


@router.get("/{int:feedback_id}", response=FeedbackStaffOut | FeedbackSenderOut,
            summary="One feedback item (staff: with moderation fields and draft answer; the sender: sender's view)")
def get_feedback(request: HttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    # the predecessors' items too (read only), as the staff page (``sel.feedback_read``)
    return _as_seen_by(request.user, sel.feedback_read(fetched_by=request.user, pk=feedback_id))


class _LazyMap:
    """A queryset the paginator can count and slice, whose items come out converted."""

    def __init__(self, qs, fn) -> None:  # type: ignore[no-untyped-def]
        self.qs, self.fn = qs, fn

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):  # type: ignore[no-untyped-def]
        if isinstance(item, slice):
            return [self.fn(x) for x in self.qs[item]]
        return self.fn(self.qs[item])


def _staff_get(request: AuthedHttpRequest, feedback_id: int) -> Feedback:
    fb = sel.feedback_get(fetched_by=request.user, pk=feedback_id)
    if not request.user.is_staff_role:
        raise Http404
    return fb


@router.post("/{int:feedback_id}/moderate", response=FeedbackStaffOut, openapi_extra=json_body_doc(ModerateIn))
def moderate_feedback(request: AuthedHttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    # the body is read once the item is the caller's: another unit's item answers 404 whatever the body (as a missing one)
    payload = body_in_scope(request, ModerateIn, lambda: _staff_get(request, feedback_id))
    fb = _staff_get(request, feedback_id)
    u = request.user
    a = payload.action
    if a == "publish":
        if payload.title is not None and payload.text is not None:
            return svc.feedback_publish(feedback=fb, actor=u, title=payload.title, text=payload.text, note=payload.reason, version=payload.version)
        return svc.feedback_publish(feedback=fb, actor=u, note=payload.reason, version=payload.version)
    if a == "edit":
        return svc.feedback_edit(feedback=fb, actor=u, title=payload.title or fb.title, text=payload.text or "", note=payload.reason, version=payload.version)
    if a == "redact":
        return svc.feedback_redact(feedback=fb, actor=u, phrases=payload.phrases, attachment_ids=payload.attachment_ids,
                                   remove_contact=payload.remove_contact, note=payload.reason)
    if a == "unhide_attachments":  # show again files hidden by "redact" (attachment_ids)
        return svc.feedback_unhide_attachments(feedback=fb, actor=u, attachment_ids=payload.attachment_ids, note=payload.reason)
    if a == "hide":
        return svc.feedback_hide(feedback=fb, actor=u, reason=payload.reason)
    if a == "unhide":
        return svc.feedback_unhide(feedback=fb, actor=u, note=payload.reason)
    if a == "clear_flag":
        return svc.feedback_clear_flag(feedback=fb, actor=u, note=payload.reason, version=payload.version)
    if a == "dismiss_reports":
        return svc.feedback_dismiss_reports(feedback=fb, actor=u, note=payload.reason, version=payload.version)
    if a == "reject":
        return svc.feedback_reject(feedback=fb, actor=u, reason=payload.reason)
    if a == "request_info":
        return svc.feedback_request_info(feedback=fb, actor=u, message=payload.reason)
    if a == "publish_answer":
        return svc.feedback_publish_answer(feedback=fb, actor=u)
    if a == "forward":
        return svc.feedback_forward(feedback=fb, actor=u, target=payload.target, target_commune=payload.target_commune,
                                    target_name=payload.target_name, reason=payload.reason, version=payload.version)
    raise errors.INVALID_ACTION(details={"allowed": ["publish", "edit", "redact", "unhide_attachments", "hide", "unhide", "dismiss_reports", "clear_flag", "reject", "request_info", "publish_answer", "forward"]})


@router.post("/{int:feedback_id}/dismiss-reports", response=FeedbackStaffOut,
             summary="Dismiss the public abuse reports of an item found fine (409 no-reports when there is none)",
             openapi_extra=json_body_doc(DismissReportsIn))
def dismiss_feedback_reports(request: AuthedHttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    payload = body_in_scope(request, DismissReportsIn, lambda: _staff_get(request, feedback_id))
    fb = _staff_get(request, feedback_id)  # another unit's item: 404, whatever the body
    return svc.feedback_dismiss_reports(feedback=fb, actor=request.user, note=payload.reason, version=payload.version)


@router.post("/{int:feedback_id}/answer", response=FeedbackStaffOut, openapi_extra=json_body_doc(AnswerIn))
def answer_feedback(request: AuthedHttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    payload = body_in_scope(request, AnswerIn, lambda: _staff_get(request, feedback_id))
    fb = _staff_get(request, feedback_id)
    return svc.feedback_answer(feedback=fb, actor=request.user, text=payload.text, publish=payload.publish, version=payload.version)


@router.post("/{int:feedback_id}/rate", response=FeedbackPublicOut, auth=None, openapi_extra=json_body_doc(RateIn))  # sender: session or access_key
def rate_feedback(request: HttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    actor = public_api_caller(request)
    raw = raw_json(request)
    raw_key = raw.get("access_key") if isinstance(raw, dict) else None  # a bad body still proves the sender by its key
    payload = body_in_scope(request, RateIn, lambda: sel.feedback_get_for_viewer(pk=feedback_id, user=actor,
                                                                                 access_key=raw_key if isinstance(raw_key, str) else ""))
    # 404 for a caller who may not see the item (as for an id that does not exist), not "only the sender" on an unpublished one
    fb, _mode = sel.feedback_get_for_viewer(pk=feedback_id, user=actor, access_key=payload.access_key)
    return svc.feedback_rate(feedback=fb, actor=actor, rating=payload.rating, officer_rating=payload.officer_rating,
                             comment=payload.comment, access_key=payload.access_key)


# public report; one per user or client address, rate-limited (429). Only a published item may be reported: another one
# (pending, refused, hidden) answers 404 whatever the body, as one that does not exist, not 422 for a bad body.
@router.post("/{int:feedback_id}/report", response=FeedbackPublicOut, auth=None, openapi_extra=json_body_doc(ReportIn))
def report_feedback(request: HttpRequest, feedback_id: int):  # type: ignore[no-untyped-def]
    actor = public_api_caller(request)
    payload = body_in_scope(request, ReportIn, lambda: sel.feedback_get_public(pk=feedback_id))
    fb = sel.feedback_get_public(pk=feedback_id)
    return svc.feedback_report(feedback=fb, actor=actor, address=client_ip(request), reason=payload.reason)
