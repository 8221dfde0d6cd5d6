"""Accent-insensitive search over an indexed table of folded words (see SearchEntry)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL

from coso.core.models import SearchEntry
from coso.core.text import tokens


def search_index_set(*, kind: str, object_id: int, texts: Iterable[str | None], province_code: str = "", commune_code: str = "",
                     new: bool = False) -> None:
    """Replace the indexed words of one object (``new``: an object just created, which has none yet).

    Inside the caller's transaction (no savepoint of its own: a failure rolls the caller back)."""
    words = sorted({t[:64] for text in texts for t in tokens(text)})
    with transaction.atomic(savepoint=False):
        if not new:
            SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
        SearchEntry.objects.bulk_create(
            [SearchEntry(kind=kind, object_id=object_id, token=w, province_code=province_code, commune_code=commune_code) for w in words]
        )


def search_index_bulk(*, kind: str, rows: Iterable[tuple[int, Iterable[str | None], str, str]], batch_size: int = 5000) -> int:
    """Add words for many new objects at once: rows of (object_id, texts, province_code, commune_code)."""
    buffer: list[SearchEntry] = []
    count = 0
    for object_id, texts, province_code, commune_code in rows:
        for w in sorted({t[:64] for text in texts for t in tokens(text)}):
            buffer.append(SearchEntry(kind=kind, object_id=object_id, token=w, province_code=province_code, commune_code=commune_code))
        if len(buffer) >= batch_size:
            SearchEntry.objects.bulk_create(buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        SearchEntry.objects.bulk_create(buffer)
        count += len(buffer)
    return count


def search_index_remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def search_filter(queryset: models.QuerySet, *, kind: str, query: str, field: str = "pk", for_capped_page: bool = False) -> models.QuerySet:
    """Narrow ``queryset`` to objects whose indexed words match every word of ``query``.

    Each query word of two or more letters matches indexed words that start with it ("duc"
    finds "Đức", "nguy" finds "Nguyễn"); a one-letter word matches only that whole word, so
    that "o" or "a" does not match most of the index.
    An empty query leaves the queryset unchanged.

    ``for_capped_page``: the caller shows one page and counts up to a cap (coso.core.paging),
    nothing more (no exact count, aggregate or export of every match). Then, when every word is
    common (more than ``COMMON_WORD`` index entries each) and, for several words, so are the objects having them all (see :func:`_dense`),
    each word becomes an EXISTS probe of the queryset's own rows: the database walks the list
    in its own order and stops at the page (and at a capped count, see coso.core.paging)
    instead of first gathering the tens of thousands of matches.
    Otherwise one word becomes a single ``IN (SELECT object_id …)`` subquery, and several
    words are intersected inside the index first, in one query run now (see
    :func:`_intersection`): when at most ``ID_LIST_LIMIT`` objects match every word (the usual
    case for a name), the queryset is filtered by that list of ids, so that counting and paging
    it no longer repeat the intersection; otherwise by the intersection as a subquery.
    """
    words = _query_words(query)
    if not words:
        return queryset
    if len(words) == 1 and connections[queryset.db].vendor == "postgresql":
        # PostgreSQL plans the subquery as a semi-join by its statistics: with a page or a
        # capped count it walks the list and probes when the word is common, by itself
        return queryset.filter(**{f"{field}__in": _word_entries(kind, words[0]).values("object_id")})
    counted = _counted_words(kind, words)
    ordered = [w for _, _, w in counted]
    if for_capped_page and counted[0][0] > COMMON_WORD and (len(words) == 1 or _dense(kind, ordered)):
        for w in ordered:
            queryset = queryset.filter(models.Exists(_word_entries(kind, w).filter(object_id=models.OuterRef(field))))
        return queryset
    if len(words) == 1:
        return queryset.filter(**{f"{field}__in": _word_entries(kind, words[0]).values("object_id")})
    matching = _intersection(kind, counted)
    ids = list(dict.fromkeys(matching.values_list("object_id", flat=True)[: ID_LIST_LIMIT + 1]))
    if len(ids) <= ID_LIST_LIMIT:
        return queryset.filter(**{f"{field}__in": _id_list(connections[queryset.db], ids)})
    return queryset.filter(**{f"{field}__in": matching})


# Measured at 1,000,000 names: "nguyen van" (76,000 ids) takes 175 ms on SQLite and 179 ms on
# PostgreSQL with this limit, 455 and 395 ms with a limit of 20,000 (the subquery runs twice).
ID_LIST_LIMIT = 100_000

# The words of a query are counted in the index up to this many entries each.
ESTIMATE_CAP = 200_000
# An EXISTS probe per entry of the rarest word costs about this many entries read by an
# INTERSECT (measured at 1,000,000 names on SQLite and PostgreSQL: 3–6).
PROBE_COST = 5
# A word with more index entries than this is common: gathering its matches costs more than
# walking the list and probing each row (measured at 1,000,000 names on SQLite: a word with
# 30,000 entries is faster gathered, 11 ms against 20 ms probed for a page and a count capped
# at 1,000; one with 66,000 faster probed, 10 ms against 37 ms).
COMMON_WORD = 40_000
# Several common words: their objects are probed from the list's rows when more than this share
# of a sample of the rarest word's entries have every word (so that, in a list of 1,000,000,
# some 10,000 or more objects match: "nguyen van" 22,000, "nguyen thi" 19,000, and not
# "tran thi" 6,900 or "pham minh" 3,800, which the index intersects faster).
SAMPLE = 1000
DENSE_SHARE = 0.25


def _count(kind: str, word: str, cap: int) -> int:
    return int(_word_entries(kind, word).values_list("object_id")[:cap].count())


def _counted_words(kind: str, words: list[str]) -> list[tuple[int, int, str]]:
    """(entries, position, word) of every word, rarest first, each counted up to
    ``ESTIMATE_CAP`` (a single word: up to ``COMMON_WORD`` + 1, all it needs), or only up to
    the rarest's + 1 once probing from the rarest is chosen (see :func:`_intersection`)."""
    counted: list[tuple[int, int, str]] = []
    total = 0
    driven = False
    # last word first: in a name the given name is usually the rarest
    for i, w in enumerate(reversed(words)):
        # once probing is chosen, a later word only needs counting up to the rarest so far
        cap = counted[0][0] + 1 if driven else (COMMON_WORD + 1 if len(words) == 1 else max(ESTIMATE_CAP, COMMON_WORD + 1))
        n = _count(kind, w, cap)
        counted.append((n, i, w))
        counted.sort()
        total += n
        driven = driven or total > PROBE_COST * counted[0][0]
    return counted


def _probes(counted: list[tuple[int, int, str]]) -> bool:
    """Probe from the rarest word rather than INTERSECT (see :func:`_intersection`)?"""
    return sum(n for n, _, _ in counted) > PROBE_COST * min(n for n, _, _ in counted)


def _dense(kind: str, ordered: list[str]) -> bool:
    """Do more than ``DENSE_SHARE`` of a sample of the first word's entries (the first
    ``SAMPLE`` in the index) have every other word too? Then, the words being common, their
    objects are common enough for a list to find its page by probing its own rows."""
    head = _word_entries(kind, ordered[0]).values("pk")[:SAMPLE]
    sample = SearchEntry.objects.filter(pk__in=head)
    for w in ordered[1:]:
        sample = sample.filter(models.Exists(_word_entries(kind, w).filter(object_id=models.OuterRef("object_id"))))
    return int(sample.count()) > DENSE_SHARE * SAMPLE


def _intersection(kind: str, counted: list[tuple[int, int, str]]) -> models.QuerySet:
    """Object ids (possibly repeated) matching every word of ``counted`` (see _counted_words).

    When one word is much more common than the rarest (more entries in all than
    ``PROBE_COST`` × the rarest's), the entries of the rarest word are kept when their object
    also has an entry for every other word (EXISTS probes on the (kind, object_id, token)
    index, rarer words first): the work follows the rarest word ("nguyen van duc" over
    1,000,000 names: 57,000 driving entries instead of 495,000 read and intersected).
    Otherwise the words' entries are intersected (INTERSECT), which is cheaper when every
    word is about as rare.
    """
    ordered = [w for _, _, w in counted]
    if not _probes(counted):
        subqueries = [_word_entries(kind, w).values("object_id") for w in ordered]
        return subqueries[0].intersection(*subqueries[1:])
    matching = _word_entries(kind, ordered[0])
    for w in ordered[1:]:
        matching = matching.filter(models.Exists(_word_entries(kind, w).filter(object_id=models.OuterRef("object_id"))))
    return matching.values("object_id")


def _query_words(query: str) -> list[str]:
    """The folded words of ``query`` without repeats and without a word of two or more
    letters that starts another word (every match of "nguyen" also matches "ng")."""
    words = list(dict.fromkeys(tokens(query)))
    return [w for w in words if len(w) < 2 or not any(o != w and o.startswith(w) for o in words)]


def _word_entries(kind: str, word: str) -> models.QuerySet:
    """Index entries matching one query word: by prefix, or exactly for a one-letter word."""
    if len(word) < 2:
        return SearchEntry.objects.filter(kind=kind, token=word)
    entries = SearchEntry.objects.filter(kind=kind, token__gte=word)
    upper = prefix_upper_bound(word)
    return entries.filter(token__lt=upper) if upper else entries


def _id_list(connection: BaseDatabaseWrapper, ids: list[int]) -> RawSQL | list[int]:
    """A list of ids as one query parameter (a JSON array on SQLite, an array on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
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
