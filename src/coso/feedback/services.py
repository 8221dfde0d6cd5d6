"""Writes of the feedback app: submission, moderation, handling, answers, ratings, reports, escalation."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import number_format
from django.utils.translation import gettext

from coso.accounts.roles import COMMUNE_ROLES, PROVINCE_ROLES, Role
from coso.core import attachments as att
from coso.core import ratelimit
from coso.core.audit import audit_log, snapshot
from coso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from coso.core.geo import point_in_vietnam
from coso.core.models import AuditLog
from coso.core.notify import notify
from coso.core.search import search_index_set
from coso.core.security import same_secret
from coso.core.text import looks_unaccented_vietnamese, nfc, tokens
from coso.feedback import errors, notes
from coso.feedback.models import Feedback, FeedbackAttachment, FeedbackCategory, FeedbackEvent, FeedbackReport, ResponseTemplate
from coso.rules.lookup import book
from coso.units import lineage
from coso.workcalendar.services import add_working_days, effective_start

DATA_DIR = Path(__file__).parent / "data"
SEARCH_KIND = "feedback"
REDACTED = "[đã ẩn]"
# Longest texts, in characters, the services take (the pages' forms and the API alike): over them, a refusal, nothing cut.
TITLE_MAX = 200
TEXT_MAX = 4000
SUPPLEMENT_MAX = TEXT_MAX  # what the sender adds when asked: as long as the feedback itself may be
ANSWER_MAX = 4000
INFO_REQUEST_MAX = 2000
REASON_MAX = 2000  # rejection and forwarding reasons: sent to the sender
HIDE_REASON_MAX = 300
REPORT_REASON_MAX = FeedbackReport._meta.get_field("reason").max_length or 300  # a public report's reason: the page's field
RATE_COMMENT_MAX = 500
# What the columns of the sender's contact and the place hold: a longer value is refused on its field, never stored cut.
ADDRESS_MAX = Feedback._meta.get_field("address").max_length or 300
CONTACT_NAME_MAX = Feedback._meta.get_field("contact_name").max_length or 200
CONTACT_EMAIL_MAX = Feedback._meta.get_field("contact_email").max_length or 254
# Who may moderate and handle feedback (finance officers only read).
HANDLER_ROLES = frozenset((COMMUNE_ROLES | PROVINCE_ROLES | {Role.SYSTEM_ADMIN}) - {Role.COMMUNE_FINANCE, Role.PROVINCE_FINANCE})
# Whom an item may be assigned to: the commune's staff who may handle it.
ASSIGNABLE_ROLES = COMMUNE_ROLES & HANDLER_ROLES


# --------------------------------------------------------------------------- defaults (data)

def load_defaults(category_model: Any = FeedbackCategory, template_model: Any = ResponseTemplate) -> None:
    """Idempotently load the shipped categories and response templates (deadlines are rules: data/rules.json)."""
    data = json.loads((DATA_DIR / "defaults.json").read_text(encoding="utf-8"))
    cats = {}
    for c in data["categories"]:
        cats[c["code"]], _ = category_model.objects.get_or_create(code=c["code"], defaults={k: v for k, v in c.items() if k != "code"})
    for t in data["templates"]:
        cat = cats.get(t["category"]) if t["category"] else None
        template_model.objects.get_or_create(category=cat, kind=t["kind"], title=t["title"], defaults={"body": t["body"]})


@dataclass(frozen=True)
class FeedbackRules:
    """The feedback rules in force on one day for one unit (from the rule book)."""

    reject_days: int
    info_days: int
    answer_days: int
    publish_days: int
    forward_days: int
    auto_hide_reports: int
    max_attachments: int


def rule_for(province_code: str, day: dt.date, commune_code: str = "") -> FeedbackRules:
    """The rules in force on ``day`` for a unit (commune > province > national, by date)."""
    b = book()

    def v(key: str) -> int:
        return int(b.value(key, day, province_code, commune_code))

    return FeedbackRules(
        reject_days=v("feedback.deadline.reject_days"), info_days=v("feedback.deadline.info_days"),
        answer_days=v("feedback.deadline.answer_days"), publish_days=v("feedback.deadline.publish_days"),
        forward_days=v("feedback.deadline.forward_days"), auto_hide_reports=v("feedback.moderation.auto_hide_reports"),
        max_attachments=v("feedback.attachments.max_count"),
    )


def deadlines_for(submitted_at: dt.datetime, rule: FeedbackRules, province_code: str = "") -> dict[str, dt.date]:
    """Working-day deadlines on the province's calendar, counted from the day the clock starts (next working day if
    received on a day off): the portal's 766 deadlines and the legal deadline to forward an item outside the commune's
    competence (Decree 20/2008 Art. 9(1)(d))."""
    p = province_code
    start = effective_start(submitted_at, province_code=p)
    return {"start_date": start, "reject_due": add_working_days(start, rule.reject_days, province_code=p),
            "info_due": add_working_days(start, rule.info_days, province_code=p), "answer_due": add_working_days(start, rule.answer_days, province_code=p),
            "forward_due": add_working_days(start, rule.forward_days, province_code=p)}


def auto_hide_threshold(province_code: str, day: dt.date | None = None, commune_code: str = "") -> int:
    return rule_for(province_code, day or timezone.localdate(), commune_code).auto_hide_reports


# --------------------------------------------------------------------------- word flags

@functools.lru_cache(maxsize=1)
def _flag_phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    phrases = []
    for line in (DATA_DIR / "flag_words.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            phrases.append((line, tuple(tokens(line))))
    return tuple(phrases)


def flagged_words(text: str) -> list[str]:
    """Abusive or extreme words found in ``text`` (whole words, accent-insensitive)."""
    words = tokens(text)
    found = []
    for phrase, toks in _flag_phrases():
        n = len(toks)
        if n and any(tuple(words[i:i + n]) == toks for i in range(len(words) - n + 1)):
            found.append(phrase)
    return found


# --------------------------------------------------------------------------- helpers

def _event(fb: Feedback, *, actor: Any, kind: str, public: bool = False, note: str = "", title: str = "", text: str = "") -> FeedbackEvent:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return FeedbackEvent.objects.create(
        feedback=fb, actor=actor if authenticated else None, actor_name=actor.display_name if authenticated else "",
        kind=kind, public=public, note=note, title=title, text=text,
    )


def _audit(fb: Feedback, *, actor: Any, verb: str, before: dict | None = None, reason: str = "", also: dict | None = None) -> None:
    """``also``: what changed besides the item's own fields (e.g. the attachments hidden), kept in the entry's "after"."""
    after = snapshot(fb)
    if before is not None:
        keys = [k for k in after if before.get(k) != after.get(k)]
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=fb, verb=verb, before={k: before.get(k) for k in keys},
                  after={**{k: after[k] for k in keys}, **(also or {})}, reason=reason)
    else:
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=fb, verb=verb, after=after, reason=reason)


def _reindex(fb: Feedback) -> None:
    # the answer's words only once it is published (the public search reads this index): a draft, or an answer a re-raise
    # took back, is shown nowhere public, and a search by its words would tell what it says
    answer = fb.answer_text if fb.status == Feedback.Status.CLOSED else ""
    search_index_set(kind=SEARCH_KIND, object_id=fb.pk, texts=[fb.code, fb.title, fb.text, answer],
                     province_code=fb.province_code, commune_code=fb.commune_code)


def _too_long(error: Any, text: str, limit: int, field: str) -> None:
    """Refuse ``text`` longer than ``limit`` characters with ``error`` on ``field``."""
    if len(text) > limit:
        raise error(max=number_format(limit, force_grouping=True), field=field)


def _moderation_note(note: str | None) -> str:
    """A moderator's note on an action (the API's ``reason``): refused over the page's note field (``HIDE_REASON_MAX``)."""
    note = nfc(note or "")
    _too_long(errors.FEEDBACK_REASON_TOO_LONG, note, HIDE_REASON_MAX, "reason")
    return note


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _lock(fb: Feedback, version: int | None = None) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=fb.pk)
    if version is not None and locked.version != version:
        raise errors.FEEDBACK_CHANGED(details={"current_version": locked.version, "status": locked.status})
    return locked


def _save(fb: Feedback, fields: list[str]) -> None:
    fb.version = F("version") + 1
    fb.full_clean(exclude=["version"])
    fb.save(update_fields=[*fields, "version", "updated_at"])
    fb.refresh_from_db(fields=["version"])


def _can_handle(actor: Any, fb: Feedback) -> None:
    from coso.core.scoping import can_see_unit

    if actor is None or not getattr(actor, "is_authenticated", False):
        raise errors.NOT_AUTHENTICATED()
    if not (actor.is_superuser or actor.role in HANDLER_ROLES):
        raise PermissionDeniedError()
    # Another unit's item does not exist for the actor (404, as for dossiers), whatever the door.
    if not can_see_unit(actor, province_code=fb.province_code, commune_code=fb.commune_code):
        raise NotFoundError()
    from coso.feedback.selectors import is_other_holders

    if is_other_holders(actor, fb):  # sent while an ended commune of another lineage carried the code: another commune's
        raise NotFoundError()


def _contact(fb: Feedback) -> dict[str, str]:
    if fb.anonymous:
        return {}
    email = fb.contact_email or (fb.submitter.email if fb.submitter is not None else "")
    phone = fb.contact_phone or (fb.submitter.phone if fb.submitter is not None else "")
    return {"email": email, "phone": phone}


def _notify_sender(fb: Feedback, text: str, subject: str) -> None:
    contact = _contact(fb)
    if contact.get("email") or contact.get("phone"):
        notify(text=text, subject=subject, **contact)


def _staff_of(fb: Feedback, roles: set[str]) -> list[Any]:
    """The active staff of the item's commune with one of ``roles``; nobody for an item sent while an old commune of another
    lineage carried the code (``lineage.belongs_to_another_holder``: not the holder's staff's to handle). Their commune's
    start comes with them: no query for an item sent since."""
    from coso.accounts.models import User

    staff = list(User.objects.filter(is_active=True, commune_code=fb.commune_code, role__in=roles).select_related("unit"))
    since = next((u.unit.valid_from for u in staff if u.unit is not None and u.unit.code == fb.commune_code and u.unit.valid_to is None),
                 lineage.UNKNOWN)
    if staff and lineage.belongs_to_another_holder(fb.commune_code, fb.submitted_at, since):
        return []
    return staff


def _notify_moderators(fb: Feedback, text: str) -> None:
    for user in _staff_of(fb, {Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.COMMUNE_LEADER}):
        notify(text=text, subject=f"Phản ánh {fb.code}", email=user.email, phone=user.phone)


PHONE_RE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CCCD_RE = re.compile(r"(?<!\d)\d{9}(?:\d{3})?(?!\d)")


def redact_text(text: str, phrases: list[str] | None = None, *, patterns: bool = True) -> str:
    """Replace phone numbers, e-mail addresses, ID numbers and the given phrases with "[đã ẩn]"."""
    out = text or ""
    if patterns:
        for rx in (EMAIL_RE, PHONE_RE, CCCD_RE):
            out = rx.sub(REDACTED, out)
    for phrase in phrases or []:
        phrase = nfc(phrase)
        if phrase:
            out = re.sub(re.escape(phrase), REDACTED, out, flags=re.IGNORECASE)
    return out


# --------------------------------------------------------------------------- submission

def route(*, category: FeedbackCategory, commune_code: str) -> Any:
    """The officer a new feedback goes to: the commune (place) and the category's handling role.

    Falls back to the commune's leader, then to nobody (the commune's queue).
    """
    from coso.accounts.models import User

    staff = User.objects.filter(is_active=True, commune_code=commune_code)
    return (staff.filter(role=category.handler_role).order_by("id").first()
            or staff.filter(role=Role.COMMUNE_LEADER).order_by("id").first())


def _email_fits(value: str) -> bool:
    """A valid e-mail address the column holds (validate_email lets up to 320 characters through)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= CONTACT_EMAIL_MAX


def submitted_village(village_id: Any) -> Any:
    """The village a sender named by its id (the API's ``village_id``, the page's select), None when none was named: an
    id of no village is the sender's error, refused on the field, not dropped (the item filed without the village meant)."""
    if not village_id:
        return None
    from coso.units.models import Village

    village = Village.objects.filter(pk=village_id).first()
    if village is None:
        raise errors.FEEDBACK_VILLAGE_UNKNOWN()
    return village


def feedback_submit(
    *,
    actor: Any,
    category: FeedbackCategory | None,
    commune: Any,
    text: str,
    title: str = "",
    village: Any = None,
    lat: Any = None,
    long: Any = None,
    address: str = "",
    anonymous: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    files: list[Any] | None = None,
    confirm_unaccented: bool = False,
    channel: str = Feedback.Channel.WEB,
    media_url: str = "",
    submitted_at: dt.datetime | None = None,
) -> Feedback:
    text = nfc(text)
    title = nfc(title)
    fields: dict[str, list[str]] = {}
    if not text:
        fields["text"] = [gettext("Vui lòng nhập nội dung phản ánh.")]
    elif len(text) > TEXT_MAX:
        fields["text"] = [str(errors.FEEDBACK_TEXT_TOO_LONG.message) % {"max": number_format(TEXT_MAX, force_grouping=True)}]
    if len(title) > TITLE_MAX:
        fields["title"] = [str(errors.FEEDBACK_TITLE_TOO_LONG.message) % {"max": number_format(TITLE_MAX, force_grouping=True)}]
    if category is None or not category.is_active:
        fields["category"] = [gettext("Vui lòng chọn lĩnh vực.")]
    if commune is None or getattr(commune, "level", "") != "commune":
        fields["commune"] = [gettext("Vui lòng chọn xã, phường.")]
    if village is not None and commune is not None and village.commune_id != commune.pk:
        fields["village"] = [gettext("Thôn, tổ dân phố không thuộc xã đã chọn.")]
    elif village is not None and not _village_in_force(village):
        fields["village"] = [gettext("Thôn, tổ dân phố này không còn hiệu lực (đã sắp xếp lại); vui lòng chọn thôn, tổ dân phố hiện nay.")]
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if anonymous and category is not None and not category.allow_anonymous:
        fields["anonymous"] = [gettext("Lĩnh vực này không nhận phản ánh ẩn danh.")]
    if not anonymous:
        if authenticated and actor.role == Role.CITIZEN:
            contact_name = contact_name or actor.display_name
            contact_phone = contact_phone or actor.phone
            contact_email = contact_email or actor.email
        if not nfc(contact_name) and channel != Feedback.Channel.OPEN311:
            fields["contact_name"] = [gettext("Vui lòng nhập họ tên, hoặc chọn gửi ẩn danh.")]
        if not (contact_phone or contact_email) and channel != Feedback.Channel.OPEN311:
            fields["contact_phone"] = [gettext("Vui lòng nhập số điện thoại hoặc thư điện tử, hoặc chọn gửi ẩn danh.")]
    if contact_phone and not re.fullmatch(r"\+?[0-9][0-9 .-]{7,18}", contact_phone.strip()):
        fields["contact_phone"] = [gettext("Số điện thoại không hợp lệ.")]
    if len(nfc(address or "")) > ADDRESS_MAX:
        fields["address"] = [str(errors.FEEDBACK_ADDRESS_TOO_LONG.message) % {"max": ADDRESS_MAX}]
    if not anonymous:  # an anonymous sender's contact is not kept: nothing to check
        if len(nfc(contact_name or "")) > CONTACT_NAME_MAX:
            fields["contact_name"] = [str(errors.FEEDBACK_CONTACT_NAME_TOO_LONG.message) % {"max": CONTACT_NAME_MAX}]
        if contact_email and not _email_fits(contact_email.strip()):
            fields["contact_email"] = [str(errors.FEEDBACK_CONTACT_EMAIL_INVALID.message)]
    if fields:
        first = next(iter(fields.values()))[0]
        raise ApplicationError(first, code="validation-error", details={"fields": fields})
    assert category is not None  # a missing category is a field error above
    point = point_in_vietnam(lat, long)  # every door (page, API, Open311): a point in Vietnam, or none
    lat_d, long_d = point if point is not None else (None, None)
    if not confirm_unaccented and looks_unaccented_vietnamese(f"{title} {text}"):
        raise errors.UNACCENTED_TEXT(details={"fields": {"text": [gettext("Vui lòng gõ tiếng Việt có dấu.")]}})
    now = submitted_at or timezone.now()
    rule = rule_for(commune.province_code, _local_date(now), commune.code)
    prepared = att.prepare_attachments(files or [], max_files=rule.max_attachments)  # raises before anything is stored
    if not title:
        title = text.split("\n")[0][:80]
        if len(text) > 80:
            title = title.rsplit(" ", 1)[0] + "…"
    due = deadlines_for(now, rule, commune.province_code)
    flags = flagged_words(f"{title} {text}")
    assignee = route(category=category, commune_code=commune.code)
    stored: list[str] = []
    try:
        with transaction.atomic():
            fb = Feedback(
                code="PA-" + secrets.token_hex(6), access_key=secrets.token_urlsafe(12)[:16], category=category, village=village,
                title=title[:200], text=text, address=nfc(address)[:300], lat=lat_d, long=long_d, anonymous=anonymous,
                contact_name="" if anonymous else nfc(contact_name)[:200], contact_phone="" if anonymous else contact_phone.strip()[:20],
                contact_email="" if anonymous else contact_email.strip()[:254],
                submitter=actor if authenticated else None, channel=channel, media_url=media_url[:200],
                province_code=commune.province_code, commune_code=commune.code, submitted_at=now, **due,
                handler_role=category.handler_role, assigned_to=assignee,
                flagged=bool(flags), flag_words=flags,
            )
            fb.full_clean()
            fb.save()
            fb.code = f"PA{now:%y}-{fb.pk:07d}"
            fb.save(update_fields=["code"])
            for p in prepared:
                name = att.store(p, folder=f"feedback/{now:%Y/%m}")
                stored.append(name)
                FeedbackAttachment.objects.create(feedback=fb, file=name, original_name=p.original_name, content_type=p.content_type,
                                                  size=len(p.data), is_image=p.is_image)
            _event(fb, actor=actor, kind=FeedbackEvent.Kind.SUBMIT, public=True, note=notes.SUBMITTED)
            _event(fb, actor=actor, kind=FeedbackEvent.Kind.ORIGINAL, title=fb.title, text=fb.text)
            if flags:
                _event(fb, actor=None, kind=FeedbackEvent.Kind.FLAG, note=notes.write(notes.FLAGGED, words=", ".join(flags)))
            _reindex(fb)
            _audit(fb, actor=actor, verb="feedback_submit")
    except Exception:
        att.remove(stored)
        raise
    _notify_sender(fb, f"Coso: đã tiếp nhận phản ánh {fb.code}. Hạn xử lý: {fb.answer_due:%d/%m/%Y}.", "Đã tiếp nhận phản ánh")
    return fb


def feedback_supplement(*, feedback: Feedback, actor: Any, text: str, access_key: str = "") -> Feedback:
    """The sender adds the information requested."""
    text = nfc(text)
    if not text:
        raise errors.FEEDBACK_SUPPLEMENT_VALIDATION_ERROR(details={"fields": {"text": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_SUPPLEMENT_TOO_LONG, text, SUPPLEMENT_MAX, "text")
    with transaction.atomic():
        fb = _lock(feedback)
        _check_sender(fb, actor, access_key)
        if fb.status != Feedback.Status.INFO_REQUESTED:
            raise errors.NOT_INFO_REQUESTED()
        before = snapshot(fb)
        fb.status = Feedback.Status.PROCESSING if fb.published_at else Feedback.Status.PENDING
        _save(fb, ["status"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.SUPPLEMENT, text=text, note=notes.SUPPLEMENTED, public=True)
        _audit(fb, actor=actor, verb="feedback_supplement", before=before)
    return fb


# --------------------------------------------------------------------------- moderation

def feedback_edit(*, feedback: Feedback, actor: Any, title: str, text: str, note: str = "", version: int | None = None,
                  kind: str = FeedbackEvent.Kind.EDIT) -> Feedback:
    """Edit the public wording; the original and every edit stay in the history (moderators only)."""
    _can_handle(actor, feedback)
    title, text, note = nfc(title), nfc(text), _moderation_note(note)
    if not text or not title:
        raise errors.FEEDBACK_EDIT_VALIDATION_ERROR(details={"fields": {"text" if not text else "title": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_TITLE_TOO_LONG, title, TITLE_MAX, "title")
    _too_long(errors.FEEDBACK_TEXT_TOO_LONG, text, TEXT_MAX, "text")  # as the submission and the page's form: never a longer public text
    with transaction.atomic():
        fb = _lock(feedback, version)
        before = snapshot(fb)
        if fb.title == title and fb.text == text:
            return fb
        fb.title, fb.text = title, text
        _save(fb, ["title", "text"])
        _event(fb, actor=actor, kind=kind, note=note, title=fb.title, text=fb.text)
        _reindex(fb)
        _audit(fb, actor=actor, verb="feedback_edit", before=before, reason=note)
    return fb


def feedback_redact(*, feedback: Feedback, actor: Any, phrases: list[str] | None = None, patterns: bool = True,
                    attachment_ids: list[int] | None = None, remove_contact: bool = False, note: str = "") -> Feedback:
    """Hide personal data in the public text (phones, e-mails, ID numbers, named phrases) and chosen attachments."""
    _can_handle(actor, feedback)
    note = _moderation_note(note)
    with transaction.atomic():
        fb = _lock(feedback)
        before = snapshot(fb)
        fb.title = redact_text(fb.title, phrases, patterns=patterns)
        fb.text = redact_text(fb.text, phrases, patterns=patterns)
        # "[đã ẩn]" is longer than a short phrase: the result is held to the edit's limits (refused, never cut)
        _too_long(errors.FEEDBACK_TITLE_TOO_LONG, fb.title, TITLE_MAX, "title")
        _too_long(errors.FEEDBACK_TEXT_TOO_LONG, fb.text, TEXT_MAX, "text")
        fields = ["title", "text"]
        if remove_contact:
            fb.contact_name = fb.contact_phone = fb.contact_email = ""
            fields += ["contact_name", "contact_phone", "contact_email"]
        _save(fb, fields)
        hidden_ids: list[int] = []
        if attachment_ids:
            rows = FeedbackAttachment.objects.filter(feedback=fb, pk__in=attachment_ids, hidden=False)
            hidden_ids = sorted(rows.values_list("pk", flat=True))
            names = sorted(set(rows.values_list("file", flat=True)))
            FeedbackAttachment.objects.filter(pk__in=hidden_ids).update(hidden=True, hidden_by=None)  # this item's own decision
        hidden = len(hidden_ids)
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.REDACT, title=fb.title, text=fb.text,
               note=notes.write(notes.REDACTED_FILES, note=note or notes.REDACTED, count=hidden) if hidden else (note or notes.REDACTED))
        _reindex(fb)
        _audit(fb, actor=actor, verb="feedback_redact", before=before, reason=note, also={"attachments_hidden": hidden_ids} if hidden else None)
        if hidden:
            _hide_on_forwarded_copies(fb, names, actor=actor, note=note)
    return fb


def _hide_on_forwarded_copies(origin: Feedback, names: list[str], *, actor: Any, note: str) -> None:
    """The copies made by forwarding ``origin`` (and their own copies) share its stored files: a file hidden on the item it
    came from is hidden on them too (recorded as hidden by ``origin``), each copy with its staff history note and its audit
    entry. A copy where the file is already hidden keeps it hidden as it was (its own moderator's decision stays theirs)."""
    for copy in _forwarded_copies(origin):
        ids = sorted(FeedbackAttachment.objects.filter(feedback=copy, file__in=names, hidden=False).values_list("pk", flat=True))
        if not ids:
            continue
        FeedbackAttachment.objects.filter(pk__in=ids).update(hidden=True, hidden_by=origin)
        _event(copy, actor=actor, kind=FeedbackEvent.Kind.REDACT, title=copy.title, text=copy.text,
               note=notes.write(notes.COPY_FILES_HIDDEN, note=note, count=len(ids), code=origin.code))
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=copy, verb="feedback_hide_attachments",
                  after={"attachments_hidden": ids, "origin": origin.code}, reason=note)


def _forwarded_copies(origin: Feedback) -> Iterator[Feedback]:
    """The copies made by forwarding ``origin``, then their own copies, generation by generation (one query each)."""
    seen, frontier = {origin.pk}, [origin.pk]
    while frontier:
        copies = list(Feedback.objects.filter(forwarded_from_id__in=frontier).exclude(pk__in=seen).order_by("pk"))
        frontier = [c.pk for c in copies]
        seen.update(frontier)
        yield from copies


def feedback_unhide_attachments(*, feedback: Feedback, actor: Any, attachment_ids: list[int], note: str = "") -> Feedback:
    """Show again attachments a moderator hid ("Hiện lại tệp"), on the item and on the copies made by forwarding it where
    the same stored file was hidden by the same hiding (this item's, or the one that came down the chain to it); a copy
    whose own moderator hid the file keeps it hidden. A file that is not hidden is refused (409), nothing written."""
    _can_handle(actor, feedback)
    note = _moderation_note(note)
    wanted = sorted(set(attachment_ids or []))
    if not wanted:
        raise errors.ATTACHMENT_IDS_REQUIRED()
    with transaction.atomic():
        fb = _lock(feedback)
        rows = list(FeedbackAttachment.objects.select_for_update().filter(feedback=fb, pk__in=wanted).order_by("pk"))
        if len(rows) != len(wanted):  # another item's file, or none: not this item's
            raise errors.ATTACHMENT_UNKNOWN(details={"unknown": sorted(set(wanted) - {r.pk for r in rows})})
        shown = [r for r in rows if not r.hidden]
        if shown:
            raise errors.ATTACHMENT_NOT_HIDDEN(details={"not_hidden": [r.pk for r in shown]})
        # each file as hidden by: this item's own hiding, or the item whose hiding came down to it
        hidings = sorted({(r.file.name or "", r.hidden_by_id or fb.pk) for r in rows})
        FeedbackAttachment.objects.filter(pk__in=wanted).update(hidden=False, hidden_by=None)
        _save(fb, [])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.UNHIDE_ATTACHMENTS, note=notes.write(notes.FILES_SHOWN, note=note, count=len(wanted)))
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=fb, verb="feedback_unhide_attachments",
                  after={"attachments_shown": wanted}, reason=note)
        _show_on_forwarded_copies(fb, hidings, actor=actor, note=note)
    return fb


def _show_on_forwarded_copies(origin: Feedback, hidings: list[tuple[str, int]], *, actor: Any, note: str) -> None:
    """The reverse of ``_hide_on_forwarded_copies``: the copies (and their own copies) where a file shown again on ``origin``
    was hidden by the same hiding (``hidings``: the file's name and the pk of the item whose hiding hid it) show it again
    too, each with its staff history note and its audit entry; a file a copy's own moderator hid stays hidden there."""
    same_hiding = Q()
    for name, hidden_by in hidings:
        same_hiding |= Q(file=name, hidden_by_id=hidden_by)
    for copy in _forwarded_copies(origin):
        ids = sorted(FeedbackAttachment.objects.filter(same_hiding, feedback=copy, hidden=True).values_list("pk", flat=True))
        if not ids:
            continue
        FeedbackAttachment.objects.filter(pk__in=ids).update(hidden=False, hidden_by=None)
        _event(copy, actor=actor, kind=FeedbackEvent.Kind.UNHIDE_ATTACHMENTS,
               note=notes.write(notes.COPY_FILES_SHOWN, note=note, count=len(ids), code=origin.code))
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=copy, verb="feedback_unhide_attachments",
                  after={"attachments_shown": ids, "origin": origin.code}, reason=note)


def feedback_publish(*, feedback: Feedback, actor: Any, title: str | None = None, text: str | None = None, note: str = "",
                     version: int | None = None) -> Feedback:
    """Publish a pending feedback (optionally with an edit first)."""
    _can_handle(actor, feedback)
    note = _moderation_note(note)
    with transaction.atomic():  # a refused publication keeps no edit either
        if title is not None and text is not None:
            feedback = feedback_edit(feedback=feedback, actor=actor, title=title, text=text, note=note, version=version)
            version = None
        fb = _lock(feedback, version)
        if fb.status != Feedback.Status.PENDING and fb.is_public:
            raise errors.ALREADY_PUBLISHED()
        if fb.status == Feedback.Status.REJECTED:
            raise errors.FEEDBACK_REJECTED()
        if fb.status == Feedback.Status.FORWARDED:  # the competent body publishes its own copy, not this one as well
            raise errors.FEEDBACK_FORWARDED_NOT_PUBLISHABLE()
        before = snapshot(fb)
        fb.is_public = True
        fb.published_at = fb.published_at or timezone.now()
        if fb.status == Feedback.Status.PENDING:
            fb.status = Feedback.Status.PROCESSING
        _save(fb, ["is_public", "published_at", "status"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.PUBLISH, public=True, note=notes.PUBLISHED)
        _audit(fb, actor=actor, verb="feedback_publish", before=before, reason=note)
    return fb


def feedback_hide(*, feedback: Feedback, actor: Any, reason: str) -> Feedback:
    _can_handle(actor, feedback)
    reason = nfc(reason)
    if not reason:
        raise errors.FEEDBACK_HIDE_VALIDATION_ERROR(details={"fields": {"reason": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_REASON_TOO_LONG, reason, HIDE_REASON_MAX, "reason")
    with transaction.atomic():
        fb = _lock(feedback)
        if fb.hidden:  # would replace the reason it was hidden for (the automatic hiding's count of reports among them)
            raise errors.ALREADY_HIDDEN()
        before = snapshot(fb)
        fb.hidden, fb.hidden_reason = True, reason
        _save(fb, ["hidden", "hidden_reason"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.HIDE, note=reason)
        _audit(fb, actor=actor, verb="feedback_hide", before=before, reason=reason)
    return fb


def feedback_unhide(*, feedback: Feedback, actor: Any, note: str = "") -> Feedback:
    _can_handle(actor, feedback)
    note = _moderation_note(note)
    with transaction.atomic():
        fb = _lock(feedback)
        if not fb.hidden:  # would clear the reports the moderators have yet to look at
            raise errors.NOT_HIDDEN()
        before = snapshot(fb)
        fb.hidden, fb.hidden_reason = False, ""
        _save(fb, ["hidden", "hidden_reason"])
        FeedbackReport.objects.filter(feedback=fb, dismissed_at__isnull=True).update(dismissed_at=timezone.now())
        Feedback.objects.filter(pk=fb.pk).update(report_count=0)
        fb.report_count = 0
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.UNHIDE, note=note)
        _audit(fb, actor=actor, verb="feedback_unhide", before=before, reason=note)
    return fb


def feedback_dismiss_reports(*, feedback: Feedback, actor: Any, note: str = "", version: int | None = None) -> Feedback:
    """A moderator who finds a reported item fine dismisses its public reports ("bỏ qua báo cáo vi phạm"): the reports
    are marked dismissed (kept, so that the same reporters cannot report the item again and hide it once more), the
    report count goes back to 0, so the item leaves the "Gắn cờ / bị báo" queue (unless flagged for its
    wording) and the automatic hiding counts again from zero. Each report stays in the staff history (its REPORT event)
    and the count dismissed in the audit entry.

    Refused when there is no report (``no-reports``), and on a hidden item (``feedback-hidden``): one found fine is
    unhidden, which dismisses its reports as well; one that stays hidden keeps the reports that hid it."""
    _can_handle(actor, feedback)
    note = _moderation_note(note)
    with transaction.atomic():
        fb = _lock(feedback, version)
        reports = FeedbackReport.objects.filter(feedback=fb, dismissed_at__isnull=True)
        count = reports.count()
        if not count and not fb.report_count:
            raise errors.NO_REPORTS()
        if fb.hidden:
            raise errors.REPORTS_OF_HIDDEN()
        before = snapshot(fb)
        reports.update(dismissed_at=timezone.now())  # kept: the same reporters cannot report the item again
        fb.report_count = 0
        _save(fb, ["report_count"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.DISMISS_REPORTS,
               note=notes.write(notes.REPORTS_DISMISSED, note=note, count=count))
        _audit(fb, actor=actor, verb="feedback_dismiss_reports", before=before, reason=note)
    return fb


def feedback_clear_flag(*, feedback: Feedback, actor: Any, note: str = "", version: int | None = None) -> Feedback:
    """A moderator who has read the wording an item was flagged for (``flagged_words``) and finds it fine clears the flag
    ("Bỏ cờ từ ngữ"; FixMyStreet's moderators clear flags): the item leaves the "Gắn cờ / bị báo" tab (unless reported).
    The words found stay on the item and in the history; ``not-flagged`` (409) when there is no flag."""
    _can_handle(actor, feedback)
    note = _moderation_note(note)
    with transaction.atomic():
        fb = _lock(feedback, version)
        if not fb.flagged:
            raise errors.NOT_FLAGGED()
        before = snapshot(fb)
        fb.flagged = False
        _save(fb, ["flagged"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.UNFLAG,
               note=notes.write(notes.FLAG_CLEARED, note=note, words=", ".join(fb.flag_words)))
        _audit(fb, actor=actor, verb="feedback_clear_flag", before=before, reason=note)
    return fb


def feedback_reject(*, feedback: Feedback, actor: Any, reason: str) -> Feedback:
    """Refuse the feedback; the reason is sent to the sender."""
    _can_handle(actor, feedback)
    reason = nfc(reason)
    if not reason:
        raise errors.FEEDBACK_REJECT_VALIDATION_ERROR(details={"fields": {"reason": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_REASON_TOO_LONG, reason, REASON_MAX, "reason")
    with transaction.atomic():
        fb = _lock(feedback)
        if not fb.is_open:
            raise errors.FEEDBACK_CLOSED()
        before = snapshot(fb)
        now = timezone.now()
        fb.status, fb.reject_reason, fb.closed_at, fb.is_public = Feedback.Status.REJECTED, reason, now, False
        fb.late = fb.late or _local_date(now) > fb.reject_due
        _save(fb, ["status", "reject_reason", "closed_at", "is_public", "late"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.REJECT, public=True, note=reason)
        _audit(fb, actor=actor, verb="feedback_reject", before=before, reason=reason)
    _notify_sender(fb, f"Coso: phản ánh {fb.code} không được tiếp nhận. Lý do: {reason}", "Phản ánh không được tiếp nhận")
    return fb


# Reports one client address may send in a window, all items together (coso.core.ratelimit): enough for a shared
# connection (an office, a school), too few to hide items at will.
REPORTS_PER_ADDRESS = 10
REPORT_WINDOW_SECONDS = 3600


def report_address_hash(address: str) -> str:
    """What a report keeps of the client's address: a hash keyed with the site's secret (an address is personal data,
    and an unkeyed hash of an IPv4 address is undone by trying them all)."""
    return salted_hmac("coso.feedback.report", address, algorithm="sha256").hexdigest()[:40]


def feedback_report(*, feedback: Feedback, address: str, actor: Any = None, reason: str = "") -> Feedback:
    """A public report; at the threshold (default 3) the feedback is hidden and moderators are told.

    A reporter is the signed-in user, else the client's address (``coso.core.security.client_ip``), never the browser
    session, which a visitor renews for free: one report per reporter and item. Automatic hiding counts reports from
    distinct addresses, and an address may send ``REPORTS_PER_ADDRESS`` reports an hour (429 beyond).
    """
    if not address:
        raise errors.FEEDBACK_REPORT_INVALID()
    reason = nfc(reason)
    _too_long(errors.FEEDBACK_REASON_TOO_LONG, reason, REPORT_REASON_MAX, "reason")  # refused before the hourly allowance counts it
    address_hash = report_address_hash(address)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    reporter_key = f"u:{actor.pk}" if authenticated else f"a:{address_hash}"
    if ratelimit.hit("feedback-report", address_hash, seconds=REPORT_WINDOW_SECONDS) > REPORTS_PER_ADDRESS:
        raise errors.TOO_MANY_REPORTS(details={"retry_after": REPORT_WINDOW_SECONDS})
    threshold = auto_hide_threshold(feedback.province_code, commune_code=feedback.commune_code)
    auto_hidden = False
    try:
        with transaction.atomic():
            fb = _lock(feedback)
            if not fb.is_public or fb.hidden:
                raise errors.NOT_PUBLIC()
            before = snapshot(fb)
            FeedbackReport.objects.create(feedback=fb, reporter_key=reporter_key, address_hash=address_hash, reason=reason)
            reports = FeedbackReport.objects.filter(feedback=fb, dismissed_at__isnull=True)  # those a moderator dismissed no longer count
            count = reports.count()
            addresses = reports.values("address_hash").distinct().count()
            fb.report_count = count
            fields = ["report_count"]
            _event(fb, actor=None, kind=FeedbackEvent.Kind.REPORT, note=reason)
            if addresses >= threshold:
                fb.hidden, fb.hidden_reason = True, notes.write(notes.AUTO_HIDDEN, count=addresses)
                fields += ["hidden", "hidden_reason"]
                auto_hidden = True
            _save(fb, fields)
            # Audited as the sender's writes are: the signed-in reporter by name, else "anonymous"; neither the client's
            # address (nor its hash) nor the report's free-text reason goes into the append-only log (they stay with the
            # report row and the staff-only history).
            _audit(fb, actor=actor if authenticated else None, verb="feedback_report", before=before)
            if auto_hidden:
                _event(fb, actor=None, kind=FeedbackEvent.Kind.AUTO_HIDE, note=fb.hidden_reason)
                audit_log(actor=None, action=AuditLog.Action.ACTION, obj=fb, verb="feedback_auto_hide", after={"hidden": True, "report_count": count})
    except IntegrityError:
        raise errors.ALREADY_REPORTED()
    if auto_hidden:
        _notify_moderators(fb, f"Coso: phản ánh {fb.code} đã tự động ẩn sau {fb.report_count} lượt báo vi phạm. Vui lòng xem lại.")
        _notify_sender(fb, f"Coso: phản ánh {fb.code} tạm ẩn do có {fb.report_count} lượt báo vi phạm; người kiểm duyệt sẽ xem lại.",
                       "Phản ánh tạm ẩn")
    return fb


# --------------------------------------------------------------------------- handling

def feedback_assign(*, feedback: Feedback, actor: Any, assignee: Any) -> Feedback:
    _can_handle(actor, feedback)
    if assignee is None or assignee.commune_code != feedback.commune_code or assignee.role not in COMMUNE_ROLES:
        raise errors.INVALID_ASSIGNEE()
    if not assignee.is_active or assignee.role not in ASSIGNABLE_ROLES:  # they could neither answer nor be reminded usefully
        raise errors.ASSIGNEE_CANNOT_HANDLE()
    with transaction.atomic():
        fb = _lock(feedback)
        if not fb.is_open:  # answered, rejected or forwarded: nothing left to handle here (the page offers it only while open)
            raise errors.FEEDBACK_CLOSED()
        before = snapshot(fb)
        fb.assigned_to = assignee
        _save(fb, ["assigned_to"])
        _audit(fb, actor=actor, verb="feedback_assign", before=before)
    return fb


def feedback_request_info(*, feedback: Feedback, actor: Any, message: str) -> Feedback:
    _can_handle(actor, feedback)
    message = nfc(message)
    if not message:
        raise errors.FEEDBACK_REQUEST_INFO_VALIDATION_ERROR(details={"fields": {"message": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_INFO_REQUEST_TOO_LONG, message, INFO_REQUEST_MAX, "message")
    with transaction.atomic():
        fb = _lock(feedback)
        if fb.status not in (Feedback.Status.PENDING, Feedback.Status.PROCESSING):
            raise errors.INVALID_STATUS()
        before = snapshot(fb)
        # The portal's 766 formula (indicator 5.2) holds only the first request made before the item is accepted (published)
        # to the info deadline: "không bao gồm các PAKN bị yêu cầu bổ sung sau khi Tiếp nhận".
        measured = fb.published_at is None and not fb.events.filter(kind=FeedbackEvent.Kind.INFO).exists()
        fb.status, fb.info_request = Feedback.Status.INFO_REQUESTED, message
        fb.late = fb.late or (measured and timezone.localdate() > fb.info_due)
        _save(fb, ["status", "info_request", "late"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.INFO, public=True, note=message)
        _audit(fb, actor=actor, verb="feedback_request_info", before=before, reason=message)
    _notify_sender(fb, f"Coso: đề nghị bổ sung thông tin cho phản ánh {fb.code}: {message}", "Đề nghị bổ sung thông tin")
    return fb


def feedback_answer(*, feedback: Feedback, actor: Any, text: str, publish: bool = True, version: int | None = None) -> Feedback:
    """Record the answer; publish it now (default) or later (publish within the rule's days). An item not yet published
    (pending, or asked for information before its moderation) takes an answer kept unpublished only: publishing it is
    refused with ``feedback-not-public`` (409) until a moderator has published the item."""
    _can_handle(actor, feedback)
    text = nfc(text)
    if not text:
        raise errors.FEEDBACK_ANSWER_VALIDATION_ERROR(details={"fields": {"text": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_ANSWER_TOO_LONG, text, ANSWER_MAX, "text")
    with transaction.atomic():
        fb = _lock(feedback, version)
        if not fb.is_open:
            raise errors.FEEDBACK_ANSWER_FEEDBACK_CLOSED()
        if publish and not fb.is_public:  # refused before anything is saved: the answer is not kept either
            raise errors.FEEDBACK_NOT_PUBLIC()
        before = snapshot(fb)
        now = timezone.now()
        today = _local_date(now)
        rule = rule_for(fb.province_code, today, fb.commune_code)
        fb.answer_text, fb.answered_at, fb.answered_by = text, now, actor
        fb.publish_due = add_working_days(today, rule.publish_days, province_code=fb.province_code)
        fb.status = Feedback.Status.ANSWERED
        fb.late = fb.late or today > fb.answer_due
        _save(fb, ["answer_text", "answered_at", "answered_by", "publish_due", "status", "late"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.ANSWER, public=False, text=text, note=notes.ANSWERED)
        _reindex(fb)
        _audit(fb, actor=actor, verb="feedback_answer", before=before)
    if publish:
        fb = feedback_publish_answer(feedback=fb, actor=actor)
    return fb


def feedback_publish_answer(*, feedback: Feedback, actor: Any) -> Feedback:
    _can_handle(actor, feedback)
    with transaction.atomic():
        fb = _lock(feedback)
        if fb.status != Feedback.Status.ANSWERED:
            raise errors.FEEDBACK_PUBLISH_ANSWER_INVALID_STATUS()
        if not fb.is_public:  # a "published" answer would close an item nobody can see: the item is published first
            raise errors.FEEDBACK_NOT_PUBLIC()
        before = snapshot(fb)
        now = timezone.now()
        fb.status, fb.answer_published_at, fb.closed_at = Feedback.Status.CLOSED, now, now
        fb.late = fb.late or (fb.publish_due is not None and _local_date(now) > fb.publish_due)
        _save(fb, ["status", "answer_published_at", "closed_at", "late"])
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.PUBLISH_ANSWER, public=True, text=fb.answer_text, note=notes.ANSWER_PUBLISHED)
        _reindex(fb)  # the answer, now public, is searchable
        _audit(fb, actor=actor, verb="feedback_publish_answer", before=before)
    _notify_sender(fb, f"Coso: phản ánh {fb.code} đã có trả lời: {fb.answer_text[:300]}", "Trả lời phản ánh")
    return fb


def _check_sender(fb: Feedback, actor: Any, access_key: str) -> None:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    if authenticated and fb.submitter_id and fb.submitter_id == actor.pk:
        return
    if same_secret(access_key, fb.access_key):
        return
    raise errors.NOT_SENDER()


def _reopening_commune(fb: Feedback) -> Any:
    """Where an item raised again by its sender is handled, when not where it was: a closed item stays under the commune
    that answered it when that commune is merged away (its answer is that commune's history; the reorganisation moves only
    the items still being handled), so reopening it moves it to the commune in force that took over, through its village
    when the village moved to a commune in force (as the reorganisation moves open items), else through the units lineage
    from the commune that carried the item's code on the day it was sent. None when its commune is still in force (or no
    successor is known)."""
    village = fb.village
    if village is not None and _village_in_force(village) and village.commune_code != fb.commune_code:
        target = lineage.commune_in_force(village.commune_code)
        if target is not None and target.code == village.commune_code:
            return target
    # The commune that carried the item's code when it was sent: the code may have been given to another commune since.
    target = lineage.commune_in_force(fb.commune_code, on=timezone.localdate(fb.submitted_at))
    return target if target is not None and target.code != fb.commune_code else None


def feedback_rate(*, feedback: Feedback, actor: Any, rating: str, officer_rating: int | None = None, comment: str = "",
                  access_key: str = "") -> Feedback:
    """The sender rates the answer (useful / not useful / raise it again) and optionally the officer (1–5)."""
    if rating not in Feedback.Rating.values:
        raise errors.FEEDBACK_RATE_VALIDATION_ERROR(details={"fields": {"rating": [
            gettext("Mức đánh giá phải là một trong: %(allowed)s.") % {"allowed": ", ".join(Feedback.Rating.values)}]}})
    if officer_rating is not None and not (1 <= int(officer_rating) <= 5):
        raise errors.FEEDBACK_RATE_VALIDATION_ERROR_2(details={"fields": {"officer_rating": [gettext("Từ 1 đến 5.")]}})
    comment = nfc(comment)
    _too_long(errors.FEEDBACK_RATE_COMMENT_TOO_LONG, comment, RATE_COMMENT_MAX, "comment")
    with transaction.atomic():
        fb = _lock(feedback)
        _check_sender(fb, actor, access_key)
        if fb.status != Feedback.Status.CLOSED:
            raise errors.NOT_ANSWERED()
        if fb.rating:
            raise errors.ALREADY_RATED()
        if rating == Feedback.Rating.RERAISED and not fb.category.citizen_may_reraise:
            raise errors.RERAISE_NOT_ALLOWED()
        before = snapshot(fb)
        now = timezone.now()
        fb.rating, fb.rated_at = rating, now
        fb.officer_rating = int(officer_rating) if officer_rating else None
        fields = ["rating", "rated_at", "officer_rating"]
        with translation.override("vi"):  # stored in the catalogue's source language, shown translated (notes.display)
            label = str(Feedback.Rating(rating).label)
        moved_to = None
        if rating == Feedback.Rating.RERAISED:
            moved_to = _reopening_commune(fb)
            if moved_to is not None:  # its commune was merged away: the commune that took over handles the new round
                fb.province_code, fb.commune_code = moved_to.province_code, moved_to.code
                fields += ["province_code", "commune_code"]
                if fb.assigned_to_id and getattr(fb.assigned_to, "commune_code", "") != moved_to.code:
                    fb.assigned_to = None
                    fields.append("assigned_to")
            today = _local_date(now)
            rule = rule_for(fb.province_code, today, fb.commune_code)
            start = effective_start(now, province_code=fb.province_code)
            fb.status, fb.closed_at, fb.answer_published_at = Feedback.Status.PROCESSING, None, None
            fb.answer_due, fb.publish_due = add_working_days(start, rule.answer_days, province_code=fb.province_code), None
            # The leader is told once per deadline: the new answer deadline is escalated on its own when it passes. The
            # first round's escalation stays in the history (its ESCALATE event) and in the audit log (this entry's
            # "before" and the feedback_escalate entry). The forwarding mark stays: a re-raised item was accepted.
            fb.escalated, fb.escalated_at = False, None
            fields += ["status", "closed_at", "answer_published_at", "answer_due", "publish_due", "escalated", "escalated_at"]
        _save(fb, fields)
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.RATE, public=True, note=notes.write(notes.RATED_MOVED, rating=label, unit=moved_to.name) if moved_to is not None
               else notes.write(notes.RATED, rating=label))
        if rating == Feedback.Rating.RERAISED:  # reopened: its earlier answer is no longer public (nor searchable); moved, maybe
            _reindex(fb)
        if comment:
            # Not public. The feedback text is published only once a moderator has read it: redact_text removes phone
            # numbers, e-mails and ID numbers by pattern, but a name or an insult only when a moderator names it, and
            # flagged_words only flags. A rating comment has no moderation step, so it stays with the staff (history).
            _event(fb, actor=actor, kind=FeedbackEvent.Kind.RATE, public=False, note=comment)
        _audit(fb, actor=actor, verb="feedback_rate", before=before)
    if rating == Feedback.Rating.RERAISED:
        # Back in the queue of the commune that handles it now (the one that took over, when moved): its staff are told,
        # as of an item forwarded to them. Once: the item is rated only once per answer.
        _notify_moderators(fb, f"Coso: người gửi đã phản ánh lại {fb.code} “{fb.title[:60]}” sau khi nhận trả lời; "
                               f"hạn xử lý mới {fb.answer_due:%d/%m/%Y}.")
    return fb


def feedback_escalate_overdue(*, today: dt.date | None = None, actor: Any = None) -> int:
    """Mark overdue feedback late and tell the unit's leader once per deadline (a re-raise clears the mark with its new answer
    deadline). Returns how many were escalated."""
    today = today or timezone.localdate()
    # Each deadline once: an item escalated for its answer deadline, then answered late and left unpublished, is escalated
    # again for the publication deadline; a re-raised item for its new answer deadline (escalated_due is the last one told).
    overdue = Feedback.objects.filter(
        Q(status__in=Feedback.OPEN_STATUSES, answer_due__lt=today) & ~Q(escalated_due=F("answer_due"))
        | Q(status=Feedback.Status.ANSWERED, publish_due__lt=today) & ~Q(escalated_due=F("publish_due"))
    )
    count = 0
    for pk in list(overdue.values_list("pk", flat=True)[:10_000]):
        with transaction.atomic():
            fb = Feedback.objects.select_for_update().get(pk=pk)
            # An answer not published in time is overdue against its publish deadline, not the answer deadline.
            unpublished = fb.status == Feedback.Status.ANSWERED
            what, due = ("quá hạn công khai trả lời", fb.publish_due) if unpublished else ("quá hạn xử lý", fb.answer_due)
            template = notes.OVERDUE_PUBLICATION if unpublished else notes.OVERDUE_ANSWER
            if fb.status not in (*Feedback.OPEN_STATUSES, Feedback.Status.ANSWERED) or due is None or due >= today or fb.escalated_due == due:
                continue  # changed since it was listed, or escalated by a run alongside
            fb.escalated, fb.escalated_at, fb.escalated_due, fb.late = True, timezone.now(), due, True
            _save(fb, ["escalated", "escalated_at", "escalated_due", "late"])
            _event(fb, actor=actor, kind=FeedbackEvent.Kind.ESCALATE,
                   note=notes.write(template, date=f"{due:%d/%m/%Y}"))
            audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=fb, verb="feedback_escalate",
                      after={"escalated": True, "escalated_due": due.isoformat(), "late": True})
            count += 1
        for leader in _staff_of(fb, {Role.COMMUNE_LEADER}):
            notify(text=f"Coso: phản ánh {fb.code} “{fb.title[:60]}” đã {what} ({due:%d/%m/%Y}).",
                   subject="Phản ánh quá hạn", email=leader.email, phone=leader.phone)
    return count


# --------------------------------------------------------------------------- forwarding (outside the commune's competence)

FORWARDABLE = (Feedback.Status.PENDING, Feedback.Status.PROCESSING, Feedback.Status.INFO_REQUESTED)


def _unit_name(code: str) -> str:
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.filter(code=code).values_list("name", flat=True).first() or code


def _forward_target(fb: Feedback, target: str, target_commune: Any, target_name: str) -> tuple[str, str, Any]:
    """(code, name, commune unit or None) of the competent body, or a field error in Vietnamese."""
    from coso.units.models import AdministrativeUnit

    target_name = nfc(target_name or "")[:300]
    if target == Feedback.ForwardTarget.COMMUNE:
        code = getattr(target_commune, "code", target_commune) or ""
        unit = AdministrativeUnit.objects.filter(code=str(code), level=AdministrativeUnit.Level.COMMUNE).first() if code else None
        if unit is None:
            raise errors.FORWARD_TARGET_VALIDATION_ERROR_2(details={"fields": {"target_commune": [gettext("Bắt buộc.")]}})
        if unit.code == fb.commune_code:
            raise errors.FORWARD_SAME_UNIT(details={"fields": {"target_commune": [gettext("Chọn xã, phường khác.")]}})
        if unit.province_code != fb.province_code:
            raise errors.FORWARD_OTHER_PROVINCE(details={"fields": {"target_commune": [gettext("Ngoài tỉnh.")]}})
        return unit.code, unit.name, unit
    if target == Feedback.ForwardTarget.PROVINCE:
        if not target_name:
            raise errors.FORWARD_TARGET_VALIDATION_ERROR_3(details={"fields": {"target_name": [gettext("Bắt buộc.")]}})
        return fb.province_code, f"{target_name} ({_unit_name(fb.province_code)})", None
    if target == Feedback.ForwardTarget.EXTERNAL:
        if not target_name:
            raise errors.FORWARD_TARGET_VALIDATION_ERROR_4(details={"fields": {"target_name": [gettext("Bắt buộc.")]}})
        return "", target_name, None
    raise errors.FORWARD_TARGET_VALIDATION_ERROR(details={"fields": {"target": [
        gettext("Nơi chuyển đến phải là một trong: %(allowed)s.") % {"allowed": ", ".join(Feedback.ForwardTarget.values)}]}})


def _receive_forwarded(origin: Feedback, unit: Any, *, actor: Any, now: dt.datetime, reason: str) -> Feedback:
    """The item as the competent commune receives it: in its moderation queue, deadlines counted from the transfer
    (the portal counts a transferred item from the latest transfer)."""
    rule = rule_for(unit.province_code, _local_date(now), unit.code)
    due = deadlines_for(now, rule, unit.province_code)
    flags = flagged_words(f"{origin.title} {origin.text}")
    copy = Feedback(
        code="PA-" + secrets.token_hex(6), access_key=origin.access_key, category=origin.category, village=None,
        title=origin.title, text=origin.text, address=origin.address, lat=origin.lat, long=origin.long, anonymous=origin.anonymous,
        contact_name=origin.contact_name, contact_phone=origin.contact_phone, contact_email=origin.contact_email,
        submitter=origin.submitter, channel=origin.channel, media_url=origin.media_url,
        province_code=unit.province_code, commune_code=unit.code, submitted_at=now, **due,
        handler_role=origin.category.handler_role, assigned_to=route(category=origin.category, commune_code=unit.code),
        flagged=bool(flags), flag_words=flags, forwarded_from=origin,
    )
    copy.full_clean()
    copy.save()
    copy.code = f"PA{now:%y}-{copy.pk:07d}"
    copy.save(update_fields=["code"])
    FeedbackAttachment.objects.bulk_create([
        FeedbackAttachment(feedback=copy, file=a.file.name, original_name=a.original_name, content_type=a.content_type, size=a.size,
                           is_image=a.is_image, hidden=a.hidden, hidden_by_id=(a.hidden_by_id or origin.pk) if a.hidden else None)
        for a in origin.attachments.all()
    ])
    origin_name = _unit_name(origin.commune_code)
    _event(copy, actor=actor, kind=FeedbackEvent.Kind.RECEIVE_FORWARD, public=True,
           note=notes.write(notes.RECEIVED, unit=origin_name, code=origin.code, reason=reason))
    _event(copy, actor=actor, kind=FeedbackEvent.Kind.ORIGINAL, title=copy.title, text=copy.text)
    _reindex(copy)
    _audit(copy, actor=actor, verb="feedback_receive_forward", reason=reason)
    return copy


def feedback_forward(*, feedback: Feedback, actor: Any, target: str, reason: str, target_commune: Any = None, target_name: str = "",
                     version: int | None = None) -> Feedback:
    """Forward an item outside the commune's competence to the competent body (Decree 20/2008 Art. 9(1)(d), as amended by
    Decree 92/2017: within the working days of ``feedback.deadline.forward_days`` from receipt).

    Targets: another commune of the province (the item enters that commune's moderation queue, its deadlines counted from
    the transfer), a department of the province, or a body outside Coso (by name). The sender is told where it went.
    """
    _can_handle(actor, feedback)
    reason = nfc(reason or "")
    if not reason:
        raise errors.FEEDBACK_FORWARD_VALIDATION_ERROR(details={"fields": {"reason": [gettext("Bắt buộc.")]}})
    _too_long(errors.FEEDBACK_REASON_TOO_LONG, reason, REASON_MAX, "reason")
    copy = None
    with transaction.atomic():
        fb = _lock(feedback, version)
        if fb.status not in FORWARDABLE:
            raise errors.FEEDBACK_FORWARD_FEEDBACK_CLOSED()
        code, name, unit = _forward_target(fb, target, target_commune, target_name)
        before = snapshot(fb)
        now = timezone.now()
        today = _local_date(now)
        if fb.forward_due is None:  # items received before the forwarding deadline existed
            rule = rule_for(fb.province_code, _local_date(fb.submitted_at), fb.commune_code)
            fb.forward_due = add_working_days(fb.start_date, rule.forward_days, province_code=fb.province_code)
        fb.status, fb.forwarded_at, fb.closed_at = Feedback.Status.FORWARDED, now, now
        fb.forward_target, fb.forward_target_code, fb.forward_target_name, fb.forward_reason = target, code, name, reason
        fb.late = fb.late or today > fb.forward_due
        _save(fb, ["status", "forwarded_at", "closed_at", "forward_target", "forward_target_code", "forward_target_name",
                   "forward_reason", "forward_due", "late"])
        if unit is not None:
            copy = _receive_forwarded(fb, unit, actor=actor, now=now, reason=reason)
        where = {"unit": _unit_name(fb.commune_code), "target": name, "reason": reason}
        note = notes.write(notes.FORWARDED_COPY, copy=copy.code, **where) if copy is not None else notes.write(notes.FORWARDED, **where)
        _event(fb, actor=actor, kind=FeedbackEvent.Kind.FORWARD, public=True, note=note)
        _audit(fb, actor=actor, verb="feedback_forward", before=before, reason=reason)
    text = f"Coso: phản ánh {fb.code} không thuộc thẩm quyền của UBND {_unit_name(fb.commune_code)}, đã được chuyển đến {name} " \
           f"ngày {timezone.localtime(now):%d/%m/%Y}. Lý do: {reason}"
    if copy is not None:
        text += f" Mã phản ánh mới: {copy.code}, hạn xử lý {copy.answer_due:%d/%m/%Y}."
    _notify_sender(fb, text, "Phản ánh đã được chuyển cơ quan có thẩm quyền")
    if copy is not None:
        _notify_moderators(copy, f"Coso: UBND {_unit_name(fb.commune_code)} chuyển đến phản ánh {copy.code} “{copy.title[:60]}”; "
                                 f"vui lòng kiểm duyệt.")
    return fb


def forward_overdue_q(today: dt.date) -> Q:
    """Not yet classified (neither accepted and published, nor forwarded, nor rejected) past the forwarding deadline."""
    return Q(forward_due__lt=today) & (Q(status=Feedback.Status.PENDING)
                                       | Q(status=Feedback.Status.INFO_REQUESTED, published_at__isnull=True))


def feedback_escalate_forwarding(*, today: dt.date | None = None, actor: Any = None) -> int:
    """Tell the commune leader once about items still unclassified past the forwarding deadline: an item outside the
    commune's competence must be forwarded within that deadline. Returns how many were escalated."""
    today = today or timezone.localdate()
    pks = list(Feedback.objects.filter(forward_overdue_q(today), forward_escalated_at__isnull=True).values_list("pk", flat=True)[:10_000])
    count = 0
    for pk in pks:
        with transaction.atomic():
            fb = Feedback.objects.select_for_update().get(pk=pk)
            if fb.forward_escalated_at is not None or fb.forward_due is None:
                continue
            fb.forward_escalated_at = timezone.now()
            _save(fb, ["forward_escalated_at"])
            _event(fb, actor=actor, kind=FeedbackEvent.Kind.FORWARD_ESCALATE,
                   note=notes.write(notes.FORWARD_OVERDUE, date=f"{fb.forward_due:%d/%m/%Y}"))
            audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=fb, verb="feedback_forward_escalate",
                      after={"forward_escalated_at": fb.forward_escalated_at.isoformat()})
            count += 1
        for leader in _staff_of(fb, {Role.COMMUNE_LEADER}):
            notify(text=f"Coso: phản ánh {fb.code} “{fb.title[:60]}” chưa được phân loại; nếu không thuộc thẩm quyền, hạn chuyển cơ quan "
                        f"có thẩm quyền là {fb.forward_due:%d/%m/%Y} (Nghị định 20/2008/NĐ-CP, Điều 9).",
                   subject="Phản ánh quá hạn chuyển", email=leader.email, phone=leader.phone)
    return count


def _village_in_force(village: Any) -> bool:
    """A village ended by a reorganisation (or created by one, before its effective date) takes no new feedback."""
    today = timezone.localdate()
    valid_from, valid_to = getattr(village, "valid_from", None), getattr(village, "valid_to", None)
    return (valid_from is None or valid_from <= today) and (valid_to is None or today < valid_to)
