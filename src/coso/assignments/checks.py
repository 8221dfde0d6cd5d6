"""The rules of assigning a person to a post, each checked and explained (pass / fail / unverified / not applicable).

``AssignRules`` reads the rule values in force on one date for one province (one rule-book snapshot); the
``check_*`` functions are pure: they take plain facts (from the workforce and planning selectors) and return one
result each: {code, label, status, reason, source, confidence}.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import get_language, gettext, gettext_noop

from coso.rules.lookup import RuleIndex, RuleRef, book

PASS, FAIL, UNVERIFIED, NA = "pass", "fail", "unverified", "na"
_TRANSLATED: dict[tuple[str | None, str], str] = {}


def _(message: str) -> str:
    """``gettext`` remembered per language: the checks run for every person × post pair (hundreds of thousands when
    matching), and the catalogue lookup dominated their cost."""
    key = (get_language(), message)
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = gettext(message)
    return text
ART38 = "Nghị định 59/2019/NĐ-CP, Điều 38"
ART34 = "Quy định 377-QĐ/TW, Điều 34 (Quy định 80-QĐ/TW, Điều 18 trước 08/10/2025)"
RULE_LABELS = {  # marked with gettext_noop, translated where shown
    "planning": gettext_noop("Trong quy hoạch chức danh này hoặc chức danh tương đương"),
    "standards": gettext_noop("Đạt tiêu chuẩn của chức danh"),
    "nonlocal": gettext_noop("Không phải người địa phương (chức danh bố trí người không phải người địa phương)"),
    "retirement": gettext_noop("Không trong thời gian gần đến tuổi nghỉ hưu"),
    "exemption": gettext_noop("Không thuộc trường hợp chưa chuyển đổi vị trí (Nghị định 59/2019, Điều 38)"),
    "time_in_post": gettext_noop("Đủ thời gian giữ chức vụ hiện tại"),
}


def months_between(a: dt.date, b: dt.date) -> int:
    """Whole months from ``a`` to ``b`` (negative when ``b`` is earlier)."""
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if months > 0 and b.day < a.day:
        months -= 1
    elif months < 0 and b.day > a.day:
        months += 1
    return months


def _src(ref: RuleRef | None) -> tuple[str, str]:
    return (ref.source_text, ref.confidence) if ref is not None else ("", "")


class AssignRules:
    """The assignment rule values on one date for one province."""

    def __init__(self, on: dt.date, province_code: str = "", commune_code: str = "", index: RuleIndex | None = None):
        b = index if index is not None else book()
        self.on = on
        self.key = (on, province_code, commune_code)

        def ref(key: str) -> RuleRef | None:
            return b.get(key, on, province_code, commune_code)

        r = ref("assignments.appointment.min_months_in_post")
        self.min_months_in_post, self.src_in_post = (int(r.value) if r else None), _src(r)
        r = ref("assignments.appointment.min_months_to_retirement")
        self.min_months_to_retirement, self.src_retirement = (int(r.value) if r else None), _src(r)
        r = ref("assignments.nonlocal.positions")
        self.nonlocal_positions, self.src_nonlocal = (set(r.value["positions"]) if r else set()), _src(r)
        r = ref("assignments.nonlocal.local_person")
        self.local_born, self.local_years, self.src_local = (bool(r.value["born_there"]) if r else True), (int(r.value["min_years"]) if r else 0), _src(r)
        r = ref("assignments.fit.weights")
        self.weights = dict(r.value) if r else dict.fromkeys(("planned_exact", "planned_equivalent", "per_year_to_retirement", "per_year_in_post",
                                                               "same_commune", "unverified"), 0) | {"years_to_retirement_cap": 1, "years_in_post_cap": 1}
        r = ref("assignments.posts.leader_slots")
        self.slots = dict(r.value["slots"]) if r else {}
        self.sectors: dict[str, dict[str, Any]] = {}
        for key in b.keys("assignments.rotation.sector."):
            sref = b.get(key, on, province_code, commune_code)
            if sref is not None:
                self.sectors[key.rsplit(".", 1)[1]] = {**sref.value, "source": sref.source_text, "confidence": sref.confidence}
        self.plan_quarter = int(b.value("assignments.rotation.plan_quarter", on, province_code, commune_code, default=1))

    def sector_of(self, position_code: str) -> tuple[str, dict[str, Any]] | None:
        for code, sector in sorted(self.sectors.items()):
            if position_code in sector["positions"]:
                return code, sector
        return None


def result(code: str, status: str, reason: str, source: tuple[str, str] = ("", "")) -> dict[str, Any]:
    return {"code": code, "label": _(RULE_LABELS[code]), "status": status, "reason": reason, "source": source[0], "confidence": source[1]}


def check_planning(*, target: str, target_commune: str, entries: list[dict[str, Any]], ranks: dict[str, int], target_name: str) -> dict[str, Any]:
    """QĐ 377 Art. 34: a leader post is filled from the planning for that post or an equivalent or higher one."""
    rank = ranks.get(target)
    if rank is None:
        return result("planning", NA, _("“%(post)s” không thuộc diện quy hoạch lãnh đạo, quản lý.") % {"post": target_name}, (ART34, "C"))
    exact = [e for e in entries if e["position_code"] == target and e["commune_code"] == target_commune]
    if exact:
        e = exact[0]
        return result("planning", PASS, _("Trong quy hoạch “%(post)s” nhiệm kỳ %(term)s (%(decision)s).") % {
            "post": target_name, "term": e["term"], "decision": e["decision"]}, (ART34, "C"))
    equivalent = [e for e in entries if e["rank"] >= rank]
    if equivalent:
        e = equivalent[0]
        return result("planning", PASS, _("Trong quy hoạch chức danh tương đương hoặc cao hơn (%(post)s, nhiệm kỳ %(term)s, %(decision)s).") % {
            "post": e.get("position_name", e["position_code"]), "term": e["term"], "decision": e["decision"]}, (ART34, "C"))
    return result("planning", FAIL, _("Không có trong quy hoạch “%(post)s” hoặc chức danh tương đương.") % {"post": target_name}, (ART34, "C"))


def check_standards(gaps: list[dict[str, Any]], *, target_name: str) -> dict[str, Any]:
    if not gaps:
        return result("standards", PASS, _("Đạt các tiêu chuẩn của “%(post)s” đang áp dụng.") % {"post": target_name}, (ART34, "C"))
    return result("standards", FAIL, _("Chưa đạt: %(gaps)s.") % {"gaps": "; ".join(g["text"] for g in gaps)}, (ART34, "C"))


def local_status(*, family: set[str], birth_commune: str | None, other_years: dict[str, Any], history: list[dict[str, Any]], on: dt.date,
                 r: AssignRules, windows: list[tuple[str, dt.date | None, dt.date | None]] | None = None) -> tuple[bool | None, str]:
    """Whether the person is local to a commune under the province's definition: born there (when it counts), or at least
    ``min_years`` lived, studied or worked there (position history plus the years recorded outside it). None when it
    cannot be told (birthplace not recorded). ``family`` holds the commune's code; with ``windows`` (code, first day or
    None, day it ended or None: the commune's own code from the day it came into force and each old commune it took over
    while that commune was in force, ``coso.units.lineage.locality_windows``) a day of the history counts only inside a
    window of its code — old codes are reused by new communes, so the day of a record decides what its code means."""
    everywhere = family | {code for code, _start, _end in (windows or [])}
    days = 0
    for h in history:
        if h["started_on"] > on:
            continue
        start, end = h["started_on"], min(h["ended_on"] or on, on)
        if windows is None:
            if h["commune_code"] in family:
                days += max(0, (end - start).days + 1)
            continue
        for code, w_start, w_end in windows:
            if h["commune_code"] != code:
                continue
            first = max(start, w_start) if w_start is not None else start
            last = min(end, w_end - dt.timedelta(days=1)) if w_end is not None else end
            days += max(0, (last - first).days + 1)
    years = days / 365.25 + sum(float(v or 0) for code, v in (other_years or {}).items() if code in everywhere)
    if years >= r.local_years:
        return True, _("Đã sinh sống, công tác tại địa phương %(years)s năm (từ đủ %(min)s năm là người địa phương).") % {
            "years": f"{years:.1f}", "min": r.local_years}
    if birth_commune is None:
        return None, _("Chưa ghi nơi sinh: chưa xác định được là người địa phương hay không (công tác tại địa phương %(years)s năm).") % {
            "years": f"{years:.1f}"}
    if r.local_born and birth_commune in everywhere:
        return True, _("Sinh ra tại địa phương.")
    return False, _("Không sinh ra tại địa phương; sinh sống, công tác tại địa phương %(years)s năm (dưới %(min)s năm).") % {
        "years": f"{years:.1f}", "min": r.local_years}


def check_nonlocal(*, target: str, target_name: str, local: bool | None, reason: str, r: AssignRules) -> dict[str, Any]:
    if not r.local_years:
        return _no_rule("nonlocal", r.on)
    if target not in r.nonlocal_positions:
        return result("nonlocal", NA, _("“%(post)s” không thuộc chức danh bố trí người không phải người địa phương.") % {"post": target_name},
                      r.src_nonlocal)
    status = {True: FAIL, False: PASS, None: UNVERIFIED}[local]
    return result("nonlocal", status, reason + " " + _("Định nghĩa người địa phương: %(src)s.") % {"src": r.src_local[0]}, r.src_nonlocal)


def _no_rule(code: str, on: dt.date) -> dict[str, Any]:
    return result(code, NA, _("Chưa có quy định áp dụng ngày %(day)s.") % {"day": on.strftime("%d/%m/%Y")})


def check_retirement(*, retirement_date: dt.date, on: dt.date, r: AssignRules) -> dict[str, Any]:
    if r.min_months_to_retirement is None:
        return _no_rule("retirement", on)
    left = months_between(on, retirement_date)
    text = _("Nghỉ hưu ngày %(day)s: còn %(left)s tháng (cần từ %(min)s tháng).") % {
        "day": retirement_date.strftime("%d/%m/%Y"), "left": max(left, 0), "min": r.min_months_to_retirement}
    return result("retirement", PASS if left >= r.min_months_to_retirement else FAIL, text, r.src_retirement)


def check_exemption(exemptions: list[dict[str, Any]], *, on: dt.date) -> dict[str, Any]:
    active = [e for e in exemptions if e["valid_from"] <= on and (e["valid_to"] is None or on <= e["valid_to"])]
    if not active:
        return result("exemption", PASS, _("Không có trường hợp tạm chưa chuyển đổi vị trí đang áp dụng."), (ART38, "C-3p"))
    e = active[0]
    until = e["valid_to"].strftime("%d/%m/%Y") if e["valid_to"] else _("chưa xác định")
    return result("exemption", FAIL, _("%(reason)s (từ %(start)s đến %(end)s).") % {
        "reason": e["reason_label"], "start": e["valid_from"].strftime("%d/%m/%Y"), "end": until}, (ART38, "C-3p"))


def check_time_in_post(*, started_on: dt.date | None, on: dt.date, held_name: str, r: AssignRules) -> dict[str, Any]:
    if r.min_months_in_post is None:
        return _no_rule("time_in_post", on)
    if started_on is None:
        return result("time_in_post", UNVERIFIED, _("Chưa ghi ngày bắt đầu giữ chức vụ hiện tại."), r.src_in_post)
    months = months_between(started_on, on)
    text = _("Giữ “%(post)s” (hoặc chức vụ tương đương) từ %(day)s: %(months)s tháng (cần từ %(min)s tháng).") % {
        "post": held_name or "—", "day": started_on.strftime("%d/%m/%Y"), "months": max(months, 0), "min": r.min_months_in_post}
    return result("time_in_post", PASS if months >= r.min_months_in_post else FAIL, text, r.src_in_post)


def fit_score(checks: list[dict[str, Any]], *, planned_exact: bool, planned_equivalent: bool, retirement_date: dt.date,
              started_on: dt.date | None, same_commune: bool, on: dt.date, r: AssignRules) -> int:
    """Ranking points of an eligible person (weights are a provincial rule); never below 0."""
    w = r.weights
    score = w["planned_exact"] if planned_exact else (w["planned_equivalent"] if planned_equivalent else 0)
    score += w["per_year_to_retirement"] * min(max(months_between(on, retirement_date), 0) // 12, w["years_to_retirement_cap"])
    if started_on is not None:
        score += w["per_year_in_post"] * min(max(months_between(started_on, on), 0) // 12, w["years_in_post_cap"])
    score += w["same_commune"] if same_commune else 0
    score -= w["unverified"] * sum(1 for c in checks if c["status"] == UNVERIFIED)
    return max(0, int(score))


def eligible(checks: list[dict[str, Any]]) -> bool:
    return not any(c["status"] == FAIL for c in checks)


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    import calendar

    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def equivalent_since(history: list[dict[str, Any]], *, on: dt.date, ranks: dict[str, int], fallback: dt.date | None) -> dt.date | None:
    """The day since which the person holds the current post or an equivalent one without a break (QĐ 80 Art. 18: "the
    current or an equivalent post"): back through the position history while each earlier post ranks no lower (the
    planning ranks; posts outside them rank 0, e.g. a Decree 33 title and the job position that replaced it on 1/7/2025)."""
    rows = sorted((h for h in history if h["started_on"] <= on), key=lambda h: h["started_on"])
    if not rows:
        return fallback
    current = rows[-1]
    if current["ended_on"] is not None and current["ended_on"] < on:
        return fallback
    since = current["started_on"]
    rank = ranks.get(current["position_code"], 0)
    for h in reversed(rows[:-1]):
        if h["ended_on"] is None or (since - h["ended_on"]).days > 1 or ranks.get(h["position_code"], 0) < rank:
            break
        since = h["started_on"]
    return since
