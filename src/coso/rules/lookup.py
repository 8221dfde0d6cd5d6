"""The one rule lookup: ``rule(key, on=date, unit=unit)``.

Precedence (the only one in Coso): the commune's own row, else the province's, else the national
row; within a scope, the row whose period covers the date (periods of one key and scope never
overlap; the latest ``valid_from`` not after the date wins).

All rows live in one in-memory index per process (a few thousand rows at most). It is rebuilt when
the rule book's stamp changes: checked at the first lookup of every request and at most every
``REFRESH_SECONDS`` outside requests (jobs, commands). Engines that evaluate many units and months at
once take a :func:`book` snapshot and call it directly (no database access per lookup).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.signals import request_started
from django.utils import timezone

from coso.core.exceptions import ApplicationError
from coso.rules.registry import RuleKey, RuleValueError, declaration

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 5.0
_MISSING: Any = object()


class RuleMissingError(ApplicationError):
    """No row of a declared rule covers the date.

    Two causes, told apart by ``first_from`` (the earliest day any row of the rule applies to the scope):
    - the date comes before the rule's first row (a report asked for 2000, before the rule existed): the date is the
      problem, 400, and the message says from when the rule applies;
    - no row at all, or a gap after the first one: the rule book is not loaded (``manage.py load_rules``) or is
      incomplete, which the administrator must fix, 503.
    """

    status = 503

    def __init__(self, key: str, on: dt.date, first_from: dt.date | None = None):
        details = {"key": key, "on": on.isoformat()}
        if first_from is not None and on < first_from:
            super().__init__(
                f"Quy định “{key}” áp dụng từ ngày {first_from:%d/%m/%Y}: không có số liệu cho ngày {on:%d/%m/%Y}. "
                "Hãy chọn ngày hoặc kỳ từ ngày đó trở đi.",
                code="rule-missing", details={**details, "first_from": first_from.isoformat()}, status=400,
            )
            return
        super().__init__(
            f"Chưa có quy định “{key}” áp dụng cho ngày {on:%d/%m/%Y}. Quản trị viên cần nạp bộ quy định (manage.py load_rules).",
            code="rule-missing", details=details,
        )


@dataclass(frozen=True)
class RuleRef:
    """A rule as applied: its value and where it comes from."""

    id: int | None
    key: str
    value: Any
    raw: Any
    scope: str
    province_code: str
    commune_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    source_document: str
    source_article: str
    source_url: str
    confidence: str
    note: str = ""
    origin: str = "data"

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    @property
    def declaration(self) -> RuleKey:
        return declaration(self.key)

    @property
    def source_text(self) -> str:
        return ", ".join(p for p in (self.source_document, self.source_article) if p)

    @property
    def display_value(self) -> str:
        return self.declaration.display(self.value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "value": self.raw, "display": self.display_value, "scope": self.scope,
            "province_code": self.province_code, "commune_code": self.commune_code,
            "valid_from": self.valid_from.isoformat(), "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": {"document": self.source_document, "article": self.source_article, "url": self.source_url},
            "confidence": self.confidence, "note": self.note, "origin": self.origin,
        }


def ref_from_row(row: Any) -> RuleRef:
    decl = declaration(row.key)
    return RuleRef(
        id=row.pk, key=row.key, value=decl.to_python(row.value, bounds=False), raw=row.value, scope=row.scope, province_code=row.province_code,
        commune_code=row.commune_code, valid_from=row.valid_from, valid_to=row.valid_to, source_document=row.source_document,
        source_article=row.source_article, source_url=row.source_url, confidence=row.confidence, note=row.note, origin=row.origin,
    )


class RuleIndex:
    """Every row in memory: key → (province, commune) → rows sorted by ``valid_from``."""

    def __init__(self, refs: Iterable[RuleRef]):
        self._rows: dict[str, dict[tuple[str, str], list[RuleRef]]] = {}
        for ref in refs:
            self._rows.setdefault(ref.key, {}).setdefault((ref.province_code, ref.commune_code), []).append(ref)
        self._starts: dict[tuple[str, str, str], list[dt.date]] = {}
        for key, scopes in self._rows.items():
            for codes, rows in scopes.items():
                rows.sort(key=lambda r: r.valid_from)
                self._starts[(key, *codes)] = [r.valid_from for r in rows]
        self._memo: dict[tuple[str, dt.date, str, str], RuleRef | None] = {}

    # ------------------------------------------------------------------ lookups
    def _in_scope(self, key: str, codes: tuple[str, str], on: dt.date) -> RuleRef | None:
        rows = self._rows.get(key, {}).get(codes)
        if not rows:
            return None
        i = bisect.bisect_right(self._starts[(key, *codes)], on) - 1
        if i >= 0 and rows[i].covers(on):
            return rows[i]
        return None

    def get(self, key: str, on: dt.date, province_code: str = "", commune_code: str = "") -> RuleRef | None:
        memo_key = (key, on, province_code, commune_code)
        try:
            return self._memo[memo_key]
        except KeyError:
            pass
        found = None
        if commune_code and province_code:
            found = self._in_scope(key, (province_code, commune_code), on)
        if found is None and province_code:
            found = self._in_scope(key, (province_code, ""), on)
        if found is None:
            found = self._in_scope(key, ("", ""), on)
        if len(self._memo) > 200_000:
            self._memo.clear()
        self._memo[memo_key] = found
        return found

    def ref(self, key: str, on: dt.date, province_code: str = "", commune_code: str = "") -> RuleRef:
        found = self.get(key, on, province_code, commune_code)
        if found is None:
            raise self.missing(key, on, province_code, commune_code)
        return found

    def value(self, key: str, on: dt.date, province_code: str = "", commune_code: str = "", default: Any = _MISSING) -> Any:
        found = self.get(key, on, province_code, commune_code)
        if found is None:
            if default is not _MISSING:
                return default
            raise self.missing(key, on, province_code, commune_code)
        return found.value

    def missing(self, key: str, on: dt.date, province_code: str = "", commune_code: str = "") -> RuleMissingError:
        """The error for a lookup that found nothing, with the first day the rule applies to the scope (if any row
        does): a date before it is the caller's, a gap after it the rule book's. KeyError for an undeclared key."""
        declaration(key)
        scopes = [("", "")] + ([(province_code, "")] if province_code else []) + ([(province_code, commune_code)] if province_code and commune_code else [])
        starts = [self._starts[(key, *codes)][0] for codes in scopes if (key, *codes) in self._starts]
        return RuleMissingError(key, on, min(starts) if starts else None)

    # ------------------------------------------------------------------ bulk and browsing
    def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self._rows if k.startswith(prefix))

    def rows(self, key: str) -> list[RuleRef]:
        out: list[RuleRef] = []
        for rows in self._rows.get(key, {}).values():
            out.extend(rows)
        return sorted(out, key=lambda r: (r.province_code, r.commune_code, r.valid_from))

    def boundaries(self, prefix: str = "", province_code: str = "", commune_code: str = "") -> set[dt.date]:
        """Dates where a rule (of keys starting with ``prefix``) that applies to the scope starts or ends."""
        wanted = {("", "")}
        if province_code:
            wanted.add((province_code, ""))
            if commune_code:
                wanted.add((province_code, commune_code))
        out: set[dt.date] = set()
        for key, scopes in self._rows.items():
            if not key.startswith(prefix):
                continue
            for codes, rows in scopes.items():
                if codes not in wanted:
                    continue
                for r in rows:
                    out.add(r.valid_from)
                    if r.valid_to:
                        out.add(r.valid_to)
        return out

    def in_force(self, on: dt.date, prefix: str = "", province_code: str = "", commune_code: str = "") -> list[RuleRef]:
        out = []
        for key in self.keys(prefix):
            ref = self.get(key, on, province_code, commune_code)
            if ref is not None:
                out.append(ref)
        return out

    def province_codes(self, key: str) -> set[str]:
        return {p for (p, _c) in self._rows.get(key, {}) if p}


def select_in_force(rows: Iterable[Any], on: dt.date, province_code: str = "", commune_code: str = "") -> Any | None:
    """The rule book's precedence for other dated, scoped records (e.g. procedure versions): among ``rows`` with
    ``valid_from``/``valid_to`` (exclusive) and ``province_code`` (and optionally ``commune_code``), the commune's
    own row covering ``on``, else the province's, else the national one; the latest ``valid_from`` wins."""
    best: dict[int, Any] = {}
    for r in rows:
        if r.valid_from > on or (r.valid_to is not None and on >= r.valid_to):
            continue
        p, c = getattr(r, "province_code", "") or "", getattr(r, "commune_code", "") or ""
        if c:
            rank = 2 if (p, c) == (province_code, commune_code) else -1
        elif p:
            rank = 1 if p == province_code else -1
        else:
            rank = 0
        if rank < 0:
            continue
        if rank not in best or r.valid_from > best[rank].valid_from:
            best[rank] = r
    for rank in (2, 1, 0):
        if rank in best:
            return best[rank]
    return None


# ---------------------------------------------------------------------- process cache
_lock = threading.Lock()
_state: dict[str, Any] = {"index": None, "stamp": None, "checked": float("-inf")}


def _current_stamp() -> str:
    from coso.rules.models import RuleBookState

    stamp = RuleBookState.objects.values_list("stamp", flat=True).first()
    return stamp or "empty"


def _build() -> RuleIndex:
    from coso.rules.models import Rule

    refs = []
    for row in Rule.objects.all().iterator(chunk_size=2000):
        try:
            refs.append(ref_from_row(row))
        except KeyError:
            continue  # a row of a key no longer declared is kept in the table but never applied
        except RuleValueError as exc:
            # A stored value its key can no longer read (its type changed, a choice removed, a table's columns renamed).
            # It is left out, so that one row does not stop every lookup of every province: the unit's lookups fall back
            # to the wider scope or answer "no rule" (RuleMissingError). Logged as an error; ``manage.py rules_check``
            # and the rule-book page list it.
            logger.error("rules: stored value left out of the rule book: %s (%s %s/%s from %s, row %s): %s", row.key, row.scope,
                         row.province_code or "-", row.commune_code or "-", row.valid_from, row.pk, exc)
    return RuleIndex(refs)


def book(*, fresh: bool = False) -> RuleIndex:
    """The rule book of this process, rebuilt when another process (or this one) changed a rule."""
    now = time.monotonic()
    index = _state["index"]
    if index is not None and not fresh and now - _state["checked"] < REFRESH_SECONDS:
        return index
    with _lock:
        stamp = _current_stamp()
        if _state["index"] is None or stamp != _state["stamp"] or fresh:
            _state["index"] = _build()
            _state["stamp"] = stamp
        _state["checked"] = now
        return _state["index"]


def invalidate() -> None:
    with _lock:
        _state["index"] = None
        _state["stamp"] = None
        _state["checked"] = float("-inf")


def _request_started(**kwargs: Any) -> None:
    _state["checked"] = float("-inf")  # check the stamp once per request


request_started.connect(_request_started, dispatch_uid="coso-rules-request-check")


# ---------------------------------------------------------------------- the public lookup
def unit_codes(unit: Any = None, province_code: str | None = None, commune_code: str | None = None) -> tuple[str, str]:
    """(province_code, commune_code) of an administrative unit, a tenant row, a user, or explicit codes."""
    if unit is not None:
        level = getattr(unit, "level", None)
        if level == "commune":
            return unit.province_code or "", unit.code
        if level == "province":
            return unit.code, ""
        if isinstance(unit, str):
            return unit, ""
        return getattr(unit, "province_code", "") or "", getattr(unit, "commune_code", "") or ""
    p = province_code or ""
    return p, (commune_code or "") if p else ""


def _day(on: dt.date | dt.datetime | None) -> dt.date:
    if on is None:
        return timezone.localdate()
    if isinstance(on, dt.datetime):
        return timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
    return on


def rule(key: str, *, on: dt.date | dt.datetime | None = None, unit: Any = None, province_code: str | None = None,
         commune_code: str | None = None, default: Any = _MISSING) -> Any:
    """The value of ``key`` in force on ``on`` (today by default) for ``unit`` (national when None)."""
    p, c = unit_codes(unit, province_code, commune_code)
    return book().value(key, _day(on), p, c, default)


def rule_ref(key: str, *, on: dt.date | dt.datetime | None = None, unit: Any = None, province_code: str | None = None,
             commune_code: str | None = None) -> RuleRef:
    """Like :func:`rule`, with the row's period, scope and source."""
    p, c = unit_codes(unit, province_code, commune_code)
    return book().ref(key, _day(on), p, c)
