"""Vietnamese text: NFC storage, accent-insensitive search, Vietnamese name order on every database."""

import unicodedata

from django.db import connection

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coso.core.demo import FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE
from coso.core.search import prefix_upper_bound, search_filter, search_index_set, search_stats_refresh
from coso.core.text import fold, name_sort_key, nfc, split_name, tokens

FAMILIES = [f for f, _w in FAMILY_NAMES]
MIDDLES = sorted(set(MALE_MIDDLE + FEMALE_MIDDLE))
GIVENS = sorted(set(MALE_GIVEN + FEMALE_GIVEN))
names = st.builds(
    lambda family, middle, given: " ".join([family, *middle, given]),
    st.sampled_from(FAMILIES), st.lists(st.sampled_from(MIDDLES), max_size=2), st.sampled_from(GIVENS),
)


def test_fold_and_tokens():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold(unicodedata.normalize("NFD", "Nguyễn Văn Đức")) == "nguyen van duc"
    assert fold("ĐẶNG") == "dang" and fold("Ðặng") == "dang"  # eth from legacy converters folds too
    assert tokens("Tổ dân phố 5, P. Sài Gòn") == ["to", "dan", "pho", "5", "p", "sai", "gon"]


def test_nfc_normalises_and_trims():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị\tThủy ")
    assert nfc(decomposed) == "Nguyễn Thị Thủy" and unicodedata.is_normalized("NFC", nfc(decomposed))
    assert nfc("dòng 1  \n  dòng   2") == "dòng 1\ndòng 2"
    assert nfc(None) == ""
    assert nfc("Khu\u200b phố\u00a0Bình\ufeff An\x00") == "Khu phố Bình An"
    assert nfc("a\r\nb\rc") == "a\nb\nc"


def test_split_name():
    assert split_name("Nguyễn Văn Đức") == ("Nguyễn", "Văn", "Đức")
    assert split_name("Tôn Nữ Thị Ngọc Hà") == ("Tôn", "Nữ Thị Ngọc", "Hà")
    assert split_name("Hà") == ("", "", "Hà")


def test_sort_by_given_then_middle_then_family_in_vietnamese_alphabet():
    people = ["Trần Văn Đức", "Lê Thị Dung", "Nguyễn Ân", "Phạm Anh", "Võ An", "Đỗ Thị Ánh", "Bùi Văn Ba", "Ngô Ă"]
    # a < ă < â < b ... < d < đ; "An" < "Anh"; tones break ties only ("Anh" < "Ánh").
    assert sorted(people, key=name_sort_key) == ["Võ An", "Phạm Anh", "Đỗ Thị Ánh", "Ngô Ă", "Nguyễn Ân", "Bùi Văn Ba", "Lê Thị Dung", "Trần Văn Đức"]
    assert name_sort_key("Lê Văn An") < name_sort_key("Trần Văn An") and name_sort_key("Trần Minh An") < name_sort_key("Lê Văn An")
    assert name_sort_key(unicodedata.normalize("NFD", "Nguyễn Văn Đức")) == name_sort_key("Nguyễn Văn Đức") == name_sort_key("nguyễn  văn  đức")
    assert name_sort_key("Ðặng Văn Ðức") == name_sort_key("Đặng Văn Đức")


@given(st.lists(names, min_size=2, max_size=30, unique=True))
def test_sort_key_is_digits_only_and_distinct_for_distinct_names(batch):
    keys = [name_sort_key(n) for n in batch]
    assert all(k.isdigit() for k in keys)
    assert len(set(keys)) == len(batch)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(names, min_size=2, max_size=40, unique=True))
def test_database_order_on_stored_key_matches_python(sort_probe_table, batch):
    with connection.cursor() as cur:
        cur.execute("DELETE FROM coso_sort_probe")
        for i, name in enumerate(batch):
            cur.execute("INSERT INTO coso_sort_probe (id, name, sort_key) VALUES (%s, %s, %s)", [i, name, name_sort_key(name)])
        cur.execute("SELECT name FROM coso_sort_probe ORDER BY sort_key")
        in_db = [row[0] for row in cur.fetchall()]
    assert in_db == sorted(batch, key=name_sort_key)


@pytest.fixture
def sort_probe_table(db):  # type: ignore[no-untyped-def]
    """A scratch table with the same column type the apps use for name_sort_key (varchar)."""
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE coso_sort_probe (id integer PRIMARY KEY, name varchar(200), sort_key varchar(400))")
    yield
    with connection.cursor() as cur:
        cur.execute("DROP TABLE coso_sort_probe")


@pytest.mark.django_db
def test_search_without_diacritics_finds_vietnamese_names(users):
    from coso.accounts.models import User

    people = {
        "Nguyễn Văn Đức": users["onestop"], "Đặng Thị Hoa": users["specialist"], "Nguyên Văn Dục": users["leader"], "Trần Đức Anh": users["finance"],
    }
    for full_name, user in people.items():
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        search_index_set(kind="test.person", object_id=user.pk, texts=[full_name], province_code=user.province_code, commune_code=user.commune_code)
    qs = User.objects.all()

    def find(q):  # type: ignore[no-untyped-def]
        return sorted(search_filter(qs, kind="test.person", query=q).values_list("full_name", flat=True))

    assert find("nguyen van duc") == ["Nguyên Văn Dục", "Nguyễn Văn Đức"]
    assert find("dang") == ["Đặng Thị Hoa"]
    assert find("Đặng") == ["Đặng Thị Hoa"]
    assert find("duc") == ["Nguyên Văn Dục", "Nguyễn Văn Đức", "Trần Đức Anh"]
    assert find("nguy duc") == ["Nguyên Văn Dục", "Nguyễn Văn Đức"]  # prefixes
    assert find("tran anh") == ["Trần Đức Anh"]
    assert find("hoaz") == [] and find("zzz") == []
    assert len(find("")) == User.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("id_list_limit", [20_000, 1, 0])
@pytest.mark.parametrize("stats", [False, True])
def test_search_several_words_by_id_list_or_by_subquery(users, monkeypatch, id_list_limit, stats):
    """Several words are matched in the full-text index: a short result becomes a list of ids,
    a long one (over ID_LIST_LIMIT) a subquery; both give the same answer, with or without the
    word counts (stats), which only the one-word search reads."""
    from coso.accounts.models import User
    from coso.core import search

    monkeypatch.setattr(search, "ID_LIST_LIMIT", id_list_limit)
    names = {"onestop": "Nguyễn Văn Đức", "specialist": "Nguyễn Thị A", "leader": "Nguyễn Văn Anh", "finance": "Lê Thị Thu"}
    for key, full_name in names.items():
        users[key].full_name = full_name
        users[key].save(update_fields=["full_name"])
        search_index_set(kind="test.person2", object_id=users[key].pk, texts=[full_name])
    if stats:
        search_stats_refresh(kind="test.person2")
    qs = User.objects.all()

    def find(q, field="pk"):  # type: ignore[no-untyped-def]
        return sorted(search_filter(qs, kind="test.person2", query=q, field=field).values_list("full_name", flat=True))

    assert find("nguyen van") == ["Nguyễn Văn Anh", "Nguyễn Văn Đức"]
    assert find("nguyen van", field="id") == ["Nguyễn Văn Anh", "Nguyễn Văn Đức"]
    assert find("nguyen a") == ["Nguyễn Thị A"]  # a one-letter word matches exactly
    assert find("ng nguyen van van") == ["Nguyễn Văn Anh", "Nguyễn Văn Đức"]  # repeated and implied words
    assert find("an nguyen") == ["Nguyễn Văn Anh"]
    assert find("nguyen van thi") == [] and find("le thi thu") == ["Lê Thị Thu"]
    assert search_filter(qs, kind="test.person2", query="nguyen van").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("id_list_limit", [20_000, 0])
@pytest.mark.parametrize("stats", [False, True])
def test_search_counts_each_object_once(users, monkeypatch, id_list_limit, stats):
    """A query word that matches two words of one person ("ng": Nguyễn and Ngọc) still gives
    that person once, by id list and by subquery."""
    from coso.accounts.models import User
    from coso.core import search

    monkeypatch.setattr(search, "ID_LIST_LIMIT", id_list_limit)
    names = {"onestop": "Nguyễn Ngọc An", "specialist": "Lê An", "leader": "Trần An", "finance": "Lê Ánh"}
    for key, full_name in names.items():
        search_index_set(kind="test.person3", object_id=users[key].pk, texts=[full_name])
    if stats:
        search_stats_refresh(kind="test.person3")
    qs = User.objects.all()
    for q in ("ng an", "an ng", "an ngo ng"):
        found = search_filter(qs, kind="test.person3", query=q)
        assert list(found.values_list("pk", flat=True)) == [users["onestop"].pk]
        assert found.count() == 1
    assert sorted(search_filter(qs, kind="test.person3", query="le a").values_list("pk", flat=True)) == []
    assert sorted(search_filter(qs, kind="test.person3", query="le an").values_list("pk", flat=True)) == sorted([users["specialist"].pk, users["finance"].pk])


@pytest.mark.django_db
def test_search_words_are_counted_by_kind(users):
    """search_index_bulk adds to the counts what search_stats_refresh recounts; counts left
    stale by later writes change no result."""
    from coso.accounts.models import User
    from coso.core import search
    from coso.core.models import SearchWordCount

    long_text = "Đèn chiếu sáng hẻm 42 Lê Lợi bị hỏng"
    rows = [(users["onestop"].pk, ["Nguyễn Ngọc An"], "79", ""), (users["leader"].pk, ["Trần An", None], "79", ""),
            (users["finance"].pk, [long_text], "79", "")]
    assert search.search_index_bulk(kind="test.bulk", rows=rows) == 3 + 2 + 9
    counted = set(SearchWordCount.objects.filter(kind="test.bulk").values_list("token", "entries"))
    assert ("an", 2) in counted and ("", 3) in counted and ("nguyen", 1) in counted
    assert search.search_stats_refresh(kind="test.bulk") == len(counted)
    assert set(SearchWordCount.objects.filter(kind="test.bulk").values_list("token", "entries")) == counted

    qs = User.objects.all()

    def find(q: str) -> list[int]:
        return sorted(search_filter(qs, kind="test.bulk", query=q).values_list("pk", flat=True))

    assert find("an ng") == [users["onestop"].pk] and find("den hem le") == [users["finance"].pk]
    # after the counts: one person renamed, one removed, one added; the counts are stale
    search_index_set(kind="test.bulk", object_id=users["onestop"].pk, texts=["Lê Văn An"])
    search.search_index_remove(kind="test.bulk", object_id=users["leader"].pk)
    search_index_set(kind="test.bulk", object_id=users["specialist"].pk, texts=["Đặng Ngọc Ánh"], new=True)
    assert find("an ng") == [users["specialist"].pk] and find("an") == sorted([users["onestop"].pk, users["specialist"].pk])
    assert find("ngoc a") == [] and find("ngoc anh") == [users["specialist"].pk] and find("le hem") == [users["finance"].pk]


@pytest.mark.django_db
def test_nightly_job_recounts_the_search_words():
    from coso.core.models import SearchWordCount
    from coso.jobs.services import run_periodic

    search_index_set(kind="test.job", object_id=1, texts=["Nguyễn An"], new=True)
    search_index_set(kind="test.job", object_id=2, texts=["An"], new=True)
    run = run_periodic("search_stats")
    assert run.status == "ok" and run.result["words"] >= 3
    assert set(SearchWordCount.objects.filter(kind="test.job").values_list("token", "entries")) == {("an", 2), ("nguyen", 1), ("", 2)}


@pytest.mark.parametrize(("word", "upper"), [("duc", "dud"), ("anz", "ao"), ("a9", "aa"), ("zz", ""), ("x", "y"), ("9", "a")])
def test_prefix_upper_bound(word, upper):
    assert prefix_upper_bound(word) == upper


@given(st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6), st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", max_size=6))
def test_prefix_range_selects_exactly_prefix_matches(word, token):
    upper = prefix_upper_bound(word)
    in_range = token >= word and (not upper or token < upper)
    assert in_range == token.startswith(word)


@pytest.mark.django_db
def test_prefix_range_under_a_linguistic_collation_on_postgresql():
    """Production databases are often created with en_US/ICU collations: the range must still hold."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cur:
        cur.execute("SELECT collname FROM pg_collation WHERE collname IN ('und-x-icu', 'en-x-icu', 'en_US.utf8', 'en_US') ORDER BY collname")
        collations = [r[0] for r in cur.fetchall()]
        if not collations:
            pytest.skip("no linguistic collation installed")
        tokens_ = ["duc", "duca", "duc9", "ducz", "dud", "du", "nguyen", "nguy", "nguz", "anh", "an", "ao"]
        for coll in collations:
            for word in ["duc", "nguy", "an"]:
                cur.execute(
                    f'SELECT t FROM unnest(%s::text[]) AS t WHERE t COLLATE "{coll}" >= %s AND t COLLATE "{coll}" < %s ORDER BY 1',
                    [tokens_, word, prefix_upper_bound(word)],
                )
                assert sorted(r[0] for r in cur.fetchall()) == sorted(t for t in tokens_ if t.startswith(word)), (coll, word)
