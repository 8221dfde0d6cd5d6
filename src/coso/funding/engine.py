"""The allocation engine: pure computation over plain data (no ORM inside the loops).

Computation is month by month with the rule in force on the first day of each month. Consecutive months
of the same calendar year with the same rules are computed together (a *segment*), which gives the same
result as computing each month and adding, only faster.

Rounding (the one documented point):
- a monthly amount "coefficient × base salary" is rounded half-up to whole đồng per month, then multiplied by
  the number of months;
- an annual norm A (đ/năm) is spread over the months of its calendar year by cumulative rounding: month m gets
  round(A·m/12) − round(A·(m−1)/12), so the twelve months of a year add up to exactly A, and months
  m1..m2 together get round(A·m2/12) − round(A·(m1−1)/12).
Every figure is thus a whole number of đồng and a period's figure is exactly the sum of its months.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from coso.funding import errors
from coso.funding.rules import BASE_SALARY, COMMUNE_PREFIXES, VILLAGE_PREFIXES, RuleBook, RuleRef
from coso.rules.lookup import RuleMissingError

ONE = Decimal(1)
TWELVE = Decimal(12)
THON_KINDS = frozenset({"thon", "ap", "ban"})

CATEGORIES = [
    ("commune_pt", "Quỹ phụ cấp NHĐKCT cấp xã"),
    ("village_fund", "Quỹ phụ cấp thôn, TDP"),
    ("village_activist", "Hỗ trợ người hoạt động ở thôn, TDP"),
    ("mttq", "UB MTTQ xã"),
    ("ctmt", "Ban công tác Mặt trận khu dân cư"),
    ("orgs", "Tổ chức chính trị - xã hội"),
    ("associations", "Hội đặc thù"),
]
CATEGORY_LABELS = dict(CATEGORIES)
ORG_LABELS = {"mttq": "UB MTTQ", "doan": "Đoàn TN", "phu_nu": "Hội LHPN", "nong_dan": "Hội Nông dân", "ccb": "Hội CCB", "association": "Hội đặc thù"}


def rnd(x: Decimal) -> int:
    return int(x.quantize(ONE, rounding=ROUND_HALF_UP))


def annual_share(annual: Decimal | int, m1: int, m2: int) -> int:
    """The part of an annual norm for months m1..m2 (1-based, inclusive) of one calendar year."""
    whole = int(annual)
    if whole == annual and whole >= 0:  # integers: round half up of A·m/12 is (2·A·m + 12) // 24
        return (2 * whole * m2 + 12) // 24 - (2 * whole * (m1 - 1) + 12) // 24
    annual = Decimal(annual)
    return rnd(annual * m2 / TWELVE) - rnd(annual * (m1 - 1) / TWELVE)


def fmt_money(value: Decimal | int) -> str:
    return f"{rnd(Decimal(value)):,}".replace(",", ".") + " đ"


def fmt_coef(value: Decimal) -> str:
    v = Decimal(value).normalize()
    text = format(v, "f")
    if "." not in text:
        text += ".0"
    return text.replace(".", ",")


# ----------------------------------------------------------------------------- periods

@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of the first month
    months: int
    label: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2026" (year), "2026-Q2" (quarter), "2026-05" (month)."""

        t = (text or "").strip().upper()
        try:
            if len(t) == 4:
                y = int(t)
                return cls(dt.date(y, 1, 1), 12, f"Năm {y}")
            if "-Q" in t:
                ys, q = t.split("-Q")
                qi = int(q)
                if not 1 <= qi <= 4:
                    raise ValueError
                return cls(dt.date(int(ys), 3 * qi - 2, 1), 3, f"Quý {qi}/{int(ys)}")
            ys, m = t.split("-")
            return cls(dt.date(int(ys), int(m), 1), 1, f"Tháng {int(m):02d}/{int(ys)}")
        except (ValueError, TypeError):
            raise errors.INVALID_PERIOD(details={"fields": {"period": [text]}}) from None

    @property
    def code(self) -> str:
        if self.months == 12:
            return f"{self.start.year}"
        if self.months == 3:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return f"{self.start.year}-{self.start.month:02d}"

    def month_starts(self) -> list[dt.date]:
        out = []
        y, m = self.start.year, self.start.month
        for _ in range(self.months):
            out.append(dt.date(y, m, 1))
            m += 1
            if m == 13:
                y, m = y + 1, 1
        return out

    def split_months(self) -> list[Period]:
        return [Period(d, 1, f"Tháng {d.month:02d}/{d.year}") for d in self.month_starts()]


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def active_in_month(valid_from: dt.date | None, valid_to: dt.date | None, start: dt.date) -> bool:
    return (valid_from is None or valid_from <= month_end(start)) and (valid_to is None or valid_to > start)


def segments(period: Period, boundaries: Iterable[dt.date]) -> list[list[dt.date]]:
    """Group the period's months: same calendar year and no rule boundary between them."""
    bounds = sorted(boundaries)
    groups: list[list[dt.date]] = []
    prev: dt.date | None = None
    for start in period.month_starts():
        new = prev is None or start.year != prev.year
        if not new:
            assert prev is not None  # `new` is true whenever prev is None
            i = bisect.bisect_right(bounds, prev)
            new = i < len(bounds) and bounds[i] <= start
        if new:
            groups.append([start])
        else:
            groups[-1].append(start)
        prev = start
    return groups


# ----------------------------------------------------------------------------- inputs and outputs

@dataclass(slots=True)
class CommuneInfo:
    id: int
    code: str
    name: str
    province_code: str
    classification: str
    is_border_or_island: bool = False
    is_difficult_area: bool = False
    is_security_hotspot: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    extra_pt_workers: int = 0


@dataclass(slots=True)
class VillageInfo:
    id: int
    commune_id: int
    name: str
    kind: str
    households: int
    is_border_or_island: bool = False
    is_security_hotspot: bool = False
    converted_from_thon: bool = False
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(slots=True)
class OrgInfo:
    id: int
    commune_id: int
    kind: str
    name: str
    association_code: str = ""


@dataclass(slots=True)
class Line:
    recipient_kind: str  # commune | village | organisation
    recipient_id: int
    recipient_name: str
    item: str
    category: str
    item_label: str
    amount: int = 0
    months: int = 0
    formula_parts: list[list] | None = None  # only with detail=True: [prefix, "m"|"y", months]
    rules: dict[tuple, RuleRef] | None = None
    note: str = ""

    @property
    def formula(self) -> str:
        parts = []
        for prefix, kind, n in self.formula_parts or ():
            parts.append(f"{prefix} × {n} tháng" if kind == "m" else f"{prefix}/năm × {n}/12 tháng")
        return " + ".join(parts)

    @property
    def recipient_key(self) -> str:
        return f"{self.recipient_kind}:{self.recipient_id}"

    def rule_list(self) -> list[RuleRef]:
        return list(self.rules.values()) if self.rules else []

    def as_dict(self) -> dict:
        return {
            "recipient_kind": self.recipient_kind, "recipient_id": self.recipient_id, "recipient_name": self.recipient_name,
            "item": self.item, "category": self.category, "item_label": self.item_label, "amount": self.amount, "months": self.months,
            "formula": self.formula, "note": self.note, "rules": [r.as_dict() for r in self.rule_list()],
        }


@dataclass
class CommuneResult:
    commune: CommuneInfo
    lines: list[Line]

    @property
    def total(self) -> int:
        return sum(ln.amount for ln in self.lines)

    def by_category(self) -> dict[str, int]:
        out = {k: 0 for k, _ in CATEGORIES}
        for ln in self.lines:
            out[ln.category] += ln.amount
        return out

    def by_recipient(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for ln in self.lines:
            out[ln.recipient_key] = out.get(ln.recipient_key, 0) + ln.amount
        return out


@dataclass
class Allocation:
    period: Period
    province_code: str
    communes: list[CommuneResult]

    @property
    def total(self) -> int:
        return sum(c.total for c in self.communes)

    def by_category(self) -> dict[str, int]:
        out = {k: 0 for k, _ in CATEGORIES}
        for c in self.communes:
            for k, v in c.by_category().items():
                out[k] += v
        return out


# ----------------------------------------------------------------------------- the computation

def _cls(classification: str) -> tuple[str, str]:
    if classification in ("special", "I"):
        return "I", "" if classification == "I" else "xã loại đặc biệt tính như loại I"
    if classification in ("II", "III"):
        return classification, ""
    return "III", "chưa phân loại: tính như loại III"


class _Acc:
    """Accumulates segment results into one line per (recipient, item)."""

    def __init__(self, detail: bool):
        self.detail = detail
        self.lines: dict[tuple, Line] = {}

    def add(self, kind: str, rid: int, rname: str, item: str, category: str, label: str, amount: int, months: int,
            formula: tuple[str, str] | None, rules: Iterable[RuleRef | None], note: str = "") -> None:
        k = (kind, rid, item)
        ln = self.lines.get(k)
        if ln is None:
            ln = self.lines[k] = Line(kind, rid, rname, item, category, label)
            if self.detail:
                ln.formula_parts = []
                ln.rules = {}
        ln.amount += amount
        ln.months += months
        if self.detail:
            if formula:
                parts = ln.formula_parts
                if parts and parts[-1][0] == formula[0] and parts[-1][1] == formula[1]:
                    parts[-1][2] += months  # same rate in consecutive segments: one term
                else:
                    parts.append([formula[0], formula[1], months])  # type: ignore[union-attr]
            for r in rules:
                if r is not None:
                    ln.rules.setdefault((r.key, r.valid_from, r.province_code), r)  # type: ignore[union-attr]
            if note and note not in ln.note:
                ln.note = f"{ln.note}; {note}" if ln.note else note


def _active_range(months: list[dt.date], valid_from: dt.date | None, valid_to: dt.date | None) -> tuple[int, int] | None:
    """Indices (first, last) of the months in which a unit is active (validity is one interval)."""
    if (valid_from is None or valid_from <= months[0]) and valid_to is None:
        return 0, len(months) - 1
    idx = [i for i, d in enumerate(months) if active_in_month(valid_from, valid_to, d)]
    return (idx[0], idx[-1]) if idx else None


def allocate_commune(
    book: RuleBook, period: Period, commune: CommuneInfo, villages: list[VillageInfo], orgs: list[OrgInfo],
    *, detail: bool = True, segs: tuple[list[list[dt.date]], list[list[dt.date]]] | None = None,
) -> CommuneResult:
    """One commune's lines. ``segs`` = (segments for commune/organisation rules, segments for village rules)."""
    acc = _Acc(detail)
    cls, cls_note = _cls(commune.classification)
    cc = commune.code
    if segs is None or cc in book.communes_with_rules:
        segs = family_segments(period, book, cc)
    commune_segs, village_segs = segs
    for seg in commune_segs:
        day = seg[0]
        base_ref = book.get(BASE_SALARY, day, cc)
        base = base_ref.value if base_ref is not None else None
        rng = _active_range(seg, commune.valid_from, commune.valid_to)
        if rng is None:
            continue
        c_months = seg[rng[0]: rng[1] + 1]
        n_c = len(c_months)
        m1, m2 = c_months[0].month, c_months[-1].month

        # 1. Commune part-time worker fund (ends with the transition: no rule → no line).
        pt_ref = book.get(f"funding.commune_pt.coef.{cls}", day, cc)
        if pt_ref is not None and base is not None:
            extra_ref = book.get("funding.commune_pt.extra_worker_coef", day, cc)
            extra_n = commune.extra_pt_workers if extra_ref is not None else 0
            coef = pt_ref.value + (extra_ref.value * extra_n if extra_ref is not None else 0)
            monthly = rnd(coef * base)
            formula = None
            if detail:
                inner = fmt_coef(pt_ref.value) + (f" + {extra_n} × {fmt_coef(extra_ref.value)}" if extra_n and extra_ref is not None else "")
                formula = (f"{'(' + inner + ')' if extra_n else inner} × {fmt_money(base)}", "m")
            acc.add("commune", commune.id, f"Quỹ phụ cấp NHĐKCT {commune.name}", "commune_pt", "commune_pt",
                    "Quỹ phụ cấp người hoạt động không chuyên trách cấp xã", monthly * n_c, n_c, formula,
                    (pt_ref, extra_ref if extra_n else None, base_ref), cls_note)

        # 2. Organisations: MTTQ campaign + operating norms, socio-political organisations, associations.
        for org in orgs:
            if org.kind == "association":
                refs = [("association_grant", "associations", "Hỗ trợ hội đặc thù", book.get(f"funding.association.{org.association_code}", day, cc))]
            else:
                cat = "mttq" if org.kind == "mttq" else "orgs"
                refs = [("org_operating", cat, "Khoán kinh phí hoạt động", book.get(f"funding.org.{org.kind}.{cls}", day, cc))]
                if org.kind == "mttq":
                    key = "funding.mttq_campaign.commune_difficult" if commune.is_difficult_area else "funding.mttq_campaign.commune"
                    refs.append(("mttq_campaign", "mttq", "Kinh phí Cuộc vận động “Toàn dân đoàn kết…”", book.get(key, day, cc)))
            for item, cat, label, ref in refs:
                if ref is None:
                    continue
                amount = annual_share(ref.value, m1, m2)
                formula = (fmt_money(ref.value), "y") if detail else None
                acc.add("organisation", org.id, org.name, item, cat, label, amount, n_c, formula, (ref,), cls_note if item == "org_operating" else "")

    # 3. Villages: allowance fund (a lump fund, or each paid title when the province pays titles), activist support,
    # Front work committee (Ban CTMT).
    for seg in village_segs:
        day = seg[0]
        base_ref = book.get(BASE_SALARY, day, cc)
        if base_ref is None:
            continue
        base = base_ref.value
        rng = _active_range(seg, commune.valid_from, commune.valid_to)
        if rng is None:
            continue
        hi = book.get("funding.village.coef.high", day, cc)
        lo = book.get("funding.village.coef.low", day, cc)
        titles_ref = book.get("funding.village.titles", day, cc)
        titles = _titles(titles_ref, base, detail)
        thr_thon = book.get("funding.village.threshold.thon", day, cc)
        thr_tdp = book.get("funding.village.threshold.tdp", day, cc)
        act = book.get("funding.village.activist.coef", day, cc)
        act_n_ref = book.get("funding.village.activist.count", day, cc)
        ct_base = book.get("funding.ctmt.base", day, cc)
        ct_thr = book.get("funding.ctmt.threshold", day, cc)
        ct_step_h = book.get("funding.ctmt.step_households", day, cc)
        ct_step = book.get("funding.ctmt.step_amount", day, cc)
        ct_add = book.get("funding.ctmt.difficult_addon", day, cc) if commune.is_difficult_area else None
        funded = bool(titles) or (hi is not None and lo is not None)
        if funded and (thr_thon is None or thr_tdp is None):  # the household thresholds are rules too: no fallback in code
            raise RuleMissingError("funding.village.threshold.thon" if thr_thon is None else "funding.village.threshold.tdp", day)
        t_thon = int(thr_thon.value) if thr_thon is not None else 0  # counts of households
        t_tdp = int(thr_tdp.value) if thr_tdp is not None else 0
        hi_month = rnd(hi.value * base) if hi else 0
        lo_month = rnd(lo.value * base) if lo else 0
        act_n = int(act_n_ref.value) if act_n_ref is not None else 1
        act_month = rnd(act.value * base) * act_n if act else 0
        commune_high = commune.is_border_or_island or commune.is_security_hotspot
        # Per-segment constants (formula texts, Ban CTMT amounts by number of steps) computed once, not per village.
        hi_f = (f"{fmt_coef(hi.value)} × {fmt_money(base)}", "m") if detail and hi else None
        lo_f = (f"{fmt_coef(lo.value)} × {fmt_money(base)}", "m") if detail and lo else None
        act_f = None
        if detail and act:
            act_f = (f"{act_n} người × {fmt_coef(act.value)} × {fmt_money(base)}" if act_n != 1 else f"{fmt_coef(act.value)} × {fmt_money(base)}", "m")
        act_rules = (act, act_n_ref, base_ref)
        ct_thr_i = int(ct_thr.value) if ct_thr is not None and ct_step is not None and ct_step_h is not None else None
        ct_step_h_i = int(ct_step_h.value) if ct_step_h is not None else 1
        ct_cache: dict[int, tuple[Decimal | int, tuple[str, str] | None]] = {}
        for v in villages:
            vr = rng if (v.valid_from is None or v.valid_from <= seg[0]) and v.valid_to is None else _active_range(seg, v.valid_from, v.valid_to)
            if vr is None:
                continue
            lo_i, hi_i = max(vr[0], rng[0]), min(vr[1], rng[1])
            if lo_i > hi_i:
                continue
            n = hi_i - lo_i + 1
            vm1, vm2 = seg[lo_i].month, seg[hi_i].month
            is_thon = v.kind in THON_KINDS
            if funded:
                high = (
                    (is_thon and v.households >= t_thon) or (not is_thon and v.households >= t_tdp) or commune_high
                    or v.is_border_or_island or v.is_security_hotspot or (not is_thon and v.converted_from_thon)
                )
                thr_ref = thr_thon if is_thon else thr_tdp
                note = _village_reason(v, is_thon, high, t_thon, t_tdp, commune) if detail else ""
                if titles:
                    for code, label, m_hi, m_lo, f_hi, f_lo in titles:
                        acc.add("village", v.id, v.name, f"village_title.{code}", "village_fund", label, (m_hi if high else m_lo) * n, n,
                                f_hi if high else f_lo, (titles_ref, thr_ref, base_ref), note)
                else:
                    ref = hi if high else lo
                    acc.add("village", v.id, v.name, "village_fund", "village_fund", "Quỹ phụ cấp thôn, tổ dân phố",
                            (hi_month if high else lo_month) * n, n, (hi_f if high else lo_f) if detail else None, (ref, thr_ref, base_ref), note)
            if act is not None and act_n:
                acc.add("village", v.id, v.name, "village_activist", "village_activist", "Hỗ trợ người trực tiếp tham gia hoạt động ở thôn",
                        act_month * n, n, act_f, act_rules)
            if ct_base is not None:
                steps = (v.households - ct_thr_i) // ct_step_h_i + 1 if ct_thr_i is not None and v.households >= ct_thr_i else 0
                cached = ct_cache.get(steps)
                if cached is None:
                    annual: Decimal | int = ct_base.value + (steps * ct_step.value if steps and ct_step is not None else 0) + (ct_add.value if ct_add else 0)
                    annual = int(annual) if annual == int(annual) else annual
                    formula = None
                    if detail:
                        parts = [fmt_money(ct_base.value)]
                        if steps and ct_step is not None:  # steps > 0 only when ct_step is set
                            parts.append(f"{steps} × {fmt_money(ct_step.value)}")
                        if ct_add:
                            parts.append(f"{fmt_money(ct_add.value)} vùng khó khăn")
                        inner = " + ".join(parts)
                        formula = ("(" + inner + ")" if len(parts) > 1 else inner, "y")
                    cached = ct_cache[steps] = (annual, formula)
                annual, formula = cached
                acc.add("village", v.id, v.name, "ctmt", "ctmt", "Kinh phí Ban công tác Mặt trận khu dân cư",
                        annual_share(annual, vm1, vm2), n, formula, (ct_base, ct_thr if steps else None, ct_step if steps else None, ct_add),
                        f"{v.households} hộ" if detail else "")
    return CommuneResult(commune, list(acc.lines.values()))


def _village_reason(v: VillageInfo, is_thon: bool, high: bool, t_thon: int, t_tdp: int, c: CommuneInfo) -> str:
    kind = "thôn" if is_thon else "tổ dân phố"
    thr = int(t_thon if is_thon else t_tdp)
    if not high:
        return f"{kind} {v.households} hộ < {thr}: mức thường"
    reasons = []
    if v.households >= thr:
        reasons.append(f"{kind} {v.households} hộ ≥ {thr}")
    if c.is_border_or_island or v.is_border_or_island:
        reasons.append("xã biên giới/hải đảo")
    if c.is_security_hotspot or v.is_security_hotspot:
        reasons.append("trọng điểm an ninh trật tự")
    if not is_thon and v.converted_from_thon:
        reasons.append(f"thôn ≥{t_thon} hộ chuyển thành tổ dân phố")
    return "mức cao: " + ", ".join(reasons)


def _titles(ref: RuleRef | None, base: Decimal, detail: bool) -> list[tuple[str, str, int, int, tuple[str, str] | None, tuple[str, str] | None]]:
    """A province's paid village titles: (code, label, monthly amount high, low, formula high, low); empty for a lump fund."""
    out = []
    for t in (ref.value if ref is not None else None) or ():
        c_hi, c_lo = Decimal(str(t["coef_high"])), Decimal(str(t["coef_low"]))
        f_hi = (f"{fmt_coef(c_hi)} × {fmt_money(base)}", "m") if detail else None
        f_lo = (f"{fmt_coef(c_lo)} × {fmt_money(base)}", "m") if detail else None
        out.append((t["code"], t["label"], rnd(c_hi * base), rnd(c_lo * base), f_hi, f_lo))
    return out


def family_segments(period: Period, book: RuleBook, commune_code: str = "") -> tuple[list[list[dt.date]], list[list[dt.date]]]:
    """Month groups for commune/organisation rules and, separately, for village rules: a change of one family
    (e.g. the end of the commune part-time fund) does not split the other's computation."""
    return (segments(period, book.boundaries(COMMUNE_PREFIXES, commune_code)), segments(period, book.boundaries(VILLAGE_PREFIXES, commune_code)))


def allocate(
    book: RuleBook, period: Period, communes: Iterable[tuple[CommuneInfo, list[VillageInfo], list[OrgInfo]]], *, detail: bool = True
) -> Iterator[CommuneResult]:
    segs = family_segments(period, book)
    for commune, villages, orgs in communes:
        yield allocate_commune(book, period, commune, villages, orgs, detail=detail, segs=segs)
