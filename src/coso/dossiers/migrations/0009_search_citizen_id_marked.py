"""The applicant's citizen id indexed under its own marker ("_i…", coso.core.search.marked_citizen_id) instead of as a
plain word, which any search matched by its first digits: who sees citizen ids masked could confirm a number digit by
digit (Decree 13/2023). Reindexes the dossiers already in the search index that have a citizen id (the words as
coso.core.search.search_words makes them when this migration was written)."""

import zlib

from django.db import migrations
from django.db.models import Exists, OuterRef

from coso.core.text import tokens

KIND = "dossier"  # coso.dossiers.services' search kind when this migration was written
KEY_BASE = (zlib.crc32(KIND.encode()) & ((1 << 22) - 1)) << 40  # coso.core.search.document_key(KIND, 0)
BATCH = 2000


def _words(row, *, marked):
    code, name, phone, citizen_id = row["code"], row["applicant_name"], row["applicant_phone"], row["applicant_citizen_id"]
    words = {t[:64] for text in (code, name, phone) for t in tokens(text)}
    cid = "".join(tokens(citizen_id))
    if marked:
        words.update([f"_i{cid}"[:64]] if cid else [])
    else:
        words.update(t[:64] for t in tokens(citizen_id))
    return sorted(words)


def _reindex(apps, *, marked):
    entry = apps.get_model("core", "SearchEntry")
    document = apps.get_model("core", "SearchDocument")
    dossier = apps.get_model("dossiers", "Dossier")
    indexed = entry.objects.filter(kind=KIND, object_id=OuterRef("pk"))
    rows = (dossier.objects.exclude(applicant_citizen_id="").filter(Exists(indexed)).order_by("pk")
            .values("pk", "code", "applicant_name", "applicant_phone", "applicant_citizen_id", "province_code", "commune_code"))
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1]["pk"]
        ids = [r["pk"] for r in batch]
        entry.objects.filter(kind=KIND, object_id__in=ids).delete()
        document.objects.filter(pk__in=[KEY_BASE + i for i in ids]).delete()
        entries, documents = [], []
        for r in batch:
            words = _words(r, marked=marked)
            p, c = r["province_code"], r["commune_code"]
            entries += [entry(kind=KIND, object_id=r["pk"], token=w, province_code=p, commune_code=c) for w in words]
            units = ([f"_p{p}"] if p else []) + ([f"_c{c}"] if c else [])
            if words:
                documents.append(document(id=KEY_BASE + r["pk"], kind=KIND, object_id=r["pk"], terms=" ".join(units + words)))
        entry.objects.bulk_create(entries)
        document.objects.bulk_create(documents)


def forwards(apps, schema_editor):
    _reindex(apps, marked=True)


def backwards(apps, schema_editor):
    _reindex(apps, marked=False)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0010_search_entry_without_words"),
        ("dossiers", "0008_drop_redundant_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
