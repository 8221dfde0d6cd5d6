"""Accent-insensitive search over an indexed table of folded words (see SearchEntry)."""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL

from coso.core import locks
from coso.core.models import SearchDocument, SearchEntry, SearchWordCount
from coso.core.paging import COUNT_CAP
from coso.core.text import tokens

# The first character of a marked word (see Marked): never in a query's words, which have only [0-9a-z].
MARK = "_"


@dataclass(frozen=True)
class Marked:
    """A value indexed under its own marker ("_" and a letter, then the value's folded words run together), apart from
    the object's plain words: a query word never has "_" (coso.core.text.tokens), so a plain search never matches it,
    by prefix or whole; only a caller that passes it to :func:`search_filter` as ``marked`` does (e.g. the applicant's
    citizen id, which only who sees citizen ids in full may search by). ``mark``: one letter, neither "p" nor "c"
    (the unit tokens of a document, see :func:`unit_terms`)."""

    mark: str
    value: str

    def __post_init__(self) -> None:
        if not (len(self.mark) == 1 and self.mark in _WORD_CHARS and self.mark.isalpha() and self.mark not in "pc"):
            raise ValueError(f"bad search mark: {self.mark!r}")

    @property
    def token(self) -> str:
        """The indexed word ("" for a value without a word): cut at 64 letters like the plain words."""
        word = "".join(tokens(self.value))
        return f"{MARK}{self.mark}{word}"[:64] if word else ""


SearchText = str | Marked | None


def marked_citizen_id(value: str | None) -> Marked:
    """A citizen id (CCCD, or the old CMND) indexed under its marker: a plain search never matches it, not even by
    its first digits (Decree 13/2023: who sees it masked must not confirm it digit by digit)."""
    return Marked("i", value or "")


def search_words(texts: Iterable[SearchText]) -> list[str]:
    """The indexed words of an object's texts: folded, cut at 64 letters, sorted, once each; a :class:`Marked` text
    is one word under its marker."""
    words: set[str] = set()
    for text in texts:
        if isinstance(text, Marked):
            words.update([text.token] if text.token else [])
        else:
            words.update(t[:64] for t in tokens(text))
    return sorted(words)


def search_entries(*, kind: str, object_id: int, texts: Iterable[SearchText], province_code: str = "", commune_code: str = "") -> list[SearchEntry]:
    """The unsaved index entries of one object (for writers that insert rows themselves)."""
    return [SearchEntry(kind=kind, object_id=object_id, token=w, province_code=province_code, commune_code=commune_code)
            for w in search_words(texts)]


# A document's key (SearchDocument.id): the kind's number above the object's id, so that the full-text index answers
# with object ids, and a kind's documents are one range of keys (SQLite's FTS5 reads only that range).
OBJECT_BITS = 40
KIND_BITS = 22


def kind_number(kind: str) -> int:
    """A kind's number in document keys (stable: a checksum of its name; the project's kinds differ, see its test)."""
    return zlib.crc32(kind.encode()) & ((1 << KIND_BITS) - 1)


def document_key(kind: str, object_id: int) -> int:
    if not 0 <= object_id < 1 << OBJECT_BITS:
        raise ValueError(f"object id out of the search index's range: {object_id}")
    return (kind_number(kind) << OBJECT_BITS) | object_id


def unit_terms(province_code: str = "", commune_code: str = "") -> list[str]:
    """The tokens of a document's unit ("_p…", "_c…"): a query word never has "_"."""
    return ([f"_p{province_code}"] if province_code else []) + ([f"_c{commune_code}"] if commune_code else [])


def search_document(*, kind: str, object_id: int, texts: Iterable[SearchText], province_code: str = "",
                    commune_code: str = "", words: list[str] | None = None) -> SearchDocument | None:
    """The unsaved full-text document of one object (None without a word: no query can match it)."""
    words = search_words(texts) if words is None else words
    if not words:
        return None
    return SearchDocument(id=document_key(kind, object_id), kind=kind, object_id=object_id,
                          terms=" ".join(unit_terms(province_code, commune_code) + words))


def search_documents(*, kind: str, rows: Iterable[tuple[int, Iterable[SearchText], str, str]]) -> list[SearchDocument]:
    """The unsaved documents of rows of (object_id, texts, province_code, commune_code), for writers that insert rows
    themselves (with the entries of :func:`search_entries`)."""
    docs = (search_document(kind=kind, object_id=pk, texts=texts, province_code=p, commune_code=c) for pk, texts, p, c in rows)
    return [d for d in docs if d is not None]


def search_index_set(*, kind: str, object_id: int, texts: Iterable[SearchText], province_code: str = "", commune_code: str = "",
                     new: bool = False) -> None:
    """Replace the indexed words of one object (``new``: an object just created, which has none yet).

    Inside the caller's transaction (no savepoint of its own: a failure rolls the caller back)."""
    words = search_words(texts)
    with transaction.atomic(savepoint=False):
        if not new:
            SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
            SearchDocument.objects.filter(pk=document_key(kind, object_id)).delete()
        document = search_document(kind=kind, object_id=object_id, texts=(), province_code=province_code, commune_code=commune_code,
                                   words=words)
        if len(words) > ONE_STATEMENT_WORDS:
            SearchEntry.objects.bulk_create(
                [SearchEntry(kind=kind, object_id=object_id, token=w, province_code=province_code, commune_code=commune_code) for w in words])
            if document is not None:
                document.save(force_insert=True)
            return
        _insert_index_rows(kind, object_id, words, province_code, commune_code, document)


# Most objects (a dossier, a person, a procedure) have a few words: their entries and their document are written in one
# statement on PostgreSQL (two on SQLite) of plain values, which every intake pays, rather than through the ORM's bulk insert.
ONE_STATEMENT_WORDS = 200


def _insert_index_rows(kind: str, object_id: int, words: list[str], province_code: str, commune_code: str,
                       document: SearchDocument | None) -> None:
    """INSERT the entries of ``words`` and the ``document`` of one object (the rows bulk_create and save would write)."""
    connection = connections[router.db_for_write(SearchEntry)]
    qn = connection.ops.quote_name
    entries = (f"INSERT INTO {qn(SearchEntry._meta.db_table)} ({qn('kind')}, {qn('object_id')}, {qn('token')}, {qn('province_code')}, "  # noqa: S608
               f"{qn('commune_code')}) VALUES " + ", ".join(["(%s, %s, %s, %s, %s)"] * len(words))) if words else ""
    entry_params: list[Any] = [v for w in words for v in (kind, object_id, w, province_code, commune_code)]
    doc = (f"INSERT INTO {qn(SearchDocument._meta.db_table)} ({qn('id')}, {qn('kind')}, {qn('object_id')}, {qn('terms')}) "  # noqa: S608
           "VALUES (%s, %s, %s, %s)") if document is not None else ""
    doc_params: list[Any] = [document.id, document.kind, document.object_id, document.terms] if document is not None else []
    with connection.cursor() as cur:
        if entries and doc and connection.vendor == "postgresql":
            cur.execute(f"WITH entries AS ({entries}) {doc}", entry_params + doc_params)
            return
        for sql, params in ((entries, entry_params), (doc, doc_params)):
            if sql:
                cur.execute(sql, params)


def search_index_bulk(*, kind: str, rows: Iterable[tuple[int, Iterable[SearchText], str, str]], batch_size: int = 5000) -> int:
    """Add words for many new objects at once: rows of (object_id, texts, province_code, commune_code).
    Their words are added to the counts (SearchWordCount)."""
    buffer: list[SearchEntry] = []
    documents: list[SearchDocument] = []
    counts: Counter[str] = Counter()
    count = 0
    for object_id, texts, province_code, commune_code in rows:
        words = search_words(texts)
        buffer.extend(SearchEntry(kind=kind, object_id=object_id, token=w, province_code=province_code, commune_code=commune_code)
                      for w in words)
        counts.update(words)
        document = search_document(kind=kind, object_id=object_id, texts=(), province_code=province_code, commune_code=commune_code,
                                   words=words)
        if document is not None:
            counts[OBJECTS] += 1
            documents.append(document)
        if len(buffer) >= batch_size:
            SearchEntry.objects.bulk_create(buffer)
            SearchDocument.objects.bulk_create(documents)
            count += len(buffer)
            buffer, documents = [], []
    if buffer or documents:
        SearchEntry.objects.bulk_create(buffer)
        SearchDocument.objects.bulk_create(documents)
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
    ids = list(object_ids)
    changed = int(SearchEntry.objects.filter(kind=kind, object_id__in=ids).update(**unit))
    for start in range(0, len(ids), 5000):
        documents = list(SearchDocument.objects.filter(pk__in=[document_key(kind, i) for i in ids[start:start + 5000]]))
        for d in documents:
            terms = d.terms.split(" ")
            old_province = next((t[2:] for t in terms if t.startswith("_p")), "")
            words = [t for t in terms if not t.startswith(("_p", "_c"))]  # the marked words (see Marked) kept
            d.terms = " ".join(unit_terms(old_province if province_code is None else province_code, commune_code) + words)
        SearchDocument.objects.bulk_update(documents, ["terms"], batch_size=1000)
    return changed


def search_index_remove(*, kind: str, object_id: int) -> None:
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()
    SearchDocument.objects.filter(pk=document_key(kind, object_id)).delete()


def search_filter(queryset: models.QuerySet, *, kind: str, query: str, field: str = "pk", for_capped_page: bool = False,
                  province_code: str = "", commune_code: str = "", marked: Sequence[Marked] = ()) -> models.QuerySet:
    """Narrow ``queryset`` to objects whose indexed words match every word of ``query``.

    ``province_code`` / ``commune_code``: the unit ``queryset`` is already limited to (the
    user's scope, or the list's own filter), as the index carries each object's unit: the index
    is then read only within that unit, not across the country. A narrower scope than the
    queryset's would drop matches; a wider one (or none) only costs time.

    Each query word of two or more letters matches indexed words that start with it ("duc"
    finds "Đức", "nguy" finds "Nguyễn"); a one-letter word matches only that whole word, so
    that "o" or "a" does not match most of the index.
    An empty query leaves the queryset unchanged.

    ``marked``: values to match among the words indexed under their marker (see :class:`Marked`), each by prefix
    like a query word, besides the words of ``query`` (which never match a marked word): the caller decides who
    may search by them.

    One word is read from the word index (SearchEntry), whose entries of a word are in object
    order. ``for_capped_page``: the caller shows one page and counts up to a cap
    (coso.core.paging), nothing more (no exact count, aggregate or export of every match), and
    filters the queryset no further.
    Then, when the word is common (see :func:`_is_common`), it becomes an EXISTS probe of the queryset's own rows:
    the database walks the list in its own order and stops at the page (and at a capped count)
    instead of first gathering the tens of thousands of matches.

    Several words are matched in the full-text index (SearchDocument: FTS5 on SQLite, GIN on
    PostgreSQL), which intersects the words' lists itself, in one query run now: when at most
    ``ID_LIST_LIMIT`` objects match (the usual case), the queryset is filtered by that list of
    ids, so that counting and paging it do not repeat the search; otherwise by the same search
    as a subquery. On a capped page whose words are all common and match densely (see
    ``WALK_DENSITY``), the list is walked and probed per word instead, as for one common word.
    On PostgreSQL, a capped page with more matches than ``PAGE_SAMPLE`` counts from a sample of
    them and probes each row walked for its page (see :class:`_SampleOrProbe`).
    """
    words = _query_words(query) + list(dict.fromkeys(m.token for m in marked if m.token))
    if not words:
        return queryset
    scope = _scope(province_code, commune_code)
    connection = connections[queryset.db]
    if len(words) > 1:
        text = _fulltext_query(connection, kind, words, province_code, commune_code)
        if text is None:
            return queryset.none()
        dense_at = _dense_at(kind, words, scope) if for_capped_page else None
        postgresql = connection.vendor == "postgresql"
        density = _query_density(connection, kind, text) if dense_at is not None else None
        if density is not None and density > WALK_DENSITY:
            return _walk(queryset, kind, words, field)
        sql, params = _documents_sql(connection, kind, text)
        limit = ID_LIST_LIMIT
        if postgresql and for_capped_page:
            limit = PAGE_SAMPLE  # a sample first (see _probed_page)
        found, ids = _gather(connection, sql, params, limit)
        if found > limit and limit < ID_LIST_LIMIT:
            probed = _probed_page(queryset, connection, kind, text, field, ids, density)
            if probed is not None:
                return probed
            found, ids = _gather(connection, sql, params, ID_LIST_LIMIT)
        if not found:
            return queryset.none()
        if found <= ID_LIST_LIMIT:
            if not postgresql and density is not None and density >= PAGE_PROBE_DENSITY:
                # SQLite: a capped page of many matches walks the list in its order and looks each row up in the list
                # of ids, instead of reading every match's row and sorting them (see _WalkedIn)
                return queryset.filter(_WalkedIn(models.F(field), json.dumps(ids)))
            return queryset.filter(_in_ids(connection, field, ids))
        return queryset.filter(**{f"{field}__in": RawSQL(sql, params)})  # noqa: S611 - see _fulltext_query
    if connection.vendor == "postgresql":
        # PostgreSQL plans the subquery as a semi-join by its statistics: with a page or a
        # capped count it walks the list and probes when the word is common, by itself
        return queryset.filter(**{f"{field}__in": _word_entries(kind, words[0], scope).values("object_id")})
    if for_capped_page and _is_common(kind, words[0], scope):
        return queryset.filter(models.Exists(_word_entries(kind, words[0]).filter(object_id=models.OuterRef(field))))
    return queryset.filter(**{f"{field}__in": _word_entries(kind, words[0], scope).values("object_id")})


def _gather(connection: BaseDatabaseWrapper, sql: str, params: list, limit: int) -> tuple[int, list[int] | str]:
    """(number found, their ids) of at most ``limit`` + 1 matches of :func:`_documents_sql`."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The matches come back as one array's text, which the count and the page send back as they are: no
            # row per match read into Python, no list turned into text again (measured at 1,000,000 feedback
            # items: search p50 201 → 182 ms, p95 221 → 205 ms).
            cur.execute(f"SELECT count(*), array_agg(object_id)::text FROM ({sql} LIMIT {limit + 1}) m", params)  # noqa: S608 - as below
            found, ids = cur.fetchone()
            return int(found), ids
        cur.execute(f"{sql} LIMIT {limit + 1}", params)  # noqa: S608 - built from quoted tokens, see _fulltext_query
        found_ids = [row[0] for row in cur.fetchall()]
    return len(found_ids), found_ids


# A capped page of several words on PostgreSQL, where the GIN index answers with every match and reading each match's
# row of the document table is most of a search's time (1,000,000 feedback items, 60,000 matches: 17 ms in the index,
# 120 ms reading 28,000 pages of the table): the matches are gathered up to PAGE_SAMPLE. When there are more, and
# they are at least PAGE_PROBE_DENSITY of the kind's documents (sampled, see _query_density), the page walks the list in its
# own order and probes each row's document (a page of 20 at 5 % reads about 400 rows: 6–8 ms), and the capped count
# takes the sample's rows that are in the list (see _SampleOrProbe).
PAGE_SAMPLE = 2 * (COUNT_CAP + 1)
PAGE_PROBE_DENSITY = 0.02


def _probed_page(queryset: models.QuerySet, connection: BaseDatabaseWrapper, kind: str, text: str, field: str,
                 ids: list[int] | str, density: float | None = None) -> models.QuerySet | None:
    """``queryset`` narrowed for a capped page with a sample of its matches (``ids``, see ``PAGE_SAMPLE``), or None
    when the matches are too sparse to walk the list for a page or too few of the sample are in the list.
    ``density``: the query's sampled density (:func:`_query_density`), when already known."""
    if (_query_density(connection, kind, text) if density is None else density) < PAGE_PROBE_DENSITY:
        return None
    in_list = int(queryset.filter(_in_ids(connection, field, ids)).order_by().count())
    if in_list <= COUNT_CAP:  # too few of the sample in the list to answer a capped count
        return None
    return queryset.filter(_SampleOrProbe(models.F(field), ids=ids, rows=in_list, kind=kind, text=text))


class _ColumnCondition(models.Expression):
    """A condition on one column of the queryset's rows, written by the subclass's ``as_sql``."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, column: models.F) -> None:
        super().__init__()
        self.column = column

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs


class _SampleOrProbe(_ColumnCondition):
    """The row's object matches (PostgreSQL): for a query that asks for at most ``rows`` rows in no order (a count
    capped at most there, ``exists()``), the row is one of the sample ``ids`` of matches, ``rows`` of which are in the
    list (any rows that match are a right answer to such a query); for any other (a page in the list's order, an
    exact count), the row's own document is read and matched (a scalar subquery, which the planner keeps as a probe
    per row walked instead of gathering every match)."""

    def __init__(self, column: models.F, *, ids: str | list[int], rows: int, kind: str, text: str) -> None:
        super().__init__(column)
        self.ids, self.rows, self.kind, self.text = ids, rows, kind, text

    def as_sql(self, compiler, connection):  # noqa: ANN001, ANN201 - Django's signature
        column, params = compiler.compile(self.column)
        query = compiler.query
        ordered = bool(query.order_by or query.extra_order_by or (query.default_ordering and query.get_meta().ordering))
        if not ordered and query.high_mark is not None and query.high_mark <= self.rows:
            ids = self.ids if isinstance(self.ids, str) else "{" + ",".join(map(str, self.ids)) + "}"
            return f"{column} = ANY(%s::bigint[])", [*params, ids]
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        low, _ = _key_range(self.kind)
        # the vector of the document's own row: the inner table's columns (id, terms) come before the outer query's
        return (f"COALESCE((SELECT {POSTGRES_VECTOR} @@ %s::tsquery FROM {table} WHERE id = {low}::bigint + {column}), false)",  # noqa: S608
                [self.text, *params])


FULLTEXT_TABLE = "core_searchdocument_fts"
# PostgreSQL: the indexed vector of a document, each term after its kind's number ("3331493.nguyen"), so that a kind's
# terms are apart in the GIN index (no list of every document of a kind to intersect). The index of migration 0009 is
# on this very expression (the planner uses it only for the same text).
POSTGRES_VECTOR = "array_to_tsvector(string_to_array((id >> 40)::text || '.' || replace(terms, ' ', ' ' || (id >> 40)::text || '.'), ' '))"
_TOKEN = re.compile(r"[0-9a-z]+")


def _fulltext_query(connection: BaseDatabaseWrapper, kind: str, words: list[str], province_code: str, commune_code: str) -> str | None:
    """The full-text query of documents of ``kind`` having every query word (by prefix, one letter exactly) and the
    unit's tokens: a tsquery (PostgreSQL) or an FTS5 MATCH expression (SQLite); None when a word matches no indexed
    word at all. Words are folded tokens ([0-9a-z] only) and unit codes are checked to be so too (else left out: a
    wider search), so they are quoted as they are."""
    unit = [t for t in unit_terms(province_code, commune_code) if _TOKEN.fullmatch(t[2:])]
    if connection.vendor != "postgresql":
        return " AND ".join([f'"{t}"' for t in unit] + [f'"{w}"' if len(w) < 2 else f'"{w}"*' for w in words])
    number = kind_number(kind)
    terms = [f"'{number}.{t}'" for t in unit]
    for w in words:
        lexemes = [w] if len(w) < 2 else _indexed_words(connection, kind, w)
        if lexemes is None:  # too many words start with it: GIN's own prefix match
            terms.append(f"'{number}.{w}':*")
        elif not lexemes:
            return None
        else:
            terms.append("(" + " | ".join(f"'{number}.{x}'" for x in lexemes) + ")")
    return " & ".join(terms)


def _key_range(kind: str) -> tuple[int, int]:
    """The keys of a kind's documents: [low, high)."""
    low = kind_number(kind) << OBJECT_BITS
    return low, low + (1 << OBJECT_BITS)


def _documents_sql(connection: BaseDatabaseWrapper, kind: str, text: str) -> tuple[str, list]:
    """SQL selecting the ids of the objects whose document matches ``text`` (see :func:`_fulltext_query`)."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        return f"SELECT object_id FROM {table} WHERE {POSTGRES_VECTOR} @@ %s::tsquery", [text]  # noqa: S608 - constant SQL
    low, high = _key_range(kind)
    return f"SELECT rowid - {low} FROM {FULLTEXT_TABLE} WHERE {FULLTEXT_TABLE} MATCH %s AND rowid >= {low} AND rowid < {high}", [text]  # noqa: S608


# Several words on a capped page: the list is walked in its order and each row probed in the word index (one probe per
# word), instead of gathering the matches from the documents, when more than WALK_DENSITY of the kind's objects match
# (SQLite: the gather stops there; PostgreSQL: estimated from SAMPLE documents spread over the kind's) in a kind of more
# than COMMON_WORD objects whose words are all common. Measured at
# 1,000,000 feedback items on PostgreSQL: "o ga" (23 % match) walked in 20–40 ms against 800 ms gathered; at 5–7 %,
# walking took from 60 ms ("thuong tru") to 1,000 ms ("lan chiem via he", the words of one category's name, which the
# list holds unevenly), gathering 190–250 ms whatever the words: below WALK_DENSITY the steady cost is kept.
SAMPLE = 1000
SAMPLE_PARTS = 20
WALK_DENSITY = 0.15


def _dense_at(kind: str, words: list[str], scope: dict[str, str]) -> int | None:
    """The number of matches above which a capped page walks its list (``WALK_DENSITY`` of the kind's objects), when
    the kind has more than ``COMMON_WORD`` objects and every word is common (see :func:`_is_common`); else None."""
    *entries, objects = _known_counts(kind, [*words, OBJECTS])
    if objects <= COMMON_WORD:
        return None
    common = int(COMMON_SHARE * objects)
    if not all((n or _count(kind, w, common + 1, scope)) > common for w, n in zip(words, entries, strict=True)):
        return None
    return max(0, int(WALK_DENSITY * objects))


def _sampled_density(connection: BaseDatabaseWrapper, kind: str, text: str) -> float:
    """The share of documents matching ``text`` among about ``SAMPLE`` of the kind's: ``SAMPLE_PARTS`` runs of
    consecutive keys spread evenly over the kind's keys (the first documents alone are one period's and one unit's).
    SQLite: each run counted in the full-text index within its keys (FTS5 seeks to a range of rowids)."""
    low, high = _key_range(kind)
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT max(id) FROM {table} WHERE id >= %s AND id < %s", [low, high])  # noqa: S608 - the model's table
        last = cur.fetchone()[0]
        if last is None:
            return 0.0
        step = max(1, (last - low + 1) // SAMPLE_PARTS)
        if connection.vendor != "postgresql":
            hits = read = 0
            for g in range(SAMPLE_PARTS):
                n, first, top = _run_of_keys(cur, table, low + g * step, high, SAMPLE // SAMPLE_PARTS, newest=False)
                if n:
                    hits += _fulltext_hits(cur, text, first, top)
                    read += n
            return hits / read if read else 0.0
        cur.execute(f"SELECT count(*) FILTER (WHERE {POSTGRES_VECTOR} @@ %s::tsquery), count(*) FROM generate_series(0, {SAMPLE_PARTS - 1}) g, "  # noqa: S608
                    f"LATERAL (SELECT id, terms FROM {table} WHERE id >= %s + g * %s AND id < %s ORDER BY id LIMIT {SAMPLE // SAMPLE_PARTS}) s",
                    [text, low, step, high])
        hits, read = cur.fetchone()
    return int(hits) / int(read) if read else 0.0


# The newest documents of a kind sampled on their own: lists are mostly read newest first, and a word of old objects
# only (a category no longer used) can be common over all the keys and absent from the last ones.
RECENT = 500


def _query_density(connection: BaseDatabaseWrapper, kind: str, text: str) -> float:
    """The lower of the share of documents matching ``text`` sampled over the kind's keys (see
    :func:`_sampled_density`) and among its ``RECENT`` newest: a walk of a list newest first finds its page at the
    recent share, a count walking it in any order at the overall one."""
    overall = _sampled_density(connection, kind, text)
    if not overall:
        return 0.0
    low, high = _key_range(kind)
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            read, first, top = _run_of_keys(cur, table, low, high, RECENT, newest=True)
            return min(overall, _fulltext_hits(cur, text, first, top) / read) if read else overall
        cur.execute(f"SELECT count(*) FILTER (WHERE {POSTGRES_VECTOR} @@ %s::tsquery), count(*) FROM "  # noqa: S608 - the model's table
                    f"(SELECT id, terms FROM {table} WHERE id >= %s AND id < %s ORDER BY id DESC LIMIT {RECENT}) s", [text, low, high])
        hits, read = cur.fetchone()
    return min(overall, int(hits) / int(read)) if read else overall


def _run_of_keys(cur: Any, table: str, low: int, high: int, n: int, *, newest: bool) -> tuple[int, int, int]:
    """(how many, first key, last key) of the ``n`` documents from key ``low`` up (or, ``newest``, down from ``high``)."""
    order = "DESC" if newest else ""
    cur.execute(f"SELECT count(*), min(id), max(id) FROM (SELECT id FROM {table} WHERE id >= %s AND id < %s ORDER BY id {order} LIMIT {n}) r",  # noqa: S608
                [low, high])
    count, first, top = cur.fetchone()
    return int(count), first, top


def _fulltext_hits(cur: Any, text: str, first: int, top: int) -> int:
    """SQLite: the documents with keys in [first, top] matching ``text`` (an FTS5 expression)."""
    cur.execute(f"SELECT count(*) FROM {FULLTEXT_TABLE} WHERE {FULLTEXT_TABLE} MATCH %s AND rowid >= %s AND rowid <= %s", [text, first, top])  # noqa: S608
    return int(cur.fetchone()[0])


class _WalkedIn(_ColumnCondition):
    """SQLite: ``+field IN (SELECT value FROM json_each(ids))``. The unary plus keeps the planner from reading the list
    of ids first (a lookup and a sort per match: 70–90 ms for a page of 60,000 matches at 1,000,000 feedback items):
    it walks the list's own index in the page's order and looks each row up in the ids, which for dense matches stops
    after a few hundred rows."""

    def __init__(self, column: models.F, ids: str) -> None:
        super().__init__(column)
        self.ids = ids

    def as_sql(self, compiler, connection):  # noqa: ANN001, ANN201 - Django's signature
        column, params = compiler.compile(self.column)
        return f"+{column} IN (SELECT value FROM json_each(%s))", [*params, self.ids]  # noqa: S608 - a column Django compiled


def _walk(queryset: models.QuerySet, kind: str, words: list[str], field: str) -> models.QuerySet:
    """Each row of the list probed in its own order, once per word, in the word index's (kind, object_id, token) index."""
    for w in words:
        queryset = queryset.filter(models.Exists(_word_entries(kind, w).filter(object_id=models.OuterRef(field))))
    return queryset


# A query word is looked for as the indexed words it starts (PostgreSQL) when they are at most this many.
EXPAND_MAX = 64


def _indexed_words(connection: BaseDatabaseWrapper, kind: str, word: str) -> list[str] | None:
    """The indexed words of ``kind`` that start with ``word`` (PostgreSQL), read from the word index one after the
    other (a skip over its (kind, token) index: one probe per distinct word); None past ``EXPAND_MAX``. GIN matches a
    prefix by gathering every matching word's documents into a bitmap first, where exact words are intersected as
    they are read: about twice as fast for a name of three words at 1,000,000 documents."""
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    upper = prefix_upper_bound(word)
    below = " AND e.token < %s" if upper else ""
    bound = [upper] if upper else []
    sql = (f"WITH RECURSIVE w(token) AS ((SELECT e.token FROM {table} e WHERE e.kind = %s AND e.token >= %s{below} "  # noqa: S608
           f"ORDER BY e.token LIMIT 1) UNION ALL SELECT (SELECT e.token FROM {table} e WHERE e.kind = %s AND e.token > w.token{below} "
           f"ORDER BY e.token LIMIT 1) FROM w WHERE w.token IS NOT NULL) SELECT token FROM w WHERE token IS NOT NULL LIMIT {EXPAND_MAX + 1}")
    with connection.cursor() as cur:
        cur.execute(sql, [kind, word, *bound, kind, *bound])
        found = [row[0] for row in cur.fetchall()]
    if len(found) > EXPAND_MAX:
        return None  # GIN's own prefix match: a true prefix, never a marked word of another
    return [t for t in found if t.startswith(MARK) == word.startswith(MARK)]  # see _token_q


# Measured at 1,000,000 names: "nguyen van duc" (76,000 ids) takes 175 ms on SQLite and 179 ms on
# PostgreSQL with this limit, 455 and 395 ms with a limit of 20,000 (the subquery runs twice).
ID_LIST_LIMIT = 100_000

# A word with more index entries than this share of the kind's objects is common: gathering
# its matches costs more than walking the list and probing each row (measured at 1,000,000
# names on SQLite: a word with 30,000 entries is faster gathered, 11 ms against 20 ms probed
# for a page and a count capped at 1,000; one with 66,000 faster probed, 10 ms against 37 ms).
# Walking stops after about cap ÷ share rows whatever the size of the list, gathering grows
# with it: the share holds for other sizes. Without counts (SearchWordCount), more entries than
# COMMON_WORD.
COMMON_SHARE = 0.04
COMMON_WORD = 40_000


def _scope(province_code: str, commune_code: str) -> dict[str, str]:
    """The filter of the entries within a unit: by province first (the index's order), the
    commune inside it. A commune alone (a user without a province) filters the entries read."""
    scope = {"province_code": province_code} if province_code else {}
    return {**scope, "commune_code": commune_code} if commune_code else scope


def _count(kind: str, word: str, cap: int, scope: dict[str, str]) -> int:
    return int(_word_entries(kind, word, scope).values_list("object_id")[:cap].count())


def _is_common(kind: str, word: str, scope: dict[str, str]) -> bool:
    """Has ``word`` more entries than ``COMMON_SHARE`` of the kind's objects (``COMMON_WORD``
    without counts)? From the counts of SearchWordCount when they cover the word, else
    counted in the index up to the common number + 1 (all it needs)."""
    entries, objects = _known_counts(kind, [word, OBJECTS])
    common = int(COMMON_SHARE * objects) if objects else COMMON_WORD
    return (entries or _count(kind, word, common + 1, scope)) > common


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
    if not upper:
        return models.Q(token__gte=word)
    q = models.Q(token__gte=word, token__lt=upper)
    # A plain word never matches a marked one ("_…", see Marked), nor a marked word a plain one, whatever the order of
    # the database's collation: in the binary order (SQLite, PostgreSQL's C collation) "9z" → [9z, a) holds the marked
    # words, which lie between the digits and the letters; a collation that ignores punctuation (glibc's en_US.UTF-8,
    # ICU's "shifted") sorts "_i0790…" as "i0790…", inside the range of the plain word "i0790".
    marked = models.Q(token__startswith=MARK)
    return q & (marked if word.startswith(MARK) else ~marked)


class _AnyOf(models.Func):
    """``field = ANY(%s::bigint[])`` (PostgreSQL): a list of ids as one parameter. Unlike
    ``IN (SELECT unnest(...))``, an index scan of the field answers it in the field's order
    (a page ordered by it reads only its rows instead of walking the list to find them).
    The parameter is the array's text ("{1,2,3}"), which the server parses: adapting a Python list
    of 65,000 ids cost the client 50–90 ms per query (a capped page runs two), the text a few ms
    (measured at 1,000,000 feedback items: search p95 297 → 229 ms)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s::bigint[])"
    output_field = models.BooleanField()


def _in_ids(connection: BaseDatabaseWrapper, field: str, ids: list[int] | str) -> models.Q:
    """``field`` is one of ``ids``: on PostgreSQL the array's text as the gather returned it ("{1,2,3}"), a list on
    SQLite."""
    if isinstance(ids, str):
        return models.Q(_AnyOf(models.F(field), models.Value(ids, output_field=models.TextField())))
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
