"""Words indexed under their own marker (core.search.Marked, e.g. a citizen id): a plain query never matches them, by
prefix or whole, in the word index or the full-text one; only a caller that passes them as ``marked`` does."""

from __future__ import annotations

import pytest

from coso.core import search
from coso.core.models import SearchDocument
from coso.core.search import Marked, document_key, marked_citizen_id, search_filter, search_index_bulk, search_index_move, search_index_set


@pytest.fixture
def people(users):
    from coso.accounts.models import User

    return {k: users[k].pk for k in ("onestop", "specialist", "leader")}, User.objects.all()


def _find(qs, q: str = "", marked=(), **scope: str) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(search_filter(qs, kind="test.mk", query=q, marked=marked, **scope).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("expand_max", [64, 0])
def test_a_marked_word_is_found_only_when_asked_for(people, monkeypatch, expand_max):
    monkeypatch.setattr(search, "EXPAND_MAX", expand_max)
    ids, qs = people
    search_index_set(kind="test.mk", object_id=ids["onestop"], texts=["Nguyễn Văn Đức", "0912345678", marked_citizen_id("079123456789")],
                     province_code="79", commune_code="26734", new=True)
    search_index_bulk(kind="test.mk", rows=[(ids["leader"], ["Trần Văn Bình", marked_citizen_id("080999000111")], "79", "26734")])
    search_index_set(kind="test.mk", object_id=ids["specialist"], texts=["9zeta", "079abc"], new=True)
    for q in ("07", "0791", "079123456", "079123456789", "i079", "i079123456789", "_i079", "0791 duc", "duc 079123456789", "9z", "9zz duc",
              "08", "080999000111 binh"):
        assert ids["onestop"] not in _find(qs, q) and ids["leader"] not in _find(qs, q), q
    assert _find(qs, "9z") == [ids["specialist"]] and _find(qs, "079") == [ids["specialist"]]
    assert _find(qs, "0912") == _find(qs, "duc 0912345678") == [ids["onestop"]]
    for marked in ([marked_citizen_id("0791")], [marked_citizen_id("079123456789")]):
        assert _find(qs, "", marked) == _find(qs, "nguyen duc", marked) == _find(qs, "van", marked, province_code="79") == [ids["onestop"]]
    assert _find(qs, "binh", [marked_citizen_id("0791")]) == [] and _find(qs, "", [marked_citizen_id("08")]) == [ids["leader"]]
    assert _find(qs, "", [marked_citizen_id("")]) == sorted(qs.values_list("pk", flat=True))  # no word: no condition


@pytest.mark.django_db
def test_a_move_keeps_the_marked_words(people):
    ids, qs = people
    search_index_set(kind="test.mk", object_id=ids["onestop"], texts=["Đức", marked_citizen_id("079123456789")], province_code="79",
                     commune_code="26734", new=True)
    search_index_move(kind="test.mk", object_ids=[ids["onestop"]], commune_code="26737")
    assert SearchDocument.objects.get(pk=document_key("test.mk", ids["onestop"])).terms == "_p79 _c26737 _i079123456789 duc"
    assert _find(qs, "duc", [marked_citizen_id("0791")], commune_code="26737") == [ids["onestop"]]


def test_marks_are_one_letter_apart_from_the_unit_tokens():
    assert marked_citizen_id("079 123-456 789").token == "_i079123456789" and marked_citizen_id(None).token == ""
    for bad in ("p", "c", "", "ab", "_", "1"):
        with pytest.raises(ValueError):
            Marked(bad, "1")
