"""The words of an answer indexed only once it is published (coso.feedback.services._reindex): before, an answer was
indexed as soon as it was saved, so the public search found a published item by the words of its draft answer (or of an
answer a re-raise took back) and told what it says. Reindexes the items indexed with an answer they do not show: those
not closed that carry an answer text (the words as coso.core.search.search_words makes them when this migration was
written: the code, the title and the text)."""

import zlib

from django.db import migrations
from django.db.models import Exists, OuterRef

from coso.core.text import tokens

KIND = "feedback"  # coso.feedback.services' search kind when this migration was written
KEY_BASE = (zlib.crc32(KIND.encode()) & ((1 << 22) - 1)) << 40  # coso.core.search.document_key(KIND, 0)
BATCH = 2000


def _words(row):
    return sorted({t[:64] for text in (row["code"], row["title"], row["text"]) for t in tokens(text)})


def forwards(apps, schema_editor):
    entry = apps.get_model("core", "SearchEntry")
    document = apps.get_model("core", "SearchDocument")
    feedback = apps.get_model("feedback", "Feedback")
    indexed = entry.objects.filter(kind=KIND, object_id=OuterRef("pk"))
    rows = (feedback.objects.exclude(status="closed").exclude(answer_text="").filter(Exists(indexed)).order_by("pk")
            .values("pk", "code", "title", "text", "province_code", "commune_code"))
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
            words = _words(r)
            p, c = r["province_code"], r["commune_code"]
            entries += [entry(kind=KIND, object_id=r["pk"], token=w, province_code=p, commune_code=c) for w in words]
            units = ([f"_p{p}"] if p else []) + ([f"_c{c}"] if c else [])
            if words:
                documents.append(document(id=KEY_BASE + r["pk"], kind=KIND, object_id=r["pk"], terms=" ".join(units + words)))
        entry.objects.bulk_create(entries)
        document.objects.bulk_create(documents)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0011_cache_table_unlogged"),
        ("feedback", "0013_attachment_hidden_by"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
