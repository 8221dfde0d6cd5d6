"""Searches of several words go through the full-text index (core.SearchDocument: FTS5 on SQLite, GIN on PostgreSQL),
which every writer of the word index keeps in step: set, bulk, move, remove, and the migration that fills it."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

import pytest

from coso.core import search
from coso.core.models import SearchDocument, SearchEntry
from coso.core.search import document_key, kind_number, search_filter, search_index_bulk, search_index_move, search_index_remove, search_index_set


@pytest.fixture
def people(users):
    """Four users as the objects of the index, by key."""
    from coso.accounts.models import User

    return {k: users[k].pk for k in ("onestop", "specialist", "leader", "finance")}, User.objects.all()


def _find(qs, kind: str, q: str, **scope: str) -> list[int]:
    return sorted(search_filter(qs, kind=kind, query=q, **scope).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("expand_max", [64, 1, 0])
def test_several_words_match_by_prefix_one_letter_exactly_and_long_words_whole(people, monkeypatch, expand_max):
    """The same answers whether PostgreSQL looks for a query word as the indexed words it starts (EXPAND_MAX) or by
    the index's own prefix match (past EXPAND_MAX)."""
    monkeypatch.setattr(search, "EXPAND_MAX", expand_max)
    ids, qs = people
    texts = {"onestop": ["Nguyễn Văn Đức", "079123456789"], "specialist": ["Nguyễn Thị A"], "leader": ["Nguyễn Văn Anh", "079123999999"],
             "finance": ["Lê Thị Thu Nguyệt"]}
    for key, t in texts.items():
        search_index_set(kind="test.ft", object_id=ids[key], texts=t, new=True)
    assert _find(qs, "test.ft", "nguyen van") == sorted([ids["onestop"], ids["leader"]])
    assert _find(qs, "test.ft", "ngu v") == []  # "v" is one letter: only the word "v"
    assert _find(qs, "test.ft", "ng thi a") == [ids["specialist"]]
    assert _find(qs, "test.ft", "nguyen an") == [ids["leader"]]
    # past the prefix indexes (8 letters): a citizen id by its first 10 digits, and whole
    assert _find(qs, "test.ft", "0791234567 nguyen") == [ids["onestop"]]
    assert _find(qs, "test.ft", "079123 nguyen") == sorted([ids["onestop"], ids["leader"]])
    assert _find(qs, "test.ft", "079123999999 anh") == [ids["leader"]]
    assert _find(qs, "test.ft", "thu nguyet") == [ids["finance"]] and _find(qs, "test.ft", "nguyet van") == []
    # what a query cannot do: reach the unit tokens, or break the full-text syntax
    assert _find(qs, "test.ft", "_p79 nguyen") == _find(qs, "test.ft", f"{kind_number('test.ft')}.nguyen van") == []
    assert _find(qs, "test.ft", 'nguyen" OR "a') == []  # the words "nguyen", "or" and "a"
    assert _find(qs, "test.ft", "nguyen* van NEAR(x)") == []


@pytest.mark.django_db
def test_kinds_do_not_mix_and_units_narrow_the_search(people):
    ids, qs = people
    search_index_set(kind="test.ft.a", object_id=ids["onestop"], texts=["Trần Văn Bình"], province_code="79", commune_code="26734", new=True)
    search_index_set(kind="test.ft.a", object_id=ids["leader"], texts=["Trần Văn Bảo"], province_code="79", commune_code="26737", new=True)
    search_index_set(kind="test.ft.a", object_id=ids["finance"], texts=["Trần Văn Ba"], province_code="01", commune_code="00004", new=True)
    search_index_set(kind="test.ft.b", object_id=ids["specialist"], texts=["Trần Văn Bình"], province_code="79", commune_code="26734", new=True)
    assert _find(qs, "test.ft.a", "tran van b") == []  # "b" is one letter
    assert _find(qs, "test.ft.a", "tran ba") == sorted([ids["leader"], ids["finance"]])  # "Bình" does not start with "ba"
    assert _find(qs, "test.ft.b", "tran ba") == []
    assert _find(qs, "test.ft.b", "tran binh") == [ids["specialist"]] and _find(qs, "test.ft.a", "tran binh") == [ids["onestop"]]
    assert _find(qs, "test.ft.a", "tran van", province_code="79") == sorted([ids["onestop"], ids["leader"]])
    assert _find(qs, "test.ft.a", "tran van", province_code="79", commune_code="26737") == [ids["leader"]]
    assert _find(qs, "test.ft.a", "tran van", commune_code="00004") == [ids["finance"]]

    # a reorganisation moves the leader's object to another commune (and the finance one to another province)
    assert search_index_move(kind="test.ft.a", object_ids=[ids["leader"]], commune_code="26734") > 0
    search_index_move(kind="test.ft.a", object_ids=[ids["finance"]], commune_code="26740", province_code="79")
    assert _find(qs, "test.ft.a", "tran van", province_code="79", commune_code="26737") == []
    assert _find(qs, "test.ft.a", "tran van", province_code="79", commune_code="26734") == sorted([ids["onestop"], ids["leader"]])
    assert _find(qs, "test.ft.a", "tran van", province_code="79", commune_code="26740") == [ids["finance"]]
    assert _find(qs, "test.ft.a", "tran van", province_code="01") == []
    assert SearchDocument.objects.get(pk=document_key("test.ft.a", ids["leader"])).terms.split(" ")[:2] == ["_p79", "_c26734"]


@pytest.mark.django_db
def test_renaming_removing_and_bulk_loading_keep_the_full_text_index_in_step(people):
    ids, qs = people
    search_index_set(kind="test.ft.c", object_id=ids["onestop"], texts=["Phạm Minh Châu"], new=True)
    assert _find(qs, "test.ft.c", "pham minh") == [ids["onestop"]]
    search_index_set(kind="test.ft.c", object_id=ids["onestop"], texts=["Phạm Thu Hà"])
    assert _find(qs, "test.ft.c", "pham minh") == [] and _find(qs, "test.ft.c", "pham ha") == [ids["onestop"]]
    search_index_remove(kind="test.ft.c", object_id=ids["onestop"])
    assert _find(qs, "test.ft.c", "pham ha") == [] and not SearchDocument.objects.filter(kind="test.ft.c").exists()
    search_index_set(kind="test.ft.c", object_id=ids["leader"], texts=["", None], new=True)  # no word: no document
    assert not SearchDocument.objects.filter(kind="test.ft.c").exists()

    rows = [(ids["onestop"], ["Võ Thị Sáu"], "79", "26734"), (ids["leader"], ["Võ Văn Kiệt", None], "79", "26737"), (ids["finance"], [None], "79", "")]
    assert search_index_bulk(kind="test.ft.c", rows=rows, batch_size=2) == 6
    assert SearchDocument.objects.filter(kind="test.ft.c").count() == 2
    assert _find(qs, "test.ft.c", "vo thi") == [ids["onestop"]] and _find(qs, "test.ft.c", "vo kiet", commune_code="26737") == [ids["leader"]]


@pytest.mark.django_db
@pytest.mark.parametrize("id_list_limit", [100_000, 1])
def test_many_matches_become_a_subquery_with_the_same_answer(people, monkeypatch, id_list_limit):
    ids, qs = people
    monkeypatch.setattr(search, "ID_LIST_LIMIT", id_list_limit)
    for key in ids:
        search_index_set(kind="test.ft.d", object_id=ids[key], texts=[f"Ngô Bảo {key}"], province_code="79", new=True)
    found = search_filter(qs, kind="test.ft.d", query="ngo bao", province_code="79")
    assert sorted(found.values_list("pk", flat=True)) == sorted(ids.values()) and found.count() == 4
    assert list(found.order_by("-pk").values_list("pk", flat=True)[:2]) == sorted(ids.values(), reverse=True)[:2]


def test_document_keys_keep_kinds_apart():
    """The project's kinds have different numbers, and an id past the key's bits is refused."""
    kinds = ["dossier", "feedback", "workforce.person", "procedure"]
    assert len({kind_number(k) for k in kinds}) == len(kinds)
    assert document_key("dossier", 7) == (kind_number("dossier") << search.OBJECT_BITS) + 7
    with pytest.raises(ValueError, match="out of the search index"):
        document_key("dossier", 1 << search.OBJECT_BITS)
    with pytest.raises(ValueError, match="out of the search index"):
        document_key("dossier", -1)


@pytest.mark.django_db
def test_the_migration_fills_documents_from_the_word_index(people):
    """An installation upgraded to the full-text index: its word index becomes one document per object."""
    ids, qs = people
    migration = importlib.import_module("coso.core.migrations.0009_search_document")
    SearchEntry.objects.bulk_create([SearchEntry(kind="test.ft.e", object_id=ids["onestop"], token=t, province_code="79", commune_code="26734")
                                     for t in ("duc", "nguyen", "van")]
                                    + [SearchEntry(kind="test.ft.e", object_id=ids["leader"], token=t, province_code="01") for t in ("an", "le")])
    assert _find(qs, "test.ft.e", "nguyen duc") == []  # entries without documents: not found by several words
    migration.fill(apps, SimpleNamespace(connection=connection))  # it reads only the editor's connection
    assert _find(qs, "test.ft.e", "nguyen duc", province_code="79", commune_code="26734") == [ids["onestop"]]
    assert _find(qs, "test.ft.e", "le an", province_code="01") == [ids["leader"]]
    assert migration._kind_number("dossier") == kind_number("dossier")
    assert migration.POSTGRES_VECTOR == search.POSTGRES_VECTOR and migration.OBJECT_BITS == search.OBJECT_BITS


@pytest.mark.django_db
def test_an_objects_index_rows_are_the_same_written_in_one_statement_or_in_bulk(people, monkeypatch):
    """search_index_set writes an object's few words with plain INSERTs (one statement on PostgreSQL) and a longer text
    through bulk_create: the same entries and document either way, found by the same searches."""
    ids, qs = people
    texts = ["Nguyễn Thị Minh Khai", "0909123456", search.marked_citizen_id("079090001234")]

    def rows(kind: str) -> tuple[list[tuple], list[tuple]]:
        entries = sorted(SearchEntry.objects.filter(kind=kind).values_list("object_id", "token", "province_code", "commune_code"))
        docs = list(SearchDocument.objects.filter(kind=kind).values_list("object_id", "terms"))
        return entries, docs

    search_index_set(kind="test.ft.one", object_id=ids["onestop"], texts=texts, province_code="79", commune_code="26734", new=True)
    monkeypatch.setattr(search, "ONE_STATEMENT_WORDS", 0)
    search_index_set(kind="test.ft.bulk", object_id=ids["onestop"], texts=texts, province_code="79", commune_code="26734", new=True)
    one, bulk = rows("test.ft.one"), rows("test.ft.bulk")
    assert one == bulk and len(one[0]) == 6 and one[1] == [(ids["onestop"], "_p79 _c26734 0909123456 _i079090001234 khai minh nguyen thi")]
    for kind in ("test.ft.one", "test.ft.bulk"):
        assert _find(qs, kind, "nguyen khai", province_code="79") == [ids["onestop"]]
        assert _find(qs, kind, "minh 0909", commune_code="26734") == [ids["onestop"]]
    monkeypatch.setattr(search, "ONE_STATEMENT_WORDS", 200)
    search_index_set(kind="test.ft.bulk", object_id=ids["onestop"], texts=["Lê Văn Tám"], province_code="79")  # replaced, not added
    assert rows("test.ft.bulk")[1] == [(ids["onestop"], "_p79 le tam van")] and _find(qs, "test.ft.bulk", "le tam") == [ids["onestop"]]
