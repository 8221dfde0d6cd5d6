"""Build-time only: turn public crawls of dichvucong.gov.vn into portal-shape records (``portal.py``).

Nothing here runs when Coso runs: ``manage.py build_portal_catalogue`` writes
``data/portal/commune-procedures.jsonl`` (committed, with the source of every record) and
``data/portal/COVERAGE.md`` (which of Ho Chi Minh City's 363 commune-level procedures could be sourced).

The page-text crawl (chatbot-tthc/chatbot_tthc, scripts/crawler/data/raw/<ministry>/<code>.json) keeps the
portal's tables flattened into one string; the parsers below split them back into methods, fees,
documents and legal bases. A method whose time has no unit keeps the number without a unit; ``portal.portal_row``
then marks the record unconfirmed (I) instead of guessing the unit.
"""

from __future__ import annotations

import re
from typing import Any

from coso.core.text import fold, nfc

_METHOD = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không có thông tin)")
_TIME = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng|Năm)?")
_MONEY = re.compile(r"(\d{1,3}(?:[,.]\d{3})+|\d+)\s*(?:VNĐ|Việt Nam Đồng|đồng|đ\b)")
_DOC = re.compile(r"(.+?)(\d+)\s*bản (chính|sao)(?:\s*,\s*(\d+)\s*bản sao)?")
_LAW = re.compile(r"\d+(?:\.\d+)?/(?:\d{4}/)?[A-ZĐƯ][A-ZĐƯ0-9\-]*(?:TTg)?")
_ISSUERS = {
    "CP",
    "TTg",
    "VPCP",
    "BTC",
    "BTP",
    "BYT",
    "BNV",
    "BCA",
    "BXD",
    "BGDĐT",
    "BNNPTNT",
    "BNNMT",
    "BTNMT",
    "BVHTTDL",
    "NHNN",
    "BGTVT",
    "BKHĐT",
    "BCT",
    "BQP",
    "BTTTT",
    "BLĐTBXH",
    "BDTTG",
    "UBDT",
    "BKHCN",
    "TANDTC",
    "VKSNDTC",
    "UBTƯMTTQVN",
}


def parse_methods(text: str) -> list[dict[str, Any]]:
    body = re.sub(r"^Hình thức nộpThời gianPhí, lệ phíMô tả", "", nfc(text or ""))
    parts = _METHOD.split(body)
    out = []
    for i in range(1, len(parts) - 1, 2):
        method, rest = parts[i], parts[i + 1]
        qty: float | None = None
        unit = ""
        m = _TIME.match(rest)
        if m:
            qty = float(m.group(1).replace(",", "."))
            unit = (m.group(2) or "").lower()
            rest = rest[m.end() :]
        elif rest.startswith("Không có thông tin"):
            rest = rest[len("Không có thông tin") :]
        fee_text = rest.strip()
        amount = 0
        if not fold(fee_text).startswith(("mien phi", "khong")):
            money = _MONEY.search(fee_text[:120])
            amount = int(re.sub(r"[,.]", "", money.group(1))) if money else 0
        out.append(
            {
                "submission_method": "Bưu chính" if method == "Dịch vụ bưu chính" else method,
                "processing_time_qty": qty,
                "processing_time_unit": unit,
                "processing_time_text": (f"{m.group(1)} {m.group(2) or ''}".strip() if m else "Không có thông tin"),
                "fee_amount": amount,
                "fee_text": fee_text[:300],
            }
        )
    return out


def parse_documents(text: str) -> list[dict[str, Any]]:
    body = nfc(text or "")
    body = re.sub(r"Tên giấy tờMẫu đơn, tờ khaiSố lượng", "\n", body)
    body = re.sub(r"^[\s*\-]+|\*\s*Giấy tờ phải nộp:|--", "\n", body)
    out = []
    for m in _DOC.finditer(body):
        name = re.sub(r"^[\s\-+•*]+", "", m.group(1)).strip()
        if not name or len(name) < 4:
            continue
        original = int(m.group(2)) if m.group(3) == "chính" else 0
        copies = int(m.group(2)) if m.group(3) == "sao" else int(m.group(4) or 0)
        out.append({"name": name[:500], "original_qty": original, "copy_qty": copies, "required": True})
    return out


def parse_legal_basis(text: str) -> list[dict[str, Any]]:
    body = re.sub(r"^Tên văn bản pháp lýMã văn bản", "", nfc(text or ""))
    out, start = [], 0
    for m in _LAW.finditer(body):
        code, end = m.group(0), m.end()
        if code.endswith("-TT") and body[end : end + 1] == "g":
            code, end = code + "g", end + 1
        lead = code.split("/", 1)[0]
        if len(lead) > 4 and re.match(r"(19|20)\d\d", lead):
            code = code[4:]  # "… năm 201335/2013/QH13": the year of the name is glued to the number
        for cut in (0, 1, 2):
            tail = code[: len(code) - cut].rsplit("-", 1)[-1].rsplit("/", 1)[-1]
            if tail in _ISSUERS or re.fullmatch(r"QH\d\d|UBTVQH\d\d", tail):
                code, end = code[: len(code) - cut], end - cut
                break
        else:
            if end < len(body) and code[-1].isupper() and body[end].islower():
                code, end = code[:-1], end - 1  # "…Hướng": the capital letter starts the next name
        if end < len(body) and body[end] in " ,;:)(":
            continue  # a number quoted inside a name, not the pair's code column
        name = body[start : m.start()].strip()
        name = re.sub(r"(Quyết định|Thông tư|Nghị định|Nghị quyết)?\s*(số)?\s*$", "", name).strip() or name
        if name.endswith("."):
            name = name.rstrip(".")
        out.append({"doc_code": code, "doc_name": name if len(name) <= 300 else name[:299].rstrip() + "…"})
        start = end
    return out


def record_from_page(raw: dict[str, Any], *, repo: str, commit: str, path: str) -> dict[str, Any]:
    """A chatbot-tthc page record → the portal record shape read by ``portal.portal_row``."""
    methods = parse_methods(raw.get("cach_thuc_thuc_hien", ""))
    code = raw.get("ma_thu_tuc", "")
    url = raw.get("detail_url", "")
    return {
        "code": code,
        "name": re.sub(r"\s*\(\d\.\d{6}\)\s*$", "", nfc(raw.get("ten_thu_tuc", ""))).strip(),
        "level": raw.get("cap_thuc_hien", ""),
        "field": nfc(raw.get("linh_vuc", "")),
        "methods": [{k: m[k] for k in ("submission_method", "processing_time_qty", "processing_time_unit", "processing_time_text")} for m in methods],
        "fees": [
            {"fee_type": "FEE", "amount_value": m["fee_amount"], "amount_text": m["fee_text"], "submission_method": m["submission_method"]}
            for m in methods
        ],
        "checklist": parse_documents(raw.get("thanh_phan_ho_so", "")),
        "legal_basis": parse_legal_basis(raw.get("can_cu_phap_ly", "")),
        "decision_number": nfc(raw.get("so_quyet_dinh", "")),
        "results": re.split(r"Mã: KQ|Từ khóa", nfc(raw.get("ket_qua_xu_ly", "")))[0].strip()[:300],
        "subject_types": nfc(raw.get("doi_tuong_thuc_hien", ""))[:300],
        "portal_url": url,
        "source": f"Cổng Dịch vụ công quốc gia, thủ tục {code} ({url}); bản thu thập trang năm 2026: {repo}@{commit[:8]} {path}",
        "confidence": "C-3p",
    }
