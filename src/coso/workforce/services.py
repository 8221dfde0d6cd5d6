"""Writes of the workforce app: register, Excel import, evaluation workflow. Every write is audited."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from coso.accounts.roles import Role
from coso.core import locks
from coso.core.audit import audit_log, audited_create, audited_update, snapshot
from coso.core.excel import read_rows, safe_row, workbook_bytes
from coso.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.core.params import FIRST_DAY, FIRST_YEAR, LAST_DAY, LAST_YEAR
from coso.core.scoping import can_see_unit, require_roles
from coso.core.search import search_index_bulk, search_index_set
from coso.core.text import fold, format_date, nfc
from coso.dossiers import selectors as dossier_selectors
from coso.rules.lookup import RuleIndex, book
from coso.tasks import selectors as task_selectors
from coso.workforce import errors as workforce_errors
from coso.workforce import rules, selectors
from coso.workforce.models import Discipline, Evaluation, EvaluationStep, Person, PositionHolding, Training, WorkItem
from coso.workforce.policy import evaluation_rule, office_of, position_name, positions_for

SEARCH_KIND = "workforce.person"
REGISTER_EDIT_ROLES = (Role.COMMUNE_HOME_AFFAIRS, Role.PROVINCE_HOME_AFFAIRS, Role.SYSTEM_ADMIN)
LEADER_ROLES = (Role.COMMUNE_LEADER, Role.PROVINCE_HOME_AFFAIRS, Role.SYSTEM_ADMIN)

# ---------------------------------------------------------------- import / export columns
COLUMNS: list[tuple[str, str]] = [
    ("full_name", "Họ và tên"), ("birth_date", "Ngày sinh"), ("gender", "Giới tính"), ("ethnicity", "Dân tộc"),
    ("citizen_id", "Số CCCD"), ("party_member", "Đảng viên"), ("kind", "Loại"), ("position_code", "Chức vụ"),
    ("started_on", "Ngày bắt đầu"), ("commune_code", "Mã xã"), ("general_education", "Phổ thông"), ("degree_level", "Chuyên môn"),
    ("degree_field", "Chuyên ngành"), ("political_theory", "Lý luận chính trị"), ("state_management", "Quản lý nhà nước"),
    ("it", "Tin học"), ("foreign_language", "Ngoại ngữ"), ("transition_end_date", "Ngày kết thúc chuyển tiếp"),
]
HEADER = dict(COLUMNS)
EXPORT_COMMUNE_NAME = "Tên xã/phường"  # export only (the import reads "Mã xã")
REQUIRED_HEADERS = [HEADER[k] for k in ("full_name", "birth_date", "gender", "citizen_id", "kind", "position_code")]
_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_CCCD_RE = re.compile(r"^[0-9]{12}\Z")  # ASCII digits: \d also takes full-width and other scripts' digits
# One answer for a malformed CCCD and for one registered in a unit the user may not see: telling the
# two apart would confirm that someone with that CCCD works in another commune (an existence oracle).
CCCD_UNUSABLE = gettext_lazy("Số CCCD không hợp lệ hoặc không dùng được cho hồ sơ này (kiểm tra lại 12 chữ số; nếu đúng, liên hệ cơ quan nội vụ cấp tỉnh)")
CCCD_IN_UNIT = gettext_lazy("Số CCCD đã có trong danh sách thuộc phạm vi quản lý của bạn")


def cccd_problem(actor: Any, cccd: str, *, owner: tuple[str, str] | None = None) -> tuple[str, str] | None:
    """Why ``cccd`` cannot be given to a new person, as (error code, message), or None when it can.

    ``owner`` = (province_code, commune_code) of the person who already has it, when known."""
    if not cccd:
        return None
    if not _CCCD_RE.match(cccd):
        return "invalid-cccd", str(CCCD_UNUSABLE)
    if owner is None:
        found = Person.objects.filter(citizen_id=cccd).values_list("province_code", "commune_code").first()
        owner = (found[0], found[1]) if found else None
    if owner is None:
        return None
    if can_see_unit(actor, province_code=owner[0], commune_code=owner[1]):
        return "duplicate-cccd", str(CCCD_IN_UNIT)
    return "invalid-cccd", str(CCCD_UNUSABLE)


def _lock_cccd(cccd: str) -> None:
    """One check and write of a CCCD at a time (inside the caller's transaction), so that two people given the same one at
    once (a double click) are refused by :func:`cccd_problem`, not by the unique constraint."""
    if cccd:
        locks.lock(Person, "workforce.cccd", cccd)


def _code_lookup(choices: dict[str, str]) -> dict[str, str]:
    out = {}
    for code, label in choices.items():
        out[fold(code)] = code
        out[fold(label)] = code
    return out


LOOKUPS: dict[str, dict[str, str]] = {
    "kind": _code_lookup(rules.KINDS),
    "gender": {"nam": "male", "male": "male", "nu": "female", "female": "female"},
    "degree_field": _code_lookup(rules.DEGREE_FIELDS),
    **{k: _code_lookup(rules.LEVEL_LABELS[k]) for k in rules.LEVELS},
}


def parse_vn_date(value: Any) -> dt.date:
    """dd/mm/yyyy text or an Excel date cell; raises ValueError with a Vietnamese reason."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE_RE.match(str(value or "").strip())
    if not m:
        raise ValueError(gettext("Ngày phải theo định dạng dd/mm/yyyy"))
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise ValueError(gettext("Ngày không tồn tại")) from None


_NUMERIC_WIDTH = {"citizen_id": 12, "commune_code": 5}


def _cell(record: dict[str, Any], key: str) -> str:
    value = record.get(HEADER[key])
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and key in _NUMERIC_WIDTH:
        # A number cell loses the leading zeros of a CCCD ("079…") or a commune code ("00004").
        return str(value).zfill(_NUMERIC_WIDTH[key])
    return nfc(str(value))


def validate_rows(records: list[dict[str, Any]], *, actor: Any, today: dt.date | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(clean rows, errors). Each error: {row, column, value, reason}. Checks every row, stops at none."""
    from coso.units.selectors import communes_in_force_facts

    today = today or timezone.localdate()
    errors: list[dict[str, Any]] = []
    clean: list[dict[str, Any]] = []
    seen_cccd: dict[str, int] = {}
    cccds = [_cell(r, "citizen_id") for r in records]
    existing = {c: (prov, com) for c, prov, com in
                Person.objects.filter(citizen_id__in=[c for c in cccds if c]).values_list("citizen_id", "province_code", "commune_code")}
    communes = communes_in_force_facts({_cell(r, "commune_code") for r in records} | {actor.commune_code or ""})
    positions_of: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}  # per unit: the catalogue and the unit's own job positions

    for record in records:
        row = record["_row"]
        data: dict[str, Any] = {}

        def err(key: str, reason: str, value: Any = None, _row: int = row) -> None:
            errors.append({"row": _row, "column": HEADER[key], "value": "" if value is None else str(value), "reason": reason})

        name = _cell(record, "full_name")
        if not name:
            err("full_name", gettext("Thiếu họ và tên"))
        elif len(name) > 120 or any(ch.isdigit() for ch in name):
            err("full_name", gettext("Họ và tên không hợp lệ"), name)
        data["full_name"] = name
        for key, required in (("birth_date", True), ("started_on", False), ("transition_end_date", False)):
            raw = record.get(HEADER[key])
            if raw in (None, ""):
                if required:
                    err(key, gettext("Thiếu ngày"))
                data[key] = None
                continue
            try:
                data[key] = parse_vn_date(raw)
            except ValueError as exc:
                err(key, str(exc), raw)
                data[key] = None
        for key in ("gender", "kind", "general_education", "degree_level", "degree_field", "political_theory", "state_management", "it", "foreign_language"):
            raw = _cell(record, key)
            if not raw:
                if key in ("gender", "kind"):
                    err(key, gettext("Thiếu giá trị"))
                continue
            code = LOOKUPS[key].get(fold(raw))
            if code is None:
                err(key, gettext("Mã không có trong danh mục"), raw)
            else:
                data[key] = code
        cccd = _cell(record, "citizen_id")
        problem = cccd_problem(actor, cccd, owner=existing.get(cccd)) if cccd else ("invalid-cccd", str(CCCD_UNUSABLE))
        if cccd and cccd in seen_cccd:
            err("citizen_id", gettext("Trùng số CCCD với dòng %(row)s trong tệp") % {"row": seen_cccd[cccd]}, cccd)
        elif problem is not None:
            err("citizen_id", problem[1], cccd)
        else:
            seen_cccd[cccd] = row
        data["citizen_id"] = cccd
        pos = _cell(record, "position_code")
        commune_code = _cell(record, "commune_code") or (actor.commune_code or "")
        unit = communes.get(commune_code)
        scope = (unit["province_code"], unit["code"]) if unit is not None else (actor.province_code or "", "")
        if scope not in positions_of:
            positions_of[scope] = positions_for(*scope)
        positions = positions_of[scope]
        if pos not in positions:  # the name (as exported) instead of the code
            by_name = [code for code, info in positions.items() if fold(str(info.get("name", ""))) == fold(pos)]
            pos = by_name[0] if len(by_name) == 1 else pos
        if pos not in positions:
            err("position_code", gettext("Mã chức vụ/chức danh không có trong danh mục"), pos)
        elif data.get("kind") and positions[pos]["kind"] != data["kind"]:
            err("position_code", gettext("Chức vụ thuộc loại “%(kind)s”, không khớp cột Loại") % {"kind": rules.KINDS[positions[pos]["kind"]]}, pos)
        data["position_code"] = pos
        if unit is None:
            err("commune_code", gettext("Mã xã không tồn tại"), commune_code)
        elif not can_see_unit(actor, province_code=unit["province_code"], commune_code=unit["code"]):
            err("commune_code", gettext("Xã ngoài phạm vi quản lý của bạn"), commune_code)
        else:
            data["commune_code"], data["province_code"] = unit["code"], unit["province_code"]
        data["ethnicity"] = _cell(record, "ethnicity") or "Kinh"
        data["party_member"] = fold(_cell(record, "party_member")) in ("x", "co", "1", "true", "dang vien")
        data["_row"] = row
        flagged = {e["column"] for e in errors if e["row"] == row}
        if not flagged:  # the rules of a person created or edited by hand (age, dates, name), once the columns read
            try:
                validate_person(Person(**{k: v for k, v in data.items() if not k.startswith("_")}), today=today, positions=positions)
            except ApplicationError as exc:
                for key in exc.details.get("fields") or [""]:
                    value = data.get(key)
                    errors.append({"row": row, "column": HEADER.get(key, ""), "reason": exc.message,
                                   "value": format_date(value) if isinstance(value, dt.date) else "" if value is None else str(value)})
                flagged = {e["column"] for e in errors if e["row"] == row}
        for key, value in data.items():
            limit = _max_lengths().get(key)
            if limit and isinstance(value, str) and len(value) > limit and HEADER.get(key) not in flagged:
                err(key, gettext("Dài quá %(limit)s ký tự (hiện có %(len)s)") % {"limit": limit, "len": len(value)}, value[:60] + "…")
        clean.append(data)
    return clean, errors


def _max_lengths() -> dict[str, int]:
    """Longest text each imported column may hold (the database column sizes)."""
    return {f.name: f.max_length for f in Person._meta.concrete_fields if isinstance(getattr(f, "max_length", None), int) and f.name in HEADER}  # type: ignore[misc]


def _row_errors(exc: ValidationError, row: int, data: dict[str, Any]) -> list[dict[str, Any]]:
    fields = getattr(exc, "message_dict", None) or {"": exc.messages}
    return [{"row": row, "column": HEADER.get(key, key), "value": str(data.get(key, ""))[:60], "reason": "; ".join(str(m) for m in messages)}
            for key, messages in fields.items()]


@transaction.atomic
def import_people(*, actor: Any, data: bytes) -> int:
    """Import every row or none. Raises ApplicationError(code="import-invalid", details={"rows": [...]})."""
    require_roles(actor, *REGISTER_EDIT_ROLES)
    records = read_rows(data, expected_headers=REQUIRED_HEADERS, max_rows=20_000)
    if not records:
        raise workforce_errors.IMPORT_EMPTY(details={"rows": []})
    clean, errors = validate_rows(records, actor=actor)
    if errors:
        raise workforce_errors.IMPORT_INVALID(len=len(errors), len2=len({e['row'] for e in errors}), details={"rows": errors})
    people = []
    for d in clean:
        p = Person(**{k: v for k, v in d.items() if not k.startswith("_")})
        p.office_code = office_of(p.position_code, p.province_code)
        try:
            p.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:  # a rule the row checks above missed: still a row error, never a 500
            rows = _row_errors(exc, d["_row"], d)
            raise workforce_errors.IMPORT_PEOPLE_IMPORT_INVALID(value=d['_row'], value2=rows[0]['reason'], details={"rows": rows}) from None
        try:
            p.save()  # save() computes folded and sort keys; ids are needed for positions and search
        except IntegrityError:  # the CCCD (the one unique rule) was given meanwhile to a person added by hand
            rows = [{"row": d["_row"], "column": HEADER["citizen_id"], "value": p.citizen_id, "reason": str(CCCD_UNUSABLE)}]
            raise workforce_errors.IMPORT_PEOPLE_IMPORT_INVALID(value=d["_row"], value2=rows[0]["reason"], details={"rows": rows}) from None
        people.append(p)
    PositionHolding.objects.bulk_create([
        PositionHolding(person=p, position_code=p.position_code, office_code=p.office_code, started_on=p.started_on or timezone.localdate(),
                        province_code=p.province_code, commune_code=p.commune_code) for p in people
    ])
    search_index_bulk(kind=SEARCH_KIND, rows=((p.pk, [p.full_name, p.citizen_id], p.province_code, p.commune_code) for p in people))
    audit_log(actor=actor, action=AuditLog.Action.CREATE, object_type="workforce.Person", verb="import",
              object_repr=f"Nhập {len(people)} người từ Excel", after={"ids": [p.pk for p in people]})
    return len(people)


def template_bytes() -> bytes:
    example = ["Nguyễn Văn An", "15/03/1985", "Nam", "Kinh", "079085001234", "x", "civil_servant", "cv_vp", "01/07/2025", "",
               "thpt", "dai_hoc", "hanh_chinh", "trung_cap", "chuyen_vien", "co_ban", "bac2", ""]
    catalogue: list[list[Any]] = []
    for code, label in rules.KINDS.items():
        catalogue.append(["Loại", code, label])
    for code, p in rules.positions().items():
        catalogue.append(["Chức vụ", code, f"{p['name']} ({rules.KINDS[p['kind']]})"])
    for key, header in (("general_education", "Phổ thông"), ("degree_level", "Chuyên môn"), ("political_theory", "Lý luận chính trị"),
                        ("state_management", "Quản lý nhà nước"), ("it", "Tin học"), ("foreign_language", "Ngoại ngữ")):
        for code, label in rules.LEVEL_LABELS[key].items():
            catalogue.append([header, code, label])
    for code, label in rules.DEGREE_FIELDS.items():
        catalogue.append(["Chuyên ngành", code, label])
    return workbook_bytes([
        {"title": "Danh sách", "headers": [h for _, h in COLUMNS], "rows": [example]},
        {"title": "Danh mục", "headers": ["Cột", "Mã", "Ý nghĩa"], "rows": catalogue, "widths": [20, 22, 60]},
        {"title": "Hướng dẫn", "headers": ["Hướng dẫn"], "widths": [110], "rows": [
            ["Mỗi dòng một người. Ngày ghi dd/mm/yyyy. Số CCCD 12 chữ số, không trùng. Mã xã để trống = xã của bạn."],
            ["Cột mã nhận mã hoặc tên trong trang Danh mục (có dấu hoặc không dấu). Đảng viên: ghi x."],
            ["Tệp có bất kỳ dòng lỗi nào sẽ bị từ chối toàn bộ, kèm danh sách từng dòng, cột và lý do."],
        ]},
    ])


def export_bytes(people: Any, *, user: Any, filters: dict[str, Any] | None = None) -> bytes:
    """The filtered list in the import template's columns (re-importable: the import takes labels as well as
    codes, and date cells), with labels instead of codes, real dates and the commune's name. Streams rows in
    write-only mode: a province's whole register (tens of thousands of rows) is written in seconds.

    CCCDs are written in full only for who sees them (``User.sees_personal_data``; others get the last 3 digits), and
    such an export is logged as one read of personal data naming the number of people and ``filters`` (Decree 13/2023)."""
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from coso.core.excel import DATE_FORMAT
    from coso.core.masking import log_personal_list_read, mask_citizen_id, sees_full_citizen_id
    from coso.units.selectors import commune_in_force

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    bold = Font(bold=True, name="Times New Roman")
    header = []
    for h in [*(h for _, h in COLUMNS), EXPORT_COMMUNE_NAME]:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header.append(cell)
    ws.append(header)

    def day(value: dt.date | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    names: dict[str, str] = {}
    position_names: dict[tuple[str, str], str] = {}
    full_ids = sees_full_citizen_id(user)
    count = 0
    for p in people:
        count += 1
        if p.commune_code not in names:
            unit = commune_in_force(p.commune_code)
            names[p.commune_code] = unit["name"] if unit is not None else ""
        key = (p.position_code, p.province_code)
        if key not in position_names:
            position_names[key] = position_name(p.position_code, p.province_code) or p.position_code
        levels = [rules.LEVEL_LABELS[k].get(getattr(p, k) or "", "") for k in ("general_education", "degree_level")]
        ws.append(safe_row(ws, [
                   p.full_name, day(p.birth_date), "Nam" if p.gender == "male" else "Nữ", p.ethnicity, mask_citizen_id(p.citizen_id, user),
                   "x" if p.party_member else "", rules.KINDS.get(p.kind, p.kind), position_names[key], day(p.started_on),
                   p.commune_code, *levels, rules.DEGREE_FIELDS.get(p.degree_field or "", ""),
                   *(rules.LEVEL_LABELS[k].get(getattr(p, k) or "", "") for k in ("political_theory", "state_management", "it", "foreign_language")),
                   day(p.transition_end_date), names[p.commune_code]]))
    out = io.BytesIO()
    wb.save(out)
    if full_ids:
        log_personal_list_read(user=user, model=Person, what="Xuất Excel sổ cán bộ có số CCCD đầy đủ", count=count, filters=filters,
                               reason="Xuất danh sách cán bộ")
    return out.getvalue()


# ---------------------------------------------------------------- register
@transaction.atomic
def person_create(*, actor: Any, **fields: Any) -> Person:
    require_roles(actor, *REGISTER_EDIT_ROLES)
    if not can_see_unit(actor, province_code=fields.get("province_code", ""), commune_code=fields.get("commune_code", "")):
        raise workforce_errors.OUT_OF_SCOPE()
    fields["full_name"] = nfc(fields.get("full_name") or "").strip()
    fields["ethnicity"] = nfc(fields.get("ethnicity") or "").strip() or "Kinh"
    person = Person(**fields)
    validate_person(person, today=timezone.localdate(), positions=positions_for(person.province_code, person.commune_code))
    _lock_cccd(fields.get("citizen_id") or "")
    problem = cccd_problem(actor, fields.get("citizen_id") or "")
    if problem is not None:
        raise ApplicationError(problem[1] + ".", code=problem[0], details={"fields": {"citizen_id": [problem[1]]}})
    person.office_code = office_of(person.position_code, person.province_code)
    audited_create(person, actor=actor)
    if person.position_code:
        PositionHolding.objects.create(person=person, position_code=person.position_code, office_code=person.office_code,
                                       started_on=person.started_on or timezone.localdate(), province_code=person.province_code,
                                       commune_code=person.commune_code)
    search_index_set(kind=SEARCH_KIND, object_id=person.pk, texts=[person.full_name, person.citizen_id],
                     province_code=person.province_code, commune_code=person.commune_code)
    return person


EDITABLE_FIELDS = ("full_name", "birth_date", "gender", "ethnicity", "citizen_id", "party_member", "party_joined_on", "started_on",
                   "general_education", "degree_level", "degree_field", "political_theory", "state_management", "it", "foreign_language",
                   "transition_end_date")


def validate_person(p: Person, *, today: dt.date, positions: dict[str, dict[str, Any]] | None = None) -> None:
    """Identity and qualification rules of a person, created (API, Excel import) or edited (each error names its field).

    With ``positions`` (those of the person's unit) the kind and the position are checked too: a new person's."""
    from coso.rules.lookup import rule

    name = nfc(p.full_name or "").strip()
    if not name:
        raise workforce_errors.NAME_REQUIRED()
    if len(name) > 120 or any(ch.isdigit() for ch in name):
        raise workforce_errors.NAME_INVALID()
    if p.gender not in Person.Gender.values:
        raise workforce_errors.GENDER_INVALID()
    lo, hi = int(rule("workforce.register.min_age", on=today)), int(rule("workforce.register.max_age", on=today))
    age = today.year - p.birth_date.year - ((today.month, today.day) < (p.birth_date.month, p.birth_date.day))
    if not lo <= age <= hi:
        raise workforce_errors.BIRTH_DATE_INVALID(min=lo, max=hi)
    if p.party_joined_on and (not p.party_member or p.party_joined_on <= p.birth_date or p.party_joined_on > today):
        raise workforce_errors.PARTY_DATE_INVALID()
    if p.started_on and (p.started_on <= p.birth_date or p.started_on > today):
        raise workforce_errors.STARTED_ON_INVALID()
    if p.transition_end_date and (p.transition_end_date <= p.birth_date or (p.started_on and p.transition_end_date < p.started_on)):
        raise workforce_errors.TRANSITION_END_INVALID()
    for key, levels in rules.LEVELS.items():
        if key in ("general_education", "degree_level", "political_theory", "state_management", "it", "foreign_language") and getattr(p, key) not in levels:
            raise workforce_errors.LEVEL_INVALID(value=getattr(p, key), field=key)
    if p.degree_field and p.degree_field not in rules.DEGREE_FIELDS:
        raise workforce_errors.LEVEL_INVALID(value=p.degree_field, field="degree_field")
    if positions is not None:
        if p.kind not in Person.Kind.values:
            raise workforce_errors.KIND_INVALID()
        if p.position_code and p.position_code not in positions:
            raise workforce_errors.POSITION_UNKNOWN()
        if p.position_code:
            check_position_kind(p.kind, positions[p.position_code])


def kind_of_post(kind: str, position: dict[str, Any]) -> str:
    """The person's kind once they hold ``position``: the post's kind (Nghị định 33/2023/NĐ-CP, Điều 5). A civil servant
    elected to a cadre post becomes a cadre, a cadre given a civil-servant post at the end of a term a civil servant: the
    decision that gives the post changes the person's status (Luật Cán bộ, công chức 2025)."""
    return str(position.get("kind") or kind)


def check_position_kind(kind: str, position: dict[str, Any]) -> None:
    """A position is held by a person of its kind (the catalogue's kind of each post, Nghị định 33/2023/NĐ-CP, Điều 5): no
    cadre post for a civil servant or a part-time worker, no civil-servant post for a cadre. Checked when a person is
    created and when a position is given to a person already in the register (history line, appointment decision)."""
    if position.get("kind") and position["kind"] != kind:
        raise workforce_errors.POSITION_KIND_MISMATCH(kind=rules.KINDS.get(position["kind"], position["kind"]))


@transaction.atomic
def person_update(*, actor: Any, person: Person, version: int, **changes: Any) -> Person:
    """Edit a person's identity and qualifications (the register's edit page and API): scoped, validated, versioned, audited."""
    require_roles(actor, *REGISTER_EDIT_ROLES)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if not can_see_unit(actor, province_code=locked.province_code, commune_code=locked.commune_code):
        raise workforce_errors.OUT_OF_SCOPE()
    if locked.version != version:
        raise workforce_errors.PERSON_UPDATE_CONFLICT(details={"version": locked.version})
    for key in changes:
        if key not in EDITABLE_FIELDS:
            raise workforce_errors.FIELD_NOT_EDITABLE(name=key, field=key)
    if "full_name" in changes:
        changes["full_name"] = nfc(changes["full_name"] or "").strip()
    if "ethnicity" in changes:
        changes["ethnicity"] = nfc(changes["ethnicity"] or "").strip() or "Kinh"
    new_cccd = changes.get("citizen_id")
    if new_cccd and new_cccd != locked.citizen_id:
        _lock_cccd(new_cccd)
        problem = cccd_problem(actor, new_cccd)
        if problem is not None:
            raise ApplicationError(problem[1] + ".", code=problem[0], details={"fields": {"citizen_id": [problem[1]]}})
    candidate = Person(**{f: changes.get(f, getattr(locked, f)) for f in EDITABLE_FIELDS})
    validate_person(candidate, today=timezone.localdate())
    changes["version"] = locked.version + 1
    audited_update(locked, actor=actor, changes=changes, verb="workforce.person_update")
    search_index_set(kind=SEARCH_KIND, object_id=locked.pk, texts=[locked.full_name, locked.citizen_id],
                     province_code=locked.province_code, commune_code=locked.commune_code)
    return locked


def _fitting(model: Any, key: str, value: str | None) -> str:
    """``value`` (normalised, trimmed) when it fits the model's column; refused with the field's name and limit otherwise,
    never stored cut."""
    f: Any = model._meta.get_field(key)
    text = nfc(value or "").strip()
    if len(text) > f.max_length:
        label = str(f.verbose_name)
        raise workforce_errors.TEXT_TOO_LONG(label=label[:1].upper() + label[1:], max_length=f.max_length, field=key)
    return text


@transaction.atomic
def position_add(*, actor: Any, person: Person, version: int, position_code: str, started_on: dt.date, ended_on: dt.date | None = None,
                 decision: str = "", unit_name: str = "") -> PositionHolding:
    """Add a line to a person's position history. Without an end date it is the position now held: the open line ends the day
    before, and the register's current position changes. Scoped, versioned, audited."""
    require_roles(actor, *REGISTER_EDIT_ROLES)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if not can_see_unit(actor, province_code=locked.province_code, commune_code=locked.commune_code):
        raise workforce_errors.OUT_OF_SCOPE()
    if locked.version != version:
        raise workforce_errors.PERSON_UPDATE_CONFLICT(details={"version": locked.version})
    positions = positions_for(locked.province_code, locked.commune_code)
    if position_code not in positions:
        raise workforce_errors.POSITION_UNKNOWN()
    today = timezone.localdate()
    if ended_on is not None and not FIRST_DAY <= ended_on <= LAST_DAY:  # the project's span (coso.core.params): no line "until 9999"
        raise workforce_errors.POSITION_END_OUT_OF_RANGE(first=format_date(FIRST_DAY), last=format_date(LAST_DAY))
    if started_on > today or started_on <= locked.birth_date:
        raise workforce_errors.POSITION_DATES(field="started_on")  # named on the date that is wrong
    if ended_on is not None and ended_on < started_on:
        raise workforce_errors.POSITION_DATES()
    office = office_of(position_code, locked.province_code)
    holding = PositionHolding(person=locked, position_code=position_code, office_code=office, started_on=started_on, ended_on=ended_on,
                              decision=_fitting(PositionHolding, "decision", decision), unit_name=_fitting(PositionHolding, "unit_name", unit_name),
                              province_code=locked.province_code, commune_code=locked.commune_code)
    if ended_on is None:
        current = PositionHolding.objects.select_for_update().filter(person=locked, ended_on__isnull=True).order_by("-started_on").first()
        if current is not None:
            if started_on <= current.started_on:
                raise workforce_errors.POSITION_BEFORE_CURRENT(day=format_date(current.started_on))
            audited_update(current, actor=actor, verb="workforce.position_end", changes={"ended_on": started_on - dt.timedelta(days=1)})
        # The position now held: the register's current position, and the person's kind follows it (a civil servant
        # elected to a cadre post becomes a cadre; the civil-servant years stay lines of the history).
        audited_update(locked, actor=actor, verb="workforce.position_change",
                       changes={"position_code": position_code, "office_code": office, "kind": kind_of_post(locked.kind, positions[position_code]),
                                "version": locked.version + 1})
    else:
        audited_update(locked, actor=actor, verb="workforce.position_history", changes={"version": locked.version + 1})
    audited_create(holding, actor=actor, verb="workforce.position_add")
    return holding


@transaction.atomic
def person_link_user(*, actor: Any, person: Person, user: Any) -> Person:
    """Link a register entry to the staff account created for that person (called by the accounts app,
    whose service checks the actor manages the account's unit)."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.user_id is not None and locked.user_id != user.pk:
        raise workforce_errors.PERSON_LINKED()
    if not can_see_unit(actor, province_code=locked.province_code, commune_code=locked.commune_code):
        raise workforce_errors.OUT_OF_SCOPE()
    return audited_update(locked, actor=actor, changes={"user": user, "version": locked.version + 1}, verb="person_link_user")  # type: ignore[return-value]


@transaction.atomic
def discipline_add(*, actor: Any, person: Person, form: str, decided_on: dt.date, valid_until: dt.date | None = None, reason: str = "") -> Discipline:
    require_roles(actor, *REGISTER_EDIT_ROLES, Role.COMMUNE_LEADER)
    d = Discipline(person=person, form=form, decided_on=decided_on, valid_until=valid_until, reason=nfc(reason),
                   province_code=person.province_code, commune_code=person.commune_code)
    return audited_create(d, actor=actor)  # type: ignore[return-value]


PROGRAMME = "programme"  # a mandatory fostering programme of a post (Nghị định 171/2025/NĐ-CP), recorded by its code, no qualification level
TRAINING_KINDS = {"political_theory": "political", "state_management": "state_management", "it": "it", "foreign_language": "language",
                  "degree_level": "degree"}


@transaction.atomic
def training_completed(*, actor: Any, person_id: int, standard: str, level: str, name: str, ended_on: dt.date, started_on: dt.date | None = None,
                       institution: str = "", certificate: str = "") -> dict[str, Any]:
    """Record a completed course (a Training row) and raise the person's qualification to ``level`` when it is higher,
    so that the next standards review sees the gap closed. With ``standard="programme"`` the course is a mandatory
    programme of a post, recorded under its code ``level``. Used by the training plan of ``coso.planning``."""
    require_roles(actor, *REGISTER_EDIT_ROLES, Role.COMMUNE_LEADER, Role.PROVINCE_ADMIN)
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not can_see_unit(actor, province_code=person.province_code, commune_code=person.commune_code):
        from django.http import Http404

        raise Http404
    programme = standard == PROGRAMME
    if programme:
        if not level or len(level) > 40:
            raise workforce_errors.INVALID_TRAINING()
    elif standard not in TRAINING_KINDS or level not in rules.LEVELS[standard]:
        raise workforce_errors.INVALID_TRAINING()
    if ended_on > timezone.localdate():
        raise workforce_errors.TRAINING_IN_FUTURE()
    texts = {key: _fitting(Training, key, value) for key, value in (("name", name), ("institution", institution), ("certificate", certificate))}
    t = Training(person=person, kind=Training.Kind.REFRESHER if programme else TRAINING_KINDS[standard], name=texts["name"],
                 institution=texts["institution"], started_on=started_on, ended_on=ended_on, certificate=texts["certificate"],
                 programme=level if programme else "", province_code=person.province_code, commune_code=person.commune_code)
    t.full_clean()
    audited_create(t, actor=actor, verb="workforce.training_completed")
    if programme:
        return {"training_id": t.pk, "raised": False}
    raised = rules.LEVELS[standard].index(level) > rules.LEVELS[standard].index(getattr(person, standard) or "none")
    if raised:
        audited_update(person, actor=actor, verb="workforce.qualification_raised", changes={standard: level, "version": person.version + 1})
    return {"training_id": t.pk, "raised": raised}


# ---------------------------------------------------------------- position changes (appointment, transfer)
@transaction.atomic
def position_change(*, actor: Any, person_id: int, position_code: str, effective_on: dt.date, decision: str,
                    commune_code: str = "") -> dict[str, Any]:
    """Record that a person holds ``position_code`` (in ``commune_code``, default the current one) from ``effective_on``
    under ``decision``: the position held until then ends the day before, a new row of the position history starts,
    and the register's current position (and unit) follow. The day must have come (a decision with a later effective
    date is applied on that day); a history row starting on or after it is never overwritten. Used by the
    appointment decisions of ``coso.assignments``."""
    from django.http import Http404

    from coso.units.selectors import commune_in_force

    require_roles(actor, *REGISTER_EDIT_ROLES, Role.COMMUNE_LEADER, Role.PROVINCE_ADMIN)
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not can_see_unit(actor, province_code=person.province_code, commune_code=person.commune_code):
        raise Http404
    commune_code = commune_code or person.commune_code
    unit = commune_in_force(commune_code)
    if unit is None or not can_see_unit(actor, province_code=unit["province_code"], commune_code=unit["code"]):
        raise workforce_errors.OUT_OF_SCOPE()
    positions = positions_for(unit["province_code"], unit["code"], effective_on)
    if position_code not in positions:
        raise workforce_errors.POSITION_UNKNOWN()
    if effective_on > timezone.localdate():
        raise workforce_errors.POSITION_CHANGE_FUTURE()
    later = person.positions.filter(started_on__gte=effective_on).order_by("started_on").first()
    if later is not None:
        raise workforce_errors.POSITION_HISTORY_LATER(day=format_date(later.started_on))
    ended = []
    for holding in person.positions.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=effective_on)):
        audited_update(holding, actor=actor, verb="workforce.position_end", changes={"ended_on": effective_on - dt.timedelta(days=1)})
        ended.append(holding.pk)
    office = office_of(position_code, unit["province_code"])
    holding = PositionHolding(person=person, position_code=position_code, office_code=office, started_on=effective_on, decision=nfc(decision)[:100],
                              province_code=unit["province_code"], commune_code=unit["code"])
    holding.full_clean()
    audited_create(holding, actor=actor, verb="workforce.position_start")
    audited_update(person, actor=actor, verb="workforce.position_change", changes={
        "position_code": position_code, "office_code": office, "commune_code": unit["code"], "province_code": unit["province_code"],
        "kind": kind_of_post(person.kind, positions[position_code]), "version": person.version + 1})
    search_index_set(kind=SEARCH_KIND, object_id=person.pk, texts=[person.full_name, person.citizen_id],
                     province_code=person.province_code, commune_code=person.commune_code)
    _evaluations_follow(actor, person)
    if person.user_id is not None:  # the person's staff account works where they work now (a transfer decision)
        from coso.accounts.services import account_follows_transfer

        account_follows_transfer(actor=actor, user_id=person.user_id, commune_code=unit["code"], decision=nfc(decision)[:100])
    return {"holding_id": holding.pk, "ended": ended}


@transaction.atomic
def people_follow_account(*, actor: Any, user: Any, commune_code: str, decision: str, on: dt.date | None = None) -> list[int]:
    """The register entries linked to a staff account (``person_link_user``) follow the account an administrator moves to
    another commune (called by the accounts app within its change): each person still in office elsewhere is transferred
    by :func:`position_change` on ``on`` (today) with the position they hold, so that the new commune lists them, the
    former one no longer does, and their open evaluations follow. Refused, nothing changed, when a transfer would be (a
    person outside the actor's scope, a position not in the new commune's list, a position history already from that day).
    Returns the ids of the people moved."""
    on = on or timezone.localdate()
    linked = (Person.objects.filter(user=user).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).exclude(commune_code=commune_code)
              .order_by("pk").values_list("pk", "position_code", "province_code", "commune_code"))
    moved = []
    for pk, position_code, province_code, former in linked:
        if not can_see_unit(actor, province_code=province_code, commune_code=former):
            raise workforce_errors.OUT_OF_SCOPE()
        position_change(actor=actor, person_id=pk, position_code=position_code, effective_on=on, decision=decision, commune_code=commune_code)
        moved.append(pk)
    return moved


@transaction.atomic
def people_leave_with_account(*, actor: Any, user: Any, unit_name: str, decision: str, on: dt.date | None = None) -> list[int]:
    """The register entries linked to a staff account an administrator moves out of the communes, to a province-level unit
    or to system administration (``unit_name`` then "": no receiving unit) (called by the accounts app within its change): the person no longer works in the commune, whose register, quota and
    review stop counting them. Each person still in office is transferred out on ``on`` (today): the position held ends
    the day before (as for a transfer between communes), ``left_on`` is that day and ``left_to`` the receiving unit, audited
    ``workforce.transfer_out`` with the decision as the reason. Refused, nothing changed, when the actor may not change
    the person's register (another province) or a position history row starts on or after that day (never overwritten).
    An evaluation not yet approved stays with the commune, which decides it with the new agency's opinion. Returns the ids
    of the people transferred out."""
    on = on or timezone.localdate()
    unit_name = nfc(unit_name).strip()[: Person._meta.get_field("left_to").max_length]
    linked = list(Person.objects.select_for_update().filter(user=user).filter(Q(left_on__isnull=True) | Q(left_on__gt=on)).order_by("pk"))
    moved = []
    for person in linked:
        if not can_see_unit(actor, province_code=person.province_code, commune_code=person.commune_code):
            raise workforce_errors.OUT_OF_SCOPE()
        later = person.positions.filter(started_on__gte=on).order_by("started_on").first()
        if later is not None:
            raise workforce_errors.POSITION_HISTORY_LATER(day=format_date(later.started_on))
        for holding in person.positions.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on)):
            audited_update(holding, actor=actor, verb="workforce.position_end", changes={"ended_on": on - dt.timedelta(days=1)})
        audited_update(person, actor=actor, verb="workforce.transfer_out", reason=nfc(decision)[:100],
                       changes={"left_on": on, "left_to": unit_name, "version": person.version + 1})
        moved.append(person.pk)
    return moved


def _evaluations_follow(actor: Any, person: Person) -> None:
    """A person transferred to another unit is evaluated by the agency where they work at the time of the evaluation,
    with the former agency's opinion (Decree 90/2020/NĐ-CP on evaluation and classification; Decree 335/2025/NĐ-CP): their
    evaluations not yet approved, and the work log of those years, move to the new unit (its list, its leader, its quota).
    An approved evaluation stays with the agency that decided it."""
    moving = (Evaluation.objects.select_for_update().filter(person=person).exclude(status=Evaluation.Status.APPROVED)
              .exclude(province_code=person.province_code, commune_code=person.commune_code))
    for ev in moving:
        audited_update(ev, actor=actor, verb="workforce.evaluation_transfer",
                       changes={"province_code": person.province_code, "commune_code": person.commune_code, "version": ev.version + 1})
        WorkItem.objects.filter(person=person, year=ev.year).update(province_code=person.province_code, commune_code=person.commune_code)


# ---------------------------------------------------------------- evaluation
def _step(evaluation: Evaluation, actor: Any, step: str, comment: str = "") -> None:
    EvaluationStep.objects.create(evaluation=evaluation, actor=actor, actor_name=getattr(actor, "display_name", "") or actor.username,
                                  step=step, level=evaluation.level or evaluation.self_level, score=evaluation.total_score, comment=comment)


def _rule_of(year: int, person: Person, index: RuleIndex | None = None) -> dict[str, Any]:
    """The evaluation rules of ``year`` for this person's kind and unit (rule book, values of 1 January)."""
    return evaluation_rule(year, person.kind, person.province_code, person.commune_code, index=index)


def disciplined_in_year(person: Person, year: int) -> bool:
    forms = _rule_of(year, person).get("discipline_forms_not_completed") or list(rules.DISCIPLINE_FORMS)
    return person.disciplines.filter(form__in=forms, decided_on__year=year).exists()


def recompute(evaluation: Evaluation) -> dict[str, Any]:
    """Task score (Decree 335) from the work log; total and automatic level when a general score is set."""
    rule = _rule_of(evaluation.year, evaluation.person)
    if rule["regime"] != "nd335":
        return {}
    items = list(evaluation.person.work_items.filter(year=evaluation.year).values("points", "completed", "failed_reviews", "delays", "excused"))
    task = Decimal(str(rules.task_score(items, rule)))
    out: dict[str, Any] = {"task_score": task}
    if evaluation.general_score is not None:
        total = min(Decimal(rule["general_max"]), evaluation.general_score) + task
        level, reasons = rules.classify_335(float(total), rule, disciplined=disciplined_in_year(evaluation.person, evaluation.year),
                                            degradation=evaluation.degradation, leader_corruption=evaluation.leader_corruption)
        out.update(total_score=total, level=level, auto_reasons=reasons)
    return out


COMMENT_MAX_LENGTH = 4000  # the self and leader comments, as the evaluation page's form limits them


def _check_comment(comment: str) -> None:
    if len(comment or "") > COMMENT_MAX_LENGTH:
        raise workforce_errors.COMMENT_TOO_LONG(max=COMMENT_MAX_LENGTH)


def _lock(evaluation: Evaluation, version: int | None, actor: Any) -> Evaluation:
    """The evaluation locked for a change by ``actor``: out of the actor's scope it is not found (before any other answer)."""
    locked = Evaluation.objects.select_for_update().select_related("person").get(pk=evaluation.pk)
    _require_evaluation_scope(actor, locked.person, province_code=locked.province_code, commune_code=locked.commune_code)
    if version is not None and locked.version != version:
        raise workforce_errors.LOCK_CONFLICT(details={"version": locked.version})
    return locked


def _require_evaluation_scope(actor: Any, person: Person, *, province_code: str, commune_code: str) -> None:
    """Refuse (not found, as the pages and the API answer) an actor who may not see this evaluation, whatever the caller
    fetched first: the same scope as ``selectors.evaluation_get`` / ``person_get`` (the register's users see their unit's,
    the others only their own)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotFoundError()
    if selectors.can_use_register(actor):
        visible = can_see_unit(actor, province_code=province_code, commune_code=commune_code)
    else:
        visible = person.user_id == actor.pk
    if not visible:
        raise NotFoundError()


@transaction.atomic
def evaluation_open(*, actor: Any, person: Person, year: int) -> Evaluation:
    _require_evaluation_scope(actor, person, province_code=person.province_code, commune_code=person.commune_code)
    if not (person.user_id == actor.pk or actor.is_superuser or actor.role in (*REGISTER_EDIT_ROLES, Role.COMMUNE_LEADER)):
        raise PermissionDeniedError()
    if not FIRST_YEAR <= year <= LAST_YEAR:  # the rule book is read on 1 January of the year: a date needs 1–9999
        raise workforce_errors.EVALUATION_YEAR_OUT_OF_RANGE(first=FIRST_YEAR, last=LAST_YEAR)
    # A year is evaluated while or after it is worked (Decree 335/2025/ND-CP evaluates the work of the year, month by month),
    # and only the years the person worked: from the year they began work (or came of the register's minimum age when that
    # is not recorded) to this year. An evaluation of 2030 opened in 2026, or of a year before the person was born, was
    # kept and listed beside the real ones.
    last = timezone.localdate().year
    if person.started_on:
        first = max(FIRST_YEAR, person.started_on.year)
    else:
        from coso.rules.lookup import rule

        first = max(FIRST_YEAR, person.birth_date.year + int(rule("workforce.register.min_age", on=dt.date(min(year, last), 1, 1))))
    if not first <= year <= last:
        raise workforce_errors.EVALUATION_YEAR_OUT_OF_RANGE(first=first, last=last)
    existing = Evaluation.objects.filter(person=person, year=year).first()
    if existing:
        return existing
    ev = Evaluation(person=person, year=year, regime=_rule_of(year, person)["regime"], province_code=person.province_code, commune_code=person.commune_code)
    try:
        with transaction.atomic():
            audited_create(ev, actor=actor, verb="evaluation-open")
    except IntegrityError:
        existing = Evaluation.objects.filter(person=person, year=year).first()
        if existing is None:
            raise
        return existing  # opened meanwhile by a concurrent request (a double click)
    _step(ev, actor, "open")
    return ev


POINTS_MAX = Decimal(10_000)  # the work item form's bound: a work log's points are a few per item


def _kept(value: Decimal, model: Any, field: str) -> Decimal | None:
    """``value`` with the decimals its column keeps (trailing zeros beyond them dropped), or None when it has more."""
    kept = value.quantize(Decimal(1).scaleb(-model._meta.get_field(field).decimal_places))
    return kept if kept == value else None


def _points(points: Decimal | float) -> Decimal:
    """The points of a work item, refused on the field with the number of decimals or the largest value allowed."""
    value = Decimal(str(points))
    if not value.is_finite() or value <= 0:
        raise workforce_errors.INVALID_ITEM(field="points")
    if value > POINTS_MAX:
        raise workforce_errors.POINTS_TOO_LARGE(limit_value=POINTS_MAX)
    kept = _kept(value, WorkItem, "points")
    if kept is None:
        raise workforce_errors.POINTS_DECIMALS(max=WorkItem._meta.get_field("points").decimal_places)  # type: ignore[union-attr]
    return kept


def _general_score(score: Decimal | None) -> Decimal | None:
    """A general criteria score with the decimals its column keeps; more are refused on the field, saying how many."""
    if score is None or not Decimal(score).is_finite() or abs(Decimal(score)) >= 1000:
        return score  # none, or out of any range: refused by the range check on the same field
    kept = _kept(Decimal(score), Evaluation, "general_score")
    if kept is None:
        raise workforce_errors.SCORE_DECIMALS(max=Evaluation._meta.get_field("general_score").decimal_places)  # type: ignore[union-attr]
    return kept


@transaction.atomic
def work_item_add(*, actor: Any, evaluation: Evaluation, title: str, points: Decimal | float = 1, month: int | None = None, quarter: int | None = None,
                  completed: bool = True, failed_reviews: int = 0, delays: int = 0, excused: bool = False,
                  source: str = WorkItem.Source.MANUAL, source_ref: str = "") -> WorkItem:
    ev = _lock(evaluation, None, actor)
    if ev.status == Evaluation.Status.APPROVED:
        raise workforce_errors.EVALUATION_CLOSED()
    if not (ev.person.user_id == actor.pk or actor.is_superuser or actor.role in (*REGISTER_EDIT_ROLES, Role.COMMUNE_LEADER)):
        raise PermissionDeniedError()
    if not month and not quarter:
        raise workforce_errors.PERIOD_REQUIRED(field="month")
    if month and quarter and (month - 1) // 3 + 1 != quarter:
        raise workforce_errors.MONTH_NOT_IN_QUARTER(month=month, quarter=quarter)
    item = WorkItem(person=ev.person, year=ev.year, month=month, quarter=quarter, title=nfc(title), points=_points(points), completed=completed,
                    failed_reviews=failed_reviews, delays=delays, excused=excused, source=source, source_ref=source_ref,
                    province_code=ev.province_code, commune_code=ev.commune_code)
    audited_create(item, actor=actor, verb="work-item")
    audited_update(ev, actor=actor, verb="work-item", changes={**recompute(ev), **_back_to_leader(ev), "version": ev.version + 1})
    return item


def _back_to_leader(ev: Evaluation) -> dict[str, Any]:
    """A work log changed after the leader's assessment changes the score and level the leader assessed: the evaluation
    goes back to the leader, who assesses the new log before it is approved (nobody approves a level never assessed)."""
    return {"status": Evaluation.Status.SELF_ASSESSED} if ev.status == Evaluation.Status.LEADER_ASSESSED else {}


@transaction.atomic
def self_assess(*, actor: Any, evaluation: Evaluation, version: int, comment: str = "", level: str = "", general_score: Decimal | None = None) -> Evaluation:
    ev = _lock(evaluation, version, actor)
    if not (ev.person.user_id == actor.pk or actor.is_superuser or actor.role in REGISTER_EDIT_ROLES):
        raise workforce_errors.SELF_ASSESS_FORBIDDEN()
    if ev.status not in (Evaluation.Status.DRAFT, Evaluation.Status.SELF_ASSESSED):
        raise workforce_errors.WRONG_STATUS()
    _check_comment(comment)
    general_score = _general_score(general_score)
    rule = _rule_of(ev.year, ev.person)
    if rule["regime"] == "nd335":
        if general_score is None or not (0 <= general_score <= rule["general_max"]):
            raise workforce_errors.INVALID_SCORE(value=rule["general_max"], field="general_score")
    elif level not in rules.LEVEL_NAMES:
        raise workforce_errors.INVALID_LEVEL(field="level")
    audited_update(ev, actor=actor, verb="self-assess", changes={
        "self_comment": nfc(comment), "self_level": level, "self_general_score": general_score, "status": Evaluation.Status.SELF_ASSESSED,
        "version": ev.version + 1, **recompute(ev)})
    _step(ev, actor, "self_assessed", nfc(comment))
    return ev


def _leader_can(actor: Any, ev: Evaluation) -> bool:
    if actor.is_superuser or actor.role == Role.SYSTEM_ADMIN:
        return True
    if actor.role == Role.COMMUNE_LEADER and actor.commune_code == ev.commune_code:
        return ev.person.user_id != actor.pk  # nobody approves themselves
    return actor.role == Role.PROVINCE_HOME_AFFAIRS and actor.province_code == ev.province_code


@transaction.atomic
def leader_assess(*, actor: Any, evaluation: Evaluation, version: int, comment: str = "", level: str = "", general_score: Decimal | None = None,
                  degradation: bool = False, leader_corruption: bool = False) -> Evaluation:
    ev = _lock(evaluation, version, actor)
    if not _leader_can(actor, ev):
        raise workforce_errors.LEADER_ASSESS_FORBIDDEN()
    if ev.status not in (Evaluation.Status.SELF_ASSESSED, Evaluation.Status.LEADER_ASSESSED):
        raise workforce_errors.LEADER_ASSESS_WRONG_STATUS()
    _check_comment(comment)
    general_score = _general_score(general_score)
    rule = _rule_of(ev.year, ev.person)
    changes: dict[str, Any] = {"leader_comment": nfc(comment), "degradation": degradation, "leader_corruption": leader_corruption,
                               "status": Evaluation.Status.LEADER_ASSESSED, "version": ev.version + 1}
    if rule["regime"] == "nd335":
        if general_score is None or not (0 <= general_score <= rule["general_max"]):
            raise workforce_errors.INVALID_SCORE(value=rule["general_max"], field="general_score")
        ev.general_score, ev.degradation, ev.leader_corruption = general_score, degradation, leader_corruption
        changes["general_score"] = general_score
        changes.update(recompute(ev))
    else:
        if level not in rules.LEVEL_NAMES:
            raise workforce_errors.LEADER_ASSESS_INVALID_LEVEL(field="level")
        reasons = []
        if disciplined_in_year(ev.person, ev.year) and level != "khong_hoan_thanh":
            reasons.append("Bị kỷ luật trong năm: không xếp loại từ hoàn thành tốt trở lên")
            level = "hoan_thanh" if level in ("xuat_sac", "tot") else level
        changes.update(level=level, auto_reasons=reasons)
    audited_update(ev, actor=actor, verb="leader-assess", changes=changes)
    _step(ev, actor, "leader_assessed", nfc(comment))
    return ev


def quota_check(*, commune_code: str, year: int, adding: list[Evaluation]) -> None:
    """Raise when approving ``adding`` would break the excellence quota of the agency (commune) for the year.

    The quota applies per agency and per group evaluated under the same rule set (civil servants under
    Decree 335 and elected cadres under Decree 90/48 are counted separately)."""
    index = book()
    groups: dict[str, list[Evaluation]] = {}
    for e in adding:
        groups.setdefault(_rule_of(year, e.person, index)["id"], []).append(e)
    province_code = adding[0].province_code if adding else ""
    counted = selectors.quota_groups(commune_code=commune_code, year=year, province_code=province_code,
                                     exclude_ids=[e.pk for e in adding], index=index)
    for rule_id, group in groups.items():
        rule = _rule_of(year, group[0].person, index)
        approved = counted.get(rule_id, {}).get("approved", [])
        excess = rules.quota_excess(approved + [e.level for e in group], rule)
        if excess:
            names = [e.person.full_name for e in group if e.level == "xuat_sac"]
            raise workforce_errors.EXCELLENCE_QUOTA_EXCEEDED(value=excess['excellent'], value2=excess['allowed'], value3=format(rule['quota']['percent'], 'g'), value4=excess['basis'], value5=excess['excess'], value6=rule['quota']['source'], details={**excess, "candidates": names, "rule": rule["id"]})


@transaction.atomic
def approve(*, actor: Any, evaluations: list[Evaluation], versions: dict[int, int] | None = None) -> list[Evaluation]:
    """Approve one or several assessed evaluations of one agency and year, checking the quota on the whole batch."""
    if not evaluations:
        raise workforce_errors.NOTHING_SELECTED()
    # An id repeated in one request is one evaluation: counted once by the quota, approved once.
    unique = list({e.pk: e for e in evaluations}.values())
    locked = [_lock(e, (versions or {}).get(e.pk), actor) for e in unique]
    agencies = {(e.commune_code, e.year) for e in locked}
    if len(agencies) > 1:
        raise workforce_errors.MIXED_AGENCIES()
    delegation = None
    for ev in locked:
        if not _leader_can(actor, ev):
            delegation = _approval_delegation(actor, ev)
            if delegation is None:
                raise workforce_errors.APPROVE_FORBIDDEN()
        if ev.status != Evaluation.Status.LEADER_ASSESSED or not ev.level:
            raise workforce_errors.APPROVE_WRONG_STATUS(full_name=ev.person.full_name)
    (commune_code, year), = agencies
    # The quota counts the agency's approved evaluations, which the rows locked above do not cover: one approval of the
    # agency and year at a time, so that two side by side cannot each count without the other's.
    locks.lock(Evaluation, "workforce.evaluation_approve", f"{commune_code}:{year}")
    quota_check(commune_code=commune_code, year=year, adding=locked)
    now = timezone.now()
    on_behalf_of = delegation.capacity() if delegation is not None else ""
    for ev in locked:
        audited_update(ev, actor=actor, verb="approve", changes={"status": Evaluation.Status.APPROVED, "approved_at": now, "version": ev.version + 1},
                       on_behalf_of=on_behalf_of)
        _step(ev, actor, "approved", on_behalf_of)
    return locked


def _approval_delegation(actor: Any, ev: Evaluation) -> Any:
    """The commune leader's delegation (ủy quyền) under which ``actor`` approves evaluations today, if any."""
    from coso.accounts.services import delegation_active

    if actor.commune_code != ev.commune_code or ev.person.user_id == actor.pk:
        return None
    return delegation_active(actor, "evaluation_approve", timezone.localdate())


def _sync_imported_items(ev: Evaluation, source: str, wanted: dict[str, dict[str, Any]], *, actor: Any) -> tuple[int, int, int]:
    """Make the evaluation year's work items of ``source`` (an import) what ``wanted`` says, one per ``source_ref``: create
    the new ones, update those whose fields changed (what was entered on them by hand and is not in ``wanted`` stays),
    delete those no longer wanted. Each item created, changed or deleted has its own audit entry by ``actor``. Returns
    (created, updated, removed); all 0 when the log already matched."""
    from coso.core.audit import diff

    existing = {i.source_ref: i for i in WorkItem.objects.filter(person=ev.person, year=ev.year, source=source)}
    created = updated = removed = 0
    for ref, old in existing.items():
        if ref not in wanted:
            audit_log(actor=actor, action=AuditLog.Action.DELETE, obj=old, object_id=old.pk, before=snapshot(old), verb="workforce.work_item_import_remove")
            old.delete()
            removed += 1
    for ref, fields in wanted.items():
        item = existing.get(ref)
        if item is None:
            item = WorkItem.objects.create(person=ev.person, year=ev.year, source=source, source_ref=ref, **fields)
            audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=item, after=snapshot(item), verb="workforce.work_item_import")
            created += 1
        elif changed := {k: v for k, v in fields.items() if getattr(item, k) != v}:
            before = snapshot(item)
            for k, v in changed.items():
                setattr(item, k, v)
            item.save()
            b, a = diff(before, snapshot(item))
            audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=item, before=b, after=a, verb="workforce.work_item_import_update")
            updated += 1
    return created, updated, removed


@transaction.atomic
def import_dossier_items(*, actor: Any, evaluation: Evaluation, today: dt.date | None = None) -> int:
    """Fill the work log from the one-stop shop without double entry: per month, the dossiers the person
    handled that finished on time (completed items) and late (one delay each, −25%)."""
    ev = _lock(evaluation, None, actor)
    if not (ev.person.user_id == actor.pk or _leader_can(actor, ev) or actor.is_superuser or actor.role in REGISTER_EDIT_ROLES):
        raise PermissionDeniedError()
    if ev.status == Evaluation.Status.APPROVED:
        raise workforce_errors.EVALUATION_CLOSED()
    if ev.person.user_id is None:
        raise workforce_errors.NO_USER()
    today = today or timezone.localdate()
    uid = ev.person.user_id
    wanted: dict[str, dict[str, Any]] = {}
    for month in range(1, 13):
        first = dt.date(ev.year, month, 1)
        if first > today:
            break
        last = rules.add_months(first, 1) - dt.timedelta(days=1)
        row = (dossier_selectors.officer_dossier_stats([uid], (first, last)) or {}).get(uid) or {}
        on_time, late = int(row.get("on_time", 0)), int(row.get("late", max(0, int(row.get("handled", 0)) - int(row.get("on_time", 0)))))
        for n, delayed in ((on_time, False), (late, True)):
            if n <= 0:
                continue
            wanted[f"{ev.year}-{month:02d}-{'late' if delayed else 'ok'}"] = {
                "month": month, "points": Decimal(n), "completed": True, "delays": 1 if delayed else 0,
                "title": f"Giải quyết {n} hồ sơ {'quá hạn' if delayed else 'đúng hạn'} (một cửa) tháng {month}",
                "province_code": ev.province_code, "commune_code": ev.commune_code,
            }
    # One item per month and on time / late: importing again updates or removes them, never doubles them; an import that
    # changes nothing leaves the score, the status and the version alone (a leader's assessment is not sent back for it).
    changed = sum(_sync_imported_items(ev, WorkItem.Source.DOSSIERS, wanted, actor=actor))
    if changed:
        audited_update(ev, actor=actor, verb="import-dossiers", changes={**recompute(ev), **_back_to_leader(ev), "version": ev.version + 1})
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=ev, verb="import-dossier-stats", after={"items": len(wanted), "changed": changed})
    return len(wanted)


@transaction.atomic
def import_task_items(*, actor: Any, evaluation: Evaluation) -> int:
    """Fill the work log (Decree 335/2025/ND-CP: the work items of the year the self-assessment and the leader's assessment rest
    on) from the tasks module without double entry: one item per task of the evaluation's commune the person completed in the
    year as officer in charge, in the month it was completed, with the assigning unit, the deadline and the completion date; a
    task completed late counts one delay (the deduction the one-stop import gives a late dossier). Each task is one item
    (``source_ref`` "task:<id>"): importing again updates or removes the items, never doubles them, and keeps what was entered on
    them by hand (failed quality reviews, an excused cause). A changed work log after the leader's assessment sends the
    evaluation back to the leader. Returns the number of task items in the log."""
    ev = _lock(evaluation, None, actor)  # another unit's evaluation: not found, as if it did not exist
    if not (ev.person.user_id == actor.pk or _leader_can(actor, ev) or actor.is_superuser or actor.role in REGISTER_EDIT_ROLES):
        raise PermissionDeniedError()
    if ev.status == Evaluation.Status.APPROVED:
        raise workforce_errors.EVALUATION_CLOSED()
    if ev.person.user_id is None:
        raise workforce_errors.NO_USER_TASKS()
    rows = task_selectors.person_completed_tasks(fetched_by=actor, user_id=ev.person.user_id, year=ev.year, commune_code=ev.commune_code)
    wanted = {
        r["source_ref"]: {
            "title": nfc(r["title"])[:300], "month": r["completed_on"].month, "points": Decimal(1), "completed": True,
            "delays": 0 if r["on_time"] else 1, "assigned_by": nfc(r["assigned_by"])[:200], "due_on": r["due"],
            "completed_on": r["completed_on"], "province_code": ev.province_code, "commune_code": ev.commune_code,
        }
        for r in rows
    }
    created, updated, removed = _sync_imported_items(ev, WorkItem.Source.TASKS, wanted, actor=actor)
    if created or updated or removed:  # an import that changes nothing leaves the score, the status and the version alone
        audited_update(ev, actor=actor, verb="import-tasks", changes={**recompute(ev), **_back_to_leader(ev), "version": ev.version + 1})
    audit_log(actor=actor, action=AuditLog.Action.ACTION, obj=ev, verb="import-task-items",
              after={"items": len(wanted), "created": created, "updated": updated, "removed": removed})
    return len(wanted)


__all__ = ["snapshot"]
