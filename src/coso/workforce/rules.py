"""The pure functions that apply the workforce rules, and the workforce catalogues.

The rule values (standards, quotas, the retirement roadmap, evaluation thresholds) are dated rows of
the rule book (declared in ``rule_keys.py``, shipped in ``data/rules.json``); ``policy.py`` reads them
once per run from a rule-book snapshot and hands them to the functions here. Nothing here touches the
database: every function takes plain values, so the rules are tested directly (with dated cases and
hypothesis) and the review runs over hundreds of thousands of rows without an ORM object per person.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

DATA_DIR = Path(__file__).parent / "data"

# Ordered levels (index = rank). A requirement is met when the person's rank >= the required rank.
LEVELS: dict[str, list[str]] = {
    "general_education": ["none", "thcs", "thpt"],
    "degree_level": ["none", "so_cap", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"],
    "political_theory": ["none", "so_cap", "trung_cap", "cao_cap"],
    "state_management": ["none", "chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"],
    "it": ["none", "co_ban", "nang_cao"],
    "foreign_language": ["none", "bac1", "bac2", "bac3", "bac4", "bac5", "bac6"],
}
LEVEL_LABELS: dict[str, dict[str, str]] = {
    "general_education": {"none": "Chưa tốt nghiệp THCS", "thcs": "THCS (9/12)", "thpt": "THPT (12/12)"},
    "degree_level": {"none": "Chưa qua đào tạo", "so_cap": "Sơ cấp", "trung_cap": "Trung cấp", "cao_dang": "Cao đẳng",
                     "dai_hoc": "Đại học", "thac_si": "Thạc sĩ", "tien_si": "Tiến sĩ"},
    "political_theory": {"none": "Chưa có", "so_cap": "Sơ cấp", "trung_cap": "Trung cấp", "cao_cap": "Cao cấp/Cử nhân"},
    "state_management": {"none": "Chưa có", "chuyen_vien": "Chuyên viên", "chuyen_vien_chinh": "Chuyên viên chính",
                         "chuyen_vien_cao_cap": "Chuyên viên cao cấp"},
    "it": {"none": "Chưa có", "co_ban": "Cơ bản", "nang_cao": "Nâng cao"},
    "foreign_language": {"none": "Chưa có", "bac1": "Bậc 1", "bac2": "Bậc 2", "bac3": "Bậc 3", "bac4": "Bậc 4", "bac5": "Bậc 5", "bac6": "Bậc 6"},
}
DEGREE_FIELDS: dict[str, str] = {
    "luat": "Luật", "kinh_te": "Kinh tế", "tai_chinh_ke_toan": "Tài chính – kế toán", "hanh_chinh": "Hành chính",
    "dia_chinh": "Địa chính – quản lý đất đai", "xay_dung": "Xây dựng", "moi_truong": "Môi trường", "nong_nghiep": "Nông nghiệp",
    "van_hoa": "Văn hóa", "xa_hoi": "Xã hội học, công tác xã hội", "giao_duc": "Sư phạm – giáo dục", "y_te": "Y tế",
    "cntt": "Công nghệ thông tin", "van_thu": "Văn thư – lưu trữ", "quan_su": "Quân sự cơ sở", "khac": "Ngành khác",
}
STANDARD_LABELS: dict[str, str] = {
    "age": "Tuổi", "general_education": "Giáo dục phổ thông", "degree_level": "Trình độ chuyên môn",
    "degree_field": "Chuyên ngành phù hợp", "political_theory": "Lý luận chính trị", "state_management": "Quản lý nhà nước",
    "it": "Tin học", "foreign_language": "Ngoại ngữ",
}
STANDARD_KEYS = list(STANDARD_LABELS)
KINDS: dict[str, str] = {
    "cadre": "Cán bộ", "civil_servant": "Công chức",
    "commune_part_time": "Người hoạt động không chuyên trách cấp xã", "village_part_time": "Người hoạt động không chuyên trách ở thôn, tổ dân phố",
}

REGIME_LABELS: dict[str, str] = {
    "nd33": "Chức danh, chức vụ theo Nghị định 33/2023/NĐ-CP",
    "job_position": "Vị trí việc làm (Luật Cán bộ, công chức 80/2025/QH15; Nghị định 361/2025/NĐ-CP)",
}
REGIME_SHORT: dict[str, str] = {"nd33": "NĐ 33/2023", "job_position": "Vị trí việc làm"}


# ---------------------------------------------------------------- catalogue (names and offices, not legal numbers)
@cache
def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / "positions.json").read_text(encoding="utf-8"))
    return data


def positions() -> dict[str, dict[str, Any]]:
    return _positions()


@cache
def _positions() -> dict[str, dict[str, Any]]:
    return {p["code"]: p for p in _catalogue()["positions"]}


@cache
def offices() -> dict[str, dict[str, Any]]:
    return {o["code"]: o for o in _catalogue()["offices"]}


def position_name(code: str) -> str:
    """The position's name in the active language (names listed for translation in position_names.py)."""
    name = positions().get(code, {}).get("name")
    return gettext(name) if name else code


def office_name(code: str) -> str:
    """The office's name in the active language (names listed for translation in position_names.py)."""
    name = offices().get(code, {}).get("name")
    return gettext(name) if name else code


def office_of(position_code: str) -> str:
    return positions().get(position_code, {}).get("office", "")


# ---------------------------------------------------------------- retirement
def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retirement_age_months(year: int, gender: str, roadmap: Mapping[str, Any]) -> int:
    """Retirement age in months for someone who reaches it in ``year``, by the roadmap of their sex.

    ``roadmap`` is the value of the rule ``workforce.retirement.roadmap`` (Labour Code 2019 Art. 169;
    Decree 135/2020 Art. 4): per sex the age before the roadmap, its start year and age, the step per
    year and the cap.
    """
    g = roadmap["female" if gender == "female" else "male"]
    if year < g["start_year"]:
        return int(g["before_months"])
    return int(min(g["start_age_months"] + g["step_months"] * (year - g["start_year"]), g["cap_months"]))


def min_retirement_months(roadmap: Mapping[str, Any]) -> int:
    """The youngest retirement age of the roadmap (to narrow a query before the exact check)."""
    return int(min(min(g["before_months"], g["start_age_months"]) for g in roadmap.values()))


def retirement_age(birth: dt.date, gender: str, roadmap: Mapping[str, Any]) -> int:
    """Months of age at retirement: the roadmap age of the year in which the person reaches it (Decree 135/2020 Annex I)."""
    g = roadmap["female" if gender == "female" else "male"]
    start = g["start_year"]
    if add_months(birth, retirement_age_months(start - 1, gender, roadmap)).year < start:
        return retirement_age_months(start - 1, gender, roadmap)
    first = retirement_age_months(start, gender, roadmap)
    cap = int(g["cap_months"])
    step = int(g["step_months"])
    cap_year = start + (math.ceil((cap - first) / step) if step else 0)
    earliest = add_months(birth, first).year  # no roadmap age is reached before the first one is
    if earliest > cap_year:
        return cap
    year = max(start, earliest)
    while True:
        months = retirement_age_months(year, gender, roadmap)
        if add_months(birth, months).year <= year:
            return months
        year += 1


def retirement_date(birth: dt.date, gender: str, roadmap: Mapping[str, Any]) -> dt.date:
    """The day after the last day of the month in which the retirement age is reached (Decree 135/2020 Art. 6)."""
    reached = add_months(dt.date(birth.year, birth.month, 1), retirement_age(birth, gender, roadmap))
    return add_months(reached, 1)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ---------------------------------------------------------------- standards
def compose_standard(parts: Iterable[tuple[Mapping[str, Any] | None, str]], *, regime: str, placed: bool = True,
                     difficult_floor: str = "", difficult_area: bool = False, difficult_source: str = "") -> dict[str, Any]:
    """One requirement from its parts, each ``(standard, source)``: the kind's standard, then the position's on top.

    ``regime`` says which set of standards the parts come from (``nd33``: Decree 33/2023 titles;
    ``job_position``: job positions since 1/7/2025). In a difficult area the degree level is lowered
    to ``difficult_floor`` (Decree 33/2023 Art. 10(3)) unless a part is marked ``difficult_area_exempt``.
    """
    req: dict[str, Any] = {}
    sources: list[str] = []
    exempt = False
    for part, source in parts:
        if not part:
            continue
        for key, value in part.items():
            if key in ("name", "office", "difficult_area_exempt"):
                continue
            if value is None:
                req.pop(key, None)
            else:
                req[key] = value
        exempt = exempt or bool(part.get("difficult_area_exempt"))
        if source and source not in sources:
            sources.append(source)
    if difficult_area and difficult_floor and not exempt and req.get("degree_level"):
        ranks = LEVELS["degree_level"]
        if ranks.index(req["degree_level"]) > ranks.index(difficult_floor):
            req["degree_level"] = difficult_floor
            sources.append(f"Ngoại lệ vùng khó khăn ({difficult_source or 'Nghị định 33/2023/NĐ-CP, Điều 10 khoản 3'})")
    req["_regime"] = regime
    req["_rule_set"] = REGIME_LABELS.get(regime, regime)
    req["_placed"] = placed
    req["_sources"] = sources
    return req


def _rank(key: str, value: str | None) -> int:
    try:
        return LEVELS[key].index(value or "none")
    except ValueError:
        return 0


def check_standards(person: dict[str, Any], req: dict[str, Any] | None, on: dt.date) -> list[dict[str, str]]:
    """Gaps of one person against a requirement: [{standard, required, actual}], empty when every standard is met.

    ``person`` holds birth_date and the qualification codes (general_education, degree_level,
    degree_field, political_theory, state_management, it, foreign_language).
    """
    if not req:
        return []
    gaps: list[dict[str, str]] = []
    age_min = req.get("age_min")
    if age_min and person.get("birth_date") and age_on(person["birth_date"], on) < age_min:
        gaps.append({"standard": "age", "required": f"≥ {age_min}", "actual": str(age_on(person["birth_date"], on))})
    for key in ("general_education", "degree_level", "political_theory", "state_management", "it", "foreign_language"):
        need = req.get(key)
        if need and _rank(key, person.get(key)) < _rank(key, need):
            gaps.append({"standard": key, "required": LEVEL_LABELS[key][need], "actual": LEVEL_LABELS[key].get(person.get(key) or "none", "")})
    fields = req.get("degree_fields")
    has_level = bool(req.get("degree_level")) and _rank("degree_level", person.get("degree_level")) >= _rank("degree_level", req.get("degree_level"))
    if fields and has_level and person.get("degree_field") not in fields:
        gaps.append({"standard": "degree_field", "required": ", ".join(DEGREE_FIELDS.get(f, f) for f in fields),
                     "actual": DEGREE_FIELDS.get(person.get("degree_field") or "", "—")})
    return gaps


def gap_text(gap: dict[str, str]) -> str:
    return f"{STANDARD_LABELS[gap['standard']]}: cần {gap['required']}, hiện có {gap['actual'] or '—'}"


def checked_standards(req: dict[str, Any] | None) -> list[str]:
    """The standards a requirement actually asks for (the denominators of compliance rates)."""
    if not req:
        return []
    out = []
    if req.get("age_min"):
        out.append("age")
    for key in ("general_education", "degree_level"):
        if req.get(key):
            out.append(key)
    if req.get("degree_fields") and req.get("degree_level"):
        out.append("degree_field")
    for key in ("political_theory", "state_management", "it", "foreign_language"):
        if req.get(key):
            out.append(key)
    return out


# ---------------------------------------------------------------- quotas
def decree33_quota(rule: Mapping[str, Any], standards: Mapping[str, Any], *, unit_kind: str, classification: str, population: int | None,
                   area_km2: float | None, phuong_thuoc_quan: bool = False) -> dict[str, int]:
    """Decree 33/2023 Art. 6: cadres + civil servants by type and class, plus population and area add-ons.

    ``rule`` is ``workforce.quota.decree33``, ``standards`` ``workforce.quota.unit_standards``.
    """
    family = "phuong" if unit_kind == "phuong" else "xa"  # "Xã, thị trấn" share a row; đặc khu counted as xã [I]
    cls = classification if classification in ("I", "II", "III") else "III"
    base = int(rule["base"][family][cls])
    extra_pop = 0
    pop_std = standards["population_standard"][family]
    if population and population > pop_std:
        step = rule["population_step"]["phuong_thuoc_quan" if phuong_thuoc_quan else "other"] * pop_std
        extra_pop = math.floor((population - pop_std) / step + 1e-9)
    extra_area = 0
    area_std = standards["area_standard_km2"][family]
    if area_km2 and float(area_km2) > area_std:
        extra_area = math.floor((float(area_km2) - area_std) / (area_std * rule["area_step"]) + 1e-9)
    return {"base": base, "population": extra_pop, "area": extra_area, "total": base + extra_pop + extra_area,
            "part_time_max": int(rule["part_time_max"][cls]) + extra_pop + extra_area}


# ---------------------------------------------------------------- evaluation
LEVEL_NAMES = {
    "xuat_sac": "Hoàn thành xuất sắc nhiệm vụ", "tot": "Hoàn thành tốt nhiệm vụ",
    "hoan_thanh": "Hoàn thành nhiệm vụ", "khong_hoan_thanh": "Không hoàn thành nhiệm vụ",
}
DISCIPLINE_FORMS = {
    "khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo", "ha_bac_luong": "Hạ bậc lương", "giang_chuc": "Giáng chức",
    "cach_chuc": "Cách chức", "buoc_thoi_viec": "Buộc thôi việc",
}


def item_points(points: float, *, completed: bool, penalty: float, failed_reviews: int = 0, delays: int = 0,
                excused: bool = False) -> tuple[float, float]:
    """(earned, counted) points of one work item under Decree 335/2025.

    A completed item loses ``penalty`` (a share: 0.25 under Decree 335/2025) of its points per failed quality review and per delay,
    never below zero. An excused cause (confirmed objective reason) removes the deductions, and an
    unfinished excused item leaves the denominator.
    """
    if excused:
        return (points, points) if completed else (0.0, 0.0)
    if not completed:
        return 0.0, points
    return max(0.0, points * (1 - penalty * (failed_reviews + delays))), points


def task_score(items: Iterable[Mapping[str, Any]], rule: dict[str, Any]) -> float:
    earned = counted = 0.0
    for it in items:
        e, c = item_points(float(it["points"]), completed=bool(it["completed"]), failed_reviews=int(it.get("failed_reviews") or 0),
                           delays=int(it.get("delays") or 0), excused=bool(it.get("excused")), penalty=rule["penalty_per_event"])
        earned += e
        counted += c
    if counted <= 0:
        return 0.0
    return round(rule["task_max"] * earned / counted, 2)


def classify_335(score: float, rule: dict[str, Any], *, disciplined: bool = False, degradation: bool = False,
                 leader_corruption: bool = False) -> tuple[str, list[str]]:
    """Level and the reasons for an automatic 'không hoàn thành' (Decree 335/2025)."""
    reasons = []
    if disciplined:
        reasons.append("Bị kỷ luật từ khiển trách trở lên trong năm")
    if degradation:
        reasons.append("Có kết luận suy thoái, “tự diễn biến”, “tự chuyển hóa”")
    if leader_corruption:
        reasons.append("Để xảy ra tham nhũng, lãng phí trong đơn vị phụ trách")
    t = rule["thresholds"]
    if score < t["hoan_thanh"]:
        reasons.append(f"Điểm {score:g} dưới {float(t['hoan_thanh']):g}")
    if reasons:
        return "khong_hoan_thanh", reasons
    if score >= t["xuat_sac"]:
        return "xuat_sac", []
    if score >= t["tot"]:
        return "tot", []
    return "hoan_thanh", []


def quota_allowed(levels: Iterable[str], rule: dict[str, Any]) -> int:
    """How many "excellent" the quota allows for these levels of one group."""
    q = rule["quota"]
    return math.floor(q["max_ratio"] * list(levels).count(q["basis"]) + 1e-9)


def quota_excess(levels: Iterable[str], rule: dict[str, Any]) -> dict[str, Any] | None:
    """None when the 'excellent' count respects the quota, otherwise the figures of the excess."""
    levels = list(levels)
    q = rule["quota"]
    excellent = levels.count("xuat_sac")
    basis = levels.count(q["basis"])
    allowed = quota_allowed(levels, rule)
    if excellent <= allowed:
        return None
    return {"excellent": excellent, "basis": basis, "allowed": allowed, "excess": excellent - allowed, "ratio": q["max_ratio"]}
