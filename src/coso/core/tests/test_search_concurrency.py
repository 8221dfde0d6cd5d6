"""Concurrency on PostgreSQL: the nightly recount of the search words (``search_stats_refresh``) while a bulk load
(``search_index_bulk``, e.g. an Excel import) adds its words: neither fails and every entry is counted once."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count

import pytest

from coso.core import search
from coso.core.models import SearchEntry, SearchWordCount
from coso.core.tests.threads import side_by_side

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]

KIND = "test.bulk"


def _counted() -> dict[str, int]:
    return dict(SearchWordCount.objects.filter(kind=KIND).values_list("token", "entries"))


def _actual() -> dict[str, int]:
    words = dict(SearchEntry.objects.filter(kind=KIND).values("token").annotate(n=Count("*")).values_list("token", "n"))
    return {**words, search.OBJECTS: SearchEntry.objects.filter(kind=KIND).values("object_id").distinct().count()}


def test_recount_while_a_bulk_load_adds_new_words(monkeypatch):
    search.search_index_bulk(kind=KIND, rows=[(1, ["Nguyễn Văn An"], "79", "26734")])
    search.search_stats_refresh(kind=KIND)

    def load():  # type: ignore[no-untyped-def]
        with transaction.atomic():  # as an import does: its entries and its counts commit together
            return search.search_index_bulk(kind=KIND, rows=[(2, ["Trần Thị Bình"], "79", "26734"), (3, ["Nguyễn Văn Cường"], "79", "26734")])

    _results, errors, _waited = side_by_side(monkeypatch, search, "_add_counts", load, lambda: search.search_stats_refresh(kind=KIND))
    assert not errors, errors
    assert _counted() == _actual()
