"""The national procedure portal's data shape (Cổng Dịch vụ công quốc gia, dichvucong.gov.vn).

One record per procedure, as the portal's JSON API publishes it:
``code`` (or ``proc_id``), ``name``, ``level`` (or ``agency_levels``: "Xã/Phường, Tỉnh"), ``field``
(or ``domain``), ``methods`` ([{submission_method, processing_time_qty, processing_time_unit,
processing_time_text, description}]), ``fees`` ([{fee_type, amount_value, amount_text,
submission_method}]), ``checklist`` (required documents: [{name, original_qty, copy_qty, required,
case_name}]), ``legal_basis`` ([{doc_code, doc_name, doc_year}]), ``decision_number``,
``decision_date``, ``portal_url``; Coso adds ``source`` (where the record was read), ``confidence``
and optionally ``valid_from``.

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

from coso.core.exceptions import ApplicationError
from coso.core.text import fold, nfc

from .services import catalogue_import

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


def _headline_method(methods: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The counter (trực tiếp) method first: it is the time a one-stop office applies."""

    def rank(m: dict[str, Any]) -> int:
        name = fold(_text(m.get("submission_method")))
        return _METHOD_ORDER.index(name) if name in _METHOD_ORDER else len(_METHOD_ORDER)

    usable = [m for m in methods if isinstance(m, dict)]
    return sorted(usable, key=rank)[0] if usable else None


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


def _documents(checklist: list[dict[str, Any]]) -> list[dict[str, Any]]:
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
        key = fold(name)
        if key in seen:
            continue
        seen.add(key)
        copies = int(item.get("original_qty") or 0) + int(item.get("copy_qty") or 0) or 1
        out.append({"name": name[:500], "copies": min(max(copies, 1), 99), "required": bool(item.get("required", True))})
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
    head = _headline_method(methods)
    qty, unit, time_text = _method_time(head) if head else (None, None, "")
    if head is not None:
        if qty is None:
            problems.append("thời hạn giải quyết không có số")
        elif unit is None:
            problems.append(f"thời hạn “{time_text or qty}” không có đơn vị tính được (ngày làm việc, ngày, giờ)")
        elif qty <= 0:
            problems.append("thời hạn giải quyết phải lớn hơn 0")
    others = []
    for m in methods:
        if isinstance(m, dict) and m is not head:
            q, u, t = _method_time(m)
            if (q, u) != (qty, unit):
                others.append(f"{_text(m.get('submission_method')) or 'Khác'}: {t or q}")
    try:
        fee, fee_note = _fees(record.get("fees") or [])
    except ValueError as exc:
        problems.append(str(exc))
        fee, fee_note = 0, ""
    try:
        documents = _documents(record.get("checklist") or record.get("required_documents") or [])
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
    source = _text(record.get("source"))
    url = _text(record.get("portal_url"))
    if not source:
        source = f"Cổng Dịch vụ công quốc gia, thủ tục {code}" + (f" ({url})" if url else "")
    if decision:
        source += f"; công bố: {decision}" + (f" ngày {decision_date}" if decision_date else "")
    time_note = f"Cổng ghi: {time_text}." if time_text else ""
    if others:
        time_note += " Hình thức khác: " + "; ".join(others) + "."
    row = {
        "code": code,
        "name": name,
        "field": field,
        "decision_level": level or "commune",
        "province_code": "",
        "valid_from": valid_from.isoformat(),
        "time_limit": str(qty) if qty is not None else "",
        "time_unit": unit or "",
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


def portal_rows(records: list[Any], *, only_level: str | None = None) -> list[dict[str, Any]]:
    """Catalogue rows for every record, or ApplicationError(code="import-invalid") listing each bad record."""
    if not records:
        raise ApplicationError("Tệp không có bản ghi thủ tục nào.", code="import-empty", details={"rows": []})
    if len(records) > MAX_RECORDS:
        raise ApplicationError(f"Tệp có quá {MAX_RECORDS} bản ghi.", code="too-many-rows", details={"rows": []})
    rows, errors = [], []
    for n, record in enumerate(records, start=1):
        row, problems = portal_row(record)
        if only_level and not problems and row["decision_level"] != only_level:
            problems.append("không phải thủ tục cấp xã")
        if problems:
            code = row.get("code") or "?"
            errors.append({"row": n, "column": "", "message": f"Dòng {n} (mã {code}): " + "; ".join(problems) + "."})
        rows.append({**row, "_row": n})
    if errors:
        raise ApplicationError(
            f"Tệp có {len(errors)} bản ghi lỗi, chưa nhập bản ghi nào. {errors[0]['message']}",
            code="import-invalid",
            details={"rows": errors},
        )
    return rows


def read_records(data: bytes | str) -> list[Any]:
    """A JSON array, an object with "procedures", or JSON Lines (one record a line)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ApplicationError("Tệp không phải văn bản UTF-8.", code="invalid-json") from exc
    text = data.strip()
    if not text:
        raise ApplicationError("Tệp không có bản ghi thủ tục nào.", code="import-empty", details={"rows": []})
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ApplicationError(f"Tệp JSON không hợp lệ (dòng {exc.lineno}).", code="invalid-json") from exc
        return list(parsed)
    if text.startswith("{") and "\n" not in text.rstrip():
        parsed = json.loads(text)
        return list(parsed.get("procedures") or [parsed]) if isinstance(parsed, dict) else [parsed]
    records = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if n == 1 and line.strip().startswith("{"):
                try:  # a pretty-printed single object or {"procedures": [...]}
                    parsed = json.loads(text)
                    return list(parsed.get("procedures") or [parsed]) if isinstance(parsed, dict) else [parsed]
                except json.JSONDecodeError:
                    pass
            raise ApplicationError(
                f"Dòng {n}: không phải JSON hợp lệ.",
                code="invalid-json",
                details={"rows": [{"row": n, "column": "", "message": f"Dòng {n}: không phải JSON hợp lệ."}]},
            ) from exc
        if len(records) > MAX_RECORDS:
            raise ApplicationError(f"Tệp có quá {MAX_RECORDS} bản ghi.", code="too-many-rows", details={"rows": []})
    return records


def portal_import(
    *,
    actor: Any,
    records: list[Any],
    effective_from: dt.date | None = None,
    only_level: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Import portal records: every record or none (audited; versions as ``catalogue_import``)."""
    rows = portal_rows(records, only_level=only_level)
    return catalogue_import(actor=actor, rows=rows, effective_from=effective_from, progress=progress, reason=reason or "portal_import")


def load_shipped(*, path: Path | str | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Load the shipped commune-level procedures read from the portal (idempotent, keeps administrators' edits)."""
    records = read_records(Path(path or SHIPPED_FILE).read_bytes())
    return portal_import(actor=None, records=records, effective_from=None, progress=progress, reason="load_reference")
