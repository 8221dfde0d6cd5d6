"""The standards/quota review as Excel and PDF (used by the pages and by the export job)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from coso.core.excel import workbook_bytes
from coso.core.pdf import OfficialDocument, vn_date_line
from coso.core.text import format_date
from coso.workforce import rules, selectors


def _noop(pct: int) -> None:
    return None


def review_rows(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    keys = rules.STANDARD_KEYS
    regimes = list(rules.REGIME_LABELS)
    headers = ["Xã/phường", "Số người", "Đạt đủ chuẩn", "Tỷ lệ đạt chuẩn"] + [f"{rules.STANDARD_LABELS[k]} (tỷ lệ)" for k in keys] + [
        f"{label}: {what}" for code in regimes for label in (rules.REGIME_SHORT[code],) for what in ("số người", "đạt đủ chuẩn")] + [
        "Chưa bố trí vị trí việc làm", "Biên chế", "Căn cứ biên chế", "Hiện có", "Thừa(+)/thiếu(−)", "Nữ (%)", "DTTS (%)", "Nghỉ hưu 1 năm",
        "3 năm", "5 năm", "Đã quá tuổi nghỉ hưu, vẫn công tác"]
    rows = []
    for c in [*result["communes"], result["total"]]:
        quota = c.get("quota") or {}
        by_regime = c.get("regimes", {})
        rows.append([c["name"], c["staff"], c["compliant"], ratio(c["compliance_rate"])] +
                    [ratio(c["by_standard"].get(k, {}).get("rate")) for k in keys] +
                    [by_regime.get(code, {}).get(n, 0) for code in regimes for n in ("staff", "compliant")] +
                    [by_regime.get("job_position", {}).get("unplaced", 0), quota.get("total_quota", ""), quota.get("label", ""),
                     quota.get("total_staff", ""), quota.get("diff", ""), ratio(c["women_share"]),
                     ratio(c["minority_share"]), c["retire"]["1"], c["retire"]["3"], c["retire"]["5"], c.get("retired", 0)])
    return headers, rows


def percent_columns(headers: list[str]) -> list[int]:
    """The columns of ``review_rows`` holding rates (written as numbers with a percent format)."""
    return [i for i, h in enumerate(headers) if h == "Tỷ lệ đạt chuẩn" or h.endswith("(tỷ lệ)") or h.endswith("(%)")]


def ratio(v: float | None) -> float | str:
    """A rate as a spreadsheet number (0.692 shown as 69,2 % by the cell format); empty when nothing was checked."""
    return "" if v is None else float(v)


def place_name(unit: Any) -> str:
    """The place written before ", ngày …" on a document: the unit's name without its kind ("Phường Bến Thành" → "Bến Thành")."""
    if unit is None:
        return ""
    name = str(unit.name)
    for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thị trấn ", "Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def regime_notes(result: dict[str, Any]) -> list[str]:
    """One line per set of standards used in the review: what it is, how many people, how many meet it."""
    out = []
    for g in result["total"].get("regimes", {}).values():
        line = f"{g['label']}: {g['staff']} người, đạt đủ chuẩn {g['compliant']} ({pct(g['rate'])})"
        if g.get("unplaced"):
            line += f"; {g['unplaced']} người chưa được bố trí vào vị trí việc làm (chỉ đối chiếu tiêu chuẩn chung)"
        out.append(line)
    return out


def pct(v: float | None) -> str:
    return "" if v is None else f"{v * 100:.1f}%".replace(".", ",")


def review_xlsx(user: Any, *, on: dt.date, commune: str = "", progress: Callable[[int], None] = _noop) -> bytes:
    result = selectors.review(fetched_by=user, on=on, commune=commune, people_limit=100_000)
    progress(70)
    headers, rows = review_rows(result)
    sheets: list[dict[str, Any]] = [
        {"title": "Tổng hợp", "heading": [f"Rà soát đội ngũ theo tiêu chuẩn chức danh – ngày {format_date(on)}"], "headers": headers, "rows": rows,
         "percent_cols": percent_columns(headers)},
        {"title": "Căn cứ", "headers": ["Căn cứ tiêu chuẩn và biên chế"], "widths": [140], "rows": [[line] for line in regime_notes(result)]}]
    if commune:
        sheets.append({"title": "Chưa đạt chuẩn", "headers": ["Họ và tên", "Chức vụ", "Căn cứ", "Tiêu chuẩn chưa đạt"],
                       "rows": [[p["full_name"], p["position"], p["regime_short"], "; ".join(g["text"] for g in p["gaps"])] for p in result["people"]]})
        sheets.append({"title": "Quá tuổi nghỉ hưu", "headers": ["Họ và tên", "Chức vụ", "Ngày nghỉ hưu dự kiến"], "widths": [30, 40, 22],
                       "rows": [[p["full_name"], p["position"], p["retirement_date"]] for p in result.get("retired_people", [])]})
    data = workbook_bytes(sheets)
    progress(95)
    return data


def review_pdf(user: Any, *, on: dt.date, progress: Callable[[int], None] = _noop) -> bytes:
    result = selectors.review(fetched_by=user, on=on)
    progress(70)
    unit = getattr(user, "unit", None)
    place = place_name(unit) or "……"
    doc = OfficialDocument(title="BÁO CÁO RÀ SOÁT ĐỘI NGŨ CÁN BỘ, CÔNG CHỨC", subtitle=f"Theo tiêu chuẩn chức danh, tính đến ngày {format_date(on)}",
                           agency_lines=[(unit.name if unit else "CƠ QUAN QUẢN LÝ").upper()], place_date=vn_date_line(place, timezone.localdate()))
    t = result["total"]
    doc.paragraph(f"Tổng số: {t['staff']} người; đạt đủ chuẩn {t['compliant']} ({pct(t['compliance_rate'])}); nữ {pct(t['women_share'])}; "
                  f"dân tộc thiểu số {pct(t['minority_share'])}; đến tuổi nghỉ hưu trong 1/3/5 năm: {t['retire']['1']}/{t['retire']['3']}/{t['retire']['5']}.")
    if t.get("retired"):
        doc.paragraph(f"Đã qua ngày nghỉ hưu dự kiến nhưng vẫn đang công tác: {t['retired']} người (cần ra quyết định nghỉ hưu hoặc cập nhật ngày thôi việc).")
    for line in regime_notes(result):
        doc.paragraph(f"{line}.")
    bases = sorted({c["quota"]["label"] for c in result["communes"] if (c.get("quota") or {}).get("label")})
    if bases:
        doc.paragraph("Biên chế theo: " + "; ".join(bases) + ".")
    doc.spacer()
    rows: list[list[Any]] = [["Xã/phường", "Số người", "Tỷ lệ đạt chuẩn", "Biên chế", "Thừa/thiếu", "Nữ", "Nghỉ hưu 5 năm", "Quá tuổi nghỉ hưu"]]
    for c in result["communes"]:
        q = c.get("quota") or {}
        rows.append([c["name"], c["staff"], pct(c["compliance_rate"]), q.get("total_quota", ""), q.get("diff", ""), pct(c["women_share"]), c["retire"]["5"],
                     c.get("retired", 0)])
    doc.table(rows, align_right_cols=(1, 2, 3, 4, 5, 6, 7))
    doc.spacer()
    rows = [["Tiêu chuẩn", "Số người áp dụng", "Đạt", "Tỷ lệ"]]
    for k, v in t["by_standard"].items():
        rows.append([rules.STANDARD_LABELS[k], v["checked"], v["met"], pct(v["rate"])])
    doc.table(rows, align_right_cols=(1, 2, 3))
    doc.signature(right_title="NGƯỜI LẬP BÁO CÁO", right_name=user.display_name)
    data = doc.build()
    progress(95)
    return data
