"""Rule lookup: effective-dated norms per province, with scenario overrides, and the data-file loader.

Lookup order for (key, day): the province's row covering ``day``, else the national row ("" province)
covering ``day``. A month uses the rule in force on its first day.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, overload

DATA_DIR = Path(__file__).resolve().parent / "data"
NORMS_FILE = DATA_DIR / "norms.json"
QD68_FILE = DATA_DIR / "qd68_2010_associations.json"


@dataclass(frozen=True)
class RuleRef:
    """A norm as applied: its value (after any scenario change) and where it came from."""

    key: str
    label: str
    value: Decimal
    unit: str
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    confidence: str
    province_code: str = ""
    norm_id: int | None = None
    original_value: Decimal | None = None  # set when a scenario changed the value
    change_note: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def scope_label(self) -> str:
        return f"tỉnh {self.province_code}" if self.province_code else "toàn quốc"

    @property
    def unit_label(self) -> str:
        return {"vnd_month": "đ/tháng", "vnd_year": "đ/năm", "vnd": "đ", "coef": "× lương cơ sở/tháng", "count": "số lượng"}.get(self.unit, self.unit)

    @property
    def display_value(self) -> str:
        """4,5 for coefficients, 2.340.000 đ for money, 350 for counts."""
        v = self.value.normalize()
        if self.unit in ("vnd", "vnd_month", "vnd_year"):
            text = f"{int(v):,}".replace(",", ".") + " đ" if v == int(v) else str(v).replace(".", ",") + " đ"
            return text + ("/tháng" if self.unit == "vnd_month" else "/năm" if self.unit == "vnd_year" else "")
        if self.unit == "coef":
            text = format(v, "f")
            return (text if "." in text else text + ".0").replace(".", ",") + " ×"
        return format(v, "f").replace(".", ",")

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "value": str(self.value), "unit": self.unit,
            "valid_from": self.valid_from.isoformat(), "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source, "confidence": self.confidence, "province_code": self.province_code,
            "original_value": str(self.original_value) if self.original_value is not None else None, "change_note": self.change_note,
        }


@dataclass(frozen=True)
class Change:
    key: str  # a key or an fnmatch pattern, e.g. "org.mttq.*"
    mode: str  # set | percent | add
    value: Decimal

    def matches(self, key: str) -> bool:
        return key == self.key or fnmatch.fnmatchcase(key, self.key)

    def apply(self, value: Decimal) -> Decimal:
        if self.mode == "set":
            return Decimal(self.value)
        if self.mode == "percent":
            return value * (Decimal(100) + Decimal(self.value)) / Decimal(100)
        return value + Decimal(self.value)

    def note(self) -> str:
        v = format(Decimal(self.value).normalize(), "f")
        return {"set": f"kịch bản: đặt {v}", "percent": f"kịch bản: {'+' if self.value >= 0 else ''}{v}%"}.get(self.mode, f"kịch bản: +{v}")


def _ref_from_norm(n: Any) -> RuleRef:
    return RuleRef(
        key=n.key, label=n.label, value=Decimal(n.value), unit=n.unit, valid_from=n.valid_from, valid_to=n.valid_to,
        source=n.source, confidence=n.confidence, province_code=n.province_code, norm_id=n.pk,
    )


class RuleBook:
    """All norms of one province (and the national defaults) in memory, with optional scenario changes."""

    def __init__(self, province_code: str, refs: Iterable[RuleRef], changes: Iterable[Change] = ()):
        self.province_code = province_code
        self.changes = list(changes)
        self._province: dict[str, list[RuleRef]] = {}
        self._national: dict[str, list[RuleRef]] = {}
        for ref in refs:
            ref = self._changed(ref)
            target = self._province if ref.province_code else self._national
            target.setdefault(ref.key, []).append(ref)
        for d in (self._province, self._national):
            for rows in d.values():
                rows.sort(key=lambda r: r.valid_from)
        self._memo: dict[tuple[str, dt.date], RuleRef | None] = {}

    def _changed(self, ref: RuleRef) -> RuleRef:
        value = ref.value
        notes = []
        for ch in self.changes:
            if ch.matches(ref.key):
                value = ch.apply(value)
                notes.append(ch.note())
        if not notes:
            return ref
        return replace(ref, value=value, original_value=ref.value, change_note="; ".join(notes))

    @classmethod
    def load(cls, province_code: str, changes: Iterable[Change] = ()) -> RuleBook:
        from coso.funding.models import Norm

        rows = Norm.objects.filter(province_code__in=["", province_code]).order_by("key", "valid_from")
        return cls(province_code, (_ref_from_norm(n) for n in rows), changes)

    def get(self, key: str, day: dt.date) -> RuleRef | None:
        memo_key = (key, day)
        if memo_key in self._memo:
            return self._memo[memo_key]
        found = None
        for source in (self._province, self._national):
            # The latest start wins: adding a new row (e.g. a new base salary) to the data file works even if the
            # previous row was left open-ended.
            for ref in reversed(source.get(key, ())):
                if ref.covers(day):
                    found = ref
                    break
            if found is not None:
                break
        self._memo[memo_key] = found
        return found

    @overload
    def value(self, key: str, day: dt.date, default: Decimal) -> Decimal: ...
    @overload
    def value(self, key: str, day: dt.date, default: None = None) -> Decimal | None: ...
    def value(self, key: str, day: dt.date, default: Decimal | None = None) -> Decimal | None:
        ref = self.get(key, day)
        return ref.value if ref is not None else default

    def boundaries(self, *, only: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> set[dt.date]:
        """Dates where some rule starts or ends (restricted to keys starting with ``only``, minus ``exclude``)."""
        out: set[dt.date] = set()
        for d in (self._province, self._national):
            for key, rows in d.items():
                if (only is not None and not key.startswith(only)) or (exclude and key.startswith(exclude)):
                    continue
                for r in rows:
                    out.add(r.valid_from)
                    if r.valid_to:
                        out.add(r.valid_to)
        return out

    def latest(self, key: str) -> RuleRef | None:
        rows = self._province.get(key) or self._national.get(key) or []
        return rows[-1] if rows else None

    def keys(self) -> list[str]:
        return sorted(set(self._province) | set(self._national))

    def in_force(self, day: dt.date) -> list[RuleRef]:
        out = []
        for key in self.keys():
            ref = self.get(key, day)
            if ref is not None:
                out.append(ref)
        return out


def read_norm_file(path: Path = NORMS_FILE) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["norms"]


def read_qd68() -> dict[str, Any]:
    return json.loads(QD68_FILE.read_text(encoding="utf-8"))


def load_norm_rows(norm_model: Any, rows: list[dict[str, Any]], *, province_code: str = "") -> tuple[int, int]:
    """Idempotent upsert of data-file rows keyed by (province, key, valid_from).

    Rows a province edited (origin != "data") are never overwritten. Returns (created, updated).
    """
    created = updated = 0
    for row in rows:
        valid_from = dt.date.fromisoformat(row["valid_from"])
        valid_to = dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None
        fields = {
            "label": row["label"], "value": Decimal(str(row["value"])), "unit": row["unit"], "valid_to": valid_to,
            "source": row["source"], "confidence": row["confidence"], "notes": row.get("notes", ""),
        }
        obj = norm_model.objects.filter(province_code=province_code, key=row["key"], valid_from=valid_from).first()
        if obj is None:
            norm_model.objects.create(province_code=province_code, key=row["key"], valid_from=valid_from, origin="data", **fields)
            created += 1
        elif obj.origin == "data" and any(getattr(obj, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
    return created, updated
