"""Rule keys: every legal rule Coso applies is declared once, here or in an app's ``rule_keys.py``.

A declaration says what a rule *is* (its key, value type, unit, description in Vietnamese with an
English translation, the source it normally comes from, who may change it); the values themselves,
with their dates, scopes and sources, are rows of :class:`coso.rules.models.Rule`, shipped in each
app's ``data/rules.json`` and edited by provinces from a date. The declaration is the documentation:
the "Căn cứ pháp lý" pages list every declared key with its values.

Keys are dotted (``feedback.deadline.answer_days``). A declaration whose key ends with ``.*``
covers a family of keys whose last parts are data (e.g. ``funding.association.*``); ``members=`` names
the function that lists the last parts the family accepts (e.g. the strength-index pillars), so that a
value is never set for a member the module does not know. The family's own key (``….*``) is never a rule.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import Role


class ValueType(StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"  # đồng, integer
    PERCENT = "percent"  # 0–100
    TIME = "time"  # "15:00"
    DATE = "date"
    BOOLEAN = "boolean"
    TEXT = "text"
    CHOICE = "choice"
    TABLE = "table"  # JSON object/list checked against a schema (a pydantic type)


UNIT_LABELS: dict[str, Promise] = {
    "": _("—"),
    "working_days": _("ngày làm việc"),
    "working_hours": _("giờ làm việc"),
    "calendar_days": _("ngày"),
    "hours": _("giờ"),
    "months": _("tháng"),
    "years": _("năm"),
    "percent": _("%"),
    "vnd": _("đồng"),
    "vnd_month": _("đồng/tháng"),
    "vnd_year": _("đồng/năm"),
    "coef": _("× lương cơ sở/tháng"),
    "count": _("số lượng"),
    "households": _("hộ"),
    "people": _("người"),
    "points": _("điểm"),
    "time": _("giờ:phút"),
    "date": _("ngày"),
    "table": _("bảng"),
    "text": _("văn bản"),
}

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)*(\.\*)?$")

SCOPES = ("national", "province", "commune")
DEFAULT_EDITORS = frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN})


class RuleValueError(ValueError):
    """A value that does not fit its declaration (message in Vietnamese)."""


# A number a rule holds: up to 18 digits before and after the decimal point (money in đồng, coefficients, percentages).
# 1e999999999 is a finite Decimal whose integer or plain text would take gigabytes to build.
MAX_DIGITS = 18


# A text rule is a short value (a list of codes, a phrase), not a document: a new value is refused past this many characters
# (the value column is JSON without a limit; the longest shipped text value is under 50 characters).
MAX_TEXT_LENGTH = 1000


def code_list(value: str, choices: Iterable[tuple[str, Promise | str]]) -> str:
    """A comma-separated list of codes of ``choices`` (``"counter,post,online"``): at least one, each once, none unknown.

    Returns the list as it is stored (lower case, no spaces, no empty items); raises RuleValueError naming the codes
    refused, so that a typo never silently switches off one of the listed ways (readers drop codes they do not know).
    Use it from a declaration's ``validator=`` function."""
    known = {str(c): str(label) for c, label in choices}
    listing = ", ".join(f"{c} ({label})" for c, label in known.items())
    codes = [c.strip().lower() for c in value.split(",")]
    codes = [c for c in codes if c]
    if not codes:
        raise RuleValueError(_("Hãy nhập ít nhất một mã, cách nhau bởi dấu phẩy. Các mã hợp lệ: %(codes)s.") % {"codes": listing})
    unknown = list(dict.fromkeys(c for c in codes if c not in known))
    if unknown:
        shown = ", ".join(f"“{c[:40]}”" for c in unknown[:10]) + ("…" if len(unknown) > 10 else "")
        raise RuleValueError(_("Mã không có trong danh sách: %(unknown)s. Các mã hợp lệ: %(codes)s.") % {"unknown": shown, "codes": listing})
    repeated = list(dict.fromkeys(c for i, c in enumerate(codes) if c in codes[:i]))
    if repeated:
        raise RuleValueError(_("Mỗi mã chỉ ghi một lần; mã ghi lặp lại: %(codes)s.") % {"codes": ", ".join(f"“{c}”" for c in repeated)})
    return ",".join(codes)


def _check_digits(value: Decimal) -> None:
    if value and (value.adjusted() >= MAX_DIGITS or value.as_tuple().exponent < -MAX_DIGITS):  # type: ignore[operator]
        raise RuleValueError(_("Giá trị có quá nhiều chữ số (tối đa %(n)s chữ số phần nguyên và %(n)s chữ số thập phân).") % {"n": MAX_DIGITS})


@dataclass(frozen=True)
class RuleKey:
    key: str
    type: ValueType
    label: Promise | str
    description: Promise | str = ""
    unit: str = ""
    default_source: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[tuple[str, Promise | str], ...] = ()
    schema: Any = None  # a pydantic model or type, for TABLE values
    scopes: tuple[str, ...] = SCOPES
    editors: frozenset[str] = DEFAULT_EDITORS
    # Dotted path of ``impact(key, province_code, commune_code, valid_from) -> list[str]``: what a change from
    # that date would meet (e.g. deadlines already computed, which are kept as they are).
    impact: str = ""
    # Families only: dotted path of ``members() -> Iterable[str]``, the last parts the family accepts
    # (``indices.csi.weight.*``: the strength pillars). Without it, any last part is accepted.
    members: str = ""
    # Dotted path of ``validator(value) -> value``: the declaring module's own check of a new value (a change, a shipped
    # row), after the checks of its type; returns the value to store or raises RuleValueError with a Vietnamese message
    # (e.g. ``coso.dossiers.rule_keys.filing_channel_codes``: a list of known codes, with ``code_list``). Values already
    # stored are read as they are.
    validator: str = ""
    module: str = field(default="")

    @property
    def is_family(self) -> bool:
        return self.key.endswith(".*")

    def matches(self, key: str) -> bool:
        if not self.is_family:
            return key == self.key
        prefix = self.key[:-1]
        return key.startswith(prefix) and len(key) > len(prefix)

    def accepts(self, key: str) -> bool:
        """Whether ``key`` names one rule of this declaration: never the family's own key (``….*``), and for a family
        that lists its members, one of them."""
        if "*" in key or not KEY_RE.match(key) or not self.matches(key):
            return False
        if not (self.is_family and self.members):
            return True
        return key[len(self.key) - 1:] in {str(m) for m in import_string(self.members)()}

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))

    # ------------------------------------------------------------------ values
    def to_python(self, raw: Any, *, bounds: bool = True) -> Any:  # noqa: C901 -- one branch per type reads best
        """The stored JSON value as Python (Decimal, int, time, date, dict…); raises RuleValueError.

        ``bounds=False`` (the rule book reading stored rows): a number outside the key's minimum and maximum is read as it
        is. It was inside them when it was recorded; bounds tightened later do not change a value already in force
        (``manage.py rules_check`` and the rule-book page list it)."""
        t = self.type
        try:
            if t == ValueType.INTEGER:
                if isinstance(raw, bool) or raw is None:
                    raise RuleValueError(_("Giá trị phải là số nguyên."))
                value: Any = Decimal(str(raw))
                if not value.is_finite() or value != value.to_integral_value():
                    raise RuleValueError(_("Giá trị phải là số nguyên."))
                _check_digits(value)
                value = int(value)
            elif t in (ValueType.DECIMAL, ValueType.PERCENT, ValueType.MONEY):
                if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
                    raise RuleValueError(_("Giá trị phải là một số."))
                value = Decimal(str(raw).strip().replace(",", ".")) if isinstance(raw, str) else Decimal(str(raw))
                if not value.is_finite():
                    raise RuleValueError(_("Giá trị phải là một số."))
                _check_digits(value)
                if t == ValueType.MONEY and value != value.to_integral_value():
                    raise RuleValueError(_("Số tiền phải là số đồng nguyên."))
                if t == ValueType.PERCENT and not (0 <= value <= 100):
                    raise RuleValueError(_("Tỷ lệ phải từ 0 đến 100."))
            elif t == ValueType.TIME:
                value = raw if isinstance(raw, dt.time) else dt.time.fromisoformat(str(raw))
            elif t == ValueType.DATE:
                value = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
            elif t == ValueType.BOOLEAN:
                if not isinstance(raw, bool):
                    raise RuleValueError(_("Giá trị phải là có/không."))
                value = raw
            elif t in (ValueType.TEXT, ValueType.CHOICE):
                if not isinstance(raw, str):
                    raise RuleValueError(_("Giá trị phải là văn bản."))
                value = raw
                if t == ValueType.CHOICE and raw not in {c for c, _l in self.choices}:
                    raise RuleValueError(_("Giá trị không nằm trong danh sách cho phép."))
            else:  # TABLE
                value = raw
                if self.schema is not None:
                    from pydantic import TypeAdapter, ValidationError

                    try:
                        TypeAdapter(self.schema).validate_python(raw, strict=False)
                    except ValidationError as exc:
                        first = exc.errors()[0]
                        where = ".".join(str(p) for p in first.get("loc", ()))
                        if not where:  # a schema made with coso.rules.tables.table() names the place itself
                            raise RuleValueError(_("Bảng giá trị không hợp lệ: %(msg)s.") % {"msg": first.get("msg", "")}) from exc
                        raise RuleValueError(_("Bảng giá trị không đúng cấu trúc (%(where)s: %(msg)s).") % {"where": where, "msg": first.get("msg", "")}) from exc
        except (InvalidOperation, ValueError, TypeError) as exc:
            if isinstance(exc, RuleValueError):
                raise
            raise RuleValueError(_("Giá trị không hợp lệ cho kiểu %(type)s.") % {"type": self.type.value}) from exc
        if bounds and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise RuleValueError(_("Giá trị phải từ %(min)s trở lên.") % {"min": self.minimum})
            if self.maximum is not None and value > self.maximum:
                raise RuleValueError(_("Giá trị không được vượt quá %(max)s.") % {"max": self.maximum})
        return value

    def to_json(self, value: Any) -> Any:
        """A new value → the JSON stored (decimals as strings, so that no digit is lost); raises RuleValueError."""
        value = self.to_python(value)
        if self.type == ValueType.TEXT and len(value) > MAX_TEXT_LENGTH:
            raise RuleValueError(_("Giá trị dài quá %(n)s ký tự.") % {"n": MAX_TEXT_LENGTH})
        if self.validator:
            value = import_string(self.validator)(value)
        if self.type == ValueType.TABLE:
            try:
                json.dumps(value, allow_nan=False, default=str)
            except ValueError:  # NaN, Infinity (1e999 parses as one): not JSON, and PostgreSQL refuses to store them
                raise RuleValueError(_("Bảng giá trị chỉ được chứa số hữu hạn (không có NaN, Infinity).")) from None
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text
        if isinstance(value, (dt.time, dt.date)):
            return value.isoformat()[:5] if isinstance(value, dt.time) else value.isoformat()
        return value

    def display(self, value: Any) -> str:
        """A value as a Vietnamese reader expects it: 2.530.000 đồng/tháng, 4,5 ×, 15:00, 15 ngày làm việc."""
        from coso.core.text import format_date

        if value is None:
            return "—"
        if isinstance(value, bool):
            return str(_("Có") if value else _("Không"))
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if isinstance(value, dt.date):
            return format_date(value)
        if isinstance(value, (int, Decimal)):
            d = Decimal(value)
            if d == d.to_integral_value():
                text = f"{int(d):,}".replace(",", ".")
            else:
                whole, _sep, frac = format(d.normalize(), "f").partition(".")
                text = f"{int(whole):,}".replace(",", ".") + "," + frac
            if self.type == ValueType.PERCENT:
                return f"{text} %"
            return f"{text} {self.unit_label}".strip() if self.unit else text
        if self.type == ValueType.CHOICE:
            return str(dict(self.choices).get(value, value))
        if isinstance(value, (dict, list)):
            return str(_("Bảng (%(n)s mục)") % {"n": len(value)})
        return str(value)


_REGISTRY: dict[str, RuleKey] = {}
_FAMILIES: list[RuleKey] = []


def declare(key: str, type: ValueType | str, label: Promise | str, **kwargs: Any) -> RuleKey:  # noqa: A002 -- "type" is the natural word
    """Declare a rule key (once). Called at import time from ``<app>/rule_keys.py``."""
    if not KEY_RE.match(key):
        raise ValueError(f"Bad rule key {key!r}: dotted lower-case words, optionally ending in '.*'")
    module = kwargs.pop("module", "") or key.split(".", 1)[0]
    if kwargs.get("members") and not key.endswith(".*"):
        raise ValueError(f"Rule key {key!r}: only a family ('….*') lists its members")
    decl = RuleKey(key=key, type=ValueType(type), label=label, module=module, **kwargs)
    existing = _REGISTRY.get(key)
    if existing is not None and existing != decl:
        raise ValueError(f"Rule key {key!r} is declared twice")
    _REGISTRY[key] = decl
    if decl.is_family and decl not in _FAMILIES:
        _FAMILIES.append(decl)
        _FAMILIES.sort(key=lambda d: -len(d.key))  # the most specific family first
    return decl


def declaration(key: str) -> RuleKey:
    """The declaration of ``key`` (exact, else the most specific family); KeyError when undeclared."""
    decl = _REGISTRY.get(key)
    if decl is not None and not decl.is_family:
        return decl
    for fam in _FAMILIES:
        if fam.matches(key):
            return fam
    raise KeyError(key)


def is_declared(key: str) -> bool:
    try:
        declaration(key)
    except KeyError:
        return False
    return True


def declarations(module: str | None = None) -> list[RuleKey]:
    out = [d for d in _REGISTRY.values() if module is None or d.module == module]
    return sorted(out, key=lambda d: d.key)


def modules() -> list[str]:
    return sorted({d.module for d in _REGISTRY.values()})


MODULE_LABELS: dict[str, Promise] = {
    "calendar": _("Lịch làm việc"),
    "onestop": _("Một cửa, hồ sơ"),
    "procedures": _("Thủ tục hành chính"),
    "feedback": _("Phản ánh, kiến nghị"),
    "funding": _("Kinh phí"),
    "salary": _("Tiền lương"),
    "workforce": _("Đội ngũ cán bộ, công chức"),
    "indices": _("Chỉ số"),
    "planning": _("Quy hoạch cán bộ"),
    "training": _("Đào tạo, bồi dưỡng"),
    "tasks": _("Nhiệm vụ được giao"),
    "units": _("Đơn vị hành chính"),
}


def module_label(module: str) -> str:
    return str(MODULE_LABELS.get(module, module))


def iter_family_members(decl: RuleKey, keys: Iterable[str]) -> list[str]:
    return sorted(k for k in keys if decl.matches(k))


ImpactFn = Callable[[str, str, str, dt.date], list[str]]
