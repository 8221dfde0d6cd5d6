"""The full-text index of searches of several words (core.SearchDocument), filled from the word index."""

import zlib

from django.db import migrations, models

FTS = "core_searchdocument_fts"
# Prefix indexes for query words of 2 to 8 letters (Vietnamese syllables have at most 7): a prefix query then reads one
# list instead of merging the lists of every word it matches.
SQLITE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(terms, content='core_searchdocument', content_rowid='id', "
    "prefix='2 3 4 5 6 7 8', tokenize=\"ascii tokenchars '_'\", detail=none)",
    f"CREATE TRIGGER core_searchdocument_ai AFTER INSERT ON core_searchdocument BEGIN "
    f"INSERT INTO {FTS}(rowid, terms) VALUES (new.id, new.terms); END",
    f"CREATE TRIGGER core_searchdocument_ad AFTER DELETE ON core_searchdocument BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    f"CREATE TRIGGER core_searchdocument_au AFTER UPDATE ON core_searchdocument BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, terms) VALUES ('delete', old.id, old.terms); "
    f"INSERT INTO {FTS}(rowid, terms) VALUES (new.id, new.terms); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # the documents filled before the index
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS core_searchdocument_au", "DROP TRIGGER IF EXISTS core_searchdocument_ad",
               "DROP TRIGGER IF EXISTS core_searchdocument_ai", f"DROP TABLE IF EXISTS {FTS}"]
# coso.core.search.POSTGRES_VECTOR (a test checks that they are the same)
POSTGRES_VECTOR = "array_to_tsvector(string_to_array((id >> 40)::text || '.' || replace(terms, ' ', ' ' || (id >> 40)::text || '.'), ' '))"
POSTGRES = [f"CREATE INDEX search_document_terms_gin ON core_searchdocument USING gin ({POSTGRES_VECTOR})"]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_document_terms_gin"]

# coso.core.search.document_key and unit_terms as they are at this migration (a migration keeps its own copy)
OBJECT_BITS = 40


def _kind_number(kind):
    return zlib.crc32(kind.encode()) & ((1 << 22) - 1)


def _terms(province_code, commune_code, words):
    unit = ([f"_p{province_code}"] if province_code else []) + ([f"_c{commune_code}"] if commune_code else [])
    return " ".join(unit + words)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def fill(apps, schema_editor):
    """One document per object of the word index (its tokens, unit of its first entry)."""
    entry = apps.get_model("core", "SearchEntry")
    document = apps.get_model("core", "SearchDocument")
    db = schema_editor.connection.alias
    batch, current, words, unit = [], None, [], ("", "")

    def flush_one():
        if current is not None:
            kind, object_id = current
            batch.append(document(id=(_kind_number(kind) << OBJECT_BITS) | object_id, kind=kind, object_id=object_id,
                                  terms=_terms(unit[0], unit[1], sorted(set(words)))))

    rows = entry.objects.using(db).order_by("kind", "object_id", "token").values_list("kind", "object_id", "token", "province_code", "commune_code")
    for kind, object_id, token, province_code, commune_code in rows.iterator(chunk_size=20000):
        if (kind, object_id) != current:
            flush_one()
            current, words, unit = (kind, object_id), [], (province_code, commune_code)
            if len(batch) >= 5000:
                document.objects.using(db).bulk_create(batch)
                batch = []
        words.append(token)
    flush_one()
    document.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_search_unit_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('kind', models.CharField(max_length=40)),
                ('object_id', models.BigIntegerField()),
                ('terms', models.TextField()),
            ],
        ),
        # filled first, then indexed: one build instead of maintaining the index row by row
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
