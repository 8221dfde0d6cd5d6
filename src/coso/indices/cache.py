"""Figures read from the rollups, cached until the rollups of their province change.

Every write of the rollups bumps a generation: the province's (an event or the periodic refresh re-counted
some of its communes), the national one ``*`` (any province changed), and the base one (a full rebuild).
Figures drawn from the procedure catalogue alone are kept under a generation of their own (``CATALOGUE``), which only
a catalogue change (or a full rebuild) bumps. A cached figure's key holds the generations it depends on and a signature of the rule-book rows that score
it, so a figure is never served after its data or its rules changed; nothing waits for a timeout. The
cache is Django's default (the database table, or Redis with REDIS_URL): shared by every process.

An officer's queue counts (what waits for them, near deadline, overdue) are cached the same way under a
per-commune generation that every dossier or feedback write of the commune bumps (``signals.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
BASE = "indices:gen"
NATIONAL = "*"
# Figures drawn from the procedure catalogue only (1.3, 3.1 and the online procedures of 3.2): their own generation,
# bumped when the catalogue changes (``signals.py``), not by the records' events, which do not change them.
CATALOGUE = "catalogue"
TIMEOUT = 24 * 3600  # an entry nobody asks for again leaves the cache after a day

_SIGNATURE: dict[str, Any] = {"book": None, "value": ""}


def _key(province_code: str) -> str:
    return f"{BASE}:{province_code}"


def _incr(key: str) -> None:
    """Add one to a generation counter: one increment when it exists (every write of a dossier or feedback item bumps
    one), created on first use."""
    try:
        cache.incr(key)
        return
    except ValueError:  # not there yet (or evicted)
        pass
    if not cache.add(key, 1, timeout=None):  # another process created it meanwhile
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=None)


def _bump_now(provinces: Iterable[str], everything: bool) -> None:
    if everything:
        _incr(BASE)
        return
    for p in {*provinces, NATIONAL}:
        _incr(_key(p))


def bump(provinces: Iterable[str] = (), *, everything: bool = False) -> None:
    """The rollups of ``provinces`` (or all, ``everything``) changed: now, and again when the transaction commits
    (a reader between the two would have cached figures read before the commit)."""
    provinces = list(provinces)
    _bump_now(provinces, everything)
    transaction.on_commit(lambda: _bump_now(provinces, everything))


def bump_catalogue() -> None:
    """The procedure catalogue changed: the figures drawn from it, and every score using them (all generations)."""
    _incr(_key(CATALOGUE))
    bump(everything=True)
    transaction.on_commit(lambda: _incr(_key(CATALOGUE)))


def rules_signature() -> str:
    """A short hash of the rule-book rows that score the index (``indices.*``), recomputed per rule-book snapshot."""
    from coso.rules import book

    b = book()
    if _SIGNATURE["book"] is not b:
        rows = sorted(
            (r.key, r.province_code, r.commune_code, str(r.valid_from), str(r.valid_to), str(r.value)) for k in b.keys("indices.") for r in b.rows(k)
        )
        _SIGNATURE.update(book=b, value=hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return str(_SIGNATURE["value"])


def cached(kind: str, province_code: str, parts: Iterable[Any], compute: Callable[[], T], *, timeout: int = TIMEOUT) -> T:
    """``compute()`` cached under the current generations of ``province_code`` ("*": national) and the rule signature."""
    gens = cache.get_many([BASE, _key(province_code)])
    raw = "|".join(map(str, (kind, province_code, gens.get(BASE, 0), gens.get(_key(province_code), 0), rules_signature(), *parts)))
    key = f"indices:fig:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, timeout=timeout)
    return value


# ---------------------------------------------------------------- what waits for an officer (live counts)
QUEUE_TTL = 60  # seconds: a safety net; every dossier or feedback write of the commune invalidates at once


def _queue_key(commune_code: str) -> str:
    return f"indices:queue:{commune_code}"


def bump_queue(commune_codes: Iterable[str]) -> None:
    """Dossiers or feedback of these communes changed: their officers' queue counts are counted again, once the change
    is committed (a count cached before then carries the old generation and is not read again; a bump inside the
    transaction would not be seen by other processes before the commit anyway, nor would the data)."""
    codes = [c for c in set(commune_codes) if c]

    def run() -> None:
        for c in codes:
            _incr(_queue_key(c))

    transaction.on_commit(run)


def cached_queue(commune_code: str, parts: Iterable[Any], compute: Callable[[], T]) -> T:
    """``compute()`` (an officer's queue counts) cached until the commune's records change (or ``QUEUE_TTL``)."""
    gen = cache.get(_queue_key(commune_code), 0)
    raw = "|".join(map(str, ("queue", commune_code, gen, *parts)))
    key = f"indices:q:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, timeout=QUEUE_TTL)
    return value
