"""Accent-insensitive search over an indexed table of folded words (see SearchEntry)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex

from coso.core import locks
from coso.core.models import SearchEntry, SearchWordCount
from coso.core.text import tokens


def search_words(texts: Iterable[str | None]) -> list[str]:
    """The indexed words of an object's texts: folded, cut at 64 letters, sorted, once each."""
    return sorted({t[:64] for text in texts for t in tokens(text)})


def stored_words(words: list[str]) -> str:
    """The ``SearchEntry.words`` of an object with these words (see :func:`search_words`):
    " duc nguyen van " when that fits in ``WORDS_MAX`` characters, else ""."""
    joined = f" {' '.join(words)} "
    return joined if len(joined) <= WORDS_MAX else ""


def search_entries(*, kind: str, object_id: int, texts: Iterable[str | None], province_code: str = "", commune_code: str = "") -> list[SearchEntry]:
    """The unsaved index entries of one object (for writers that insert rows themselves)."""
    words = search_words(texts)
    stored = stored_words(words)
    return [SearchEntry(kind=kind, object_id=object_id, token=w, words=stored, province_code=province_code, commune_code=commune_code)
            for w in words]


def search_index_set(*, kind: str, object_id: int, texts: Iterable[str | None], province_code: str = "", commune_code: str = "",
                     new: bool = False) -> None:
    """Replace the indexed words of one object (``new``: an object just created, which has none yet).

    Inside the caller's transaction (no savepoint of its own: a failure rolls the caller back)."""
    with transaction.atomic(savepoint=False):
        if not new:
            SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
        SearchEntry.objects.bulk_create(
            search_entries(kind=kind, object_id=object_id, texts=texts, province_code=province_code, commune_code=commune_code))


def search_index_bulk(*, kind: str, rows: Iterable[tuple[int, Iterable[str | None], str, str]], batch_size: int = 5000) -> int:
    """Add words for many new objects at once: rows of (object_id, texts, province_code, commune_code).
    Their words are added to the counts (SearchWordCount)."""
    buffer: list[SearchEntry] = []
    counts: Counter[str] = Counter()
    count = 0
    for object_id, texts, province_code, commune_code in rows:
        entries = search_entries(kind=kind, object_id=object_id, texts=texts, province_code=province_code, commune_code=commune_code)
        buffer.extend(entries)
        counts.update(e.token for e in entries)
        if entries:
            counts[OBJECTS] += 1
        if len(buffer) >= batch_size:
            SearchEntry.objects.bulk_create(buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        SearchEntry.objects.bulk_create(buffer)
        count += len(buffer)
    _add_counts(kind, counts)
    return count


# The lock (coso.core.locks) that a recount of the word counts and the counts added by a bulk load take: one at a time, so
# that a recount neither counts a load's entries that the load then adds again, nor fails on the words it has just added.
COUNTS_LOCK = ("core.search_word_counts", "all")


def _add_counts(kind: str, counts: Counter[str]) -> None:
    if not counts:
        return
    db = router.db_for_write(SearchWordCount)
    table = connections[db].ops.quote_name(SearchWordCount._meta.db_table)
    with transaction.atomic(using=db), connections[db].cursor() as cur:
        locks.lock(SearchWordCount, *COUNTS_LOCK)  # held until the load commits (its entries with it)
        cur.executemany(
            f"INSERT INTO {table} (kind, token, entries) VALUES (%s, %s, %s)"  # noqa: S608 - the table name is the model's
            f" ON CONFLICT (kind, token) DO UPDATE SET entries = {table}.entries + excluded.entries",
            [(kind, token, n) for token, n in sorted(counts.items())],
        )


# The SearchWordCount row of this "word" (no token is empty) counts the objects of a kind.
OBJECTS = ""


def search_stats_refresh(*, kind: str | None = None) -> int:
    """Recount the index entries of every word (of ``kind``, or of every kind) into
    SearchWordCount, and the objects of each kind (word ``OBJECTS``); returns the number of rows written."""
    db = router.db_for_write(SearchWordCount)
    entries = SearchEntry.objects.using(db).all()
    stats = SearchWordCount.objects.using(db).all()
    if kind is not None:
        entries, stats = entries.filter(kind=kind), stats.filter(kind=kind)
    words = entries.values("kind", "token").annotate(n=models.Count("*")).order_by()
    objects = entries.values("kind").annotate(token=models.Value(OBJECTS), n=models.Count("object_id", distinct=True)).values("kind", "token", "n").order_by()
    table = connections[db].ops.quote_name(SearchWordCount._meta.db_table)
    written = 0
    with transaction.atomic(using=db), connections[db].cursor() as cur:
        locks.lock(SearchWordCount, *COUNTS_LOCK)  # taken before the delete and the counts read their rows
        stats.delete()
        for select, params in (words.query.sql_with_params(), objects.query.sql_with_params()):
            cur.execute(f"INSERT INTO {table} (kind, token, entries) {select}", params)  # noqa: S608 - SQL built by the ORM
            written += int(cur.rowcount)
    return written


def search_index_move(*, kind: str, object_ids: Iterable[int], commune_code: str, province_code: str | None = None) -> int:
    """Objects moved to another unit without being re-indexed (a reorganisation moves them by
    ``UPDATE``): their entries take the new unit, so that a search within it (see
    :func:`search_filter`) finds them there. Returns the number of entries changed."""
    unit = {"commune_code": commune_code} if province_code is None else {"commune_code": commune_code, "province_code": province_code}
    return int(SearchEntry.objects.filter(kind=kind, object_id__in=list(object_ids)).update(**unit))


def search_index_remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def search_filter(queryset: models.QuerySet, *, kind: str, query: str, field: str = "pk", for_capped_page: bool = False,
                  province_code: str = "", commune_code: str = "") -> models.QuerySet:
    """Narrow ``queryset`` to objects whose indexed words match every word of ``query``.

    ``province_code`` / ``commune_code``: the unit ``queryset`` is already limited to (the
    user's scope, or the list's own filter), as the entries of its objects carry it
    (SearchEntry.province_code, commune_code): the index is then read only within that unit
    (the (kind, province_code, token, commune_code) index), not across the country. A narrower
    scope than the queryset's would drop matches; a wider one (or none) only costs time.

    Each query word of two or more letters matches indexed words that start with it ("duc"
    finds "Đức", "nguy" finds "Nguyễn"); a one-letter word matches only that whole word, so
    that "o" or "a" does not match most of the index.
    An empty query leaves the queryset unchanged.

    ``for_capped_page``: the caller shows one page and counts up to a cap (coso.core.paging),
    nothing more (no exact count, aggregate or export of every match). Then, when every word is
    common (more index entries each than ``COMMON_SHARE`` of the kind's objects, see
    :func:`_rarest_first`) and, for several words, so are the objects having them all (see :func:`_dense`),
    each word becomes an EXISTS probe of the queryset's own rows: the database walks the list
    in its own order and stops at the page (and at a capped count, see coso.core.paging)
    instead of first gathering the tens of thousands of matches.
    Otherwise one word becomes a single ``IN (SELECT object_id …)`` subquery, and several
    words are matched inside the index first, in one query run now (see :func:`_matching`):
    when at most ``ID_LIST_LIMIT`` objects match every word (the usual case for a name), the
    queryset is filtered by that list of ids, so that counting and paging it no longer repeat
    the search of the index; otherwise by that search as a subquery.
    """
    words = _query_words(query)
    if not words:
        return queryset
    scope = _scope(province_code, commune_code)
    if len(words) == 1 and connections[queryset.db].vendor == "postgresql":
        # PostgreSQL plans the subquery as a semi-join by its statistics: with a page or a
        # capped count it walks the list and probes when the word is common, by itself
        return queryset.filter(**{f"{field}__in": _word_entries(kind, words[0], scope).values("object_id")})
    ordered, common = _rarest_first(kind, words, scope)
    if for_capped_page and ordered[0][0] > common and (len(words) == 1 or _dense(kind, ordered, scope)):
        for _, w in ordered:
            queryset = queryset.filter(models.Exists(_word_entries(kind, w).filter(object_id=models.OuterRef(field))))
        return queryset
    if len(words) == 1:
        return queryset.filter(**{f"{field}__in": _word_entries(kind, words[0], scope).values("object_id")})
    matching = _matching(kind, [w for _, w in ordered], scope)
    ids = list(dict.fromkeys(matching.values_list("object_id", flat=True)[: ID_LIST_LIMIT + 1]))
    if len(ids) <= ID_LIST_LIMIT:
        return queryset.filter(_in_ids(connections[queryset.db], field, ids))
    return queryset.filter(**{f"{field}__in": matching})


# Measured at 1,000,000 names: "nguyen van duc" (76,000 ids) takes 175 ms on SQLite and 179 ms on
# PostgreSQL with this limit, 455 and 395 ms with a limit of 20,000 (the subquery runs twice).
ID_LIST_LIMIT = 100_000

# The words stored beside each entry (SearchEntry.words) up to this many characters.
WORDS_MAX = 200
# The first word of a query is counted in the index up to this many entries, each further one
# up to the rarest so far (it only has to be known whether it is rarer).
ESTIMATE_CAP = 200_000
# A word with more index entries than this share of the kind's objects is common: gathering
# its matches costs more than walking the list and probing each row (measured at 1,000,000
# names on SQLite: a word with 30,000 entries is faster gathered, 11 ms against 20 ms probed
# for a page and a count capped at 1,000; one with 66,000 faster probed, 10 ms against 37 ms).
# Walking stops after about cap ÷ share rows whatever the size of the list, gathering grows
# with it: the share holds for other sizes. Without counts (SearchWordCount), more entries than
# COMMON_WORD.
COMMON_SHARE = 0.04
COMMON_WORD = 40_000
# Several common words: their objects are probed from the list's rows when more than this share
# of a sample of the rarest word's entries have every word (so that, in a list of 1,000,000,
# some 10,000 or more objects match: "nguyen van" 22,000, "nguyen thi" 19,000, and not
# "tran thi" 6,900 or "pham minh" 3,800, which the index matches faster).
SAMPLE = 1000
DENSE_SHARE = 0.25


def _scope(province_code: str, commune_code: str) -> dict[str, str]:
    """The filter of the entries within a unit: by province first (the index's order), the
    commune inside it. A commune alone (a user without a province) filters the entries read."""
    scope = {"province_code": province_code} if province_code else {}
    return {**scope, "commune_code": commune_code} if commune_code else scope


def _count(kind: str, word: str, cap: int, scope: dict[str, str]) -> int:
    return int(_word_entries(kind, word, scope).values_list("object_id")[:cap].count())


def _rarest_first(kind: str, words: list[str], scope: dict[str, str] | None = None) -> tuple[list[tuple[int, str]], int]:
    """(entries, word) of every word, rarest first, and the number of entries above which a
    word is common. From the counts of SearchWordCount when they cover every word, else
    counted in the index: there the first word counted (the last of the query: in a name the
    given name is usually the rarest) is counted up to ``ESTIMATE_CAP`` entries (a single
    word: up to the common number + 1, all it needs), each further one only up to the rarest
    so far + 1. Ties keep the query's order from its end."""
    known = _known_counts(kind, [*words, OBJECTS])
    objects = known.pop()
    common = int(COMMON_SHARE * objects) if objects else COMMON_WORD
    counted: list[tuple[int, int, str]] = []
    for i, w in enumerate(reversed(words)):
        if all(known):
            n = known[len(words) - 1 - i]
        else:
            n = _count(kind, w, counted[0][0] + 1 if counted else (common + 1 if len(words) == 1 else max(ESTIMATE_CAP, common + 1)),
                       scope or {})
        counted.append((n, i, w))
        counted.sort()
    return [(n, w) for n, _, w in counted], common


def _known_counts(kind: str, words: list[str]) -> list[int]:
    """The entries of each word by SearchWordCount (0 where no count covers it): a range of
    the (kind, token) index per word."""
    any_word = models.Q()
    for w in words:
        any_word |= _token_q(w)
    # one query (a range of the index per word), not one per word
    sums = SearchWordCount.objects.filter(any_word, kind=kind).aggregate(
        **{f"n{i}": models.Sum("entries", filter=_token_q(w)) for i, w in enumerate(words)})
    return [int(sums[f"n{i}"] or 0) for i in range(len(words))]


def _dense(kind: str, ordered: list[tuple[int, str]], scope: dict[str, str] | None = None) -> bool:
    """Do more than ``DENSE_SHARE`` of a sample of the first word's entries (the first
    ``SAMPLE`` in the index) have every other word too? Then, the words being common, their
    objects are common enough for a list to find its page by probing its own rows."""
    words = [w for _, w in ordered]
    # read from the (kind, token, object_id, words) index alone: its stored words answer
    head = list(_word_entries(kind, words[0], scope).values_list("words", flat=True)[:SAMPLE])
    if all(head):
        needles = [f" {w} " if len(w) < 2 else f" {w}" for w in words[1:]]
        return sum(all(n in stored for n in needles) for stored in head) > DENSE_SHARE * SAMPLE
    sample = SearchEntry.objects.filter(pk__in=_word_entries(kind, words[0], scope).values("pk")[:SAMPLE]).filter(_other_words_q(kind, words[1:]))
    return int(sample.count()) > DENSE_SHARE * SAMPLE


def _matching(kind: str, ordered: list[str], scope: dict[str, str] | None = None) -> models.QuerySet:
    """Object ids (possibly repeated) matching every word of ``ordered`` (rarest first): the
    entries of the rarest word whose object has every other word (see :func:`_other_words_q`),
    so that the work follows the rarest word ("nguyen van duc" over 1,000,000 names: the 57,000
    entries of "duc", each checked in the index, instead of the 495,000 of all three words).

    One scan of those entries on every database (PostgreSQL's connections compile no JIT,
    see settings: the probe estimated for every entry made the plan's cost high enough for
    it); the probes run only for entries without stored words."""
    entries = _word_entries(kind, ordered[0], scope)
    rest = ordered[1:]
    if not rest:
        return entries.values("object_id")
    return entries.filter(_other_words_q(kind, rest)).values("object_id")


def _other_words_q(kind: str, words: list[str]) -> models.Q:
    """The entry's object has every one of ``words``: checked in the entry's own words when
    they are stored (read with the entry from the (kind, token) index), else by probes."""
    return _stored_words_q(words) | (models.Q(words="") & _probes_q(kind, words))


def _stored_words_q(words: list[str]) -> models.Q:
    """The entry's stored words (SearchEntry.words) include every one of ``words``."""
    q = models.Q()
    for w in words:
        # INSTR / STRPOS: the same test as LIKE '% w%' (stored words have no wildcard
        # characters), about twice as fast over the tens of thousands of entries of a word
        q &= models.Q(models.lookups.GreaterThan(StrIndex("words", models.Value(f" {w} " if len(w) < 2 else f" {w}")), 0))
    return q


def _probes_q(kind: str, words: list[str]) -> models.Q:
    """The entry's object has an entry for every one of ``words`` (an EXISTS probe each on the
    (kind, object_id, token) index)."""
    return models.Q(*(models.Exists(_word_entries(kind, w).filter(object_id=models.OuterRef("object_id"))) for w in words))


def _query_words(query: str) -> list[str]:
    """The folded words of ``query`` without repeats and without a word of two or more
    letters that starts another word (every match of "nguyen" also matches "ng")."""
    words = list(dict.fromkeys(tokens(query)))
    return [w for w in words if len(w) < 2 or not any(o != w and o.startswith(w) for o in words)]


def _word_entries(kind: str, word: str, scope: dict[str, str] | None = None) -> models.QuerySet:
    """Index entries matching one query word: by prefix, or exactly for a one-letter word;
    within ``scope`` (see :func:`_scope`) when given."""
    return SearchEntry.objects.filter(_token_q(word), kind=kind, **(scope or {}))


def _token_q(word: str) -> models.Q:
    """The tokens one query word matches: those starting with it, or only itself when it has
    one letter (a range of the (kind, token) indexes)."""
    if len(word) < 2:
        return models.Q(token=word)
    upper = prefix_upper_bound(word)
    return models.Q(token__gte=word, token__lt=upper) if upper else models.Q(token__gte=word)


class _AnyOf(models.Func):
    """``field = ANY(%s::bigint[])`` (PostgreSQL): a list of ids as one parameter. Unlike
    ``IN (SELECT unnest(...))``, an index scan of the field answers it in the field's order
    (a page ordered by it reads only its rows instead of walking the list to find them)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s::bigint[])"
    output_field = models.BooleanField()


def _in_ids(connection: BaseDatabaseWrapper, field: str, ids: list[int]) -> models.Q:
    """``field`` is one of ``ids``."""
    if connection.vendor == "postgresql":
        return models.Q(_AnyOf(models.F(field), models.Value(ids, output_field=models.Field())))
    return models.Q(**{f"{field}__in": _id_list(connection, ids)})


def _id_list(connection: BaseDatabaseWrapper, ids: list[int]) -> RawSQL | list[int]:
    """A list of ids as one query parameter (a JSON array on SQLite)."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(ids),))
    return ids


_WORD_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def prefix_upper_bound(word: str) -> str:
    """The smallest token that sorts after every token starting with ``word`` ("duc" → "dud",
    "anz" → "ao"; "" when there is none). Tokens use only [0-9a-z], whose order is the same in
    the C collation and in linguistic ones (en_US, ICU), so the range [word, upper) selects
    exactly the prefix matches on SQLite and on PostgreSQL whatever the database's collation.
    (A "\x7f" sentinel would not: linguistic collations ignore control characters.)"""
    chars = list(word)
    while chars:
        i = _WORD_CHARS.find(chars[-1])
        if 0 <= i < len(_WORD_CHARS) - 1:
            chars[-1] = _WORD_CHARS[i + 1]
            return "".join(chars)
        chars.pop()
    return ""
