"""Writes of the procedure catalogue: procedures, effective-dated versions, steps, import/export.

Rules never change in place once they can have been used: a changed time limit (or fee, documents,
steps…) becomes a NEW ProcedureVersion valid from a chosen date, and the version it replaces is
closed with ``valid_to``. Dossiers keep a foreign key to the version they were received under.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from coso.accounts.roles import ADMIN_ROLES, Role
from coso.core import json_input
from coso.core.audit import audit_log, audited_create, audited_delete, audited_update, snapshot
from coso.core.exceptions import ApplicationError, NotFoundError
from coso.core.models import AuditLog
from coso.core.params import FIRST_DAY, LAST_DAY
from coso.core.scoping import require_roles
from coso.core.search import search_index_set
from coso.core.text import fold, nfc
from coso.procedures import errors as procedures_errors
from coso.rules.lookup import rule, select_in_force

from .models import Procedure, ProcedureStep, ProcedureVersion

DATA_FILE = Path(__file__).resolve().parent / "data" / "procedures.json"
SEARCH_KIND = "procedure"

# Roles that may perform a processing step (staff who handle dossiers, not administrators or citizens).
STEP_ROLES = frozenset(
    {
        Role.ONESTOP_OFFICER, Role.SPECIALIST, Role.COMMUNE_LEADER, Role.COMMUNE_HOME_AFFAIRS,
        Role.COMMUNE_FINANCE, Role.PROVINCE_HOME_AFFAIRS, Role.PROVINCE_FINANCE,
    }
)
# Fields of a version that make up "the rules"; any change among them needs a new version.
RULE_FIELDS = (
    "time_limit", "time_unit", "time_limit_note", "cutoff_time", "fee", "fee_note", "required_documents",
    "result_type", "online", "applicant", "legal_basis", "source", "confidence",
)
PROCEDURE_FIELDS = ("name", "field", "decision_level", "code_verified", "code_note", "is_active")
CONFIDENCE_VALUES = ("", "C", "C-3p", "I", "R")
# The longest time limit a version may set: one year, an input bound (not a legal number). A typo such as 9000 working days
# would run every appointment off the working-day calendar and refuse each dossier at the counter.
MAX_TIME_LIMIT_DAYS = 366


def max_time_limit(time_unit: str, *, province_code: str = "", on: dt.date | None = None) -> Decimal | None:
    """The longest time limit of ``time_unit`` (None: no bound, "same_day"): 366 days or working days; in working hours,
    366 working days of the province's office hours on that day (rule ``calendar.office_hours``: 8 hours by default)."""
    if time_unit in ("working_days", "calendar_days"):
        return Decimal(MAX_TIME_LIMIT_DAYS)
    if time_unit == "working_hours":
        from coso.workcalendar.services import hours_per_day

        return (Decimal(MAX_TIME_LIMIT_DAYS) * Decimal(str(hours_per_day(province_code, on)))).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return None


def _limit_text(limit: Decimal) -> str:
    """2928 → "2928", 2745.5 → "2745,5" (as ``ProcedureVersion.time_limit_label`` writes a time limit)."""
    return f"{limit:f}".rstrip("0").rstrip(".").replace(".", ",") if "." in f"{limit:f}" else f"{limit:f}"


# --------------------------------------------------------------------------- permissions


def _require_admin(actor: Any) -> None:
    require_roles(actor, *ADMIN_ROLES)


def _check_province_scope(actor: Any, province_code: str) -> None:
    """A province administrator edits only the national rows' overrides for her own province."""
    if actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "role", None) == Role.SYSTEM_ADMIN:
        return
    if province_code != (actor.province_code or ""):
        raise procedures_errors.PROVINCE_SCOPE(province=actor.province_code or "?")


def _check_version_scope(actor: Any, version: ProcedureVersion) -> None:
    """A province administrator changes a version she may see: another province's own version is not found (as the
    pages and the API answer for it), a national one is refused (``province-scope``: she sees it, it is not hers)."""
    if version.province_code and not _is_system(actor) and version.province_code != (actor.province_code or ""):
        raise NotFoundError()
    _check_province_scope(actor, version.province_code)


def _is_system(actor: Any) -> bool:
    return actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "role", None) == Role.SYSTEM_ADMIN


def is_system_admin(user: Any) -> bool:
    """A system administrator (or superuser): the catalogue of every province is in her scope."""
    return user is not None and _is_system(user)


def _check_not_past(actor: Any, start: Any, field: str = "valid_from") -> None:
    """A person never rewrites what applied on a past day: a version they create starts today or later.

    Only the loaders of reference data (``actor=None``: ``load_reference``, ``load_procedures``, the demo,
    ``import_procedures``) may load historical versions, as ``coso.rules.services.rule_change(allow_past=...)``.
    """
    if actor is None:
        return
    today = timezone.localdate()
    if isinstance(start, dt.date) and start < today:
        raise procedures_errors.VERSION_PAST(today=today.strftime("%d/%m/%Y"), field=field)


def _check_in_range(start: Any, field: str = "valid_from") -> None:
    """A start date within the project's span of dates (coso.core.params): 31/12/9999, or a year typed 2207 for 2027,
    would otherwise close the version in force on a day that never comes."""
    if isinstance(start, dt.date) and not FIRST_DAY <= start <= LAST_DAY:
        raise procedures_errors.DATE_OUT_OF_RANGE(first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"), field=field)


# --------------------------------------------------------------------------- steps


def validate_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check a list of steps: at least one, orders unique and positive, roles valid, shares sum to 100.

    Returns the cleaned steps (order, name, role, share_percent as Decimal), sorted by order.
    Raises ApplicationError(code="invalid-steps") with every problem in ``details["steps"]``.
    """
    errors: list[dict[str, Any]] = []
    clean: list[dict[str, Any]] = []
    if not steps:
        raise procedures_errors.INVALID_STEPS(details={"steps": [{"index": 0, "field": "steps", "message": "Chưa có bước nào."}]})
    seen_orders: set[int] = set()
    for i, raw in enumerate(steps, start=1):
        name = nfc(str(raw.get("name") or ""))
        role = str(raw.get("role") or "").strip()
        try:
            order = int(raw["order"] if raw.get("order") not in (None, "") else i)
        except (TypeError, ValueError):
            errors.append({"index": i, "field": "order", "message": "Thứ tự phải là số nguyên dương."})
            order = -1
        if order is not None and order < 1 and order != -1:
            errors.append({"index": i, "field": "order", "message": "Thứ tự phải là số nguyên dương."})
        if order in seen_orders:
            errors.append({"index": i, "field": "order", "message": f"Thứ tự {order} bị trùng."})
        seen_orders.add(order)
        if not name:
            errors.append({"index": i, "field": "name", "message": "Chưa nhập tên bước."})
        elif len(name) > 200:
            errors.append({"index": i, "field": "name", "message": "Tên bước dài quá 200 ký tự."})
        role = _role_value(role)
        if role not in STEP_ROLES:
            errors.append({"index": i, "field": "role", "message": f"Vai trò “{raw.get('role')}” không hợp lệ cho bước xử lý."})
        try:
            share = Decimal(str(raw.get("share_percent"))).quantize(Decimal("0.01"))
            if share < 0 or share > 100:
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            errors.append({"index": i, "field": "share_percent", "message": "Tỷ lệ thời hạn phải là số từ 0 đến 100."})
            share = Decimal(0)
        clean.append({"order": order, "name": name, "role": role, "share_percent": share})
    total = sum((s["share_percent"] for s in clean), Decimal(0))
    if not errors and total != Decimal(100):
        errors.append({"index": 0, "field": "share_percent", "message": f"Tổng tỷ lệ thời hạn của các bước phải bằng 100% (hiện là {total.normalize():f}%)."})
    if errors:
        if len(errors) == 1:
            raise procedures_errors.STEP_INVALID(message=errors[0]["message"], details={"steps": errors})
        raise procedures_errors.STEPS_INVALID(messages="; ".join(e["message"] for e in errors), details={"steps": errors})
    return sorted(clean, key=lambda s: s["order"])


def _role_value(role: str) -> str:
    """Accept a role key ("specialist") or its Vietnamese label ("Chuyên viên xử lý")."""
    role = (role or "").strip()
    if role in Role.values:
        return role
    folded = fold(role)
    for value, label in Role.choices:
        if fold(str(label)) == folded or value == folded.replace(" ", "_"):
            return value
    return role


def _write_steps(version: ProcedureVersion, steps: list[dict[str, Any]]) -> None:
    version.steps.all().delete()
    ProcedureStep.objects.bulk_create([ProcedureStep(version=version, **s) for s in steps])


def _steps_data(version: ProcedureVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    return [
        {"order": s.order, "name": s.name, "role": s.role, "share_percent": s.share_percent}
        for s in version.steps.order_by("order")
    ]


def steps_configure(*, actor: Any, version: ProcedureVersion, steps: list[dict[str, Any]]) -> ProcedureVersion:
    """Replace the steps of a version (validated, audited).

    Steps belong to the rules of a version. A person reconfigures them in place only while the version
    has not started yet (``valid_from`` after today); a version already in force keeps the steps its
    dossiers follow and the public catalogue showed: new steps need a new version from a future date
    (``version-started``, as ``version-past`` for a new version's start).
    """
    _require_admin(actor)
    _check_version_scope(actor, version)
    clean = validate_steps(steps)
    with transaction.atomic():
        version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        today = timezone.localdate()
        if version.withdrawn:  # never in force: its steps guide no dossier
            raise procedures_errors.VERSION_WITHDRAWN(valid_from=version.valid_from.strftime("%d/%m/%Y"))
        if actor is not None and version.valid_from <= today:
            raise procedures_errors.VERSION_STARTED(valid_from=version.valid_from.strftime("%d/%m/%Y"), today=today.strftime("%d/%m/%Y"))
        if version.valid_from <= today and _version_in_use(version):
            raise procedures_errors.VERSION_IN_USE()
        before = _steps_data(version)
        _write_steps(version, clean)
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=version, verb="procedure_steps_configure",
                  before={"steps": before}, after={"steps": clean}, province_code=version.province_code)
    return version


def _version_in_use(version: ProcedureVersion) -> bool:
    """True when any object (e.g. a dossier) points at this version."""
    for rel in version._meta.related_objects:
        if rel.related_model is ProcedureStep or not rel.one_to_many:
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: version}).exists():
            return True
    return False


# --------------------------------------------------------------------------- procedures


def _reindex(procedure: Procedure) -> None:
    search_index_set(kind=SEARCH_KIND, object_id=procedure.pk, texts=[procedure.name, procedure.code, procedure.field])


def procedure_create(*, actor: Any, code: str, name: str, field: str, decision_level: str = Procedure.Level.COMMUNE,
                     code_verified: bool = True, code_note: str = "", is_active: bool = True) -> Procedure:
    _require_admin(actor)
    if not _is_system(actor):

        raise procedures_errors.PROCEDURE_CREATE_FORBIDDEN()
    code = nfc(code)
    try:
        with transaction.atomic():
            if Procedure.objects.filter(code=code).exists():
                raise procedures_errors.PROCEDURE_EXISTS(code=code)
            p = Procedure(code=code, name=nfc(name), name_folded=fold(name)[:500], field=nfc(field), decision_level=decision_level,
                          code_verified=code_verified, code_note=nfc(code_note), is_active=is_active)
            audited_create(p, actor=actor, verb="procedure_create")
            _reindex(p)
    except IntegrityError:  # the same code created meanwhile by a concurrent request (a double click)
        raise procedures_errors.PROCEDURE_EXISTS(code=code) from None
    return p


def procedure_update(*, actor: Any, procedure: Procedure, **changes: Any) -> Procedure:
    _require_admin(actor)
    if not _is_system(actor):

        raise procedures_errors.PROCEDURE_UPDATE_FORBIDDEN()
    unknown = set(changes) - set(PROCEDURE_FIELDS)
    if unknown:
        raise procedures_errors.FIELDS_NOT_EDITABLE(fields=", ".join(sorted(unknown)))
    clean = {k: nfc(v) if isinstance(v, str) else v for k, v in changes.items()}
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if clean.get("is_active") is True and not procedure.is_active:
            # its versions were closed when it ended: made active as it is, it would have no version in force
            raise procedures_errors.REACTIVATE_NEEDS_DATE(code=procedure.code)
        if clean.get("is_active") is False and procedure.is_active:
            # only marked inactive, its versions and phân cấp would stay open (exported, decided) with no end date
            raise procedures_errors.END_NEEDS_DATE(code=procedure.code)
        if "name" in clean:
            clean["name_folded"] = fold(clean["name"])[:500]
        audited_update(procedure, actor=actor, changes=clean, verb="procedure_update")
        _reindex(procedure)
    return procedure


def procedure_reactivate(*, actor: Any, procedure: Procedure, valid_from: dt.date, reason: str = "") -> Procedure:
    """Apply an ended procedure again from ``valid_from`` (today or later, on or after the day it ended; audited).

    Ending closed its versions, so being active again alone would leave it with no version in force: dossiers could not
    be received under it. Each scope (national, each province's) whose last version was closed gets that version's
    rules and steps again as a new version from ``valid_from`` (a province's own rules come back with it); a scope whose
    last version is still open keeps it. Its phân cấp stay ended: the province decides again from a future date."""
    if actor is not None:
        _require_admin(actor)
        if not _is_system(actor):
            raise procedures_errors.PROCEDURE_REACTIVATE_FORBIDDEN()
    if not isinstance(valid_from, dt.date):
        raise procedures_errors.REACTIVATE_DATE_MISSING()
    _check_in_range(valid_from)
    _check_not_past(actor, valid_from)
    reason = nfc(str(reason or ""))[:500]
    with transaction.atomic():
        proc = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if proc.is_active:
            raise procedures_errors.PROCEDURE_ACTIVE(code=proc.code)
        last: dict[str, ProcedureVersion] = {}  # the last version of each scope that was in force (withdrawn ones never were)
        for v in proc.versions.select_for_update().exclude(valid_to=F("valid_from")).order_by("province_code", "valid_from"):
            last[v.province_code] = v
        if not last:
            raise procedures_errors.REACTIVATE_NO_VERSION(code=proc.code)
        ended_on = max((v.valid_to for v in last.values() if v.valid_to is not None), default=None)
        if ended_on is not None and valid_from < ended_on:
            raise procedures_errors.REACTIVATE_BEFORE_END(end=ended_on.strftime("%d/%m/%Y"))
        taken = proc.versions.filter(valid_from=valid_from, province_code__in=[scope for scope, v in last.items() if v.valid_to is not None])
        if taken.exists():  # a version withdrawn when it ended started that day (one start a day per scope)
            raise procedures_errors.REACTIVATE_DATE_TAKEN(day=valid_from.strftime("%d/%m/%Y"))
        # offered again from ``valid_from`` only: the versions created below are the first in force after the end
        ended = proc.ends_on
        proc.is_active, proc.ends_on = True, None
        proc.save(update_fields=["is_active", "ends_on"])
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=proc, verb="procedure_reactivate", reason=reason,
                  before={"is_active": False, "ends_on": ended.isoformat() if ended else None},
                  after={"is_active": True, "ends_on": None, "valid_from": valid_from.isoformat()})
        for scope, v in sorted(last.items()):
            if v.valid_to is None or v.valid_to > valid_from:
                continue  # still open: nothing to re-open
            # copies the rules and steps of the version it follows (``v``), as any new version does
            version_create(actor=actor, procedure=proc, valid_from=valid_from, province_code=scope, reason=reason)
    return proc


# --------------------------------------------------------------------------- versions


def _rules_of(version: ProcedureVersion) -> dict[str, Any]:
    out = {f: getattr(version, f) for f in RULE_FIELDS}
    out["time_limit"] = Decimal(out["time_limit"]).quantize(Decimal("0.1"))
    return out


def _same_rules(version: ProcedureVersion, rules: dict[str, Any], steps: list[dict[str, Any]] | None) -> bool:
    current = _rules_of(version)
    for f in RULE_FIELDS:
        if f not in rules:
            continue
        a, b = current[f], rules[f]
        if f == "time_limit":
            b = Decimal(str(b)).quantize(Decimal("0.1"))
        if a != b:
            return False
    if steps is not None:
        have = [(s["order"], s["name"], s["role"], Decimal(s["share_percent"]).quantize(Decimal("0.01"))) for s in _steps_data(version)]
        want = [(s["order"], s["name"], s["role"], Decimal(s["share_percent"]).quantize(Decimal("0.01"))) for s in steps]
        if have != want:
            return False
    return True


def version_create(*, actor: Any, procedure: Procedure, valid_from: dt.date, province_code: str = "",
                   steps: list[dict[str, Any]] | None = None, reason: str = "", **rules: Any) -> ProcedureVersion:
    """Create a version of ``procedure`` valid from ``valid_from`` (audited).

    The version in force before that date in the same scope (national, or the same province) is
    closed with ``valid_to = valid_from``; a later version, if any, bounds the new one. Rules not
    given are copied from the version it replaces (or, for a province's first own version, from the
    national version in force). Steps are copied likewise unless given.
    """
    if actor is not None:
        _require_admin(actor)
        _check_province_scope(actor, province_code)
        if province_code and _is_system(actor):  # a province administrator's own province is checked above
            from coso.units.selectors import unit_list

            if not unit_list(fetched_by=actor, level="province").filter(code=province_code).exists():
                raise procedures_errors.PROVINCE_UNKNOWN(code=province_code)
    _check_in_range(valid_from)
    _check_not_past(actor, valid_from)
    if actor is not None and not Procedure.objects.filter(pk=procedure.pk, is_active=True).exists():
        raise procedures_errors.PROCEDURE_ENDED(code=procedure.code)
    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise procedures_errors.FIELDS_INVALID(fields=", ".join(sorted(unknown)))
    cutoff = rules.get("cutoff_time")
    if isinstance(cutoff, dt.time) and cutoff.tzinfo is not None:  # "15:00+07:00" from an API client: the databases take no zone
        raise procedures_errors.CUTOFF_TIME_ZONE()
    clean_steps = validate_steps(steps) if steps is not None else None
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        if actor is not None and (locked is None or not locked.is_active):  # ended meanwhile
            raise procedures_errors.PROCEDURE_ENDED(code=procedure.code)
        scope = procedure.versions.select_for_update().filter(province_code=province_code)
        if scope.filter(valid_from=valid_from).exists():
            raise procedures_errors.VERSION_EXISTS(valid_from=format(valid_from, '%d/%m/%Y'), details={"fields": {"valid_from": ["Trùng ngày bắt đầu của phiên bản khác."]}})
        in_effect = scope.exclude(valid_to=F("valid_from"))  # a version withdrawn before it took effect bounds nothing
        previous = in_effect.filter(valid_from__lt=valid_from).order_by("-valid_from").first()
        following = in_effect.filter(valid_from__gt=valid_from).order_by("valid_from").first()
        template = previous
        if template is None and province_code:
            template = procedure.version_on(valid_from, "") or procedure.versions.filter(province_code="").order_by("-valid_from").first()
        if template is None:
            template = following
        data = _rules_of(template) if template is not None else {}
        data.update(rules)
        if "time_limit" not in data:
            raise procedures_errors.VERSION_CREATE_VALIDATION_ERROR(details={"fields": {"time_limit": ["Bắt buộc với phiên bản đầu tiên."]}})
        version = ProcedureVersion(
            procedure=procedure, province_code=province_code, valid_from=valid_from,
            valid_to=following.valid_from if following is not None else None, **data,
        )
        _clean_text_fields(version)
        if version.time_unit != ProcedureVersion.TimeUnit.SAME_DAY and version.time_limit <= 0:
            raise procedures_errors.VERSION_CREATE_VALIDATION_ERROR_2(details={"fields": {"time_limit": ["Phải lớn hơn 0."]}})
        longest = max_time_limit(version.time_unit, province_code=province_code, on=valid_from)
        if longest is not None and Decimal(str(version.time_limit)) > longest:
            raise procedures_errors.TIME_LIMIT_TOO_LONG(max=_limit_text(longest), unit=version.get_time_unit_display())
        if previous is not None and (previous.valid_to is None or previous.valid_to > valid_from):
            audited_update(previous, actor=actor, changes={"valid_to": valid_from}, verb="procedure_version_close", reason=reason)
        version.full_clean()
        version.save()
        if clean_steps is None:
            clean_steps = _steps_data(template) or default_steps()
        _write_steps(version, clean_steps)
        # the steps belong to the version's rules (dossiers follow them): recorded with it, as steps_configure records a change
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=version, after={**snapshot(version), "steps": clean_steps},
                  verb="procedure_version_create", reason=reason)
    return version


def _clean_text_fields(version: ProcedureVersion) -> None:
    for f in ("time_limit_note", "fee_note", "result_type", "applicant", "legal_basis", "source"):
        setattr(version, f, nfc(getattr(version, f) or ""))
    version.required_documents = [
        {"name": nfc(d.get("name", "")), "copies": int(d.get("copies") or 1), "required": bool(d.get("required", True))}
        for d in (version.required_documents or [])
    ]


def version_update_text(*, actor: Any, version: ProcedureVersion, **changes: Any) -> ProcedureVersion:
    """Correct descriptive text of a version (notes, sources) without changing its rules' numbers."""
    _require_admin(actor)
    _check_version_scope(actor, version)
    allowed = {"time_limit_note", "fee_note", "legal_basis", "source", "confidence", "applicant", "result_type"}
    unknown = set(changes) - allowed
    if unknown:
        raise procedures_errors.VERSION_IMMUTABLE(details={"fields": {k: ["Tạo phiên bản mới để thay đổi."] for k in unknown}})
    with transaction.atomic():
        version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        audited_update(version, actor=actor, changes={k: nfc(v) for k, v in changes.items()}, verb="procedure_version_update")
    return version


def default_steps(on: dt.date | None = None, province_code: str = "") -> list[dict[str, Any]]:
    """The default internal steps (rule ``onestop.default_steps``)."""
    rows = rule("onestop.default_steps", on=on, province_code=province_code)
    return [{"order": int(r["order"]), "name": r["name"], "role": r["role"], "share_percent": Decimal(str(r["share_percent"]))} for r in rows]


# --------------------------------------------------------------------------- import / export format

# (key, Excel header, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("code", "Mã thủ tục", True),
    ("name", "Tên thủ tục", True),
    ("field", "Lĩnh vực", True),
    ("decision_level", "Cấp thực hiện", False),
    ("province_code", "Mã tỉnh (trống: toàn quốc)", False),
    ("valid_from", "Hiệu lực từ", False),
    ("time_limit", "Thời hạn", True),
    ("time_unit", "Đơn vị thời hạn", True),
    ("cutoff_time", "Giờ giới hạn tiếp nhận", False),
    ("time_limit_note", "Ghi chú thời hạn", False),
    ("fee", "Phí, lệ phí (đồng)", False),
    ("fee_note", "Ghi chú phí", False),
    ("required_documents", "Thành phần hồ sơ", False),
    ("result_type", "Kết quả", False),
    ("online", "Dịch vụ công trực tuyến", False),
    ("applicant", "Đối tượng thực hiện", False),
    ("legal_basis", "Căn cứ pháp lý", False),
    ("source", "Nguồn số liệu", False),
    ("confidence", "Độ tin cậy", False),
    ("steps", "Các bước xử lý", False),
    ("code_verified", "Mã đã đối chiếu", False),
    ("code_note", "Ghi chú về mã", False),
]
HEADER = {key: header for key, header, _ in COLUMNS}
KEY_OF_HEADER = {header: key for key, header, _ in COLUMNS}

_UNIT_WORDS = {
    "working_days": ["working_days", "ngay lam viec"],
    "working_hours": ["working_hours", "gio lam viec", "gio"],
    "calendar_days": ["calendar_days", "ngay", "ngay lich"],
    "same_day": ["same_day", "trong ngay"],
}
_ONLINE_WORDS = {
    "none": ["none", "khong", "khong truc tuyen"],
    "partial": ["partial", "mot phan", "truc tuyen mot phan"],
    "full": ["full", "toan trinh", "truc tuyen toan trinh"],
}
_LEVEL_WORDS = {"commune": ["commune", "cap xa", "xa"], "province": ["province", "cap tinh", "tinh"]}


def _choice(value: Any, table: dict[str, list[str]]) -> str | None:
    folded = fold(str(value or "")).strip()
    if folded.startswith("trong ngay"):
        folded = "trong ngay"
    for key, words in table.items():
        if folded in words or folded == key:
            return key
    return None


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _parse_time(value: Any) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    m = re.fullmatch(r"\s*(\d{1,2})\s*[:hH]\s*(\d{2})?\s*", str(value))
    if not m:
        raise ValueError
    return dt.time(int(m.group(1)), int(m.group(2) or 0))


_DOC_COPIES = re.compile(r"\s*\[(\d+)\s*bản\]\s*", re.IGNORECASE)
_DOC_OPTIONAL = "(không bắt buộc)"


def documents_to_text(docs: list[dict[str, Any]]) -> str:
    lines = []
    for d in docs or []:
        line = d.get("name", "")
        if int(d.get("copies") or 1) != 1:
            line += f" [{int(d['copies'])} bản]"
        if not d.get("required", True):
            line += " " + _DOC_OPTIONAL
        lines.append(line)
    return "\n".join(lines)


# The longest document name the catalogue keeps (the portal's crawl and the API cut or refuse beyond it), and what a
# dossier's attachment records.
DOCUMENT_NAME_MAX = 500


def parse_documents(value: Any) -> list[dict[str, Any]]:
    out = _parse_documents(value)
    for d in out:
        if len(d["name"]) > DOCUMENT_NAME_MAX:
            raise ValueError(f"Tên giấy tờ dài quá {DOCUMENT_NAME_MAX} ký tự: “{d['name'][:60]}…”.")
    return out


def _parse_documents(value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        out = []
        for d in value:
            if isinstance(d, str):
                d = {"name": d}
            if not isinstance(d, dict) or not str(d.get("name") or "").strip():
                raise ValueError("Mỗi giấy tờ phải có tên.")
            copies = int(d.get("copies") or 1)
            if copies < 1 or copies > 99:
                raise ValueError("Số bản phải từ 1 đến 99.")
            out.append({"name": nfc(str(d["name"])), "copies": copies, "required": bool(d.get("required", True))})
        return out
    out = []
    for line in str(value).splitlines():
        line = re.sub(r"^\s*[-•*]\s*", "", line).strip()
        if not line:
            continue
        required = True
        if line.lower().endswith(_DOC_OPTIONAL):
            required = False
            line = line[: -len(_DOC_OPTIONAL)].strip()
        copies = 1
        m = _DOC_COPIES.search(line)
        if m:
            copies = int(m.group(1))
            line = _DOC_COPIES.sub(" ", line).strip()
        out.append({"name": nfc(line), "copies": copies, "required": required})
    return out


def steps_to_text(steps: list[dict[str, Any]]) -> str:
    return "\n".join(f"{s['name']} | {s['role']} | {Decimal(s['share_percent']).normalize():f}" for s in steps)


def parse_steps(value: Any) -> list[dict[str, Any]] | None:
    if value in (None, "", []):
        return None
    if isinstance(value, list):
        return [dict(s) for s in value]
    out = []
    for i, line in enumerate([x for x in str(value).splitlines() if x.strip()], start=1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            raise ValueError(f"Dòng bước {i} phải có dạng “Tên bước | vai trò | tỷ lệ %”.")
        name = re.sub(r"^\d+[.)]\s*", "", parts[0])
        out.append({"order": i, "name": name, "role": parts[1], "share_percent": parts[2].rstrip("%").replace(",", ".")})
    return out


def _bool(value: Any, default: bool = True) -> bool:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        return value
    return fold(str(value)) in ("1", "true", "co", "x", "yes", "da doi chieu")


def clean_row(raw: dict[str, Any], *, known_provinces: set[str] | None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validate one catalogue row (JSON keys or Excel headers). Returns (clean, [(column, reason), …])."""
    row = {KEY_OF_HEADER.get(k, k): v for k, v in raw.items()}
    errors: list[tuple[str, str]] = []
    clean: dict[str, Any] = {}

    def err(key: str, message: str) -> None:
        errors.append((HEADER.get(key, key), message))

    for key, _header, required in COLUMNS:
        value = row.get(key)
        if required and (value is None or str(value).strip() == ""):
            err(key, "Bắt buộc, chưa có giá trị.")
    for key in ("code", "name", "field", "time_limit_note", "fee_note", "result_type", "applicant", "legal_basis", "source", "code_note"):
        value = row.get(key)
        clean[key] = nfc(str(value)) if value not in (None, "") else ""
    limits = {"code": 40, "name": 500, "field": 200, "time_limit_note": 500, "fee_note": 500, "result_type": 300, "applicant": 300, "source": 500, "code_note": 300}
    for key, max_len in limits.items():
        if len(clean[key]) > max_len:
            err(key, f"Dài quá {max_len} ký tự.")
    if clean["code"] and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-_]*", clean["code"]):
        err("code", "Mã thủ tục chỉ gồm chữ, số, dấu chấm, gạch ngang.")
    level = _choice(row.get("decision_level") or "commune", _LEVEL_WORDS)
    if level is None:
        err("decision_level", "Phải là “Cấp xã” hoặc “Cấp tỉnh”.")
    clean["decision_level"] = level or "commune"
    province = str(row.get("province_code") or "").strip()
    if province.isdigit() and len(province) == 1:
        province = "0" + province
    if province and known_provinces is not None and province not in known_provinces:
        err("province_code", f"Không có tỉnh mã “{province}”.")
    clean["province_code"] = province
    clean["valid_from"] = None
    if row.get("valid_from") not in (None, ""):
        try:
            clean["valid_from"] = _parse_date(row["valid_from"])
        except (ValueError, TypeError):
            err("valid_from", "Ngày không hợp lệ (dạng dd/mm/yyyy).")
        if clean["valid_from"] is not None and not FIRST_DAY <= clean["valid_from"] <= LAST_DAY:
            err("valid_from", f"Ngày phải trong khoảng {FIRST_DAY:%d/%m/%Y}–{LAST_DAY:%d/%m/%Y}.")
            clean["valid_from"] = None
    unit = _choice(row.get("time_unit"), _UNIT_WORDS) if row.get("time_unit") not in (None, "") else None
    if row.get("time_unit") not in (None, "") and unit is None:
        err("time_unit", "Phải là một trong: ngày làm việc, giờ làm việc, ngày, trong ngày.")
    clean["time_unit"] = unit or "working_days"
    if row.get("time_limit") not in (None, ""):
        try:
            limit = Decimal(str(row["time_limit"]).replace(",", ".")).quantize(Decimal("0.1"))
            if limit < 0 or limit >= Decimal("100000"):
                raise InvalidOperation
            if limit == 0 and clean["time_unit"] != "same_day":
                err("time_limit", "Thời hạn phải lớn hơn 0.")
            start = clean.get("valid_from") if isinstance(clean.get("valid_from"), dt.date) else None
            longest = max_time_limit(clean["time_unit"], province_code=clean.get("province_code") or "", on=start)
            if longest is not None and limit > longest:
                err("time_limit", f"Dài quá: tối đa {_limit_text(longest)} {ProcedureVersion.TimeUnit(clean['time_unit']).label}.")
            clean["time_limit"] = limit
        except (InvalidOperation, ValueError):
            err("time_limit", "Phải là số không âm (ví dụ 5 hoặc 0,5).")
    try:
        clean["cutoff_time"] = _parse_time(row.get("cutoff_time"))
    except (ValueError, TypeError):
        err("cutoff_time", "Giờ không hợp lệ (dạng 15:00).")
        clean["cutoff_time"] = None
    fee = row.get("fee")
    if fee in (None, ""):
        clean["fee"] = 0
    else:
        try:
            text = str(fee).replace(".", "").replace(" ", "").replace("đ", "") if isinstance(fee, str) else fee
            amount = Decimal(str(text))
            if amount < 0 or amount != amount.to_integral_value() or amount > 2_000_000_000:
                raise InvalidOperation
            clean["fee"] = int(amount)
        except (InvalidOperation, ValueError):
            err("fee", "Phí phải là số đồng nguyên, không âm.")
    try:
        clean["required_documents"] = parse_documents(row.get("required_documents"))
    except (ValueError, TypeError) as exc:
        err("required_documents", str(exc) or "Danh sách giấy tờ không hợp lệ.")
    online = _choice(row.get("online") or "partial", _ONLINE_WORDS)
    if online is None:
        err("online", "Phải là “Không”, “Một phần” hoặc “Toàn trình”.")
    clean["online"] = online or "partial"
    confidence = str(row.get("confidence") or "").strip()
    match = {c.lower(): c for c in CONFIDENCE_VALUES}.get(confidence.lower())
    if match is None:
        err("confidence", "Phải là C, C-3p, I hoặc R (hoặc để trống).")
    clean["confidence"] = match or ""
    clean["code_verified"] = _bool(row.get("code_verified"), True)
    clean["renamed_from"] = nfc(str(row.get("renamed_from") or ""))  # the shipped catalogue's corrected names
    try:
        steps = parse_steps(row.get("steps"))
        clean["steps"] = validate_steps(steps) if steps is not None else None
    except ValueError as exc:
        err("steps", str(exc))
    except ApplicationError as exc:
        err("steps", exc.message)
    return clean, errors


def _rules_from_clean(clean: dict[str, Any]) -> dict[str, Any]:
    return {f: clean[f] for f in RULE_FIELDS if f in clean}


def catalogue_import(*, actor: Any, rows: list[dict[str, Any]], effective_from: dt.date | None = None,
                     progress: Callable[[int, int], None] | None = None, reason: str = "") -> dict[str, Any]:
    """Apply catalogue rows: every row or none.

    ``effective_from`` is the date from which changed rules apply (a new version starts that day and
    the previous one is closed). Without it (the shipped catalogue), each row's own ``valid_from``
    is used, and a row whose version already exists with other values is left as it is (an
    administrator's later edits win over re-running the loader).

    Raises ApplicationError(code="import-invalid", details={"rows": [{row, column, message}, …]})
    listing every bad row; nothing is written then.
    """
    if actor is not None:
        _require_admin(actor)
    _check_in_range(effective_from, field="effective_from")
    _check_not_past(actor, effective_from, field="effective_from")
    from coso.units.models import AdministrativeUnit

    known = set(AdministrativeUnit.objects.filter(level="province").values_list("code", flat=True))
    errors: list[dict[str, Any]] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str, Any], int] = {}
    if not rows:
        raise procedures_errors.IMPORT_EMPTY(details={"rows": []})
    for raw in rows:
        n = int(raw.get("_row") or 0)
        clean, row_errors = clean_row(raw, known_provinces=known)
        if actor is not None and not _is_system(actor) and clean["province_code"] == "":
            clean["province_code"] = actor.province_code or ""  # a province administrator's rows are her province's rules
        if actor is not None and not _is_system(actor) and clean["province_code"] != (actor.province_code or ""):
            row_errors.append((HEADER["province_code"], f"Quản trị tỉnh chỉ được nhập phiên bản riêng của tỉnh mình (mã {actor.province_code})."))
        key = (clean["code"], clean["province_code"], None if effective_from else clean.get("valid_from"))
        if clean["code"] and key in seen:
            row_errors.append((HEADER["code"], f"Trùng với dòng {seen[key]}."))
        seen.setdefault(key, n)
        if effective_from is None and clean.get("valid_from") is None and not row_errors:
            row_errors.append((HEADER["valid_from"], "Bắt buộc khi không chọn ngày áp dụng."))
        if effective_from is None and actor is not None and clean.get("valid_from") is not None and clean["valid_from"] < timezone.localdate():
            row_errors.append((HEADER["valid_from"], f"Không được sửa quá khứ: ngày hiệu lực phải từ hôm nay ({timezone.localdate():%d/%m/%Y}) trở đi."))
        for column, message in row_errors:
            errors.append({"row": n, "column": column, "message": message})
        cleaned.append((n, clean))
    if errors:
        raise _import_error(errors)

    result = {"procedures_created": 0, "procedures_updated": 0, "versions_created": 0, "unchanged": 0, "kept": 0, "rows": len(cleaned)}
    with transaction.atomic():
        for i, (n, clean) in enumerate(cleaned, start=1):
            try:
                with transaction.atomic():  # a savepoint per row: a failed row never poisons the transaction
                    _apply_row(actor, n, clean, effective_from, result, errors, reason)
            except ApplicationError as exc:
                column = HEADER["valid_from"] if exc.code in ("version-exists", "version-past") else HEADER["code"] if exc.code == "procedure-ended" else ""
                errors.append({"row": n, "column": column, "message": exc.message})
            except ValidationError as exc:
                for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                    errors.append({"row": n, "column": HEADER.get(field, field), "message": "; ".join(messages)})
            if progress is not None:
                progress(i, len(cleaned))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise _import_error(errors)
    return result


def _import_error(errors: list[dict[str, Any]]) -> ApplicationError:
    errors = sorted(errors, key=lambda e: (e["row"], e["column"]))
    first = errors[0]
    where = f"dòng {first['row']}" + (f", cột “{first['column']}”" if first["column"] else "")
    return procedures_errors.IMPORT_INVALID(len=len(errors), where=where, value=first['message'], details={"rows": errors})


def _apply_row(actor: Any, n: int, clean: dict[str, Any], effective_from: dt.date | None, result: dict[str, Any],
               errors: list[dict[str, Any]], reason: str) -> None:
    proc = Procedure.objects.select_for_update().filter(code=clean["code"]).first()
    header = {"name": clean["name"], "field": clean["field"], "decision_level": clean["decision_level"],
              "code_verified": clean["code_verified"], "code_note": clean["code_note"]}
    if proc is None:
        if actor is not None and not _is_system(actor):
            errors.append({"row": n, "column": HEADER["code"], "message": "Mã thủ tục không có trong danh mục quốc gia; tỉnh chỉ tạo phiên bản riêng cho thủ tục đã có."})
            return
        proc = Procedure(code=clean["code"], name_folded=fold(clean["name"])[:500], **header)
        audited_create(proc, actor=actor, verb="procedure_import")
        _reindex(proc)
        result["procedures_created"] += 1
    elif (
        clean["province_code"] == ""
        and effective_from is not None  # an administrator's import edits the header; the loader does not overwrite it
        and any(getattr(proc, k) != v for k, v in header.items())
    ):
        audited_update(proc, actor=actor, changes={**header, "name_folded": fold(clean["name"])[:500]}, verb="procedure_import")
        _reindex(proc)
        result["procedures_updated"] += 1
    elif effective_from is None and clean.get("renamed_from") and proc.name == clean["renamed_from"] != clean["name"]:
        # A shipped name that was wrong for its code is corrected, unless an administrator renamed it since.
        audited_update(proc, actor=actor, changes={"name": clean["name"], "name_folded": fold(clean["name"])[:500],
                                                   "code_verified": clean["code_verified"], "code_note": clean["code_note"]},
                       verb="procedure_rename_shipped")
        _reindex(proc)
        result["procedures_updated"] += 1
    start = effective_from or clean["valid_from"]
    # The version of exactly this scope in force on ``start`` (no fallback to the national one here).
    current = select_in_force(proc.versions.filter(province_code=clean["province_code"]), start, clean["province_code"])
    rules = _rules_from_clean(clean)
    steps = clean.get("steps")
    if current is not None and _same_rules(current, rules, steps):
        result["unchanged"] += 1
        return
    if current is None and clean["province_code"]:
        national = proc.version_on(start, "")
        if national is not None and _same_rules(national, rules, steps):
            result["unchanged"] += 1  # same as the national rule: no province version needed
            return
    if current is not None and current.valid_from == start:
        if effective_from is None:
            result["kept"] += 1  # the loader keeps what an administrator changed
            return
        errors.append({"row": n, "column": HEADER["valid_from"],
                       "message": f"Phiên bản hiện hành cũng bắt đầu từ {start:%d/%m/%Y}; chọn ngày áp dụng sau ngày đó."})
        return
    if effective_from is None and current is None and proc.versions.filter(province_code=clean["province_code"], valid_from__gt=start).exists():
        result["kept"] += 1
        return
    version_create(actor=actor, procedure=proc, valid_from=start, province_code=clean["province_code"], steps=steps, reason=reason, **rules)
    if actor is not None:
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=proc, verb="procedure_import_row",
                  after={"province_code": clean["province_code"], "valid_from": start.isoformat()}, reason=reason,
                  province_code=clean["province_code"])
    result["versions_created"] += 1


# --------------------------------------------------------------------------- the shipped catalogue


def load_catalogue_file(path: Path | str | None = None) -> list[dict[str, Any]]:
    data = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    items = data["procedures"] if isinstance(data, dict) else data
    return [{**item, "_row": i} for i, item in enumerate(items, start=1)]


def load_ended_file(path: Path | str | None = None) -> list[dict[str, Any]]:
    data = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    return list(data.get("ended") or []) if isinstance(data, dict) else []


def load_procedures(*, path: Path | str | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Load the shipped catalogue (idempotent): new procedures and versions are added, nothing is duplicated.

    Procedures listed under ``ended`` (codes no longer on the national portal, or codes that belong to
    another procedure) stop on their date: their versions are closed and they are marked inactive,
    never deleted, so dossiers received under them keep their version.
    """
    result = catalogue_import(actor=None, rows=load_catalogue_file(path), effective_from=None, progress=progress, reason="load_procedures")
    result["ended"] = procedures_end(actor=None, items=load_ended_file(path), reason="load_procedures")
    return result


def procedures_end(*, actor: Any, items: list[dict[str, Any]], reason: str = "") -> int:
    """End procedures on a date (idempotent, audited): close every version still open then (national and every province's),
    withdraw the versions that would start on or after it (an empty period: never in force), end the decentralisations
    running then and withdraw those that would start later, mark it ended from that date (``ends_on``: it stays offered until
    the day before, ``selectors.offered``).

    ``items``: [{"code", "valid_to" (ISO date), "reason", "replaced_by"}]. Returns how many procedures changed.
    A person ends procedures from today on (``end-past``: dossiers filed since a past day were filed under
    versions then in force); only the loaders (``actor=None``, the shipped ``ended`` list) close them on a past date.
    """
    if actor is not None:
        _require_admin(actor)
        if not _is_system(actor):

            raise procedures_errors.PROCEDURES_END_FORBIDDEN()
    ends: list[dt.date] = []
    for item in items:  # every date checked before anything is written
        try:
            ends.append(dt.date.fromisoformat(str(item["valid_to"])))
        except (KeyError, TypeError, ValueError):
            raise procedures_errors.END_DATE_INVALID(value=str(item.get("valid_to") or "")) from None
        _check_in_range(ends[-1], field="valid_to")  # 31/12/9999 would end nothing in any day that comes
    today = timezone.localdate()
    if actor is not None and any(end < today for end in ends):
        raise procedures_errors.END_PAST(today=today.strftime("%d/%m/%Y"))
    from .models import Decentralisation

    changed = 0
    with transaction.atomic():
        for item, end in zip(items, ends, strict=True):
            proc = Procedure.objects.select_for_update().filter(code=item["code"]).first()
            if proc is None:
                continue
            touched = False
            # Every version of every scope (national and each province's): one in force on the end date closes then; one that
            # would start on or after it never takes effect: its period becomes empty (valid_to = valid_from), kept as history.
            for v in proc.versions.select_for_update().order_by("province_code", "valid_from"):
                if v.valid_from < end:
                    if v.valid_to is None or v.valid_to > end:
                        audited_update(v, actor=actor, changes={"valid_to": end}, verb="procedure_version_close", reason=reason)
                        touched = True
                elif v.valid_to != v.valid_from:
                    audited_update(v, actor=actor, changes={"valid_to": v.valid_from}, verb="procedure_version_withdraw", reason=reason)
                    touched = True
            # The communes stop deciding it with it (nothing is decided under a procedure no longer in force): one
            # running on the end date ends then; one decided to start on or after it never takes effect and is withdrawn.
            for d in Decentralisation.objects.select_for_update().filter(procedure=proc).order_by("province_code", "valid_from"):
                if d.valid_from < end:
                    if d.valid_to is None or d.valid_to > end:
                        audited_update(d, actor=actor, changes={"valid_to": end}, verb="procedure_decentralise_end", reason=reason)
                        touched = True
                else:
                    audited_delete(d, actor=actor, verb="procedure_decentralise_withdraw", reason=reason)
                    touched = True
            note = nfc(str(item.get("reason") or ""))
            if item.get("replaced_by"):
                note = f"{note} Thay bằng thủ tục {item['replaced_by']}.".strip()
            # It stays offered until the day before ``end`` (selectors.offered: the versions closed above are in force until
            # then); from the decision on it takes no new version or phân cấp. Ended again, it ends on the earlier day.
            ends_on = end if proc.is_active or proc.ends_on is None else min(proc.ends_on, end)
            changes = {"is_active": False, "ends_on": ends_on, "code_note": note[:300]}
            if proc.is_active or proc.ends_on != ends_on or proc.code_note != changes["code_note"]:
                audited_update(proc, actor=actor, changes=changes, verb="procedure_end", reason=reason)
                touched = True
            changed += touched
    return changed


# --------------------------------------------------------------------------- export


def catalogue_export_rows(*, day: dt.date | None = None, province_code: str = "") -> list[dict[str, Any]]:
    """One row per procedure with the version in force on ``day`` (the province's own version if it has one)."""
    day = day or timezone.localdate()
    out = []
    procedures = Procedure.objects.order_by("field", "code").prefetch_related("versions__steps")
    for p in procedures:
        version = _version_on_prefetched(p, day, province_code)
        if version is None:
            continue
        out.append({
            "code": p.code, "name": p.name, "field": p.field, "decision_level": p.decision_level,
            "province_code": version.province_code, "valid_from": version.valid_from.isoformat(),
            "time_limit": float(version.time_limit) if version.time_limit % 1 else int(version.time_limit),
            "time_unit": version.time_unit, "cutoff_time": version.cutoff_time.strftime("%H:%M") if version.cutoff_time else None,
            "time_limit_note": version.time_limit_note, "fee": version.fee, "fee_note": version.fee_note,
            "required_documents": version.required_documents, "result_type": version.result_type, "online": version.online,
            "applicant": version.applicant, "legal_basis": version.legal_basis, "source": version.source,
            "confidence": version.confidence,
            "steps": [{"order": s.order, "name": s.name, "role": s.role, "share_percent": float(s.share_percent)} for s in sorted(version.steps.all(), key=lambda s: s.order)],
            "code_verified": p.code_verified, "code_note": p.code_note,
        })
    return out


def _version_on_prefetched(p: Procedure, day: dt.date, province_code: str) -> ProcedureVersion | None:
    return select_in_force(p.versions.all(), day, province_code)


def catalogue_json_bytes(**kwargs: Any) -> bytes:
    data = {"format": "coso.procedures/1", "procedures": catalogue_export_rows(**kwargs)}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def catalogue_excel_bytes(**kwargs: Any) -> bytes:
    from coso.core.excel import workbook_bytes

    rows = []
    for r in catalogue_export_rows(**kwargs):
        values = []
        for key, _header, _req in COLUMNS:
            v: Any = r.get(key)
            if key == "required_documents":
                v = documents_to_text(v)
            elif key == "steps":
                v = steps_to_text(v)
            elif key == "valid_from":
                v = dt.date.fromisoformat(v).strftime("%d/%m/%Y")
            elif key == "time_unit":
                v = str(ProcedureVersion.TimeUnit(v).label) if v != "same_day" else "trong ngày"
            elif key == "online":
                v = {"none": "Không", "partial": "Một phần", "full": "Toàn trình"}[v]
            elif key == "decision_level":
                v = "Cấp xã" if v == "commune" else "Cấp tỉnh"
            elif key == "code_verified":
                v = "Có" if v else "Không"
            values.append(v)
        rows.append(values)
    widths = [14, 50, 22, 10, 12, 12, 9, 16, 10, 40, 12, 40, 60, 30, 14, 30, 50, 50, 8, 60, 10, 30]
    return workbook_bytes([{"title": "Danh mục TTHC", "headers": [h for _k, h, _r in COLUMNS], "rows": rows, "widths": widths}])


MAX_IMPORT_ROWS = 5000  # rows in one catalogue file (the national catalogue has a few hundred commune-level procedures)


def rows_from_upload(name: str, data: bytes) -> list[dict[str, Any]]:
    """Read an uploaded catalogue file (.xlsx or .json) into raw rows with ``_row`` numbers."""
    if name.lower().endswith(".json"):
        try:
            parsed = json_input.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise procedures_errors.ROWS_FROM_UPLOAD_INVALID_JSON() from exc
        items = parsed.get("procedures") if isinstance(parsed, dict) else parsed
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise procedures_errors.INVALID_JSON()
        if len(items) > MAX_IMPORT_ROWS:
            raise procedures_errors.TOO_MANY_ROWS(max_import_rows=MAX_IMPORT_ROWS, details={"rows": []})
        return [{**item, "_row": i} for i, item in enumerate(items, start=1)]
    if name.lower().endswith(".xlsx"):
        from coso.core.excel import read_rows

        return read_rows(data, expected_headers=[h for _k, h, req in COLUMNS if req], max_rows=MAX_IMPORT_ROWS)
    raise procedures_errors.INVALID_FILE_TYPE()


def version_snapshot(version: ProcedureVersion) -> dict[str, Any]:
    return {**snapshot(version), "steps": _steps_data(version)}


def iter_codes(rows: Iterable[dict[str, Any]]) -> list[str]:
    return [str(r.get("code") or r.get(HEADER["code"]) or "") for r in rows]


# ---------------------------------------------------------------- phân cấp (decentralisation to communes)
def _decentralise_actor(actor: Any, province_code: str) -> None:
    ok = actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active and (
        actor.is_superuser or actor.role == Role.SYSTEM_ADMIN or (actor.role == Role.PROVINCE_ADMIN and actor.province_code == province_code))
    if not ok or not province_code:
        raise procedures_errors.DECENTRALISE_FORBIDDEN()


def _check_decentralisation_dates(**days: Any) -> None:
    """Each date given lies in 1900–2200, else ``date-out-of-range`` on its field (a year typed 20267 or 0001)."""
    from coso.core.params import FIRST_DAY, LAST_DAY

    for name, day in days.items():
        if isinstance(day, dt.date) and not FIRST_DAY <= day <= LAST_DAY:
            raise procedures_errors.DECENTRALISE_DATE_RANGE(field=name, first=FIRST_DAY.strftime("%d/%m/%Y"), last=LAST_DAY.strftime("%d/%m/%Y"))


def decentralisation_create(*, actor: Any, procedure: Procedure, province_code: str, valid_from: dt.date, decision_number: str,
                            decision_date: dt.date, valid_to: dt.date | None = None, note: str = "", today: dt.date | None = None) -> Any:
    """Hand the decision of a provincial procedure to the province's communes from ``valid_from`` (dated, audited, scoped)."""
    from coso.core.text import format_date

    from .models import Decentralisation

    _decentralise_actor(actor, province_code)
    if _is_system(actor):  # a province administrator acts in their own province; a system administrator names one that exists
        from coso.units.selectors import unit_list

        if not unit_list(fetched_by=actor, level="province").filter(code=province_code).exists():
            raise procedures_errors.PROVINCE_UNKNOWN(code=province_code)
    today = today or timezone.localdate()
    if procedure.decision_level != Procedure.Level.PROVINCE:
        raise procedures_errors.DECENTRALISE_LEVEL()
    if not procedure.is_active:
        raise procedures_errors.PROCEDURE_ENDED(code=procedure.code)
    _check_decentralisation_dates(valid_from=valid_from, valid_to=valid_to, decision_date=decision_date)
    if not isinstance(valid_from, dt.date) or valid_from <= today:
        raise procedures_errors.DECENTRALISE_FROM()
    if valid_to is not None and valid_to <= valid_from:
        raise procedures_errors.DECENTRALISE_TO()
    number = nfc(str(decision_number or "")).strip()
    if not number or len(number) > 60 or not isinstance(decision_date, dt.date) or decision_date > today:
        raise procedures_errors.DECENTRALISE_DECISION()
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        if locked is None or not locked.is_active:  # ended (procedures_end), also meanwhile
            raise procedures_errors.PROCEDURE_ENDED(code=procedure.code)
        for other in Decentralisation.objects.filter(procedure=procedure, province_code=province_code):
            if (other.valid_to is None or other.valid_to > valid_from) and (valid_to is None or valid_to > other.valid_from):
                raise procedures_errors.DECENTRALISE_OVERLAP(day=format_date(other.valid_from))
        row = Decentralisation(procedure=procedure, province_code=province_code, level=Procedure.Level.COMMUNE, valid_from=valid_from,
                               valid_to=valid_to, decision_number=number, decision_date=decision_date, note=nfc(note)[:500], created_by=actor)
        audited_create(row, actor=actor, verb="procedure_decentralise", reason=number)
    return row


def decentralisation_end(*, actor: Any, decentralisation_id: int, valid_to: dt.date, reason: str = "", today: dt.date | None = None) -> Any:
    """The communes stop deciding from ``valid_to`` (a future date): dossiers received from then go back to the province.

    An end moved later may not reach into another period of the same procedure in the province (as a new period may not:
    ``decentralise-overlap``), or ending that other period would leave this one deciding for the communes."""
    from coso.core.text import format_date

    from .models import Decentralisation

    today = today or timezone.localdate()
    with transaction.atomic():
        found = Decentralisation.objects.filter(pk=decentralisation_id).values_list("procedure_id", flat=True).first()
        if found is None:
            raise NotFoundError()
        procedure = Procedure.objects.select_for_update().filter(pk=found).first()  # the lock decentralisation_create takes
        row = Decentralisation.objects.select_for_update().filter(pk=decentralisation_id).first()
        if row is None:
            raise NotFoundError()
        _decentralise_actor(actor, row.province_code)
        _check_decentralisation_dates(valid_to=valid_to)
        if not isinstance(valid_to, dt.date) or valid_to <= today or valid_to <= row.valid_from or (row.valid_to is not None and row.valid_to <= today):
            raise procedures_errors.DECENTRALISE_TO()
        if procedure is not None and not procedure.is_active and (row.valid_to is None or valid_to > row.valid_to):
            # ending the procedure ended its phân cấp with it: moved later, the communes would decide a procedure no longer in force
            raise procedures_errors.PROCEDURE_ENDED(code=procedure.code, field="valid_to")
        others = Decentralisation.objects.filter(procedure_id=row.procedure_id, province_code=row.province_code).exclude(pk=row.pk)
        for other in others.order_by("valid_from"):
            if (other.valid_to is None or other.valid_to > row.valid_from) and valid_to > other.valid_from:
                raise procedures_errors.DECENTRALISE_OVERLAP(day=format_date(other.valid_from))
        return audited_update(row, actor=actor, changes={"valid_to": valid_to}, verb="procedure_decentralise_end", reason=nfc(reason)[:500])
