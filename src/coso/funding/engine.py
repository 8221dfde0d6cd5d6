"""The allocation engine: pure computation over plain data (no ORM inside the loops).

Computation is month by month with the rule in force on the first day of each month. Consecutive months
of the same calendar year with the same rules are computed together (a *segment*), which gives the same
result as computing each month and adding, only faster. The rules of each segment are resolved once per scope (the
province, or a commune with rules of its own), and recipients whose inputs lead to the same lines under those rules
(same kind, rate, Ban CTMT steps, months of activity…) share one computation, a *template*, that each recipient
receives with its own id, name and notes.

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
import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, gettext, gettext_lazy

from coso.core.params import FIRST_YEAR, LAST_YEAR
from coso.funding import errors
from coso.funding.rules import BASE_SALARY, COMMUNE_PREFIXES, VILLAGE_PREFIXES, RuleBook, RuleRef
from coso.rules.lookup import RuleMissingError

ONE = Decimal(1)
TWELVE = Decimal(12)
THON_KINDS = frozenset({"thon", "ap", "ban"})

# The texts of the lines (labels, formulas, notes) are made in the language active when the engine runs (the reader's on
# the pages and the API, Vietnamese for the official exports): a plan and its templates are kept per language.
CATEGORIES = [
    ("commune_pt", gettext_lazy("Quỹ phụ cấp NHĐKCT cấp xã")),
    ("village_fund", gettext_lazy("Quỹ phụ cấp thôn, TDP")),
    ("village_activist", gettext_lazy("Hỗ trợ người hoạt động ở thôn, TDP")),
    ("mttq", gettext_lazy("UB MTTQ xã")),
    ("ctmt", gettext_lazy("Ban công tác Mặt trận khu dân cư")),
    ("orgs", gettext_lazy("Tổ chức chính trị - xã hội")),
    ("associations", gettext_lazy("Hội đặc thù")),
]
CATEGORY_LABELS = dict(CATEGORIES)
ORG_LABELS = {"mttq": gettext_lazy("UB MTTQ"), "doan": gettext_lazy("Đoàn TN"), "phu_nu": gettext_lazy("Hội LHPN"),
              "nong_dan": gettext_lazy("Hội Nông dân"), "ccb": gettext_lazy("Hội CCB"), "association": gettext_lazy("Hội đặc thù")}


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


# ----------------------------------------------------------------------------- the garbage collector

_gc_lock = threading.Lock()
_gc_pause = {"depth": 0, "resume": False}


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block (an allocation at province or national scale).

    The engine makes some hundreds of thousands of small objects (inputs, lines, result rows) that form no reference
    cycles: reference counting frees them, but their very number sets off collections that each walk every object
    the process holds, which took more time than the computation. Blocks may overlap (threads): the collector is back on,
    as it was, when the last one ends, also on an exception; cycles made meanwhile are collected then as usual."""
    with _gc_lock:
        if _gc_pause["depth"] == 0:
            _gc_pause["resume"] = gc.isenabled()
            gc.disable()
        _gc_pause["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["depth"] -= 1
            if _gc_pause["depth"] == 0 and _gc_pause["resume"]:
                gc.enable()


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
                period = cls(dt.date(y, 1, 1), 12, f"Năm {y}")
            elif "-Q" in t:
                ys, q = t.split("-Q")
                qi = int(q)
                if not 1 <= qi <= 4:
                    raise ValueError
                period = cls(dt.date(int(ys), 3 * qi - 2, 1), 3, f"Quý {qi}/{int(ys)}")
            else:
                ys, m = t.split("-")
                period = cls(dt.date(int(ys), int(m), 1), 1, f"Tháng {int(m):02d}/{int(ys)}")
        except (ValueError, TypeError):
            raise errors.INVALID_PERIOD(field="period") from None
        if not FIRST_YEAR <= period.start.year <= LAST_YEAR:  # the years the project works with (no funds in 9999 or 0001)
            raise errors.PERIOD_OUT_OF_RANGE(first=FIRST_YEAR, last=LAST_YEAR, field="period")
        return period

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
    # The number from dates, (valid_from, number) in date order, each in force until the next (``ExtraWorkers`` rows):
    # when given, it replaces ``extra_pt_workers`` (0 before the first date).
    extra_pt_periods: tuple[tuple[dt.date, int], ...] = ()

    def extra_on(self, day: dt.date) -> int:
        """The number of extra part-time workers in force on ``day``."""
        if not self.extra_pt_periods:
            return self.extra_pt_workers
        n = 0
        for since, count in self.extra_pt_periods:
            if since > day:
                break
            n = count
        return n

    def extra_dates(self, period: Period) -> tuple[dt.date, ...]:
        """The dates inside ``period`` where the number changes (they split its month groups)."""
        first, last = period.start, month_end(period.month_starts()[-1])
        return tuple(since for since, _ in self.extra_pt_periods if first < since <= last)


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
    formula: str = ""  # only with detail=True, e.g. "4,5 × 2.340.000 đ × 6 tháng + 4,5 × 2.530.000 đ × 6 tháng"
    rules: tuple[RuleRef, ...] = ()  # only with detail=True: the rules applied, each once (shared by the recipients of one template)
    note: str = ""

    @property
    def recipient_key(self) -> str:
        return f"{self.recipient_kind}:{self.recipient_id}"

    def rule_list(self) -> list[RuleRef]:
        return list(self.rules)

    def as_dict(self) -> dict:
        return {
            "recipient_kind": self.recipient_kind, "recipient_id": self.recipient_id, "recipient_name": self.recipient_name,
            "item": self.item, "category": self.category, "item_label": self.item_label, "amount": self.amount, "months": self.months,
            "formula": self.formula, "note": self.note, "rules": [r.as_dict() for r in self.rule_list()],
        }


class CommuneResult:
    """One commune's allocation: its recipients, each with the computed template of its lines.

    Figures come from the templates; the lines (one object per recipient and item) are built when first read, so a
    caller that only needs figures (a province's table, a scenario comparison) does not build them. With ``detail`` the
    engine reads them at once: they carry the formulas and rules that were asked for."""

    __slots__ = ("commune", "_blocks", "_lines")

    def __init__(self, commune: CommuneInfo, *blocks: _Recipients):
        self.commune = commune
        self._blocks = blocks  # the commune and its organisations, then the villages
        self._lines: list[Line] | None = None

    @property
    def lines(self) -> list[Line]:
        if self._lines is None:
            self._lines = [ln for block in self._blocks for ln in block.lines()]
        return self._lines

    def recipients(self) -> Iterator[tuple[str, int, str, _Template, list[str] | None]]:
        """(kind, id, name, template, notes) of each recipient with lines, in the order of its first line (a template's
        ``amount`` and ``by_category`` are the recipient's figures)."""
        for block in self._blocks:
            yield from block.in_order()

    @property
    def total(self) -> int:
        return sum(m[3].amount for block in self._blocks for m in block.members)

    def by_category(self) -> dict[str, int]:
        out = {k: 0 for k, _ in CATEGORIES}
        for block in self._blocks:
            for m in block.members:
                for category, amount in m[3].by_category:
                    out[category] += amount
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
        return "I", "" if classification == "I" else gettext("xã loại đặc biệt tính như loại I")
    if classification in ("II", "III"):
        return classification, ""
    return "III", gettext("chưa phân loại: tính như loại III")


class _Entry:
    """One line of a recipient, before it gets the recipient's id and name: the months it covers, its amount and, with
    ``detail``, its formula terms and rules. ``first`` is the month group that brought it (it orders the lines),
    ``groups`` the month groups that add to it (a village's notes depend on the rule of each)."""

    __slots__ = ("item", "category", "label", "amount", "months", "parts", "rules", "note", "note_kind", "first", "groups")

    def __init__(self, item: str, category: str, label: str, first: int, detail: bool, note_kind: str):
        self.item, self.category, self.label = item, category, label
        self.amount = 0
        self.months = 0
        self.parts: list[list] | None = [] if detail else None
        self.rules: dict[tuple, RuleRef] | None = {} if detail else None
        self.note = ""
        self.note_kind = note_kind
        self.first = first
        self.groups: list[int] = []


class _Template:
    """The lines of one kind of recipient (same rules, same inputs that matter), month group by month group: computed once,
    then given to every recipient alike. Consecutive groups at the same rate merge into one formula term.

    Once complete, ``seal()`` fixes what every recipient shares: the total, the amount per category, and each line's
    fields (with ``detail``, its formula text and rules), so that giving the lines to a recipient only adds its id and name."""

    __slots__ = ("detail", "entries", "late", "amount", "by_category", "first", "firsts", "rows", "note_plan")

    def __init__(self, detail: bool):
        self.detail = detail
        self.entries: dict[str, _Entry] = {}
        self.late = False  # a line first appears after the first month group: lines are put back in month-group order
        self.amount = 0
        self.by_category: tuple[tuple[str, int], ...] = ()
        self.first = 0  # the month group of the first line
        self.firsts: tuple[int, ...] = ()  # per line, the month group that brought it
        self.rows: tuple[tuple, ...] = ()  # (item, category, label, amount, months, formula, rules, note) per line
        # A village template with detail, per line: (note kind, the distinct (high rate, thôn threshold, TDP threshold) of its month
        # groups, the line's own note): what the village's notes depend on besides the village.
        self.note_plan: tuple[tuple[str, tuple[tuple[bool, int, int], ...], str], ...] = ()

    def add(self, group: int, item: str, category: str, label: str, amount: int, months: int,
            formula: tuple[str, str] | None, rules: Iterable[RuleRef | None], note: str = "", note_kind: str = "") -> None:
        e = self.entries.get(item)
        if e is None:
            e = self.entries[item] = _Entry(item, category, label, group, self.detail, note_kind)
            self.late = self.late or group > 0
        e.amount += amount
        e.months += months
        if not e.groups or e.groups[-1] != group:
            e.groups.append(group)
        if self.detail:
            if formula:
                parts = e.parts
                assert parts is not None
                if parts and parts[-1][0] == formula[0] and parts[-1][1] == formula[1]:
                    parts[-1][2] += months  # same rate in consecutive segments: one term
                else:
                    parts.append([formula[0], formula[1], months])
            assert e.rules is not None
            for r in rules:
                if r is not None:
                    e.rules.setdefault((r.key, r.valid_from, r.province_code), r)
            if note and note not in e.note:
                e.note = f"{e.note}; {note}" if e.note else note

    def seal(self) -> _Template:
        per_month, per_year = (gettext("%(rate)s × %(n)s tháng"), gettext("%(rate)s/năm × %(n)s/12 tháng")) if self.detail else ("", "")
        by_category: dict[str, int] = {}
        rows = []
        for e in self.entries.values():
            by_category[e.category] = by_category.get(e.category, 0) + e.amount
            formula = " + ".join((per_month if kind == "m" else per_year) % {"rate": prefix, "n": n} for prefix, kind, n in e.parts or ())
            rows.append((e.item, e.category, e.label, e.amount, e.months, formula, tuple(e.rules.values()) if e.rules else (), e.note))
        self.amount = sum(by_category.values())
        self.by_category = tuple(by_category.items())
        self.firsts = tuple(e.first for e in self.entries.values())
        self.first = min(self.firsts, default=0)
        self.rows = tuple(rows)
        return self

    def lines(self, kind: str, rid: int, rname: str) -> list[Line]:
        return [Line(kind, rid, rname, item, category, label, amount, months, formula, rules, note)
                for item, category, label, amount, months, formula, rules, note in self.rows]

    def lines_with_notes(self, kind: str, rid: int, rname: str, notes: list[str]) -> list[Line]:
        return [Line(kind, rid, rname, item, category, label, amount, months, formula, rules, note)
                for (item, category, label, amount, months, formula, rules, _), note in zip(self.rows, notes, strict=True)]


class _Recipients:
    """A block of a commune's lines (the commune and its organisations, or its villages): each recipient with lines, in
    input order, as (kind, id, name, template, notes); ``notes`` are a village's own notes (with ``detail``), else None.
    ``late``: a line first appears after the first month group, so the block's lines go in month-group order."""

    __slots__ = ("members", "late")

    def __init__(self) -> None:
        self.members: list[tuple[str, int, str, _Template, list[str] | None]] = []
        self.late = False

    def add(self, kind: str, rid: int, name: str, t: _Template, notes: list[str] | None = None) -> None:
        self.members.append((kind, rid, name, t, notes))
        if t.late:
            self.late = True

    def in_order(self) -> list[tuple[str, int, str, _Template, list[str] | None]]:
        """The recipients in the order of their first line."""
        if not self.late:
            return self.members
        order = sorted(range(len(self.members)), key=lambda r: (self.members[r][3].first, r))
        return [self.members[r] for r in order]

    def lines(self) -> list[Line]:
        """The block's lines in the order of a month-group-by-month-group computation: a line that first appears in a
        later month group comes after every line of the earlier ones (recipients are in order within each group)."""
        lines: list[Line] = []
        for kind, rid, name, t, notes in self.members:
            lines += t.lines(kind, rid, name) if notes is None else t.lines_with_notes(kind, rid, name, notes)
        if not self.late:
            return lines
        keyed = []
        i = 0
        for r, (_, _, _, t, _) in enumerate(self.members):
            for j, first in enumerate(t.firsts):
                keyed.append(((first, r, j), lines[i]))
                i += 1
        keyed.sort(key=lambda x: x[0])
        return [ln for _, ln in keyed]


def _active_range(months: list[dt.date], valid_from: dt.date | None, valid_to: dt.date | None) -> tuple[int, int] | None:
    """Indices (first, last) of the months in which a unit is active (validity is one interval)."""
    if (valid_from is None or valid_from <= months[0]) and valid_to is None:
        return 0, len(months) - 1
    idx = [i for i, d in enumerate(months) if active_in_month(valid_from, valid_to, d)]
    return (idx[0], idx[-1]) if idx else None


Ranges = tuple[tuple[int, int] | None, ...]


class _VillageGroup:
    """The village rules of one month group, resolved once for a scope (not per commune or village)."""

    def __init__(self, book: RuleBook, cc: str, months: list[dt.date], detail: bool):
        self.months, self.detail = months, detail
        day = self.day = months[0]
        self.base_ref = base_ref = book.get(BASE_SALARY, day, cc)
        self.missing = ""
        self.funded = False
        self.ct_base: RuleRef | None = None
        self.ct_thr_i: int | None = None
        self.t_thon = self.t_tdp = 0
        self.ct_step_h_i = 1
        if base_ref is None:  # no village line in this month group
            return
        base = base_ref.value
        hi = self.hi = book.get("funding.village.coef.high", day, cc)
        lo = self.lo = book.get("funding.village.coef.low", day, cc)
        self.titles_ref = book.get("funding.village.titles", day, cc)
        self.titles = _titles(self.titles_ref, base, detail)
        thr_thon = self.thr_thon = book.get("funding.village.threshold.thon", day, cc)
        thr_tdp = self.thr_tdp = book.get("funding.village.threshold.tdp", day, cc)
        act = self.act = book.get("funding.village.activist.coef", day, cc)
        act_n_ref = book.get("funding.village.activist.count", day, cc)
        self.ct_base = book.get("funding.ctmt.base", day, cc)
        ct_thr = self.ct_thr = book.get("funding.ctmt.threshold", day, cc)
        ct_step_h = book.get("funding.ctmt.step_households", day, cc)
        ct_step = self.ct_step = book.get("funding.ctmt.step_amount", day, cc)
        self.ct_add = book.get("funding.ctmt.difficult_addon", day, cc)  # applies in communes of difficult areas
        self.funded = bool(self.titles) or (hi is not None and lo is not None)
        if self.funded and (thr_thon is None or thr_tdp is None):  # the household thresholds are rules too: no fallback in code
            self.missing = "funding.village.threshold.thon" if thr_thon is None else "funding.village.threshold.tdp"
        self.t_thon = int(thr_thon.value) if thr_thon is not None else 0  # counts of households
        self.t_tdp = int(thr_tdp.value) if thr_tdp is not None else 0
        self.hi_month = rnd(hi.value * base) if hi else 0
        self.lo_month = rnd(lo.value * base) if lo else 0
        self.act_n = act_n = int(act_n_ref.value) if act_n_ref is not None else 1
        self.act_month = rnd(act.value * base) * act_n if act else 0
        self.hi_f = (f"{fmt_coef(hi.value)} × {fmt_money(base)}", "m") if detail and hi else None
        self.lo_f = (f"{fmt_coef(lo.value)} × {fmt_money(base)}", "m") if detail and lo else None
        self.act_f = None
        if detail and act:
            rate = f"{fmt_coef(act.value)} × {fmt_money(base)}"
            self.act_f = (gettext("%(n)s người × %(rate)s") % {"n": act_n, "rate": rate} if act_n != 1 else rate, "m")
        self.act_rules = (act, act_n_ref, base_ref)
        self.ct_thr_i = int(ct_thr.value) if ct_thr is not None and ct_step is not None and ct_step_h is not None else None
        self.ct_step_h_i = int(ct_step_h.value) if ct_step_h is not None else 1

    def ctmt(self, difficult: bool, steps: int) -> tuple[Decimal | int, tuple[str, str] | None]:
        """The annual Ban CTMT norm of a village with ``steps`` steps above the threshold, and its formula."""
        ct_base, ct_step = self.ct_base, self.ct_step
        ct_add = self.ct_add if difficult else None
        assert ct_base is not None
        annual: Decimal | int = ct_base.value + (steps * ct_step.value if steps and ct_step is not None else 0) + (ct_add.value if ct_add else 0)
        annual = int(annual) if annual == int(annual) else annual
        formula = None
        if self.detail:
            parts = [fmt_money(ct_base.value)]
            if steps and ct_step is not None:  # steps > 0 only when ct_step is set
                parts.append(f"{steps} × {fmt_money(ct_step.value)}")
            if ct_add:
                parts.append(gettext("%(amount)s vùng khó khăn") % {"amount": fmt_money(ct_add.value)})
            inner = " + ".join(parts)
            formula = ("(" + inner + ")" if len(parts) > 1 else inner, "y")
        return annual, formula


class _Plan:
    """A scope's rules for a period (the province, or a commune with rules of its own), resolved once per month group,
    and the templates of its recipients. Kept on the rule book (which never changes) for the period."""

    def __init__(self, book: RuleBook, period: Period, cc: str, detail: bool, extra_dates: tuple[dt.date, ...] = ()):
        self.book, self.cc, self.detail = book, cc, detail
        commune_segs, village_segs = family_segments(period, book, cc, extra_dates)
        self.commune_segs = commune_segs
        self.commune_bases = [book.get(BASE_SALARY, seg[0], cc) for seg in commune_segs]
        self.village_groups = [_VillageGroup(book, cc, seg, detail) for seg in village_segs]
        self.first_day = commune_segs[0][0]
        self.full_c: Ranges = tuple((0, len(seg) - 1) for seg in commune_segs)
        self.full_v: Ranges = tuple((0, len(seg) - 1) for seg in village_segs)
        self.templates: dict[tuple, _Template] = {}
        self.village_templates: dict[tuple, dict[tuple, _Template]] = {}
        # Villages active over the whole period: (difficult area, ranges) → (thôn or not, households, high-rate flag) → template.
        self.village_by_facts: dict[tuple, dict[tuple, _Template]] = {}
        # Per month group, what decides a village's rate and Ban CTMT steps.
        self.village_params = [(i, g.funded, g.t_thon, g.t_tdp, g.ct_base is not None and g.ct_thr_i is not None, g.ct_thr_i or 0, g.ct_step_h_i)
                               for i, g in enumerate(self.village_groups)]

    def commune_ranges(self, c: CommuneInfo) -> tuple[Ranges, Ranges]:
        if (c.valid_from is None or c.valid_from <= self.first_day) and c.valid_to is None:
            return self.full_c, self.full_v
        return (tuple(_active_range(seg, c.valid_from, c.valid_to) for seg in self.commune_segs),
                tuple(_active_range(g.months, c.valid_from, c.valid_to) for g in self.village_groups))

    def commune_template(self, classification: str, extra_n: tuple[int, ...], ranges: Ranges) -> _Template:
        key = ("commune", classification, extra_n, ranges)
        t = self.templates.get(key)
        if t is None:
            t = self.templates[key] = self._commune_template(classification, extra_n, ranges)
        return t

    def _commune_template(self, classification: str, extra_ns: tuple[int, ...], ranges: Ranges) -> _Template:
        """1. Commune part-time worker fund (ends with the transition: no rule → no line); ``extra_ns``: the number of extra
        workers in force in each month group."""
        book, cc, detail = self.book, self.cc, self.detail
        cls, cls_note = _cls(classification)
        t = _Template(detail)
        for g, seg in enumerate(self.commune_segs):
            rng = ranges[g]
            base_ref = self.commune_bases[g]
            if rng is None or base_ref is None:
                continue
            base, day, n_c = base_ref.value, seg[0], rng[1] - rng[0] + 1
            pt_ref = book.get(f"funding.commune_pt.coef.{cls}", day, cc)
            if pt_ref is None:
                continue
            extra_ref = book.get("funding.commune_pt.extra_worker_coef", day, cc)
            extra_n = extra_ns[g] if extra_ref is not None else 0
            coef = pt_ref.value + (extra_ref.value * extra_n if extra_ref is not None else 0)
            monthly = rnd(coef * base)
            formula = None
            if detail:
                inner = fmt_coef(pt_ref.value) + (f" + {extra_n} × {fmt_coef(extra_ref.value)}" if extra_n and extra_ref is not None else "")
                formula = (f"{'(' + inner + ')' if extra_n else inner} × {fmt_money(base)}", "m")
            t.add(g, "commune_pt", "commune_pt", gettext("Quỹ phụ cấp người hoạt động không chuyên trách cấp xã"), monthly * n_c, n_c, formula,
                  (pt_ref, extra_ref if extra_n else None, base_ref), cls_note)
        return t.seal()

    def org_template(self, org: OrgInfo, classification: str, difficult: bool, ranges: Ranges) -> _Template:
        is_assoc = org.kind == "association"
        key = ("org", org.kind, org.association_code if is_assoc else "", classification, difficult and org.kind == "mttq", ranges)
        t = self.templates.get(key)
        if t is None:
            t = self.templates[key] = self._org_template(org.kind, org.association_code, classification, difficult, ranges)
        return t

    def _org_template(self, kind: str, association_code: str, classification: str, difficult: bool, ranges: Ranges) -> _Template:
        """2. Organisations: MTTQ campaign + operating norms, socio-political organisations, associations."""
        book, cc = self.book, self.cc
        cls, cls_note = _cls(classification)
        t = _Template(self.detail)
        for g, seg in enumerate(self.commune_segs):
            rng = ranges[g]
            if rng is None:
                continue
            day, n_c, m1, m2 = seg[0], rng[1] - rng[0] + 1, seg[rng[0]].month, seg[rng[1]].month
            if kind == "association":
                refs = [("association_grant", "associations", gettext("Hỗ trợ hội đặc thù"), book.get(f"funding.association.{association_code}", day, cc))]
            else:
                cat = "mttq" if kind == "mttq" else "orgs"
                refs = [("org_operating", cat, gettext("Khoán kinh phí hoạt động"), book.get(f"funding.org.{kind}.{cls}", day, cc))]
                if kind == "mttq":
                    key = "funding.mttq_campaign.commune_difficult" if difficult else "funding.mttq_campaign.commune"
                    refs.append(("mttq_campaign", "mttq", gettext("Kinh phí Cuộc vận động “Toàn dân đoàn kết…”"), book.get(key, day, cc)))
            for item, cat, label, ref in refs:
                if ref is None:
                    continue
                amount = annual_share(ref.value, m1, m2)
                formula = (fmt_money(ref.value), "y") if self.detail else None
                t.add(g, item, cat, label, amount, n_c, formula, (ref,), cls_note if item == "org_operating" else "")
        return t.seal()

    def village_template(self, difficult: bool, ranges: Ranges, is_thon: bool, sig: tuple) -> _Template:
        """3. Villages: allowance fund (a lump fund, or each paid title when the province pays titles), activist support,
        Front work committee (Ban CTMT). ``sig`` holds, per month group, whether the village gets the high rate and its
        number of Ban CTMT steps."""
        t = _Template(self.detail)
        detail = self.detail
        fund_label, act_label, ct_label = (gettext("Quỹ phụ cấp thôn, tổ dân phố"), gettext("Hỗ trợ người trực tiếp tham gia hoạt động ở thôn"),
                                           gettext("Kinh phí Ban công tác Mặt trận khu dân cư"))
        for g, vg in enumerate(self.village_groups):
            vr = ranges[g]
            if vr is None:
                continue
            lo_i, hi_i = vr
            n = hi_i - lo_i + 1
            vm1, vm2 = vg.months[lo_i].month, vg.months[hi_i].month
            high, steps = sig[g]
            if vg.funded:
                thr_ref = vg.thr_thon if is_thon else vg.thr_tdp
                if vg.titles:
                    for code, label, m_hi, m_lo, f_hi, f_lo in vg.titles:
                        t.add(g, f"village_title.{code}", "village_fund", label, (m_hi if high else m_lo) * n, n,
                              f_hi if high else f_lo, (vg.titles_ref, thr_ref, vg.base_ref), note_kind="reason")
                else:
                    ref = vg.hi if high else vg.lo
                    t.add(g, "village_fund", "village_fund", fund_label, (vg.hi_month if high else vg.lo_month) * n, n,
                          (vg.hi_f if high else vg.lo_f) if detail else None, (ref, thr_ref, vg.base_ref), note_kind="reason")
            if vg.act is not None and vg.act_n:
                t.add(g, "village_activist", "village_activist", act_label,
                      vg.act_month * n, n, vg.act_f, vg.act_rules)
            if vg.ct_base is not None:
                annual, formula = vg.ctmt(difficult, steps)
                t.add(g, "ctmt", "ctmt", ct_label, annual_share(annual, vm1, vm2), n, formula,
                      (vg.ct_base, vg.ct_thr if steps else None, vg.ct_step if steps else None, vg.ct_add if difficult else None), note_kind="households")
        if detail:
            groups = self.village_groups
            t.note_plan = tuple((e.note_kind, tuple(dict.fromkeys((sig[g][0], groups[g].t_thon, groups[g].t_tdp) for g in e.groups)), e.note)
                                for e in t.entries.values())
        return t.seal()

    def village_signature(self, ranges: Ranges, is_thon: bool, households: int, flag: bool) -> tuple:
        """Per month group of ``ranges``, whether a village gets the high rate and its number of Ban CTMT steps."""
        hh = households
        return tuple(
            (bool(flag or hh >= (t_thon if is_thon else t_tdp)) if funded else False,
             (hh - ct_thr) // ct_step_h + 1 if has_steps and hh >= ct_thr else 0) if ranges[i] is not None else None
            for i, funded, t_thon, t_tdp, has_steps, ct_thr, ct_step_h in self.village_params
        )

    def village_template_for(self, difficult: bool, ranges: Ranges, is_thon: bool, households: int, flag: bool) -> _Template:
        """The template of a village: shared by the villages whose facts give the same rates and steps (its ``sig``)."""
        sig = self.village_signature(ranges, is_thon, households, flag)
        cache = self.village_templates.setdefault((difficult, ranges), {})
        key = (is_thon, sig)
        vt = cache.get(key)
        if vt is None:
            vt = cache[key] = self.village_template(difficult, ranges, is_thon, sig)
        return vt


def _plan(book: RuleBook, period: Period, commune_code: str, detail: bool, extra_dates: tuple[dt.date, ...] = ()) -> _Plan:
    """The plan of the commune's scope; a commune whose number of extra workers changes within the period has its month
    groups split at those dates too (shared with the communes changing on the same dates)."""
    scope = commune_code if commune_code in book.communes_with_rules else ""
    key = ("funding.engine.plan", period, scope, detail, extra_dates, get_language())  # its texts are in that language
    plan = book.derived.get(key)
    if plan is None:
        plan = book.derived[key] = _Plan(book, period, scope, detail, extra_dates)
    return plan


def allocate_commune(
    book: RuleBook, period: Period, commune: CommuneInfo, villages: list[VillageInfo], orgs: list[OrgInfo], *, detail: bool = True,
) -> CommuneResult:
    """One commune's lines. Recipients are told apart by their ids (distinct within a commune)."""
    plan = _plan(book, period, commune.code, detail, commune.extra_dates(period))
    c_ranges, v_ranges = plan.commune_ranges(commune)
    classification, difficult = commune.classification, commune.is_difficult_area

    # Commune and organisation lines.
    block = _Recipients()
    t = plan.commune_template(classification, tuple(commune.extra_on(seg[0]) for seg in plan.commune_segs), c_ranges)
    if t.entries:
        block.add("commune", commune.id, gettext("Quỹ phụ cấp NHĐKCT %(commune)s") % {"commune": commune.name}, t)
    for org in orgs:
        t = plan.org_template(org, classification, difficult, c_ranges)
        if t.entries:
            block.add("organisation", org.id, org.name, t)

    # Village lines.
    groups = plan.village_groups
    eff = tuple(r if g.base_ref is not None else None for r, g in zip(v_ranges, groups, strict=True))
    for r, g in zip(eff, groups, strict=True):
        if r is not None and g.missing:
            raise RuleMissingError(g.missing, g.day)
    if not villages or not any(eff):
        return _result(commune, detail, block)
    commune_high = commune.is_border_or_island or commune.is_security_hotspot
    first_day = groups[0].months[0]
    by_facts = plan.village_by_facts.get((difficult, eff))
    if by_facts is None:
        by_facts = plan.village_by_facts[(difficult, eff)] = {}
    v_block = _Recipients()
    for v in villages:
        hh = v.households
        is_thon = v.kind in THON_KINDS
        flag = commune_high or v.is_border_or_island or v.is_security_hotspot or (not is_thon and v.converted_from_thon)
        if v.valid_to is None and (v.valid_from is None or v.valid_from <= first_day):  # active whenever its commune is
            facts = (is_thon, hh, flag)
            vt = by_facts.get(facts)
            if vt is None:
                vt = by_facts[facts] = plan.village_template_for(difficult, eff, is_thon, hh, flag)
        else:
            vt = plan.village_template_for(difficult, _village_ranges(groups, eff, v), is_thon, hh, flag)
        if vt.entries:
            v_block.add("village", v.id, v.name, vt, _village_notes(vt, v, is_thon, commune) if detail else None)
    return _result(commune, detail, block, v_block)


def _result(commune: CommuneInfo, detail: bool, *blocks: _Recipients) -> CommuneResult:
    res = CommuneResult(commune, *blocks)
    if detail:
        res.lines  # noqa: B018 -- the formulas and rules were asked for: the lines are built now
    return res


def _village_ranges(groups: list[_VillageGroup], eff: Ranges, v: VillageInfo) -> Ranges:
    """Per month group, the months (first, last) in which both the village and its commune are active."""
    out: list[tuple[int, int] | None] = []
    for g, rng in zip(groups, eff, strict=True):
        vr = _active_range(g.months, v.valid_from, v.valid_to) if rng is not None else None
        if vr is None or rng is None:
            out.append(None)
            continue
        lo_i, hi_i = max(vr[0], rng[0]), min(vr[1], rng[1])
        out.append((lo_i, hi_i) if lo_i <= hi_i else None)
    return tuple(out)


def _village_notes(t: _Template, v: VillageInfo, is_thon: bool, c: CommuneInfo) -> list[str]:
    """A village's notes, line by line: why it gets the high or normal rate under the thresholds of each month group of the
    line (month groups with the same rate and thresholds give the same reason); its households for Ban CTMT."""
    hh = v.households
    border = c.is_border_or_island or v.is_border_or_island
    hotspot = c.is_security_hotspot or v.is_security_hotspot
    converted = not is_thon and v.converted_from_thon
    by_params: dict[tuple, str] = {}  # lines over the same month groups (a province's titles) have the same reason
    notes = []
    for note_kind, params, own in t.note_plan:
        if note_kind == "households":
            notes.append(gettext("%(n)s hộ") % {"n": hh})
        elif note_kind == "reason":
            note = by_params.get(params)
            if note is None:
                note = ""
                for high, t_thon, t_tdp in params:
                    text = _village_reason(hh, is_thon, high, t_thon, t_tdp, border, hotspot, converted)
                    if text and text not in note:
                        note = f"{note}; {text}" if note else text
                by_params[params] = note
            notes.append(note)
        else:
            notes.append(own)
    return notes


def _village_reason(households: int, is_thon: bool, high: bool, t_thon: int, t_tdp: int, border: bool, hotspot: bool, converted: bool) -> str:
    thr = int(t_thon if is_thon else t_tdp)
    facts = {"n": households, "threshold": thr}
    if not high:
        return (gettext("thôn %(n)s hộ < %(threshold)s: mức thường") if is_thon else gettext("tổ dân phố %(n)s hộ < %(threshold)s: mức thường")) % facts
    reasons = []
    if households >= thr:
        reasons.append((gettext("thôn %(n)s hộ ≥ %(threshold)s") if is_thon else gettext("tổ dân phố %(n)s hộ ≥ %(threshold)s")) % facts)
    if border:
        reasons.append(gettext("xã biên giới/hải đảo"))
    if hotspot:
        reasons.append(gettext("trọng điểm an ninh trật tự"))
    if converted:
        reasons.append(gettext("thôn ≥%(threshold)s hộ chuyển thành tổ dân phố") % {"threshold": t_thon})
    return gettext("mức cao: %(reasons)s") % {"reasons": ", ".join(reasons)}


def _titles(ref: RuleRef | None, base: Decimal, detail: bool) -> list[tuple[str, str, int, int, tuple[str, str] | None, tuple[str, str] | None]]:
    """A province's paid village titles: (code, label, monthly amount high, low, formula high, low); empty for a lump fund."""
    out = []
    for t in (ref.value if ref is not None else None) or ():
        c_hi, c_lo = Decimal(str(t["coef_high"])), Decimal(str(t["coef_low"]))
        f_hi = (f"{fmt_coef(c_hi)} × {fmt_money(base)}", "m") if detail else None
        f_lo = (f"{fmt_coef(c_lo)} × {fmt_money(base)}", "m") if detail else None
        out.append((t["code"], t["label"], rnd(c_hi * base), rnd(c_lo * base), f_hi, f_lo))
    return out


def family_segments(period: Period, book: RuleBook, commune_code: str = "",
                    extra_dates: Iterable[dt.date] = ()) -> tuple[list[list[dt.date]], list[list[dt.date]]]:
    """Month groups for commune/organisation rules and, separately, for village rules: a change of one family
    (e.g. the end of the commune part-time fund) does not split the other's computation. ``extra_dates``: where a
    commune's number of extra part-time workers changes (a commune fact the commune fund depends on)."""
    return (segments(period, book.boundaries(COMMUNE_PREFIXES, commune_code) | set(extra_dates)),
            segments(period, book.boundaries(VILLAGE_PREFIXES, commune_code)))


def allocate(
    book: RuleBook, period: Period, communes: Iterable[tuple[CommuneInfo, list[VillageInfo], list[OrgInfo]]], *, detail: bool = True
) -> Iterator[CommuneResult]:
    for commune, villages, orgs in communes:
        yield allocate_commune(book, period, commune, villages, orgs, detail=detail)
