"""The funding engine's view of the rule book: one province's rules (and its communes' own rows), with scenario changes.

Values come from the rule book (``coso.rules.book()``, keys declared in ``funding/rule_keys.py``) in bulk: a
:class:`RuleBook` wraps one in-memory snapshot, memoises each (key, day, commune) and applies a scenario's
changes ("funding.org.mttq.* +20 %") on top. A month uses the rule in force on its first day.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, overload

from django.utils.translation import gettext, gettext_lazy

from coso.funding.rule_keys import label_for

DATA_DIR = Path(__file__).resolve().parent / "data"
QD68_FILE = DATA_DIR / "qd68_2010_associations.json"
BASE_SALARY = "salary.base"
# Rule families of the engine: a change in one does not split the months of the other.
COMMUNE_PREFIXES = ("funding.commune_pt.", "funding.org.", "funding.mttq_campaign.", "funding.association.", BASE_SALARY)
VILLAGE_PREFIXES = ("funding.village.", "funding.ctmt.", BASE_SALARY)
# Shown on the pages in the reader's language (rendered when shown, not when the module is loaded).
UNIT_LABELS = {
    "vnd_month": gettext_lazy("đ/tháng"),
    "vnd_year": gettext_lazy("đ/năm"),
    "vnd": gettext_lazy("đ"),
    "coef": gettext_lazy("× lương cơ sở/tháng"),
    "count": gettext_lazy("số lượng"),
    "households": gettext_lazy("hộ"),
    "people": gettext_lazy("người"),
    "table": gettext_lazy("bảng"),
}


@dataclass(frozen=True)
class RuleRef:
    """A rule as the engine applied it: its value (after any scenario change) and where it came from."""

    key: str
    value: Any
    valid_from: dt.date
    valid_to: dt.date | None
    unit: str
    source: str
    confidence: str
    province_code: str = ""
    commune_code: str = ""
    note: str = ""
    rule_id: int | None = None
    original_value: Any = None  # set when a scenario changed the value
    change_note: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def label(self) -> str:
        return label_for(self.key)

    @property
    def scope(self) -> str:
        """Where the value is set: "commune" (the commune's own value), "province" or "national"."""
        return "commune" if self.commune_code else "province" if self.province_code else "national"

    @property
    def scope_label(self) -> str:
        if self.commune_code:
            return gettext("xã %(code)s") % {"code": self.commune_code}
        return gettext("tỉnh %(code)s") % {"code": self.province_code} if self.province_code else gettext("toàn quốc")

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))

    @staticmethod
    def format_value(value: Any, unit: str) -> str:
        """4,5 × for coefficients, 2.340.000 đ/tháng for money, 350 hộ for counts."""
        if isinstance(value, list):
            return "; ".join(f"{t.get('label', t.get('code'))}: {_coef(t.get('coef_high'))}/{_coef(t.get('coef_low'))} ×" for t in value) or "—"
        if value is None:
            return "—"
        v = Decimal(value).normalize()
        if unit in ("vnd", "vnd_month", "vnd_year"):
            text = f"{int(v):,}".replace(",", ".") if v == int(v) else str(v).replace(".", ",")
            return f"{text} {UNIT_LABELS[unit]}"  # 2.340.000 đ/tháng
        if unit == "coef":
            return _coef(v) + " ×"
        text = format(v, "f").replace(".", ",")
        return f"{text} {UNIT_LABELS[unit]}" if unit in ("households", "people") else text

    @property
    def display_value(self) -> str:
        return self.format_value(self.value, self.unit)

    @property
    def display_original(self) -> str:
        return self.format_value(self.original_value, self.unit) if self.original_value is not None else ""

    def as_dict(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            return str(v) if isinstance(v, Decimal) else v

        return {
            "key": self.key,
            "label": self.label,
            "value": plain(self.value),
            "unit": self.unit,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "confidence": self.confidence,
            "province_code": self.province_code,
            "commune_code": self.commune_code,
            "scope": self.scope,
            "original_value": plain(self.original_value),
            "change_note": self.change_note,
        }


def _coef(value: Any) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return (text if "." in text else text + ".0").replace(".", ",")


CHANGE_MODE_LABELS = {"set": gettext_lazy("đặt giá trị mới"), "percent": gettext_lazy("tăng/giảm theo %"), "add": gettext_lazy("cộng thêm")}


@dataclass(frozen=True)
class Change:
    key: str  # a key or an fnmatch pattern, e.g. "funding.org.mttq.*"
    mode: str  # set | percent | add
    value: Decimal

    def matches(self, key: str) -> bool:
        return key == self.key or fnmatch.fnmatchcase(key, self.key)

    def apply(self, value: Any) -> Any:
        if isinstance(value, (list, dict)):
            return value  # tables are not changed by scenarios
        if self.mode == "set":
            return Decimal(self.value)
        if self.mode == "percent":
            return Decimal(value) * (Decimal(100) + Decimal(self.value)) / Decimal(100)
        return Decimal(value) + Decimal(self.value)

    def note(self) -> str:
        """The change as the rules it changed show it, in the active language (an adoption records it in Vietnamese)."""
        v = format(Decimal(self.value).normalize(), "f")
        if self.mode == "set":
            return gettext("kịch bản: đặt %(value)s") % {"value": v}
        if self.mode == "percent":
            return gettext("kịch bản: %(value)s%%") % {"value": f"{'+' if self.value >= 0 else ''}{v}"}
        return gettext("kịch bản: +%(value)s") % {"value": v}


def stored_value(key: str, value: Any) -> Any:
    """``value`` as the rule book stores the rule ``key``: whole đồng for money, a whole number for counts (rounded half
    up), other numbers as they are. A scenario's changed value is computed with it, so that the comparison uses the value
    its adoption writes ("+19.92 %" of a 500-household threshold is 600 households in both, not 599.6 in one)."""
    from coso.rules.registry import ValueType, declaration

    if isinstance(value, (list, dict, bool)):
        return value
    t = declaration(key).type
    if t in (ValueType.MONEY, ValueType.INTEGER):
        whole = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(whole) if t == ValueType.INTEGER else whole
    return value


def numeric_refs(refs: Iterable[RuleRef]) -> list[RuleRef]:
    """The rules a scenario change can act on: numbers (tables and flags are not changed by scenarios)."""
    return [r for r in refs if isinstance(r.value, (int, Decimal)) and not isinstance(r.value, bool)]


def bounds_problem(key: str, mode: str, value: Decimal, refs: Iterable[RuleRef]) -> str:
    """Why the change would take a rule it matches (among ``refs``, e.g. the rules in force today) outside the bounds its
    declaration allows, or "": the engine computes every fund with the values (a norm of 10^14 đồng leaves the
    precision of its arithmetic)."""
    from django.utils.translation import gettext

    from coso.rules.registry import declaration

    if not Decimal(value).is_finite():
        return gettext("Giá trị phải là số.")
    change = Change(key, mode, Decimal(value))
    for ref in refs:
        if not change.matches(ref.key):
            continue
        d = declaration(ref.key)
        result = Decimal(stored_value(ref.key, change.apply(Decimal(ref.value))))
        if d.minimum is not None and result < d.minimum:
            return gettext("Giá trị phải từ %(min)s trở lên.") % {"min": d.minimum}
        if d.maximum is not None and result > d.maximum:
            return gettext("Giá trị không được vượt quá %(max)s.") % {"max": d.maximum}
    return ""


def change_label(key: str, mode: str, value: Decimal) -> str:
    """A scenario change for people: “Khoán kinh phí hoạt động UB MTTQ (mọi loại xã): tăng 20 %”."""
    from coso.funding.forms import pattern_label

    what = pattern_label(key)
    v = Decimal(value).normalize()
    if mode == "percent":
        pct = format(abs(v), "f").replace(".", ",")
        return (gettext("%(what)s: tăng %(value)s %%") if v >= 0 else gettext("%(what)s: giảm %(value)s %%")) % {"what": what, "value": pct}
    unit = _unit_of(key)
    if mode == "add":
        return gettext("%(what)s: cộng thêm %(value)s") % {"what": what, "value": RuleRef.format_value(v, unit)}
    return gettext("%(what)s: đặt %(value)s") % {"what": what, "value": RuleRef.format_value(v, unit)}


def _unit_of(key: str) -> str:
    from coso.rules.registry import declaration

    probe = key.replace("*", "x") if "*" in key else key
    try:
        return declaration(probe).unit
    except KeyError:
        return ""


class RuleBook:
    """The rules of one province (its own rows over the national ones, a commune's own rows over both), with scenario changes."""

    def __init__(self, province_code: str, changes: Iterable[Change] = (), index: Any = None):
        from coso.rules import book

        self.province_code = province_code
        self.changes = list(changes)
        self.index = index if index is not None else book()
        # Communes of this province with rows of their own: the others share every lookup (and its memo).
        self.communes_with_rules: set[str] = set()
        for key in self.index.keys("funding.") + self.index.keys(BASE_SALARY):
            for r in self.index.rows(key):
                if r.commune_code and r.province_code == province_code:
                    self.communes_with_rules.add(r.commune_code)
        self._memo: dict[tuple[str, dt.date, str], RuleRef | None] = {}
        # What the engine derives from these rules (month groups, resolved rules, recipient templates): the book never changes.
        self.derived: dict[tuple, Any] = {}

    @classmethod
    def load(cls, province_code: str, changes: Iterable[Change] = ()) -> RuleBook:
        return cls(province_code, changes)

    def _wrap(self, ref: Any) -> RuleRef:
        from coso.rules.registry import declaration

        out = RuleRef(
            key=ref.key,
            value=ref.value,
            valid_from=ref.valid_from,
            valid_to=ref.valid_to,
            unit=declaration(ref.key).unit,
            source=ref.source_text,
            confidence=ref.confidence,
            province_code=ref.province_code,
            commune_code=ref.commune_code,
            note=ref.note,
            rule_id=ref.id,
        )
        value, notes = out.value, []
        if isinstance(value, (list, dict)):
            return out  # tables (a province's paid titles) are not changed by scenarios
        for ch in self.changes:
            # "Set a new value" sets the province's general level; a commune's own row (an island special zone paid more,
            # decided for that commune) stays as it is. "+10 %" and "add" move every level, the communes' own included.
            if ch.matches(out.key) and not (ch.mode == "set" and out.commune_code):
                value = ch.apply(value)
                notes.append(ch.note())
        if not notes:
            return out
        value = stored_value(out.key, value)
        return RuleRef(**{**out.__dict__, "value": value, "original_value": out.value, "change_note": "; ".join(notes)})

    def get(self, key: str, day: dt.date, commune_code: str = "") -> RuleRef | None:
        c = commune_code if commune_code in self.communes_with_rules else ""
        memo_key = (key, day, c)
        try:
            return self._memo[memo_key]
        except KeyError:
            pass
        ref = self.index.get(key, day, self.province_code, c)
        found = self._wrap(ref) if ref is not None else None
        self._memo[memo_key] = found
        return found

    @overload
    def value(self, key: str, day: dt.date, default: Decimal, commune_code: str = "") -> Any: ...
    @overload
    def value(self, key: str, day: dt.date, default: None = None, commune_code: str = "") -> Any: ...
    def value(self, key: str, day: dt.date, default: Any = None, commune_code: str = "") -> Any:
        ref = self.get(key, day, commune_code)
        return ref.value if ref is not None else default

    def boundaries(self, prefixes: tuple[str, ...], commune_code: str = "") -> set[dt.date]:
        """Dates where a rule of keys starting with one of ``prefixes`` starts or ends, for the province (and commune)."""
        c = commune_code if commune_code in self.communes_with_rules else ""
        out: set[dt.date] = set()
        for prefix in prefixes:
            out |= self.index.boundaries(prefix, self.province_code, c)
        return out

    def rule_keys(self, commune_code: str = "") -> list[str]:
        """The keys with a national or provincial row (and, given ``commune_code``, a row of that commune's own)."""
        return sorted(
            k
            for k in self.index.keys("funding.") + self.index.keys(BASE_SALARY)
            if any(r.province_code in ("", self.province_code) and r.commune_code in ("", commune_code) for r in self.index.rows(k))
        )

    def in_force(self, day: dt.date, commune_code: str = "") -> list[RuleRef]:
        """The rules in force on ``day`` for the province, or for one of its communes (``commune_code``): that commune's
        own value where it has one (the one its allocation uses), otherwise the province's or the national one."""
        out = []
        for key in self.rule_keys(commune_code):
            ref = self.get(key, day, commune_code)
            if ref is not None:
                out.append(ref)
        return out

    def commune_rows_in_force(self, day: dt.date) -> list[RuleRef]:
        """The rows of the province's communes' own (``commune_code`` set) in force on ``day``, with the scenario's changes:
        the engine computes such a commune with its own row, so a scenario change acts on that row as on the province's."""
        out = []
        keys = self.index.keys("funding.")
        for commune_code in sorted(self.communes_with_rules):
            for key in keys:
                ref = self.get(key, day, commune_code)
                if ref is not None and ref.commune_code == commune_code:
                    out.append(ref)
        return out


def read_qd68() -> dict[str, Any]:
    return json.loads(QD68_FILE.read_text(encoding="utf-8"))
