"""Figures read from the rollups, cached until the rollups of their province change.

Every write of the rollups bumps a generation: the province's (an event or the periodic refresh re-counted
some of its communes), the national one ``*`` (any province changed), and the base one (a full rebuild).
Figures drawn from the procedure catalogue alone are kept under a generation of their own (``CATALOGUE``), which only
a catalogue change (or a full rebuild) bumps. A cached figure's key holds the generations it depends on and a signature of the rule-book rows that score
it, so a figure is never served after its data or its rules changed; nothing waits for a timeout. Every key also holds
:data:`FIGURES_VERSION`, which a change to how a figure is computed bumps, so a deploy never serves what the previous
code computed. The
cache is Django's default (the database table, or Redis with REDIS_URL): shared by every process.

An officer's queue counts (what waits for them, near deadline, overdue) are cached the same way under a
per-commune generation that every dossier or feedback write of the commune bumps (``signals.py``).

A page that shows many figures reads them inside :func:`one_page`: the generations are read once, a figure asked
for twice (the catalogue's, asked by every card) is fetched or computed once, and the figures computed are written
to the cache together when the page is done (one transaction on the database cache, see ``coso.core.cache``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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
# The version of how the figures are computed, part of every cached entry's key (figures, queue counts, page
# manifests). Bump it when a change alters how a figure is computed (a new way of counting, a data migration that
# rewrites what the figures read): after the deploy no entry cached by the previous code is read again. The
# generations alone would serve them until the data changed (a past period's catalogue figures, until the next
# catalogue edit).
FIGURES_VERSION = 3

_SIGNATURE: dict[str, Any] = {"book": None, "value": ""}


def _key(province_code: str) -> str:
    return f"{BASE}:{province_code}"


def _fresh() -> int:
    """A generation no counter has had before: the clock in nanoseconds. Every bump writes a fresh value, and so does a
    counter created again after it left the cache (culled by the database cache past its ``MAX_ENTRIES``, evicted by
    Redis under memory pressure): the figures cached under its old values are never read again. Starting again from 0
    or 1 would serve them."""
    return time.time_ns()


def _renew(key: str) -> None:
    """Bump a generation counter: one write of a fresh value (:func:`_fresh`), whether the counter exists or not. Every
    write of a dossier or feedback item bumps one. Two bumps at once both leave a value that differs from every value
    before them, which is all a generation needs; an increment cost a read and a write on the database cache."""
    cache.set(key, _fresh(), timeout=None)


def _read_generations(keys: list[str]) -> dict[str, Any]:
    """The current value of each generation counter; a missing one (never bumped, or evicted) is created at a fresh value
    first, so that no figure is ever cached under a value that a counter read as missing would give again."""
    found: dict[str, Any] = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for k in missing:
            cache.add(k, _fresh(), timeout=None)
        found.update(cache.get_many(missing))
        for k in missing:  # a cache that keeps nothing (dummy): a value of its own, so nothing cached is read again
            found.setdefault(k, _fresh())
    return found


def _month_key(province_code: str, year: int, month: int) -> str:
    return f"{BASE}:{province_code}:{year:04d}-{month:02d}"


def _months(first: dt.date, last: dt.date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _bump_now(provinces: Iterable[str], everything: bool, days: tuple[dt.date, dt.date] | None) -> None:
    if everything:
        _renew(BASE)
        return
    for p in {*provinces, NATIONAL}:
        if days is None:
            _renew(_key(p))
        else:
            for year, month in _months(*days):
                _renew(_month_key(p, year, month))


def bump(provinces: Iterable[str] = (), *, days: tuple[dt.date, dt.date] | None = None, everything: bool = False) -> None:
    """The rollups of ``provinces`` (or all, ``everything``) changed: now, and again when the transaction commits
    (a reader between the two would have cached figures read before the commit).

    ``days`` (first, last): only the rollups of those days changed, so only the figures whose period shares a month
    with them are computed again (a dossier event today leaves last month's figures cached); without it, every figure
    of the provinces."""
    provinces = list(provinces)
    _bump_now(provinces, everything, days)
    transaction.on_commit(lambda: _bump_now(provinces, everything, days))


def _inputs_key(province_code: str) -> str:
    return f"{BASE}:inputs:{province_code}"


def bump_inputs(province_code: str) -> None:
    """The strength index's inputs of the province changed (figures it entered, ``ProvinceFigure``, or a row of the
    apps the index reads, see ``coso.indices.signals``): the strength figures cached for the province's communes are
    computed again, when the transaction commits and, within it, on its next read of the generation.

    Once per province and transaction: a service saving a hundred rows of one province renews the generation once at
    the commit, not twice per row. Whether this transaction has its commit hook already is told by its own hooks (a
    hook of a rolled-back transaction or savepoint is gone with it, so the next write adds it again). Within the
    transaction the change is only noted: :func:`inputs_generation` renews the generation before this transaction
    reads it, so that it never reads figures cached before its own writes."""
    key = _inputs_key(province_code)
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _renew(key)
        return
    conn.__dict__.setdefault("coso_inputs_written", set()).add(key)
    hooks: dict[str, Callable[[], None]] = conn.__dict__.setdefault("coso_inputs_hooks", {})
    hook = hooks.get(key)
    if hook is None or not any(h is hook for _ids, h, *_rest in conn.run_on_commit):
        hook = functools.partial(_inputs_committed, conn, key)
        hooks[key] = hook
        transaction.on_commit(hook)


def _inputs_committed(conn: Any, key: str) -> None:
    conn.__dict__.get("coso_inputs_written", set()).discard(key)
    _renew(key)


def inputs_generation(province_code: str) -> Any:
    """The generation of the province's strength inputs (see :func:`bump_inputs`), for the keys of cached strength
    figures; renewed first when this connection's transaction has written them since it last read it."""
    key = _inputs_key(province_code)
    written = transaction.get_connection().__dict__.get("coso_inputs_written")
    page = _PAGE.get()
    if written and key in written:
        written.discard(key)
        _renew(key)
        if page is not None:
            page.generations.pop(key, None)
    # inside a page, read once with the page's other generations (the dashboard asks for this month's and last month's)
    return _generations([key])[key]


def bump_catalogue() -> None:
    """The procedure catalogue changed: the figures drawn from it, and every score using them (all generations)."""
    _renew(_key(CATALOGUE))
    bump(everything=True)
    transaction.on_commit(lambda: _renew(_key(CATALOGUE)))


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


@dataclass
class _Page:
    """What one page has read and computed so far (see :func:`one_page`)."""

    generations: dict[str, Any] = field(default_factory=dict)
    seen: dict[str, bytes] = field(default_factory=dict)  # key -> the figure pickled when fetched or computed
    pending: dict[int, dict[str, bytes]] = field(default_factory=dict)  # timeout -> figures to write
    signature: str = ""  # of the rule book, read once
    # What the page asked for (see :func:`_prefetch`): the figures read ahead in one query, those found missing, and
    # the recipe of every figure asked for, kept as the page's manifest for the next time it is shown.
    prefetched: dict[str, Any] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)
    asked: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # key -> recipe
    manifest_key: str = ""
    manifest: tuple[tuple[Any, ...], ...] | None = None  # as read from the cache


_PAGE: ContextVar[_Page | None] = ContextVar("coso_indices_page", default=None)


@contextmanager
def one_page(manifest: str = "") -> Iterator[None]:
    """Figures read inside share one reading of the generations and one write of what was computed (at the end,
    unless the page failed). Pages and API answers that show many figures read them inside it.

    ``manifest``: a name for the page (its address and viewer): the figures it asked for are remembered under it (their
    recipes: kind, unit, parts, generations, never their values), and the next time it is shown they are read ahead
    with their current generations in two queries instead of one query each (see :func:`_prefetch`)."""
    page = _Page()
    token = _PAGE.set(page)
    try:
        if manifest:
            _prefetch(page, manifest)
        yield
    finally:
        _PAGE.reset(token)
    groups = {timeout: {k: pickle.loads(v) for k, v in entries.items()} for timeout, entries in page.pending.items()}  # noqa: S301 - pickled here
    if page.manifest_key:
        # Kept: what was asked this time, and what was read ahead and found (a figure of a part the page did not need
        # to open, e.g. computed inside a cached one); a recipe neither asked nor found is dropped.
        kept = [r for k, r in _recipes(page.manifest or (), page.generations, page.signature) if k not in page.asked and k in page.prefetched]
        recipes = (*page.asked.values(), *kept)
        # A page that read no figure (a bad address answered 400) leaves no manifest: one row per address typed otherwise.
        if set(recipes) != set(page.manifest or ()):
            groups.setdefault(TIMEOUT, {})[page.manifest_key] = recipes
    if not groups:
        return
    if hasattr(cache, "set_many_timeouts"):  # the database cache: every lifetime in one transaction
        cache.set_many_timeouts(groups)
    else:
        for timeout, entries in groups.items():
            cache.set_many(entries, timeout=timeout)


def _recipes(recipes: Iterable[tuple[Any, ...]], generations: dict[str, Any], signature: str) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(cache key, recipe) of the recipes whose generations are all known."""
    for recipe in recipes:
        ns, kind, unit, keys, parts = recipe
        if all(k in generations for k in keys):
            yield _entry_key(ns, kind, unit, keys, generations, signature if ns == "fig" else None, parts), recipe


def manifest_key(manifest: str) -> str:
    """The cache key of the recipes a page named ``manifest`` asked for (see :func:`one_page`)."""
    return f"indices:page:v{FIGURES_VERSION}:{hashlib.sha256(manifest.encode()).hexdigest()[:40]}"


def _prefetch(page: _Page, manifest: str) -> None:
    """Read ahead the figures the page asked for last time: the manifest, then every generation they depend on (one
    query), then every figure at its current generations (one query). A figure is found only under the generations it
    was computed at, so nothing read ahead is staler than what :func:`cached` would read."""
    page.manifest_key = manifest_key(manifest)
    found = cache.get(page.manifest_key)
    if not isinstance(found, tuple):
        return
    page.manifest = found
    page.signature = rules_signature()
    keys = sorted({k for _ns, _kind, _unit, gen_keys, _parts in found for k in gen_keys})
    page.generations.update(_read_generations(keys))
    wanted = dict(_recipes(found, page.generations, page.signature))
    if wanted:
        page.prefetched = cache.get_many(list(wanted))
        page.absent = set(wanted) - set(page.prefetched)


def _entry_key(ns: str, kind: str, unit: str, keys: Iterable[str], generations: dict[str, Any], signature: str | None, parts: Iterable[str]) -> str:
    pieces = (kind, unit, *(generations[k] for k in keys), *(() if signature is None else (signature,)), *parts)
    return f"indices:{ns}:v{FIGURES_VERSION}:{hashlib.sha256('|'.join(map(str, pieces)).encode()).hexdigest()[:40]}"


# The query parameters the figure pages and answers read: only these name a page's manifest, so an address with other
# parameters (?utm_source=…, ?x=1, …) shares the manifest of the page it shows instead of writing a row of its own
# (anyone may open the public pages). A manifest holds recipes, never values: a page that shares another's only reads
# ahead figures it may not need.
PAGE_PARAMETERS = ("period", "start", "end", "shown", "level", "code", "province", "commune", "sort", "format", "indicator", "all", "page", "limit")


def _page_name(request: Any) -> str:
    return request.path + "?" + "&".join(f"{k}={request.GET.get(k)}" for k in PAGE_PARAMETERS if k in request.GET)


def page_of_figures(view: Callable[..., T]) -> Callable[..., T]:
    """A view (page or API answer) whose figures are read inside :func:`one_page`, its manifest named by the view, the
    address's figure parameters (:data:`PAGE_PARAMETERS`), the viewer and the language."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> T:
        from django.utils import translation

        request: Any = args[0] if args else None
        name = ""
        if request is not None and hasattr(request, "GET"):
            user = getattr(request, "user", None)
            name = "|".join(map(str, (view.__module__, view.__qualname__, _page_name(request), getattr(user, "pk", None), translation.get_language())))
        with one_page(name):
            return view(*args, **kwargs)

    return wrapped


def _generations(keys: list[str]) -> dict[str, Any]:
    page = _PAGE.get()
    if page is None:
        return _read_generations(keys)
    missing = [k for k in keys if k not in page.generations]
    if missing:
        page.generations.update(_read_generations(missing))
    return {k: page.generations[k] for k in keys}


def cached(
    kind: str,
    province_code: str,
    parts: Iterable[Any],
    compute: Callable[[], T],
    *,
    spans: Iterable[Any] = (),
    timeout: int = TIMEOUT,
) -> T:
    """``compute()`` cached under the current generations of ``province_code`` ("*": national) and the rule signature.

    ``spans``: the periods (anything with ``start`` and ``end`` dates) whose rollups the figure reads; the generations
    of their months are part of the key (see :func:`bump`)."""
    months = sorted({m for span in spans for m in _months(span.start, span.end)})
    keys = [BASE, _key(province_code), *(_month_key(province_code, y, m) for y, m in months)]
    gens = _generations(keys)
    page = _PAGE.get()
    if page is None:
        signature = rules_signature()
    else:
        signature = page.signature = page.signature or rules_signature()
    texts = tuple(map(str, parts))
    key = _entry_key("fig", kind, province_code, keys, gens, signature, texts)
    if page is not None:
        page.asked[key] = ("fig", kind, province_code, tuple(keys), texts)
    return _fetch_or_compute(key, compute, timeout)


def cached_for(kind: str, parts: Iterable[Any], compute: Callable[[], T], *, timeout: int) -> T:
    """``compute()`` cached for ``timeout`` seconds only, under no generation: for what the rollups, the catalogue and
    the rule book do not feed (the strength index's inputs from other apps), so that neither an event nor a full
    rebuild computes it again before its time."""
    texts = tuple(map(str, parts))
    key = _entry_key("ttl", kind, "", (), {}, None, texts)
    page = _PAGE.get()
    if page is not None:
        page.asked[key] = ("ttl", kind, "", (), texts)
    return _fetch_or_compute(key, compute, timeout)


def _fetch_or_compute(key: str, compute: Callable[[], T], timeout: int) -> T:
    page = _PAGE.get()
    if page is not None and key in page.seen:
        return pickle.loads(page.seen[key])  # type: ignore[no-any-return]  # noqa: S301 - a fresh copy, as from the cache
    if page is not None and key in page.prefetched:
        found = page.prefetched[key]
    elif page is not None and key in page.absent:
        found = None
    else:
        found = cache.get(key)
    if found is not None:
        if page is not None:
            page.seen[key] = pickle.dumps(found)
        return found  # type: ignore[no-any-return]
    value = compute()
    if page is None:
        cache.set(key, value, timeout=timeout)
    else:
        # pickled now: what the caller later does with ``value`` does not reach the cache
        page.seen[key] = frozen = pickle.dumps(value)
        page.pending.setdefault(timeout, {})[key] = frozen
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
            _renew(_queue_key(c))

    transaction.on_commit(run)


def cached_queue(commune_code: str, parts: Iterable[Any], compute: Callable[[], T]) -> T:
    """``compute()`` (an officer's queue counts) cached until the commune's records change (or ``QUEUE_TTL``)."""
    keys = [_queue_key(commune_code)]
    gens = _generations(keys)
    texts = tuple(map(str, parts))
    key = _entry_key("q", "queue", commune_code, keys, gens, None, texts)
    page = _PAGE.get()
    if page is not None:
        page.asked[key] = ("q", "queue", commune_code, tuple(keys), texts)
    return _fetch_or_compute(key, compute, QUEUE_TTL)
