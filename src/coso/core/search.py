"""Accent-insensitive search over an indexed table of folded words (see SearchEntry)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from coso.core.models import SearchEntry
from coso.core.text import tokens


def search_index_set(*, kind: str, object_id: int, texts: Iterable[str | None], province_code: str = "", commune_code: str = "") -> None:
    """Replace the indexed words of one object."""
    words = sorted({t[:64] for text in texts for t in tokens(text)})
    with transaction.atomic():
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


def search_filter(queryset: models.QuerySet, *, kind: str, query: str, field: str = "pk") -> models.QuerySet:
    """Narrow ``queryset`` to objects whose indexed words match every word of ``query``.

    Each query word of two or more letters matches indexed words that start with it ("duc"
    finds "Đức", "nguy" finds "Nguyễn"); a one-letter word matches only that whole word, so
    that "o" or "a" does not match most of the index.
    An empty query leaves the queryset unchanged.
    """
    words = tokens(query)
    for word in words:
        if len(word) >= 2:
            entries = SearchEntry.objects.filter(kind=kind, token__gte=word)
            upper = prefix_upper_bound(word)
            if upper:
                entries = entries.filter(token__lt=upper)
        else:
            entries = SearchEntry.objects.filter(kind=kind, token=word)
        queryset = queryset.filter(**{f"{field}__in": entries.values("object_id")})
    return queryset


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
