"""Capped counts of long search results ("hơn 1.000"): counts, pages and the EXISTS strategy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.core.paging import CappedPaginator, capped_count


class _Rows(list):  # a list the paginator slices and counts like a queryset
    pass


@given(n=st.integers(0, 130), cap=st.integers(1, 60), per_page=st.integers(1, 25), asked=st.integers(-3, 12))
@settings(max_examples=300, deadline=None)
def test_capped_paginator_shows_the_same_rows_as_an_exact_one(n, cap, per_page, asked):
    from django.core.paginator import Paginator

    rows = list(range(n))
    exact = Paginator(rows, per_page).get_page(asked)
    capped_paginator = CappedPaginator(rows, per_page, cap=cap)
    page = capped_paginator.get_page(asked)
    wanted = asked
    # the page asked for is shown whenever it exists, with exactly the rows of an exact paginator
    if wanted >= 1 and (wanted - 1) * per_page < n:
        assert page.number == wanted and list(page) == rows[(wanted - 1) * per_page: wanted * per_page]
    if capped_paginator.capped:
        # honest: more than `limit` rows exist, and the next page is always offered
        assert n > capped_paginator.limit >= cap and (page.has_next() or asked < 1)
        assert capped_paginator.pages_more_than * per_page <= capped_paginator.limit < n
    else:
        assert capped_paginator.count == n and page.number == exact.number and list(page) == list(exact)
    assert list(page) == rows[(page.number - 1) * per_page: page.number * per_page]


def test_capped_count_and_garbage_page_numbers():
    assert capped_count(list(range(5)), 10) == (5, False)
    assert capped_count(list(range(10)), 10) == (10, False)
    assert capped_count(list(range(11)), 10) == (10, True)
    for garbage in ("abc", None, "", "9" * 400):
        paginator = CappedPaginator(list(range(100)), 10, cap=20)
        page = paginator.get_page(garbage)
        assert page.number in (1, 10) and paginator.count in (21, 100)
    exact = CappedPaginator(list(range(100)), 10, cap=None)
    assert exact.get_page(1).paginator.count == 100 and not exact.capped


@pytest.mark.django_db
def test_capped_count_of_a_queryset_ignores_its_order(users):
    from coso.accounts.models import User

    total = User.objects.count()
    assert capped_count(User.objects.order_by("-username"), total + 5) == (total, False)
    assert capped_count(User.objects.order_by("-username"), 2) == (2, True)
    paginator = CappedPaginator(User.objects.order_by("username"), 1, cap=2)
    page = paginator.get_page(1)
    assert paginator.capped and paginator.limit_text == "2" and page.has_next()
    assert list(page) == [User.objects.order_by("username").first()]


@pytest.mark.django_db
@pytest.mark.parametrize(("common_word", "stats", "walk_density"), [(40_000, False, 0.15), (0, False, 0.15), (1, False, 0.15), (40_000, True, 0.15),
                                                                 (0, True, 0.15), (0, True, -1.0), (0, True, 2.0)])
def test_common_words_probe_the_list_with_the_same_results(users, monkeypatch, common_word, stats, walk_density):
    """Whatever counts as a common word (COMMON_WORD) or as dense (WALK_DENSITY: several words
    walked or gathered), probing the list's own rows (EXISTS) finds what the index finds."""
    from coso.accounts.models import User
    from coso.core import search
    from coso.core.search import search_filter, search_index_set

    monkeypatch.setattr(search, "COMMON_WORD", common_word)  # without counts
    monkeypatch.setattr(search, "COMMON_SHARE", 0.04 if common_word else 0.0)  # with counts (SearchWordCount: stats)
    monkeypatch.setattr(search, "WALK_DENSITY", walk_density)
    names = {"onestop": "Nguyễn Văn Đức", "specialist": "Nguyễn Thị A", "leader": "Nguyễn Văn Anh", "finance": "Lê Thị Thu"}
    for key, full_name in names.items():
        search_index_set(kind="test.common", object_id=users[key].pk, texts=[full_name])
    if stats:
        search.search_stats_refresh(kind="test.common")
    qs = User.objects.all()

    def find(q: str, field: str = "pk") -> list[str]:
        return sorted(search_filter(qs, kind="test.common", query=q, field=field, for_capped_page=True).values_list("full_name", flat=True))

    for key, full_name in names.items():
        users[key].full_name = full_name
        users[key].save(update_fields=["full_name"])
    assert find("nguyen") == ["Nguyễn Thị A", "Nguyễn Văn Anh", "Nguyễn Văn Đức"]
    assert find("nguyen van") == ["Nguyễn Văn Anh", "Nguyễn Văn Đức"] == find("nguyen van", field="id")
    assert find("nguyen a") == ["Nguyễn Thị A"]
    assert find("thi") == ["Lê Thị Thu", "Nguyễn Thị A"]
    assert find("an nguyen") == ["Nguyễn Văn Anh"]
    assert find("le van") == [] and find("zzz") == []
    assert capped_count(search_filter(qs, kind="test.common", query="nguyen", for_capped_page=True), 2) == (2, True)
    assert capped_count(search_filter(qs, kind="test.common", query="nguyen van", for_capped_page=True), 2) == (2, False)
    walked = "EXISTS" in str(search_filter(qs, kind="test.common", query="nguyen van", for_capped_page=True).query)
    assert walked == (stats and not common_word and walk_density < 0.5)  # two of the four documents match


@pytest.mark.django_db
@pytest.mark.parametrize("density", [0.0, 2.0])
def test_a_sampled_capped_page_counts_from_the_sample_and_probes_the_page(users, monkeypatch, density):
    """Several words on a capped page with more matches than PAGE_SAMPLE (PostgreSQL): a count capped within the
    sample's rows in the list is answered from the sample, a page in the list's order and an exact count probe each
    row's document; too sparse (PAGE_PROBE_DENSITY) or too little of the sample in the list, every match is gathered.
    Whichever way, the same rows and counts as the search without a cap (SQLite walks instead)."""
    from django.db import connection

    from coso.accounts.models import User
    from coso.core import search
    from coso.core.search import search_filter, search_index_set

    monkeypatch.setattr(search, "PAGE_SAMPLE", 1)
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    monkeypatch.setattr(search, "PAGE_PROBE_DENSITY", density)
    names = {"onestop": "Nguyễn Văn Đức", "specialist": "Nguyễn Thị A", "leader": "Nguyễn Văn Anh", "finance": "Lê Văn Thu"}
    for key, full_name in names.items():
        users[key].full_name = full_name
        users[key].save(update_fields=["full_name"])
        search_index_set(kind="test.sample", object_id=users[key].pk, texts=[full_name])
    everyone = User.objects.all()

    def capped(qs):
        return search_filter(qs, kind="test.sample", query="nguyen van", for_capped_page=True)

    def exact(qs):
        return search_filter(qs, kind="test.sample", query="nguyen van")

    for qs in (everyone, everyone.exclude(pk=users["leader"].pk)):
        page = capped(qs).order_by("-full_name")
        assert list(page.values_list("full_name", flat=True)) == list(exact(qs).order_by("-full_name").values_list("full_name", flat=True))
        assert capped(qs).count() == exact(qs).count()
        assert capped_count(capped(qs), 1) == capped_count(exact(qs), 1)
        assert capped(qs).exists()
    assert list(capped(everyone).order_by("-full_name").values_list("full_name", flat=True)) == ["Nguyễn Văn Đức", "Nguyễn Văn Anh"]
    assert capped_count(capped(everyone), 1) == (1, True)
    assert capped_count(capped(everyone.exclude(pk=users["leader"].pk)), 1) == (1, False)
    if connection.vendor == "postgresql":
        sampled = density == 0.0
        counted = str(capped(everyone).order_by()[:2].query)
        paged = str(capped(everyone).order_by("-full_name")[:20].query)
        assert "ANY(" in counted and "core_searchdocument" not in counted  # from the sample, or from every match gathered
        assert ("core_searchdocument" in paged) == sampled
        # one of the two matches left out of the list: the sample cannot answer a capped count, every match is gathered
        assert "core_searchdocument" not in str(capped(everyone.exclude(pk=users["leader"].pk)).order_by("-full_name").query)


@pytest.mark.django_db
@pytest.mark.parametrize(("recent", "probed"), [(2, False), (4, True)])
def test_a_query_absent_from_the_newest_documents_is_gathered_not_walked(users, monkeypatch, recent, probed):
    """A list read newest first would walk all of itself for a page of a query that only old objects match: the
    density that chooses the walk is the lower of the overall sample and of the RECENT newest documents (PostgreSQL);
    whichever way the search runs, the same rows."""
    from django.db import connection

    from coso.accounts.models import User
    from coso.core import search
    from coso.core.search import search_filter, search_index_set

    monkeypatch.setattr(search, "PAGE_SAMPLE", 1)
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    monkeypatch.setattr(search, "PAGE_PROBE_DENSITY", 0.3)
    monkeypatch.setattr(search, "RECENT", recent)
    oldest_first = sorted((users[k] for k in ("onestop", "specialist", "leader", "finance")), key=lambda u: u.pk)
    for user, name in zip(oldest_first, ["Nguyễn Văn Đức", "Nguyễn Văn Anh", "Lê Thị Thu", "Trần Thị B"], strict=True):
        search_index_set(kind="test.recent", object_id=user.pk, texts=[name])
    qs = search_filter(User.objects.all(), kind="test.recent", query="nguyen van", for_capped_page=True).order_by("-pk")
    assert list(qs) == [oldest_first[1], oldest_first[0]]
    assert capped_count(qs, 1) == (1, True)
    if connection.vendor == "postgresql":
        assert ("core_searchdocument" in str(qs.all()[:20].query)) == probed


@pytest.mark.django_db
@pytest.mark.parametrize("probe_density", [0.0, 2.0])
def test_sqlite_walks_the_list_for_a_page_of_many_matches(users, monkeypatch, probe_density):
    """SQLite, a capped page whose words are common and match at least PAGE_PROBE_DENSITY of the documents: the list
    is walked in its order and each row looked up in the gathered ids (``+id IN``), not read from the ids and sorted;
    the same rows and counts either way (on PostgreSQL the sample and the probe do this, see above)."""
    from django.db import connection

    from coso.accounts.models import User
    from coso.core import search
    from coso.core.search import search_filter, search_index_set

    monkeypatch.setattr(search, "COMMON_WORD", 0)
    monkeypatch.setattr(search, "COMMON_SHARE", 0.0)
    monkeypatch.setattr(search, "WALK_DENSITY", 2.0)  # never the per-word walk
    monkeypatch.setattr(search, "PAGE_PROBE_DENSITY", probe_density)
    names = {"onestop": "Nguyễn Văn Đức", "specialist": "Nguyễn Thị A", "leader": "Nguyễn Văn Anh", "finance": "Lê Văn Thu"}
    for key, full_name in names.items():
        users[key].full_name = full_name
        users[key].save(update_fields=["full_name"])
        search_index_set(kind="test.walked", object_id=users[key].pk, texts=[full_name])
    search.search_stats_refresh(kind="test.walked")
    qs = search_filter(User.objects.all(), kind="test.walked", query="nguyen van", for_capped_page=True).order_by("-full_name")
    assert list(qs.values_list("full_name", flat=True)) == ["Nguyễn Văn Đức", "Nguyễn Văn Anh"]
    assert capped_count(qs, 1) == (1, True) and capped_count(qs, 2) == (2, False) and qs.count() == 2
    if connection.vendor == "sqlite":
        assert ('+"accounts_user"."id" IN' in str(qs.query)) == (probe_density == 0.0)
