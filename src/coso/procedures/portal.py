"""The national procedure portal's data shape (Cổng Dịch vụ công quốc gia, dichvucong.gov.vn).

One record per procedure, as the portal's JSON API publishes it:
``code`` (or ``proc_id``), ``name``, ``level`` (or ``agency_levels``: "Xã/Phường, Tỉnh"), ``field``
(or ``domain``), ``methods`` ([{submission_method, processing_time_qty, processing_time_unit,
processing_time_text, description}]), ``fees`` ([{fee_type, amount_value, amount_text,
submission_method}]), ``checklist`` (required documents: [{name, original_qty, copy_qty, required,
case_name}]), ``legal_basis`` ([{doc_code, doc_name, doc_year}]), ``decision_number``,
``decision_date``, ``portal_url``; Coso adds ``source`` (where the record was read), ``confidence``
and optionally ``valid_from``.

The records of the portal API crawl (``Database/staging/procedures.jsonl`` of a public crawl, one
record a line) are read as they are: ``proc_id``, ``source_id``, ``department_promulgate``,
``executing_agency``, ``publication_date``, ``source_updated_at``, ``online_services`` and the other
crawl fields are accepted; ``commune_only`` keeps the records whose ``agency_levels`` include
"Xã/Phường" and that no single province published for itself (``province`` set, or
``department_promulgate`` a provincial People's Committee), and skips the rest.

Times: the counter (trực tiếp) method's time is the time limit. A time whose unit the record states
nowhere (the portal's bare "1") is imported with its number, marked unconfirmed (confidence I), and
its note says the portal gives no unit; the version's unit field keeps the catalogue's default
(working days) only because a version must have one, and the public page asks the applicant to
confirm the time (``ProcedureVersion.needs_confirmation``). When the same record states the same
number with a unit elsewhere (its summary ``processing_time_text`` or another submission method),
that unit is used, still marked I. A method listed in several phases
(e.g. "1 ngày làm việc" to check, "2 ngày làm việc" to decide) keeps its longest phase, marked I.

``portal_rows`` turns records into catalogue rows (``services.COLUMNS``) and lists every bad record
with its row number in Vietnamese; ``portal_import`` applies them all or none through
``services.catalogue_import`` (versions, audit, a province administrator's scope).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from coso.core import json_input
from coso.core.text import fold, nfc
from coso.procedures import errors as procedures_errors

from .models import ProcedureVersion
from .services import catalogue_import

ProcedureTimeUnit = ProcedureVersion.TimeUnit

DATA_DIR = Path(__file__).resolve().parent / "data" / "portal"
SHIPPED_FILE = DATA_DIR / "commune-procedures.jsonl"
DEFAULT_VALID_FROM = dt.date(2025, 7, 1)  # commune-level procedures of the two-tier local government
MAX_RECORDS = 5000

# Portal time units → Coso units. Months/years and a missing unit cannot be counted: the record is refused.
_UNITS = {
    "ngay lam viec": "working_days",
    "ngay": "calendar_days",
    "ngay lich": "calendar_days",
    "gio lam viec": "working_hours",
    "gio": "working_hours",
}
_METHOD_ORDER = ("truc tiep", "buu chinh", "dich vu buu chinh", "truc tuyen")


def _text(value: Any) -> str:
    return nfc(str(value)).strip() if value not in (None, "") else ""


def _level(record: dict[str, Any]) -> str | None:
    raw = fold(_text(record.get("level") or record.get("agency_levels") or record.get("cap_thuc_hien")))
    if not raw:
        return None
    parts = [p.strip() for p in re.split(r"[,;]", raw)]
    if any(p in ("xa/phuong", "xa", "cap xa", "commune", "phuong") for p in parts):
        return "commune"
    if any(p in ("tinh", "cap tinh", "province") for p in parts):
        return "province"
    return None


def _method_time(method: dict[str, Any]) -> tuple[Decimal | None, str | None, str]:
    """(quantity, Coso unit or None, the portal's text) of one submission method."""
    text = _text(method.get("processing_time_text"))
    qty_raw = method.get("processing_time_qty")
    unit_raw = fold(_text(method.get("processing_time_unit")))
    try:
        qty = Decimal(str(qty_raw)) if qty_raw not in (None, "") else None
    except InvalidOperation:
        qty = None
    if qty is None and text:
        m = re.match(r"\s*(\d+(?:[.,]\d+)?)\s*(.*)$", text)
        if m:
            qty = Decimal(m.group(1).replace(",", "."))
            unit_raw = unit_raw or fold(m.group(2))
    return qty, _UNITS.get(unit_raw.strip()) if unit_raw else None, text


def _method_name(m: dict[str, Any]) -> str:
    return fold(_text(m.get("submission_method")))


def _headline_methods(methods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the counter (trực tiếp) method first: it is the time a one-stop office applies.

    The portal may list one method in several phases (one row each); all rows of the chosen method are returned.
    """

    def rank(m: dict[str, Any]) -> int:
        name = _method_name(m)
        return _METHOD_ORDER.index(name) if name in _METHOD_ORDER else len(_METHOD_ORDER)

    usable = [m for m in methods if isinstance(m, dict)]
    if not usable:
        return []
    best = min(rank(m) for m in usable)
    first = next(m for m in usable if rank(m) == best)
    return [m for m in usable if _method_name(m) == _method_name(first)] if best < len(_METHOD_ORDER) else [first]


def _stated_unit(record: dict[str, Any], methods: list[dict[str, Any]], qty: Decimal) -> tuple[str | None, str]:
    """A unit the same record states for the same number elsewhere: (Coso unit, where), or (None, "")."""
    for part in re.split(r"[;\n]", _text(record.get("processing_time_text"))):
        q, u, _t = _method_time({"processing_time_text": part})
        if q == qty and u:
            return u, "phần thời hạn chung của bản ghi"
    for m in methods:
        if isinstance(m, dict):
            q, u, _t = _method_time(m)
            if q == qty and u:
                return u, f"hình thức {_text(m.get('submission_method')) or 'khác'}"
    return None, ""


def _fees(fees: list[dict[str, Any]]) -> tuple[int, str]:
    """(amount in đồng for a counter submission, note listing every method's fee)."""
    amounts: list[tuple[str, int, str]] = []
    for f in fees or []:
        if not isinstance(f, dict):
            raise ValueError("Mỗi khoản phí phải là một đối tượng.")
        try:
            value = Decimal(str(f.get("amount_value") if f.get("amount_value") not in (None, "") else 0))
        except InvalidOperation as exc:
            raise ValueError("Số tiền phí không hợp lệ.") from exc
        if value < 0 or value != value.to_integral_value():
            raise ValueError("Số tiền phí phải là số đồng nguyên, không âm.")
        amounts.append((_text(f.get("submission_method")), int(value), _text(f.get("amount_text"))))
    if not amounts:
        return 0, "Cổng không ghi phí, lệ phí."
    counter = next((a for a in amounts if fold(a[0]) == "truc tiep"), amounts[0])
    distinct = {(a[1], a[2]) for a in amounts}
    if len(distinct) == 1:
        amount, text = counter[1], counter[2]
        note = text or ("Miễn phí." if amount == 0 else "")
    else:
        note = "; ".join(f"{m or 'Khác'}: {t or format(v, ',').replace(',', '.') + ' đ'}" for m, v, t in amounts)
    return counter[1], note[:500]


def _documents(checklist: list[dict[str, Any]], *, crawl_flags: bool = False) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in checklist or []:
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            raise ValueError("Mỗi giấy tờ phải là một đối tượng có tên.")
        name = re.sub(r"^[\s\-+•*]+", "", _text(item.get("name")))
        if not name:
            raise ValueError("Có giấy tờ không có tên.")
        case = _text(item.get("case_name"))
        if case:
            name = f"{case}: {name}"
        key = re.sub(r"\s+", " ", name).casefold()  # not fold(): “điểm đ” and “điểm d” are different cases
        if key in seen:
            continue
        seen.add(key)
        copies = int(item.get("original_qty") or 0) + int(item.get("copy_qty") or 0) or 1
        if crawl_flags:  # the API crawl sets required=false on every paper: only “(nếu có)” marks an optional one
            required = "neu co" not in fold(name)
        else:
            required = bool(item.get("required", True))
        out.append({"name": name[:500], "copies": min(max(copies, 1), 99), "required": required})
    return out


def _legal_basis(items: list[dict[str, Any]] | str) -> str:
    """One document per line: its name with its number ("Nghị định … (123/2015/NĐ-CP)")."""
    if isinstance(items, str):
        return _text(items)
    lines = []
    for item in items or []:
        if not isinstance(item, dict):
            raise ValueError("Mỗi căn cứ pháp lý phải có số hiệu hoặc tên văn bản.")
        code = re.sub(r"^(số|Nghị quyết)\s+", "", _text(item.get("doc_code")), flags=re.IGNORECASE)
        name = _text(item.get("doc_name"))
        if not code and not name:
            raise ValueError("Có căn cứ pháp lý không có số hiệu và tên văn bản.")
        if name and code and code in name:
            lines.append(name)
        elif name and code:
            lines.append(f"{name} ({code})")
        else:
            lines.append(name or code)
    return "\n".join(dict.fromkeys(lines))


def portal_row(record: dict[str, Any], *, default_valid_from: dt.date = DEFAULT_VALID_FROM) -> tuple[dict[str, Any], list[str]]:
    """One portal record → (catalogue row, [Vietnamese problems]). An empty list means the row is usable."""
    problems: list[str] = []
    if not isinstance(record, dict):
        return {}, ["Bản ghi phải là một đối tượng JSON."]
    code = _text(record.get("code") or record.get("proc_id") or record.get("ma_thu_tuc"))
    name = _text(record.get("name") or record.get("ten_thu_tuc"))[:500]
    field = _text(record.get("field") or record.get("domain") or record.get("linh_vuc"))
    if not code:
        problems.append("thiếu mã thủ tục")
    if not name:
        problems.append("thiếu tên thủ tục")
    if not field:
        problems.append("thiếu lĩnh vực")
    level = _level(record)
    if level is None:
        problems.append("cấp thực hiện không rõ (cần “Xã/Phường” hoặc “Tỉnh”)")
    methods = record.get("methods")
    if not isinstance(methods, list) or not methods:
        problems.append("thiếu thời hạn giải quyết theo hình thức nộp (methods)")
        methods = []
    heads = _headline_methods(methods)
    unconfirmed: list[str] = []
    qty: Decimal | None = None
    unit: str | None = None
    time_text = ""
    if heads:
        timed = [_method_time(m) for m in heads]
        qty, unit, time_text = timed[0]
        if len({(q, u) for q, u, _t in timed}) > 1:  # one method in several phases
            units = {u for _q, u, _t in timed}
            phases = "; ".join(dict.fromkeys(t or str(q) for q, _u, t in timed))
            method_name = _text(heads[0].get("submission_method")) or "này"
            if len(units) == 1 and all(q is not None for q, _u, _t in timed):
                qty, unit, time_text = max(timed, key=lambda t: t[0] or 0)
                unconfirmed.append(f"Cổng chia hình thức {method_name} thành nhiều giai đoạn ({phases}); lấy giai đoạn dài nhất, chưa xác nhận.")
            else:  # different units: the phases cannot be compared, the first one listed is kept
                unconfirmed.append(f"Cổng ghi nhiều thời hạn khác đơn vị cho hình thức {method_name} ({phases}); lấy thời hạn ghi đầu tiên, chưa xác nhận.")
        if qty is None:
            problems.append("thời hạn giải quyết không có số")
        elif qty <= 0:
            problems.append("thời hạn giải quyết phải lớn hơn 0")
        elif unit is None:
            unit, where = _stated_unit(record, [m for m in methods if isinstance(m, dict) and m not in heads], qty)
            if unit:
                unconfirmed.append(f"Không có đơn vị; đơn vị theo {where} của cùng thủ tục, chưa xác nhận.")
            else:
                unit = ProcedureTimeUnit.WORKING_DAYS
                unconfirmed.append("Không có đơn vị: đơn vị chưa xác nhận, tạm tính theo ngày làm việc.")
    head_time = (qty, timed[0][1]) if heads else (None, None)
    others = []
    for m in methods:
        if isinstance(m, dict) and m not in heads:
            q, u, t = _method_time(m)
            if (q, u) != head_time and (q, u) != (qty, unit):
                others.append(f"{_text(m.get('submission_method')) or 'Khác'}: {t or q}")
    try:
        fee, fee_note = _fees(record.get("fees") or [])
    except ValueError as exc:
        problems.append(str(exc))
        fee, fee_note = 0, ""
    try:
        documents = _documents(record.get("checklist") or record.get("required_documents") or [], crawl_flags="proc_id" in record)
    except (ValueError, TypeError) as exc:
        problems.append(str(exc) or "danh sách giấy tờ không hợp lệ")
        documents = []
    try:
        legal = _legal_basis(record.get("legal_basis") or [])
    except ValueError as exc:
        problems.append(str(exc))
        legal = ""
    decision = _text(record.get("decision_number"))
    decision_date = _text(record.get("decision_date"))
    valid_from: dt.date = default_valid_from
    if record.get("valid_from"):
        try:
            valid_from = dt.date.fromisoformat(str(record["valid_from"])[:10])
        except ValueError:
            problems.append("ngày hiệu lực (valid_from) không hợp lệ, cần dạng YYYY-MM-DD")
    confidence = _text(record.get("confidence")) or "C-3p"
    if unconfirmed and confidence not in ("I", "R"):
        confidence = "I"
    source = _text(record.get("source"))
    url = _text(record.get("portal_url"))
    if not source:
        source = f"Cổng Dịch vụ công quốc gia, thủ tục {code}" + (f" ({url})" if url else "")
        updated = _text(record.get("source_updated_at") or record.get("publication_date"))[:10]
        if updated:
            source += f", cập nhật trên Cổng ngày {updated}"
    if decision:
        source += f"; công bố: {decision}" + (f" ngày {decision_date}" if decision_date else "")
    time_note = f"Cổng ghi: “{time_text}”." if time_text else ""
    if unconfirmed:
        time_note += " " + " ".join(unconfirmed)
    if others:
        time_note += " Hình thức khác: " + "; ".join(dict.fromkeys(others)) + "."
    row = {
        "code": code,
        "name": name,
        "field": field,
        "decision_level": level or "commune",
        "province_code": "",
        "valid_from": valid_from.isoformat(),
        "time_limit": str(qty) if qty is not None else "",
        "time_unit": str(unit or ""),
        "cutoff_time": None,
        "time_limit_note": time_note.strip()[:500],
        "fee": fee,
        "fee_note": fee_note,
        "required_documents": documents,
        "result_type": _text(record.get("results") or record.get("result_type"))[:300],
        "online": _online(record),
        "applicant": _text(record.get("subject_types") or record.get("applicant"))[:300],
        "legal_basis": legal,
        "source": source[:500],
        "confidence": confidence,
        "code_verified": True,
        "code_note": "",
    }
    return row, problems


def _online(record: dict[str, Any]) -> str:
    if record.get("online") in ("none", "partial", "full"):
        return str(record["online"])
    methods = {fold(_text(m.get("submission_method"))) for m in record.get("methods") or [] if isinstance(m, dict)}
    return "partial" if "truc tuyen" in methods else "none"


def skip_reason(record: Any) -> str | None:
    """Why ``commune_only`` leaves a record out (not a commune-level procedure, or one province's own), else None.

    A record whose level cannot be read is not skipped: it is reported as a bad record.
    """
    if not isinstance(record, dict):
        return None
    level = _level(record)
    if level is None:
        return None
    if level != "commune":
        return "level"
    if _text(record.get("province")) or fold(_text(record.get("department_promulgate"))).startswith(("ubnd ", "uy ban nhan dan")):
        return "province"  # published by one province for itself (e.g. "UBND tỉnh Thanh Hóa"), not a national procedure
    return None


def portal_rows(records: list[Any], *, only_level: str | None = None, commune_only: bool = False) -> list[dict[str, Any]]:
    """Catalogue rows for every record, or ApplicationError(code="import-invalid") listing each bad record.

    ``only_level`` refuses records of another level; ``commune_only`` skips them (and records published by
    one province for itself) — row numbers stay those of the file.
    """
    if not records:
        raise procedures_errors.PORTAL_ROWS_IMPORT_EMPTY(details={"rows": []})
    if len(records) > MAX_RECORDS:
        raise procedures_errors.PORTAL_ROWS_TOO_MANY_ROWS(max_records=MAX_RECORDS, details={"rows": []})
    rows, errors = [], []
    for n, record in enumerate(records, start=1):
        if commune_only and skip_reason(record):
            continue
        row, problems = portal_row(record)
        if only_level and not problems and row["decision_level"] != only_level:
            problems.append("không phải thủ tục cấp xã")
        if problems:
            code = row.get("code") or "?"
            errors.append({"row": n, "column": "", "message": f"Dòng {n} (mã {code}): " + "; ".join(problems) + "."})
        rows.append({**row, "_row": n})
    if errors:
        raise procedures_errors.PORTAL_ROWS_IMPORT_INVALID(len=len(errors), value=errors[0]['message'], details={"rows": errors})
    if not rows:
        raise procedures_errors.PORTAL_NO_COMMUNE_RECORDS(len=len(records), details={"rows": []})
    return rows


def read_records(data: bytes | str) -> list[Any]:
    """A JSON array, an object with "procedures", or JSON Lines (one record a line)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise procedures_errors.READ_RECORDS_INVALID_JSON() from exc
    text = data.strip()
    if not text:
        raise procedures_errors.PORTAL_ROWS_IMPORT_EMPTY(details={"rows": []})
    if text.startswith("["):
        try:
            parsed = json_input.loads(text)
        except json.JSONDecodeError as exc:
            raise procedures_errors.READ_RECORDS_INVALID_JSON_2(lineno=exc.lineno) from exc
        return list(parsed)
    if text.startswith("{") and "\n" not in text.rstrip():
        try:
            parsed = json_input.loads(text)
        except json.JSONDecodeError as exc:
            raise procedures_errors.READ_RECORDS_INVALID_JSON_2(lineno=exc.lineno) from exc
        return list(parsed.get("procedures") or [parsed]) if isinstance(parsed, dict) else [parsed]
    records = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json_input.loads(line))
        except json.JSONDecodeError as exc:
            if n == 1 and line.strip().startswith("{"):
                try:  # a pretty-printed single object or {"procedures": [...]}
                    parsed = json_input.loads(text)
                    return list(parsed.get("procedures") or [parsed]) if isinstance(parsed, dict) else [parsed]
                except json.JSONDecodeError:
                    pass
            raise procedures_errors.READ_RECORDS_INVALID_JSON_3(n=n, details={"rows": [{"row": n, "column": "", "message": f"Dòng {n}: không phải JSON hợp lệ."}]}) from exc
        if len(records) > MAX_RECORDS:
            raise procedures_errors.PORTAL_ROWS_TOO_MANY_ROWS(max_records=MAX_RECORDS, details={"rows": []})
    return records


def portal_import(
    *,
    actor: Any,
    records: list[Any],
    effective_from: dt.date | None = None,
    only_level: str | None = None,
    commune_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Import portal records: every record or none (audited; versions as ``catalogue_import``).

    The result adds ``skipped`` (records left out by ``commune_only``) and ``unconfirmed`` (rows marked I).
    """
    rows = portal_rows(records, only_level=only_level, commune_only=commune_only)
    result = catalogue_import(actor=actor, rows=rows, effective_from=effective_from, progress=progress, reason=reason or "portal_import")
    return {**result, "skipped": len(records) - len(rows), "unconfirmed": sum(1 for r in rows if r["confidence"] in ("I", "R"))}


def load_shipped(*, path: Path | str | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Load the shipped commune-level procedures read from the portal (idempotent, keeps administrators' edits)."""
    records = read_records(Path(path or SHIPPED_FILE).read_bytes())
    return portal_import(actor=None, records=records, effective_from=None, progress=progress, reason="load_reference")
