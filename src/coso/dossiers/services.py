"""Writes on dossiers: intake (counter, online), every workflow action, apologies, ratings.

Concurrency: each action locks the dossier row (``select_for_update``) and checks the version
number the caller saw; the loser of a race gets a ConflictError (HTTP 409), so two officers can
never both win and no update is lost. Codes come from a per-(agency, day) counter row locked in
the same transaction, plus a unique constraint as the last line of defence.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connections, models, router, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from coso.accounts.roles import Role
from coso.accounts.selectors import citizen_account_id
from coso.core import attachments as att
from coso.core import locks
from coso.core.audit import audit_log, snapshot
from coso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.core.notify import notify
from coso.core.search import SearchText, marked_citizen_id, search_index_set
from coso.core.text import fold, nfc
from coso.dossiers import deadlines
from coso.dossiers import errors as dossiers_errors
from coso.dossiers.constants import (
    ACTIONS,
    ALLOWED_ATTACHMENT_KINDS,
    FINISHED_STATUSES,
    MAX_FREE_TEXT,
    ONLINE_CHANNELS,
    PAPER_CHANNELS,
    RATING_CRITERIA,
    STAFF_ACTORS,
    WAITING_ROLE_BY_STATUS,
    Action,
    Channel,
    RatingChannel,
    Satisfaction,
    Status,
)
from coso.dossiers.models import Dossier, DossierApology, DossierAttachment, DossierCounter, DossierEvent, DossierRating, DossierStep
from coso.rules.lookup import rule
from coso.units import lineage
from coso.workcalendar import services as cal
from coso.workcalendar.calendar import CalendarRangeError

# ASCII digits only: \d would let full-width or Arabic-Indic digits through, stored as typed, that no search by
# the number nor any account linking would ever find.
PHONE_RE = re.compile(r"^(0|\+84)[0-9]{9,10}\Z")
CCCD_RE = re.compile(r"^[0-9]{12}\Z")
MAX_FILES = 30  # files in one submission or action (each within COSO_MAX_ATTACHMENT_BYTES)


def near_percent(province_code: str = "", commune_code: str = "", on: dt.date | None = None) -> Decimal:
    return rule("onestop.near_deadline_percent", on=on, province_code=province_code, commune_code=commune_code)


def default_steps(province_code: str = "", commune_code: str = "", on: dt.date | None = None) -> list[tuple[int, str, str, Decimal]]:
    """(order, name, role, share %) of the default internal steps (rule ``onestop.default_steps``)."""
    rows = rule("onestop.default_steps", on=on, province_code=province_code, commune_code=commune_code)
    return [(int(r["order"]), r["name"], r["role"], Decimal(str(r["share_percent"]))) for r in sorted(rows, key=lambda r: int(r["order"]))]


def public_url(code: str) -> str:
    from urllib.parse import quote

    from coso.core.public_url import absolute

    return absolute(f"/dossiers/lookup/?code={quote(code)}")


# ---------------------------------------------------------------- validation
@dataclass
class Applicant:
    name: str
    phone: str
    email: str = ""
    citizen_id: str = ""
    address: str = ""
    zalo_opt_in: bool = False


# What the dossier's columns hold: a longer value is refused on its field, never stored cut.
APPLICANT_NAME_MAX = Dossier._meta.get_field("applicant_name").max_length or 200
APPLICANT_EMAIL_MAX = Dossier._meta.get_field("applicant_email").max_length or 254
APPLICANT_ADDRESS_MAX = Dossier._meta.get_field("applicant_address").max_length or 300


def clean_applicant(data: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    name = nfc(data.name or "").strip()
    phone = re.sub(r"[\s.\-]", "", data.phone or "")
    email = (data.email or "").strip()
    cccd = (data.citizen_id or "").strip()
    address = nfc(data.address or "").strip()
    if len(name) < 2:
        errors["applicant_name"] = [_("Vui lòng nhập họ và tên người nộp hồ sơ.")]
    elif len(name) > APPLICANT_NAME_MAX:
        errors["applicant_name"] = [_("Họ và tên quá dài (tối đa %(n)s ký tự).") % {"n": APPLICANT_NAME_MAX}]
    if not PHONE_RE.match(phone):
        errors["applicant_phone"] = [_("Số điện thoại không hợp lệ (10–11 chữ số, bắt đầu bằng 0).")]
    if email:
        try:
            validate_email(email)
            if len(email) > APPLICANT_EMAIL_MAX:  # validate_email lets up to 320 characters through
                raise ValidationError("too long")
        except ValidationError:
            errors["applicant_email"] = [_("Địa chỉ thư điện tử không hợp lệ.")]
    if cccd and not CCCD_RE.match(cccd):
        errors["applicant_citizen_id"] = [_("Số CCCD phải gồm đúng 12 chữ số.")]
    if len(address) > APPLICANT_ADDRESS_MAX:
        errors["applicant_address"] = [_("Địa chỉ tối đa %(n)s ký tự.") % {"n": APPLICANT_ADDRESS_MAX}]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid-applicant", details={"fields": errors})
    return Applicant(name=name, phone=phone, email=email, citizen_id=cccd, address=address, zalo_opt_in=data.zalo_opt_in)


def free_text(value: str, *, field: str, label: str) -> str:
    """A note, a reason or a comment in NFC, refused beyond MAX_FREE_TEXT characters (before anything is written)."""
    text = nfc(value or "")
    if len(text) > MAX_FREE_TEXT:
        raise dossiers_errors.TEXT_TOO_LONG(label=label, max_length=f"{MAX_FREE_TEXT:,}".replace(",", "."), field=field)
    return text


def prepare_files(files: list[tuple[str, Any]] | None) -> list[tuple[str, att.PreparedFile]]:
    """Check every file of a submission (size, type by content, images cleaned of GPS/EXIF) before anything is
    written; one bad file refuses the whole submission. Returns (document name, cleaned file) pairs."""
    files = [(n, f) for n, f in (files or []) if f is not None]
    if len(files) > MAX_FILES:
        raise dossiers_errors.TOO_MANY_ATTACHMENTS(max_files=MAX_FILES, details={"max": MAX_FILES, "fields": {"files": [
            _("Tối đa %(n)s tệp trong một lần nộp.") % {"n": MAX_FILES}]}})
    max_name = DossierAttachment._meta.get_field("document_name").max_length or 500
    for i, (doc_name, _upload) in enumerate(files):  # a name the column cannot hold is refused, not cut
        if len(nfc(doc_name or "")) > max_name:
            raise dossiers_errors.DOCUMENT_NAME_TOO_LONG(max_length=max_name, details={"document": doc_name, "index": i})
    prepared = []
    for doc_name, upload in files:
        try:
            prepared.append((doc_name, att.prepare_one(upload, allowed=ALLOWED_ATTACHMENT_KINDS)))
        except ApplicationError as exc:
            exc.details = {**(exc.details or {}), "document": doc_name, "fields": {"files": [exc.message]}}
            raise
    return prepared


# ---------------------------------------------------------------- regime (Decree 61/2018 before 1/7/2025, Decree 118/2025 from then)
REGIME_OLD = "nd61_2018"
REGIME_118 = "nd118_2025"


def receipt_day(d: Dossier) -> dt.date:
    """The day that decides which one-stop regime applies to a dossier: its receipt (or submission) day."""
    return timezone.localdate(d.received_at or d.submitted_at or timezone.now())


def regime_on(day: dt.date, province_code: str = "", commune_code: str = "") -> str:
    return str(rule("onestop.regime", on=day, province_code=province_code, commune_code=commune_code, default=REGIME_OLD))


def regime(d: Dossier) -> str:
    """``nd61_2018`` (Circular 01/2018's six forms) or ``nd118_2025`` (Circular 03/2025's seven forms)."""
    return regime_on(receipt_day(d), d.province_code, d.commune_code)


def _dossier_rule(d: Dossier, key: str, default: Any) -> Any:
    return rule(key, on=receipt_day(d), province_code=d.province_code, commune_code=d.commune_code, default=default)


def allowed_channels(day: dt.date, province_code: str = "", commune_code: str = "") -> list[str]:
    """Ways of filing in force on ``day`` (Decree 118/2025 Art. 15; VNeID added by Decree 367/2025)."""
    raw = rule("onestop.channels", on=day, province_code=province_code, commune_code=commune_code, default="counter,post,online")
    return [c.strip() for c in str(raw).split(",") if c.strip() in Channel.values]


# ---------------------------------------------------------------- helpers
def _channel_list(codes: Any, choices: Any) -> str:
    """The channels a field accepts, for its error message: "code (label)", in the order of their choices."""
    return "; ".join(f"{c} ({c.label})" for c in choices if c in set(codes))


def _unit_agency_code(unit: Any) -> str:
    if unit is None:
        return ""
    return (getattr(unit, "agency_code", "") or (f"H{unit.code}" if getattr(unit, "level", "") == "province" else f"H{unit.province_code}.{unit.code}")).upper()


def agency_code_for(commune: Any, version: Any = None, day: dt.date | None = None) -> str:
    """The identifier that heads a dossier code. Before 1/7/2025 the receiving body's (Decree 61/2018 Art. 26); from then the
    competent processing body's (Decree 118/2025 Art. 28): the province's for a provincial procedure received at a commune."""
    mode = rule("onestop.code.agency", on=day, province_code=commune.province_code, commune_code=commune.code, default="receiving") if day else "receiving"
    if mode == "competent" and version is not None and day is not None and deciding_level_for(commune, version, day) == "province":
        from coso.units.models import AdministrativeUnit

        province = AdministrativeUnit.objects.filter(code=commune.province_code, level="province").first()
        return _unit_agency_code(province) or f"H{commune.province_code}".upper()
    return _unit_agency_code(commune)


def deciding_level_for(commune: Any, version: Any, day: dt.date) -> str:
    """The level that decides a dossier of ``version`` received on ``day``: the catalogue's, or the commune's when the
    province handed the procedure to its communes from a date on or before ``day`` (phân cấp)."""
    from coso.procedures.selectors import deciding_level

    return deciding_level(version.procedure, commune.province_code, day)


def take_code(agency_code: str, day: dt.date) -> str:
    """``<agency>-YYMMDD-XXXX``: the counter row is locked until the surrounding transaction ends."""
    connection = connections[router.db_for_write(DossierCounter)]
    if connection.vendor in ("postgresql", "sqlite"):
        # One statement (every intake takes a code): the upsert creates or increments the row and holds its
        # lock until the transaction ends, as the SELECT … FOR UPDATE and UPDATE it replaces did.
        qn = connection.ops.quote_name
        table, agency_col, day_col, last_col = (qn(n) for n in (DossierCounter._meta.db_table, "agency_code", "day", "last"))
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {table} ({agency_col}, {day_col}, {last_col}) VALUES (%s, %s, 1) "  # noqa: S608 - quoted names, bound values
                f"ON CONFLICT ({agency_col}, {day_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 RETURNING {last_col}",
                [agency_code, connection.ops.adapt_datefield_value(day)],
            )
            last = cur.fetchone()[0]
    else:
        counter, _created = DossierCounter.objects.select_for_update().get_or_create(agency_code=agency_code, day=day)
        counter.last += 1
        counter.save(update_fields=["last"])
        last = counter.last
    return f"{agency_code}-{day:%y%m%d}-{last:04d}"


def _version_for(procedure_version: Any = None, *, procedure: Any = None, province_code: str, day: dt.date) -> Any:
    if procedure_version is not None:
        return procedure_version
    if procedure is None:
        raise dossiers_errors.NO_PROCEDURE(details={"fields": {"procedure": [_("Bắt buộc.")]}})
    from coso.procedures.selectors import offered_version

    version = offered_version(procedure, on=day, province_code=province_code)  # None: not offered that day (ended, or not yet again)
    if version is None:
        raise dossiers_errors.NO_PROCEDURE_VERSION(details={"fields": {"procedure": [_("Thủ tục không có phiên bản được áp dụng vào ngày này.")]}})
    return version


def _copy_steps(dossier: Dossier, version: Any) -> list[DossierStep]:
    """Copy the version's steps (the dossier keeps them) with each step's due date (per-step SLA)."""
    steps = _new_steps(dossier, version)
    DossierStep.objects.bulk_create(steps)
    return steps


def _new_steps(dossier: Dossier, version: Any) -> list[DossierStep]:
    """The steps _copy_steps writes, not yet saved (the dossier may not be saved yet either)."""
    # read with the version when the caller got it from procedures.selectors.offered_version_of (the API's intake)
    configured = version.__dict__.get("ordered_steps")
    if configured is None:
        configured = list(version.steps.order_by("order").values_list("order", "name", "role", "share_percent"))
    rows = configured or default_steps(dossier.province_code, dossier.commune_code, timezone.localdate(dossier.received_at) if dossier.received_at else None)
    steps = [DossierStep(dossier=dossier, order=i + 1, name=name, role=role, share_percent=share) for i, (_o, name, role, share) in enumerate(rows)]
    _step_due_dates(dossier, steps)
    return steps


def _set_clock(dossier: Dossier, version: Any, at: dt.datetime, *, restart: bool = False) -> None:
    """The appointment counted from ``at``: the receipt, or (``restart``) the day the complete supplement arrived."""
    p, c = dossier.province_code, dossier.commune_code
    appt = deadlines.compute_appointment(at, time_limit=version.time_limit, time_unit=version.time_unit, cutoff=version.cutoff_time,
                                         province_code=p, commune_code=c)
    if restart:
        dossier.start_date = appt.start_date
        dossier.due_at = appt.due_at
        dossier.due_date = appt.due_date
        dossier.near_date = deadlines.near_date(appt.start_date, appt.due_date, appt.working_days, near_percent(p, c, appt.start_date), province_code=p)
        return
    dossier.received_at = at
    dossier.start_date = appt.start_date
    dossier.due_at = appt.due_at
    dossier.due_date = appt.due_date
    dossier.original_due_date = appt.due_date
    dossier.near_date = deadlines.near_date(appt.start_date, appt.due_date, appt.working_days, near_percent(p, c, appt.start_date), province_code=p)


def _step_due_dates(dossier: Dossier, steps: list[DossierStep]) -> None:
    """Per-step SLA: each step's share of the working days, cumulatively from the start."""
    if not dossier.start_date or not dossier.due_date or not steps:
        return
    p = dossier.province_code
    total = max(0, cal.working_days_between(dossier.start_date, dossier.due_date, province_code=p))
    acc = 0.0
    for s in steps:
        acc += float(s.share_percent or 0)
        s.due_date = cal.add_working_days(dossier.start_date, min(total, round(total * acc / 100)), province_code=p) if total else dossier.due_date
    steps[-1].due_date = dossier.due_date


def _route(dossier: Dossier, steps: list[DossierStep] | None = None) -> None:
    if dossier.status in WAITING_ROLE_BY_STATUS:
        dossier.waiting_role = WAITING_ROLE_BY_STATUS[dossier.status]
    elif dossier.status in (Status.RECEIVED, Status.PROCESSING):
        if steps is not None:
            step = next((s for s in steps if s.order == dossier.current_step), None)
        else:
            step = dossier.steps.filter(order=dossier.current_step).first()
        dossier.waiting_role = step.role if step else Role.ONESTOP_OFFICER
        dossier.current_step_name = step.name if step else ""
    else:
        dossier.waiting_role = ""
    dossier.is_open = dossier.status not in FINISHED_STATUSES


def _event(dossier: Dossier, *, actor: Any, action: str, from_status: str, from_step: int | None, reason: str = "", data: dict | None = None,
           at: dt.datetime | None = None, on_behalf_of: str = "") -> DossierEvent:
    name = (getattr(actor, "display_name", "") or getattr(actor, "username", "") or "") if actor is not None else "Hệ thống (tự động)"
    return DossierEvent.objects.create(
        dossier=dossier, at=at or timezone.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(f"{name} ({on_behalf_of})" if on_behalf_of else name)[:200],
        actor_role=getattr(actor, "role", "") or "", action=action, from_status=from_status, to_status=dossier.status,
        from_step=from_step, to_step=dossier.current_step, reason=reason, data=data or {},
    )


def _notify_status(dossier: Dossier, extra: str = "") -> None:
    label = Status(dossier.status).label
    text = f"Hồ sơ {dossier.code}: {label}."
    if dossier.promised_date and dossier.is_open:
        text += f" Hẹn trả kết quả: {dossier.promised_date:%d/%m/%Y}."
    if extra:
        text += f" {extra}"
    text += f" Tra cứu: {public_url(dossier.code)}"
    email, phone, zalo = dossier.applicant_email, dossier.applicant_phone, dossier.applicant_phone if dossier.zalo_opt_in else ""
    transaction.on_commit(lambda: notify(text=text, subject=f"Hồ sơ {dossier.code}", email=email, phone=phone, zalo=zalo))


def _save_files(dossier: Dossier, files: list[tuple[str, att.PreparedFile]], *, actor: Any, kind: str, stored: att.StoredFiles) -> None:
    """Write the checked files through the storage API under generated names; ``stored`` deletes them again
    if the submission fails before it is committed."""
    folder = f"dossiers/{dossier.commune_code or 'x'}/{dossier.pk}"
    for doc_name, prepared in files:
        name = stored.save(prepared, folder=folder)
        DossierAttachment.objects.create(
            dossier=dossier, kind=kind, document_name=nfc(doc_name) or "Tài liệu", original_name=prepared.original_name,
            file=name, content_type=prepared.content_type, size=prepared.size, uploaded_by=actor if getattr(actor, "pk", None) else None,
        )


def index_texts(code: str, applicant_name: str, applicant_phone: str, applicant_citizen_id: str) -> list[SearchText]:
    """A dossier's indexed texts: the citizen id under its own marker, which only who sees citizen ids in full
    searches by (see selectors.dossier_list); the code, the name and the phone as plain words."""
    return [code, applicant_name, applicant_phone, marked_citizen_id(applicant_citizen_id)]


def _index(dossier: Dossier, *, new: bool = False) -> None:
    search_index_set(
        kind="dossier", object_id=dossier.pk,
        texts=index_texts(dossier.code, dossier.applicant_name, dossier.applicant_phone, dossier.applicant_citizen_id),
        province_code=dossier.province_code, commune_code=dossier.commune_code, new=new,
    )


MAX_COPIES = 99


MAX_PAPERS = 100  # kinds of papers named on a receipt (Mẫu 01) or a supplement request (Mẫu 02)


def _paper_name(value: Any) -> str:
    """A paper's name as typed at the counter or in a supplement request, in NFC, at most as long as a file's paper name
    (DossierAttachment.document_name): a longer one is refused before anything is written (it also made a row taller than
    the page of the form that lists it, whose PDF then failed)."""
    name = nfc(str(value or ""))
    max_name = DossierAttachment._meta.get_field("document_name").max_length or 500
    if len(name) > max_name:
        raise dossiers_errors.DOCUMENT_NAME_TOO_LONG(max_length=max_name, field="documents", details={"document": name[:80]})
    return name


def _check_paper_count(names: list[Any]) -> None:
    if len(names) > MAX_PAPERS:
        raise dossiers_errors.TOO_MANY_PAPERS(max_papers=MAX_PAPERS, details={"max": MAX_PAPERS})


def received_papers(version: Any, documents: list[Any] | None) -> list[dict[str, Any]]:
    """The papers ticked at the counter as [{"name", "copies"}], in the procedure's order, then any other.
    Copies default to the number the procedure asks for (1 when it does not say)."""
    asked = {nfc(doc["name"]): doc.get("copies", 1) for doc in (version.required_documents or []) if isinstance(doc, dict) and doc.get("name")}
    given: dict[str, int] = {}
    _check_paper_count(documents or [])
    for item in documents or []:
        if isinstance(item, dict):
            name, copies = item.get("name", ""), item.get("copies")
        elif isinstance(item, (tuple, list)):
            name, copies = (item[0], item[1]) if len(item) > 1 else (item[0], None)
        else:
            name, copies = item, None
        name = _paper_name(name)
        if not name:
            continue
        try:
            count = int(copies) if copies not in (None, "") else int(asked.get(name) or 1)
        except (TypeError, ValueError):
            count = 0
        if not 1 <= count <= MAX_COPIES:
            raise dossiers_errors.INVALID_COPIES(value=name[:80], max_copies=MAX_COPIES, details={"fields": {"documents": [name]}, "document": name})
        given[name] = given.get(name, 0) + count
    ordered = [n for n in asked if n in given] + [n for n in given if n not in asked]
    return [{"name": n, "copies": given[n]} for n in ordered]


def _missing_required(version: Any, provided: set[str]) -> list[str]:
    names = []
    for doc in version.required_documents or []:
        if isinstance(doc, dict) and doc.get("required", True) and doc.get("name") and nfc(doc["name"]) not in provided:
            names.append(doc["name"])
    return names


def forward_deadline(at: dt.datetime, *, province_code: str = "", commune_code: str = "") -> dt.datetime | None:
    """When a paper dossier must reach the competent body (Decree 118/2025 Art. 18(2)): the same working day, or the start
    of the next working day (end of its morning session) when received after the cut-off or on a day off. None before 1/7/2025."""
    local = timezone.localtime(at)
    cutoff = rule("onestop.paper.forward_cutoff", on=local.date(), province_code=province_code, commune_code=commune_code, default=None)
    if cutoff is None:
        return None
    day = local.date()
    if cal.is_working_day(day, province_code=province_code) and local.time() <= cutoff:
        return timezone.make_aware(dt.datetime.combine(day, cal.closing_time(province_code, day)))
    nxt = cal.next_working_day(day + dt.timedelta(days=1), province_code=province_code)
    return timezone.make_aware(dt.datetime.combine(nxt, cal.office_hours(province_code, nxt)[0][1]))


# ---------------------------------------------------------------- intake
@contextmanager
def _clock_in_calendar() -> Iterator[None]:
    """A due date computed past the working-day calendar's years (a time limit stored before limits over a year were
    refused, a dossier received at the end of the calendar's last year) is refused, not a 500; the caller's
    transaction rolls back, so nothing is filed."""
    try:
        yield
    except CalendarRangeError:
        raise dossiers_errors.DUE_DATE_OUT_OF_RANGE() from None


def _clean(dossier: Dossier) -> None:
    """Field validation; uniqueness and check constraints are enforced by the database in the same transaction,
    and the foreign keys come from objects the caller already loaded."""
    dossier.full_clean(exclude=["procedure_version", "owner", "received_by", "assignee"], validate_unique=False, validate_constraints=False)


def receive_at_counter(
    *, actor: Any, commune: Any, applicant: Applicant, procedure_version: Any = None, procedure: Any = None,
    documents: list[Any] | None = None, files: list[tuple[str, Any]] | None = None, channel: str = Channel.COUNTER,
    note: str = "", received_at: dt.datetime | None = None,
) -> Dossier:
    """A one-stop officer receives a complete dossier: code, appointment (Mẫu 01), steps, event.

    ``documents`` are the papers the officer ticked as received: names, or (name, copies) pairs, or
    {"name", "copies"} dicts. Every mandatory paper must be ticked; a scan attached to the form does not
    replace the paper (the online channel is where files are the dossier). The receipt (Mẫu 01) lists
    exactly these papers with their counts, then the attached files."""
    if getattr(actor, "role", None) != Role.ONESTOP_OFFICER and not getattr(actor, "is_superuser", False):
        raise dossiers_errors.RECEIVE_AT_COUNTER_FORBIDDEN()
    if not actor.is_superuser and actor.commune_code != commune.code:
        raise dossiers_errors.RECEIVE_AT_COUNTER_FORBIDDEN_2()
    if channel not in PAPER_CHANNELS:
        raise dossiers_errors.INVALID_CHANNEL(details={"fields": {"channel": [
            _("Kênh nộp tại Bộ phận Một cửa là một trong: %(channels)s.") % {"channels": _channel_list(PAPER_CHANNELS, Channel)}]}})
    applicant = clean_applicant(applicant)
    note = free_text(note, field="note", label=_("Ghi chú"))
    now = received_at or timezone.now()
    version = _version_for(procedure_version, procedure=procedure, province_code=commune.province_code, day=timezone.localdate(now))
    files = files or []
    papers = received_papers(version, documents)
    provided = {p["name"] for p in papers}
    missing = _missing_required(version, provided)
    if missing:
        raise dossiers_errors.INCOMPLETE_AT_COUNTER(papers="; ".join(missing), details={"missing": missing, "fields": {"documents": missing}})
    prepared = prepare_files(files)
    # a counter dossier joins the citizen's "my dossiers" when the CCCD matches exactly one citizen account
    owner_id = citizen_account_id(applicant.citizen_id)
    with _clock_in_calendar(), att.StoredFiles() as stored, transaction.atomic():
        agency = agency_code_for(commune, version, timezone.localdate(now))
        code = take_code(agency, timezone.localdate(now))
        dossier = Dossier(
            code=code, agency_code=agency, deciding_level=deciding_level_for(commune, version, timezone.localdate(now)), procedure_version=version, province_code=commune.province_code, commune_code=commune.code,
            applicant_name=applicant.name, applicant_name_folded=fold(applicant.name), applicant_phone=applicant.phone,
            applicant_email=applicant.email, applicant_citizen_id=applicant.citizen_id, applicant_address=applicant.address,
            zalo_opt_in=applicant.zalo_opt_in, channel=channel, note=note, submitted_at=now, status=Status.RECEIVED,
            received_by=actor if getattr(actor, "pk", None) else None, owner_id=owner_id,
        )
        _set_clock(dossier, version, now)
        dossier.forward_due_at = forward_deadline(now, province_code=commune.province_code, commune_code=commune.code)
        dossier.current_step = 1
        _clean(dossier)
        # routed from its steps before the first save: one INSERT, no UPDATE after it
        steps = _new_steps(dossier, version)
        _route(dossier, steps)
        dossier.save()
        DossierStep.objects.bulk_create(steps)
        _save_files(dossier, prepared, actor=actor, kind=DossierAttachment.Kind.INPUT, stored=stored)
        assert dossier.due_date is not None  # set by _set_clock above
        _event(dossier, actor=actor, action=Action.RECEIVE, from_status="", from_step=None, at=now,
               data={"documents": sorted(provided), "papers": papers, "due_date": dossier.due_date.isoformat()})
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=dossier, after=snapshot(dossier), verb="dossier-receive")
        _index(dossier, new=True)
        _notify_status(dossier)
    return dossier


def check_online_submitter(actor: Any) -> None:
    """Refuse (403) anyone but a citizen with an account: only citizens submit online, staff receive at the counter."""
    if getattr(actor, "role", None) != Role.CITIZEN:
        raise dossiers_errors.SUBMIT_ONLINE_FORBIDDEN()


def submit_online(*, actor: Any, commune: Any, applicant: Applicant, procedure_version: Any = None, procedure: Any = None, files: list[tuple[str, Any]] | None = None, note: str = "",
                  channel: str = Channel.ONLINE) -> Dossier:
    """A citizen with an account submits online (national portal, or VNeID where Decree 367/2025 allows it); the code is
    issued now, the clock starts on acceptance, which is due within the working hours of ``onestop.online.answer_working_hours``."""
    check_online_submitter(actor)
    if commune is None or getattr(commune, "level", "") != "commune":
        raise dossiers_errors.NO_COMMUNE(details={"fields": {"commune": [_("Bắt buộc.")]}})
    applicant = clean_applicant(applicant)
    note = free_text(note, field="note", label=_("Ghi chú"))
    now = timezone.now()
    if channel not in ONLINE_CHANNELS or channel not in allowed_channels(timezone.localdate(now), commune.province_code, commune.code):
        offered = [c for c in allowed_channels(timezone.localdate(now), commune.province_code, commune.code) if c in ONLINE_CHANNELS]
        raise dossiers_errors.SUBMIT_ONLINE_INVALID_CHANNEL(details={"fields": {"channel": [
            _("Kênh nộp trực tuyến đang áp dụng tại xã/phường này: %(channels)s.") % {"channels": _channel_list(offered, Channel)}
            if offered else _("Xã/phường này chưa áp dụng kênh nộp trực tuyến nào.")]}})
    version = _version_for(procedure_version, procedure=procedure, province_code=commune.province_code, day=timezone.localdate(now))
    if version.online == "none":
        raise dossiers_errors.NOT_ONLINE()
    files = files or []
    missing = _missing_required(version, {nfc(n) for n, _f in files})
    if missing:
        raise dossiers_errors.INCOMPLETE_ONLINE(papers="; ".join(missing), details={"missing": missing, "fields": {"files": missing}})
    prepared = prepare_files(files)
    with _clock_in_calendar(), att.StoredFiles() as stored, transaction.atomic():
        agency = agency_code_for(commune, version, timezone.localdate(now))
        code = take_code(agency, timezone.localdate(now))
        dossier = Dossier(
            code=code, agency_code=agency, deciding_level=deciding_level_for(commune, version, timezone.localdate(now)), procedure_version=version, province_code=commune.province_code, commune_code=commune.code,
            applicant_name=applicant.name, applicant_name_folded=fold(applicant.name), applicant_phone=applicant.phone,
            applicant_email=applicant.email, applicant_citizen_id=applicant.citizen_id, applicant_address=applicant.address,
            zalo_opt_in=applicant.zalo_opt_in, owner=actor, channel=channel, note=note, submitted_at=now,
            status=Status.ONLINE_SUBMITTED,
        )
        hours = int(rule("onestop.online.answer_working_hours", on=timezone.localdate(now), province_code=commune.province_code, commune_code=commune.code, default=0))
        dossier.answer_due_at = cal.add_working_hours(now, hours, province_code=commune.province_code) if hours else None
        _clean(dossier)
        dossier.save()
        steps = _copy_steps(dossier, version)
        _route(dossier, steps)
        dossier.save(update_fields=["waiting_role", "is_open"])
        _save_files(dossier, prepared, actor=actor, kind=DossierAttachment.Kind.INPUT, stored=stored)
        _event(dossier, actor=actor, action=Action.SUBMIT_ONLINE, from_status="", from_step=None, at=now)
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=dossier, after=snapshot(dossier), verb="dossier-submit-online")
        _index(dossier, new=True)
        _notify_status(dossier)
    return dossier


# ---------------------------------------------------------------- workflow
def _finish(dossier: Dossier, now: dt.datetime) -> None:
    end = now
    if dossier.status != Status.RESULT_READY and dossier.paused_at is not None:
        # The citizen never returned the supplement: the request date is the end (national portal formula for Decision 766/QĐ-TTg).
        end = dossier.paused_at
    dossier.finished_at = end
    if dossier.received_at is None:
        dossier.timeliness = ""
        return
    received = timezone.localdate(dossier.received_at)
    p, c = dossier.province_code, dossier.commune_code
    dossier.timeliness = deadlines.classify(
        end_at=end, due_at=dossier.due_at, due_date=dossier.due_date, supplement_count=dossier.supplement_count,
        max_supplements_on_time=rule("onestop.supplement.max_requests_on_time", on=received, province_code=p, commune_code=c),
        closing=cal.closing_time(p, dossier.due_date or received),
    )
    end_day = timezone.localdate(end)
    dossier.processing_working_days = max(0, cal.working_days_between(dossier.start_date, end_day, province_code=p)) if dossier.start_date else None


def _check_scope(dossier: Dossier, actor: Any) -> None:
    """Another unit's (or another citizen's) dossier does not exist for the actor: 404."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise dossiers_errors.NOT_AUTHENTICATED()
    if actor.role == Role.CITIZEN:
        if dossier.owner_id != actor.pk:
            raise NotFoundError()
    elif not actor.is_superuser and (actor.commune_code != dossier.commune_code or _other_holders(dossier, actor)):
        raise NotFoundError()


def _other_holders(dossier: Dossier, actor: Any) -> bool:
    """Whether the dossier, of the actor's commune code, was submitted while an ended commune of another lineage carried
    that code (``coso.units.lineage.is_other_holders_record``): that commune's successor's, another commune's to the actor.
    Decided once per dossier read; without a query when the row came with its commune's start
    (``lineage.holder_since_expression``, as ``holder_since``) and is dated since."""
    return lineage.is_other_holders_row(actor, dossier)


def _visible(dossier_id: Any) -> Dossier:
    try:
        return (Dossier.objects.only("commune_code", "owner_id", "submitted_at").annotate(holder_since=lineage.holder_since_expression())
                .get(pk=dossier_id))
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise NotFoundError() from None


def check_scope(*, actor: Any, dossier_id: Any) -> None:
    """404 unless ``actor`` may act on the dossier (:func:`perform`'s scope): checked before any input is read, so that
    nothing wrong with the input tells that another unit's dossier exists."""
    _check_scope(_visible(dossier_id), actor)


def check_rating_scope(*, actor: Any, dossier_id: Any) -> None:
    """404 unless the dossier is ``actor``'s own (a citizen) or their commune's (staff): :func:`rate`'s scope, checked
    before its input."""
    d = _visible(dossier_id)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise dossiers_errors.NOT_AUTHENTICATED()
    if (d.owner_id != actor.pk) if actor.role == Role.CITIZEN else (actor.commune_code != d.commune_code or _other_holders(d, actor)):
        raise NotFoundError()


def _check_actor(dossier: Dossier, actor: Any, action: str) -> None:
    rule = ACTIONS.get(action)
    if rule is None:
        raise dossiers_errors.UNKNOWN_ACTION()
    _check_scope(dossier, actor)
    if not actor.is_superuser and actor.role not in rule.roles and _delegation_for(dossier, actor, action) is None:
        raise dossiers_errors.CHECK_ACTOR_FORBIDDEN(label=Action(action).label)
    if _not_this_step(dossier, actor, rule):
        raise dossiers_errors.CHECK_ACTOR_FORBIDDEN_2()


def _not_this_step(dossier: Dossier, actor: Any, rule: Any) -> bool:
    """The action belongs to the step's role, and the dossier waits for another role."""
    return bool(rule.step_role) and not actor.is_superuser and actor.role != Role.COMMUNE_LEADER and actor.role != dossier.waiting_role


def _current_state(dossier: Dossier) -> dict[str, Any]:
    return {
        "current_version": dossier.version, "status": dossier.status, "status_label": str(Status(dossier.status).label),
        "current_step": dossier.current_step, "waiting_role": dossier.waiting_role, "assignee_id": dossier.assignee_id,
    }


def _delegation_for(dossier: Dossier, actor: Any, action: str) -> Any:
    """The leader's delegation (ủy quyền) under which ``actor`` approves and signs this dossier today, if any
    (coso.accounts.services.delegation_active): it lets a delegate without the leader role approve the
    listed procedures inside the date range, and records "KT./TUQ." with the leader's name."""
    if action != Action.APPROVE or actor is None or actor.role == Role.CITIZEN:
        return None
    from coso.accounts.services import delegation_active

    today = timezone.localdate()
    if dossier.__dict__.get("delegation_possible_on") == (actor.pk, today) and not dossier.__dict__.get("delegation_possible", True):
        return None  # read with the dossier (selectors.dossier_detail): no delegation to the actor covers today
    return delegation_active(actor, "dossier_approve", today, procedure_code=dossier.procedure_version.procedure.code)


_STATE_FIELDS = tuple(f.attname for f in Dossier._meta.concrete_fields if not f.primary_key)


def _field_state(d: Dossier) -> dict[str, Any]:
    """The dossier's column values (copies of mutable ones), to tell later which columns an action changed."""
    return {name: copy.deepcopy(value) if isinstance(value, (dict, list)) else value for name in _STATE_FIELDS
            for value in (getattr(d, name),)}


def _changed_fields(d: Dossier, state: dict[str, Any]) -> list[str]:
    return [name for name, value in state.items() if getattr(d, name) != value]


def perform(*, actor: Any, dossier_id: int, action: str, expected_version: int | None, reason: str = "", data: dict | None = None, files: list[tuple[str, Any]] | None = None) -> Dossier:
    """Apply one workflow action. Bad input or an illegal transition raises and changes nothing.

    Another unit's (another citizen's) dossier answers 404 whatever else is wrong with the request: the scope is
    checked before the action, the reason and the files, so that no other answer tells it exists. Input that passes
    its checks leaves the scope to the locked read below (one read of the row, not two); input that fails them, and
    files (read before the row is locked), are only looked at once the dossier is known to be the actor's."""
    data = data or {}
    try:
        reason = free_text(reason, field="reason", label=_("Lý do"))
        rule = ACTIONS.get(action)
        if rule is None:
            raise dossiers_errors.UNKNOWN_ACTION()
        if rule.reason_required and len(reason) < 3:
            raise dossiers_errors.REASON_REQUIRED(details={"fields": {"reason": [_("Bắt buộc.")]}})
    except Exception:
        check_scope(actor=actor, dossier_id=dossier_id)  # another unit's dossier: 404, whatever is wrong with the input
        raise
    if files:
        check_scope(actor=actor, dossier_id=dossier_id)
    prepared = prepare_files(files)
    with _clock_in_calendar(), att.StoredFiles() as stored, transaction.atomic():
        try:
            # The procedure comes with the locked row (only the dossier's row is locked): the delegation check and
            # the answer read it, each would otherwise ask for it again.
            dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("procedure_version__procedure")
                       .annotate(holder_since=lineage.holder_since_expression()).get(pk=dossier_id))
        except (Dossier.DoesNotExist, ValueError, TypeError):
            raise NotFoundError() from None
        # Scope first (another unit's dossier is a 404), then the version: whoever lost a race sees
        # 409 and the state the winner left, not a 403 because the dossier has moved to another role.
        _check_scope(dossier, actor)
        if expected_version is not None and int(expected_version) != dossier.version:
            raise dossiers_errors.PERFORM_CONFLICT(label=Status(dossier.status).label, details=_current_state(dossier))
        _check_actor(dossier, actor, action)
        if dossier.status not in rule.sources:
            raise dossiers_errors.INVALID_TRANSITION(label=Action(action).label, label2=Status(dossier.status).label, details={"status": dossier.status, "action": action})
        now = timezone.now()
        before = snapshot(dossier, ["status", "current_step", "due_date", "assignee", "supplement_count", "apology_due_date", "version"])
        from_status, from_step = dossier.status, dossier.current_step
        event_data: dict[str, Any] = {}
        notify_extra = ""
        delegation = _delegation_for(dossier, actor, action)
        on_behalf_of = delegation.capacity() if delegation is not None else ""
        if delegation is not None:
            event_data["delegation"] = {"id": delegation.pk, "kind": delegation.kind, "delegator": delegation.delegator.display_name,
                                        "signing_block": delegation.signing_block()}
        handler = _HANDLERS[action]
        state = _field_state(dossier)
        result = handler(dossier, actor=actor, now=now, reason=reason, data=data, files=prepared, stored=stored)
        steps = None
        if isinstance(result, dict):
            event_data.update(result.get("event", {}))
            notify_extra = result.get("notify", "")
            steps = result.get("steps")  # the dossier's steps, when the handler has read them
        if rule.target is not None:
            dossier.status = rule.target
        if dossier.status in FINISHED_STATUSES and dossier.finished_at is None:
            _finish(dossier, now)
        _route(dossier, steps)
        dossier.version += 1
        # Only the columns the action changed (the row is locked: nobody else changed the others).
        dossier.save(update_fields=[*_changed_fields(dossier, state), "updated_at"])
        _event(dossier, actor=actor, action=action, from_status=from_status, from_step=from_step, reason=reason, data=event_data, at=now,
               on_behalf_of=on_behalf_of)
        after = snapshot(dossier, ["status", "current_step", "due_date", "assignee", "supplement_count", "apology_due_date", "version"])
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=dossier, before=before, after=after, verb=f"dossier-{action}", reason=reason,
                  on_behalf_of=on_behalf_of)
        if dossier.status != from_status or action == Action.APOLOGY:
            _notify_status(dossier, notify_extra)
    return dossier


def _answer_flags(d: Dossier, now: dt.datetime) -> dict:
    if d.status == Status.ONLINE_SUBMITTED and d.answer_due_at is not None and now > d.answer_due_at:
        return {"answer_late": True, "answer_due_at": d.answer_due_at.isoformat()}
    return {}


def _h_accept(d: Dossier, *, actor: Any, now: dt.datetime, **_rest: Any) -> dict:
    flags = _answer_flags(d, now)
    _set_clock(d, d.procedure_version, now)
    d.received_by = actor
    d.current_step = 1
    steps = list(d.steps.order_by("order"))
    _step_due_dates(d, steps)
    DossierStep.objects.bulk_update(steps, ["due_date"])
    assert d.due_date is not None  # a received dossier always has a due date
    return {"event": {"due_date": d.due_date.isoformat(), **flags}}


def _steps(d: Dossier) -> list[DossierStep]:
    return list(d.steps.order_by("order"))


def _h_forward(d: Dossier, *, actor: Any, now: dt.datetime, data: dict, **_rest: Any) -> dict:
    steps = _steps(d)
    nxt = next((s for s in steps if s.order > d.current_step), None)
    if nxt is None:
        raise dossiers_errors.LAST_STEP()
    # One statement closes the current step and opens the next (the dossier's row lock covers both).
    DossierStep.objects.filter(dossier=d, order__in=[d.current_step, nxt.order]).update(
        finished_at=Case(When(order=d.current_step, then=Value(now)), default=F("finished_at"), output_field=models.DateTimeField()),
        handled_by=Case(When(order=d.current_step, then=Value(actor.pk)), default=F("handled_by"), output_field=models.BigIntegerField()),
        started_at=Case(When(order=nxt.order, then=Value(now)), default=F("started_at"), output_field=models.DateTimeField()),
    )
    flags = {}
    if d.current_step == 1 and d.forward_due_at is not None and now > d.forward_due_at:
        flags = {"forward_late": True, "forward_due_at": d.forward_due_at.isoformat()}
    d.current_step = nxt.order
    d.assignee = _pick_assignee(d, data.get("assignee_id"), nxt.role)
    return {"event": {"step": nxt.name, "assignee_id": d.assignee_id, **flags}, "steps": steps}


def _pick_assignee(d: Dossier, assignee_id: Any, role: str) -> Any:
    if not assignee_id:
        return None
    from coso.accounts.models import User

    try:
        user = User.objects.get(pk=int(assignee_id), commune_code=d.commune_code, is_active=True)
    except (User.DoesNotExist, ValueError, TypeError):
        raise dossiers_errors.PICK_ASSIGNEE_INVALID_ASSIGNEE(details={"fields": {"assignee_id": [
            _("Chọn một cán bộ đang làm việc tại xã/phường của hồ sơ (mã số người dùng).")]}}) from None
    if role and user.role != role and user.role != Role.COMMUNE_LEADER:
        raise dossiers_errors.INVALID_ASSIGNEE(details={"fields": {"assignee_id": [
            _("Bước này do “%(role)s” xử lý: chọn người có vai trò đó hoặc lãnh đạo xã.") % {"role": Role(role).label if role in Role.values else role}]}})
    return user


def _h_send_back(d: Dossier, *, now: dt.datetime, data: dict, **_rest: Any) -> dict:
    steps = _steps(d)
    target = data.get("to_step")
    prev = [s for s in steps if s.order < d.current_step]
    if not prev:
        raise dossiers_errors.FIRST_STEP()
    chosen = prev[-1]
    if target:
        try:
            wanted = int(target)
        except (TypeError, ValueError):
            wanted = None
        found = next((s for s in prev if s.order == wanted), None)
        if found is None:
            raise dossiers_errors.INVALID_STEP(details={"fields": {"to_step": [
                _("Chọn một bước trước bước hiện tại: %(steps)s.") % {"steps": ", ".join(f"{s.order} ({s.name})" for s in prev)}]}})
        chosen = found
    d.current_step = chosen.order
    d.assignee = None
    return {"event": {"step": chosen.name}}


def _h_request_supplement(d: Dossier, *, now: dt.datetime, data: dict, **_rest: Any) -> dict:
    asked = data.get("documents") or []
    _check_paper_count(asked)
    docs = [name for x in asked if (name := _paper_name(x))]
    d.supplement_count += 1
    d.paused_at = now
    d.assignee = None
    ev: dict[str, Any] = {"documents": docs, "request_no": d.supplement_count}
    received = timezone.localdate(d.received_at) if d.received_at else timezone.localdate(now)
    if d.supplement_count > rule("onestop.supplement.max_requests_on_time", on=received, province_code=d.province_code, commune_code=d.commune_code):
        ev["counts_as_late"] = True
    today = timezone.localdate(now)
    # Notified within 3 working days of receipt (Decree 118/2025 Art. 19(5)); a later notice is recorded as such.
    notice_days = int(_dossier_rule(d, "onestop.supplement.notice_working_days", 0))
    if notice_days and d.received_at:
        notice_by = cal.add_working_days(received, notice_days, province_code=d.province_code)
        ev["notice_by"] = notice_by.isoformat()
        if today > notice_by:
            ev["notice_late"] = True
    close_days = int(_dossier_rule(d, "onestop.supplement.close_after_days", 0))
    # Calendar days from the day after the notice; a last day that is a weekend or a holiday (Tết) runs to the end of the
    # next working day (Civil Code 2015 Art. 148(5)), as a calendar-day appointment does: the office is shut, the citizen
    # could not bring the papers.
    d.close_due_date = cal.next_working_day(today + dt.timedelta(days=close_days), province_code=d.province_code) if close_days else None
    text = "Vui lòng bổ sung hồ sơ theo phiếu yêu cầu (Mẫu 02)."
    if d.close_due_date:
        ev["close_after"] = d.close_due_date.isoformat()
        text += f" Quá ngày {d.close_due_date:%d/%m/%Y} mà chưa hoàn thiện, hồ sơ sẽ bị đóng."
    if _dossier_rule(d, "onestop.supplement.restart_clock", False):
        text += " Thời hạn giải quyết được tính lại từ đầu khi nhận đủ hồ sơ."
    return {"event": ev, "notify": text}


def _h_receive_supplement(d: Dossier, *, actor: Any, now: dt.datetime, files: list, stored: att.StoredFiles, **_rest: Any) -> dict:
    d.close_due_date = None
    if _dossier_rule(d, "onestop.supplement.restart_clock", False):
        # "Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ" (Decree 118/2025 Art. 19(5); Decree 61/2018 Art. 19(4)).
        old_due = d.due_date
        _set_clock(d, d.procedure_version, now, restart=True)
        if d.apology_due_date and d.due_date and d.apology_due_date <= d.due_date:
            d.apology_due_date = None  # the new count supersedes an earlier extension
        steps = _steps(d)
        _step_due_dates(d, steps)
        DossierStep.objects.bulk_update(steps, ["due_date"])
        d.paused_at = None
        _save_files(d, files, actor=actor, kind=DossierAttachment.Kind.SUPPLEMENT, stored=stored)
        return {"event": {"restarted": True, "old_due_date": old_due.isoformat() if old_due else None, "due_date": d.due_date.isoformat() if d.due_date else None},
                "notify": "Đã nhận đủ hồ sơ bổ sung; thời hạn giải quyết được tính lại từ đầu."}
    p = d.province_code
    days = deadlines.paused_working_days(d.paused_at, now, province_code=p) if d.paused_at else 0
    d.paused_working_days += days
    if d.due_date:
        new_due = deadlines.shift_due(d.due_date, days, province_code=p)
        delta = new_due - d.due_date
        d.due_date = new_due
        d.due_at = d.due_at + delta if d.due_at else None
        if d.near_date:
            d.near_date = deadlines.shift_due(d.near_date, days, province_code=p)
        if d.apology_due_date:
            d.apology_due_date = deadlines.shift_due(d.apology_due_date, days, province_code=p)
    d.paused_at = None
    _save_files(d, files, actor=actor, kind=DossierAttachment.Kind.SUPPLEMENT, stored=stored)
    return {"event": {"paused_working_days": days, "due_date": d.due_date.isoformat() if d.due_date else None}}


def _h_plain(d: Dossier, **_rest: Any) -> dict:
    return {}


def _h_approve(d: Dossier, *, actor: Any, now: dt.datetime, **_rest: Any) -> dict:
    DossierStep.objects.filter(dossier=d, order__lte=d.current_step, finished_at__isnull=True).update(finished_at=now, handled_by=actor)
    nxt = d.steps.filter(order__gt=d.current_step).order_by("order").first()
    if nxt is not None:
        d.current_step = nxt.order
        d.current_step_name = nxt.name
        DossierStep.objects.filter(pk=nxt.pk).update(started_at=now)
    d.assignee = None
    return {}


def _h_result_ready(d: Dossier, *, now: dt.datetime, **_rest: Any) -> dict:
    d.paused_at = None
    return {}


def _h_return(d: Dossier, *, actor: Any, now: dt.datetime, files: list, stored: att.StoredFiles, **_rest: Any) -> dict:
    d.returned_at = now
    DossierStep.objects.filter(dossier=d, finished_at__isnull=True).update(finished_at=now, handled_by=actor)
    _save_files(d, files, actor=actor, kind=DossierAttachment.Kind.RESULT, stored=stored)
    return {"notify": "Cảm ơn ông/bà; mời đánh giá mức độ hài lòng."}


def _h_apology(d: Dossier, *, actor: Any, now: dt.datetime, reason: str, data: dict, **_rest: Any) -> dict:
    new_date = data.get("new_date")
    if isinstance(new_date, str):
        try:
            new_date = dt.date.fromisoformat(new_date) if "-" in new_date else dt.datetime.strptime(new_date, "%d/%m/%Y").date()
        except ValueError:
            new_date = None
    if not isinstance(new_date, dt.date):
        raise dossiers_errors.H_APOLOGY_INVALID_DATE(details={"fields": {"new_date": [_("Bắt buộc.")]}})
    received = timezone.localdate(d.received_at) if d.received_at else timezone.localdate(now)
    p, c = d.province_code, d.commune_code
    if d.apologies.count() >= rule("onestop.apology.max_per_dossier", on=received, province_code=p, commune_code=c):
        raise dossiers_errors.APOLOGY_ONCE()
    today = timezone.localdate(now)
    if d.due_date is None or not _apology_in_time(d, today):
        raise dossiers_errors.APOLOGY_TOO_LATE(value=d.due_date.strftime('%d/%m/%Y') if d.due_date else '—', details={"due_date": d.due_date.isoformat() if d.due_date else None})
    if new_date <= d.due_date:
        raise dossiers_errors.H_APOLOGY_INVALID_DATE_2(details={"fields": {"new_date": [_("Phải sau ngày hẹn hiện tại.")]}})
    calendar = cal.get_calendar(p)
    if not calendar.first_year <= new_date.year <= calendar.last_year:  # e.g. 31/12/9999: no calendar to tell a working day
        raise dossiers_errors.APOLOGY_DATE_OUTSIDE_CALENDAR(first=calendar.first_year, last=calendar.last_year)
    if not cal.is_working_day(new_date, province_code=p):
        raise dossiers_errors.H_APOLOGY_INVALID_DATE_3(details={"fields": {"new_date": [_("Không phải ngày làm việc.")]}})
    # Numbered per commune and year: only one apology of the commune counts its number at a time (the dossier's own row
    # lock does not cover another dossier's apology), so that two side by side never take the same one.
    locks.lock(DossierApology, "dossiers.apology_number", d.commune_code)
    number = DossierApology.objects.filter(commune_code=d.commune_code, issued_at__year=now.year).count() + 1
    ap = DossierApology(
        dossier=d, number=number, old_due_date=d.due_date, new_due_date=new_date, reason=reason, issued_by=actor, issued_at=now,
        province_code=d.province_code, commune_code=d.commune_code,
    )
    ap.full_clean()
    ap.save()
    d.apology_due_date = new_date
    return {"event": {"new_date": new_date.isoformat(), "old_date": d.due_date.isoformat(), "apology_id": ap.pk},
            "notify": f"Chúng tôi xin lỗi vì chưa trả kết quả đúng hẹn. Lý do: {reason}. Ngày hẹn mới: {new_date:%d/%m/%Y}."}


def _apology_in_time(d: Dossier, today: dt.date) -> bool:
    """The apology must be issued at the latest ``onestop.apology.min_days_before_due`` days before the due date."""
    if d.due_date is None:
        return False
    received = timezone.localdate(d.received_at) if d.received_at else today
    days = rule("onestop.apology.min_days_before_due", on=received, province_code=d.province_code, commune_code=d.commune_code)
    return today <= d.due_date - dt.timedelta(days=int(days))


def close_is_due(d: Dossier, today: dt.date) -> bool:
    return d.status == Status.SUPPLEMENT_REQUESTED and d.close_due_date is not None and today > d.close_due_date


def _h_close(d: Dossier, *, now: dt.datetime, **_rest: Any) -> dict:
    if not close_is_due(d, timezone.localdate(now)):
        raise dossiers_errors.CLOSE_NOT_DUE(until=f" (đến hết ngày {d.close_due_date:%d/%m/%Y})" if d.close_due_date else "",
                                   details={"close_due_date": d.close_due_date.isoformat() if d.close_due_date else None})
    return _close_result(d)


def _close_result(d: Dossier) -> dict:
    assert d.close_due_date is not None
    return {"event": {"close_after": d.close_due_date.isoformat()},
            "notify": f"Hồ sơ đã bị đóng do không được bổ sung, hoàn thiện đến hết ngày {d.close_due_date:%d/%m/%Y} (Nghị định 118/2025/NĐ-CP, Điều 19 khoản 5)."}


def close_unsupplemented(*, today: dt.date, province_code: str | None = None) -> list[Dossier]:
    """"Đóng hồ sơ" (Decree 118/2025 Art. 19(5)): close every dossier whose supplement period ended before ``today``.
    Idempotent: each dossier is re-read under a row lock and closed only while it still waits and is due."""
    qs = Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED, close_due_date__lt=today)
    if province_code is not None:
        qs = qs.filter(province_code=province_code)
    closed = []
    for pk in list(qs.order_by("id").values_list("pk", flat=True)):
        with transaction.atomic():
            d = Dossier.objects.select_for_update().filter(pk=pk).first()
            if d is None or not close_is_due(d, today):
                continue
            now = timezone.now()
            before = snapshot(d, ["status", "close_due_date", "version"])
            result = _close_result(d)
            from_status, from_step = d.status, d.current_step
            d.status = Status.CLOSED
            _finish(d, now)
            _route(d)
            d.version += 1
            d.save()
            reason = "Quá thời hạn hoàn thiện hồ sơ bổ sung (Nghị định 118/2025/NĐ-CP, Điều 19 khoản 5)."
            _event(d, actor=None, action=Action.CLOSE, from_status=from_status, from_step=from_step, reason=reason, data={**result["event"], "by": "job"}, at=now)
            audit_log(actor=None, action=AuditLog.Action.ACTION, obj=d, before=before, after=snapshot(d, ["status", "close_due_date", "version"]),
                      verb="dossier-close", reason=reason)
            _notify_status(d, result["notify"])
            closed.append(d)
    return closed


def _h_assign(d: Dossier, *, data: dict, **_rest: Any) -> dict:
    d.assignee = _pick_assignee(d, data.get("assignee_id"), d.waiting_role)
    return {"event": {"assignee_id": d.assignee_id}}


def release_assignments(*, actor: Any, user: Any, commune_code: str, reason: str) -> list[int]:
    """The open dossiers of ``commune_code`` assigned to ``user``, who no longer works there (their account moved to another
    unit, or was deactivated): each assignment is lifted, so that the dossier waits again for the role of its step in the
    commune's inbox ("Chờ tôi xử lý" of that role's officers), and the deadline reminders go to who works there, not to an
    account elsewhere. Each dossier under its row lock: version bumped, an ``assign`` event with no assignee, audited
    ``dossier-release`` with the actor. Called by the accounts app within its change. Returns the ids of the dossiers released."""
    if not commune_code:
        return []
    released = []
    for pk in list(Dossier.objects.filter(assignee=user, commune_code=commune_code, is_open=True).order_by("pk").values_list("pk", flat=True)):
        d = Dossier.objects.select_for_update(of=("self",)).filter(pk=pk, assignee=user, is_open=True).first()
        if d is None:
            continue
        before = snapshot(d, ["assignee", "version"])
        d.assignee = None
        d.version += 1
        d.save(update_fields=["assignee", "version", "updated_at"])
        # The event is the system's (as the closing job's): who moved the account did not handle the dossier, and an
        # officer's handled dossiers (officer_dossier_stats, the rating's officers) count the events' actors.
        _event(d, actor=None, action=Action.ASSIGN, from_status=d.status, from_step=d.current_step, reason=reason,
               data={"assignee_id": None, "released": user.pk})
        audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=d, before=before, after=snapshot(d, ["assignee", "version"]),
                  verb="dossier-release", reason=reason)
        released.append(d.pk)
    return released


_HANDLERS: dict[str, Callable[..., Any]] = {
    Action.ACCEPT: _h_accept,
    Action.FORWARD: _h_forward,
    Action.SEND_BACK: _h_send_back,
    Action.REQUEST_SUPPLEMENT: _h_request_supplement,
    Action.RECEIVE_SUPPLEMENT: _h_receive_supplement,
    Action.REFUSE: _h_plain,
    Action.APPROVE: _h_approve,
    Action.STOP: _h_plain,
    Action.WITHDRAW: _h_plain,
    Action.RESULT_READY: _h_result_ready,
    Action.RETURN_RESULT: _h_return,
    Action.APOLOGY: _h_apology,
    Action.ASSIGN: _h_assign,
    Action.CLOSE: _h_close,
}


def allowed_actions(dossier: Dossier, user: Any) -> list[str]:
    """Actions the user may take now (for buttons); the service re-checks everything."""
    out = []
    for action, transition in ACTIONS.items():
        if dossier.status not in transition.sources:
            continue
        # refused anyway: skip the checks that read the database (delegations)
        if getattr(user, "is_authenticated", False) and _not_this_step(dossier, user, transition):
            continue
        try:
            _check_actor(dossier, user, action)
        except ApplicationError:
            continue
        if action == Action.APOLOGY and (dossier.due_date is None or not _apology_in_time(dossier, timezone.localdate()) or dossier.apology_due_date):
            continue
        if action == Action.CLOSE and not close_is_due(dossier, timezone.localdate()):
            continue
        out.append(str(action))
    return out


# ---------------------------------------------------------------- rating
def rating_criteria(d: Dossier) -> list[tuple[str, str]]:
    """(key, label) of the criteria the applicant rates: Decree 118/2025 Art. 33(1)'s nine for dossiers received from 1/7/2025,
    the twelve of the provincial portals (Decree 61/2018 Art. 31) before (rule ``onestop.rating.criteria``)."""
    rows = _dossier_rule(d, "onestop.rating.criteria", None)
    if not rows:
        return [(k, str(label)) for k, label in RATING_CRITERIA]
    # The shipped labels are in the translation catalogue (constants.RATING_CRITERIA, RATING_CRITERIA_118): shown in the
    # reader's language; a label a province typed has no entry there and is shown as typed.
    return [(str(r["key"]), _(label) if (label := str(r["label"])) else label) for r in rows]


def rating_channels(d: Dossier, actor: Any = None) -> list[str]:
    """The rating channels of the dossier's rule; for a citizen (``actor``), who rates through the online function,
    the online channel only (see :func:`rate`)."""
    raw = _dossier_rule(d, "onestop.rating.channels", "form,device,portal,box,other")
    channels = [c.strip() for c in str(raw).split(",") if c.strip() in RatingChannel.values]
    if getattr(actor, "role", None) == Role.CITIZEN:
        return [c for c in channels if c == RatingChannel.PORTAL]
    return channels


def rate(*, actor: Any, dossier_id: int, level: str, criteria: dict | None = None, comment: str = "", channel: str = "") -> DossierRating:
    check_rating_scope(actor=actor, dossier_id=dossier_id)  # another unit's dossier: 404 whatever the input
    if level not in Satisfaction.values:
        message = (_("Mức độ hài lòng là một trong: %(levels)s.") % {"levels": _channel_list(Satisfaction.values, Satisfaction)}
                   if level else _("Bắt buộc."))
        raise dossiers_errors.INVALID_LEVEL(details={"fields": {"level": [message]}})
    comment = free_text(comment, field="comment", label=_("Ý kiến"))
    with transaction.atomic():
        try:
            d = Dossier.objects.select_for_update().annotate(holder_since=lineage.holder_since_expression()).get(pk=dossier_id)
        except (Dossier.DoesNotExist, ValueError, TypeError):
            raise NotFoundError() from None
        if actor is None or not getattr(actor, "is_authenticated", False):
            raise dossiers_errors.NOT_AUTHENTICATED()
        if actor.role == Role.CITIZEN:
            if d.owner_id != actor.pk:
                raise NotFoundError()
        elif actor.commune_code != d.commune_code or _other_holders(d, actor):
            raise NotFoundError()
        elif actor.role != Role.ONESTOP_OFFICER:
            raise PermissionDeniedError()
        if d.status != Status.RETURNED:
            raise dossiers_errors.NOT_RETURNED()
        if DossierRating.objects.filter(dossier=d).exists():
            raise dossiers_errors.ALREADY_RATED()
        keys = {k for k, _l in rating_criteria(d)}
        clean: dict[str, int] = {}
        for k, v in (criteria or {}).items():
            if v in (None, ""):
                continue
            try:
                score = int(v)
            except (TypeError, ValueError):
                score = -1
            if k not in keys or score not in (0, 1, 2):
                message = (_("Điểm của tiêu chí là 0, 1 hoặc 2.") if k in keys
                           else _("Phiếu đánh giá của hồ sơ này không có tiêu chí này; các tiêu chí là: %(keys)s.") % {"keys": ", ".join(sorted(keys))})
                raise dossiers_errors.INVALID_CRITERIA(details={"fields": {k: [message]}})
            clean[k] = score
        # A citizen rates through the online function, which is the online channel (Decree 118/2025 Art. 31(1)(c)): a
        # citizen cannot record their rating as a paper form, a device at the counter or a survey. An officer enters a
        # paper form unless told otherwise, among the rule's channels.
        if actor.role == Role.CITIZEN:
            if channel not in ("", RatingChannel.PORTAL):
                raise dossiers_errors.INVALID_RATING_CHANNEL(details={"fields": {"channel": [
                    _("Người dân đánh giá trực tuyến: kênh đánh giá là “%(channel)s”.") % {"channel": RatingChannel.PORTAL.label}]}})
            channel = RatingChannel.PORTAL
        channel = channel or RatingChannel.FORM
        if channel not in rating_channels(d):
            raise dossiers_errors.INVALID_RATING_CHANNEL(details={"fields": {"channel": [
                _("Kênh đánh giá của hồ sơ này là một trong: %(channels)s.") % {"channels": _channel_list(rating_channels(d), RatingChannel)}]}})
        officer_ids = sorted(set(
            d.events.filter(actor__isnull=False, actor_role__in=list(STAFF_ACTORS)).values_list("actor_id", flat=True)
        ))
        r = DossierRating(
            dossier=d, level=level, criteria=clean, channel=channel, comment=comment, officer_ids=officer_ids, rated_by=actor, rated_at=timezone.now(),
            province_code=d.province_code, commune_code=d.commune_code,
        )
        r.full_clean()
        r.save()
        d.version += 1
        d.save(update_fields=["version", "updated_at"])
        _event(d, actor=actor, action=Action.RATE, from_status=d.status, from_step=d.current_step, data={"level": level})
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=r, after=snapshot(r), verb="dossier-rate")
    return r
