"""Pure functions of the planning rules (no database): each takes the rule values it applies.

Every check returns issues ``{"code", "severity", "text"}``: severity "block" refuses a planning
entry (and, at the yearly review, proposes a removal); "warn" is shown beside the name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from coso.core.text import format_date

BLOCK, WARN = "block", "warn"
LEVEL_ORDER = ["khong_hoan_thanh", "hoan_thanh", "tot", "xuat_sac"]
LEVEL_NAMES = {"xuat_sac": "Hoàn thành xuất sắc nhiệm vụ", "tot": "Hoàn thành tốt nhiệm vụ", "hoan_thanh": "Hoàn thành nhiệm vụ",
               "khong_hoan_thanh": "Không hoàn thành nhiệm vụ"}


def add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def issue(code: str, severity: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "severity": severity, "text": text, **extra}


def age_issues(*, retirement: dt.date, on: dt.date, term_start: dt.date, term_months: int, preferred_terms: int,
               first_appointment_months: int) -> list[dict[str, Any]]:
    """Enough working time to the actual retirement date.

    Next term (it starts after ``on``): from the term's start at least one full term (hard), and
    ``preferred_terms`` terms (soft). Current term (supplementary planning): from ``on`` at least the
    first-appointment months (Hướng dẫn 06-HD/BTCTW).
    """
    out = []
    if term_start > on:
        left = months_between(term_start, retirement)
        if left < term_months:
            out.append(issue("age", BLOCK, f"Không đủ tuổi công tác trọn nhiệm kỳ: từ đầu nhiệm kỳ ({format_date(term_start)}) đến ngày nghỉ hưu "
                                           f"({format_date(retirement)}) còn {max(left, 0)} tháng, cần ít nhất {term_months} tháng.",
                             months_left=left, required=term_months))
        elif left < preferred_terms * term_months:
            out.append(issue("age_two_terms", WARN, f"Chỉ còn {left} tháng công tác từ đầu nhiệm kỳ, chưa đủ {preferred_terms} nhiệm kỳ "
                                                    f"({preferred_terms * term_months} tháng).", months_left=left))
    else:
        left = months_between(on, retirement)
        if left < first_appointment_months:
            out.append(issue("age", BLOCK, f"Không đủ tuổi công tác: từ ngày xem xét ({format_date(on)}) đến ngày nghỉ hưu ({format_date(retirement)}) "
                                           f"còn {max(left, 0)} tháng, cần ít nhất {first_appointment_months} tháng.",
                             months_left=left, required=first_appointment_months))
    return out


def discipline_issues(disciplines: Iterable[Mapping[str, Any]], *, on: dt.date, wait: Mapping[str, int]) -> list[dict[str, Any]]:
    """Discipline waiting periods before planning or appointment to a higher post (the table in force on ``on``).

    A form the table does not list (e.g. hạ bậc lương, giáng chức) is shown for a human decision.
    """
    out = []
    for d in disciplines:
        form, decided = d["form"], d["decided_on"]
        label = d.get("form_label") or form
        if form in wait:
            until = add_months(decided, int(wait[form]))
            if on < until:
                out.append(issue("discipline", BLOCK, f"Đang trong thời gian chờ sau kỷ luật {label.lower()} ngày {format_date(decided)}: "
                                                      f"chưa được quy hoạch, bổ nhiệm chức vụ cao hơn trước ngày {format_date(until)} "
                                                      f"({wait[form]} tháng).", until=until.isoformat()))
        elif form == "buoc_thoi_viec":
            out.append(issue("discipline", BLOCK, f"Bị kỷ luật buộc thôi việc ngày {format_date(decided)}."))
        elif d.get("valid_until") is None or on <= d["valid_until"]:
            out.append(issue("discipline_review", WARN, f"Bị kỷ luật {label.lower()} ngày {format_date(decided)}: hình thức này chưa có thời hạn chờ "
                                                        "trong quy định; cấp có thẩm quyền xem xét."))
    return out


def evaluation_issues(evaluations: Mapping[int, str], *, year: int, minimum: str) -> list[dict[str, Any]]:
    """The approved level of ``year`` below ``minimum`` (no level: nothing to judge)."""
    level = evaluations.get(year)
    if level and LEVEL_ORDER.index(level) < LEVEL_ORDER.index(minimum):
        return [issue("evaluation", BLOCK, f"Năm {year} xếp loại “{LEVEL_NAMES[level]}”, thấp hơn mức “{LEVEL_NAMES[minimum]}”.")]
    return []


def rank_issues(*, held: str, target: str, ranks: Mapping[str, int], held_name: str, target_name: str) -> list[dict[str, Any]]:
    if target not in ranks:
        return [issue("not_plannable", BLOCK, f"Chức danh “{target_name}” không thuộc diện quy hoạch lãnh đạo, quản lý.")]
    if ranks.get(held, 0) >= ranks[target]:
        return [issue("not_higher", BLOCK, f"Chỉ quy hoạch chức danh cao hơn chức danh đang giữ: “{target_name}” không cao hơn “{held_name}”.")]
    return []


def gap_issues(gaps: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Standards not yet met: planning asks that they be "basically met" (Hướng dẫn 16-HD/BTCTW); shown, not blocking.

    A missing general education or degree is not "basically met" and blocks."""
    out = []
    for g in gaps:
        hard = g["standard"] in ("general_education", "degree_level")
        out.append(issue("standard", BLOCK if hard else WARN, g["text"], standard=g["standard"], required_code=g.get("required_code", "")))
    return out


def structure(members: Iterable[Mapping[str, Any]], *, on: dt.date, young_under: int, science_fields: Iterable[str] = ()) -> dict[str, Any]:
    """Shares of young (age at ``on`` below ``young_under``), women, ethnic minority and science-and-technology qualified (a degree
    in one of ``science_fields``), and the age tiers (5 years apart)."""
    rows = list(members)
    n = len(rows)
    young = sum(1 for m in rows if _age(m["birth_date"], on) < young_under)
    women = sum(1 for m in rows if m["gender"] == "female")
    minority = sum(1 for m in rows if m["is_ethnic_minority"])
    fields = set(science_fields)
    science = sum(1 for m in rows if m.get("degree_field") in fields and m.get("degree_level", "none") != "none")
    tiers = {f"<{young_under}": 0, f"{young_under}–{young_under + 4}": 0, f"{young_under + 5}–{young_under + 9}": 0, f"≥{young_under + 10}": 0}
    for m in rows:
        a = _age(m["birth_date"], on)
        key = list(tiers)[0 if a < young_under else 1 if a < young_under + 5 else 2 if a < young_under + 10 else 3]
        tiers[key] += 1

    def share(k: int) -> float | None:
        return round(100 * k / n, 1) if n else None

    return {"count": n, "young": young, "young_share": share(young), "women": women, "women_share": share(women), "minority": minority,
            "minority_share": share(minority), "science": science, "science_share": share(science), "tiers": tiers}


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
