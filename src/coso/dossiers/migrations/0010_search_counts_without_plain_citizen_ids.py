"""Migration 0009 moved the applicant's citizen id out of the plain words of the dossier search index, but the word
statistics (core.SearchWordCount, recounted by the nightly "search_stats" job) still held each old plain id as a word
with its count until that recount: personal data (Decree 13/2023) kept in a table no one reads it from. Drops the
counts of dossier words no index entry has any more (the old plain ids among them). Counts only choose how a search
runs, never what it finds; a word without a count is counted in the index itself until the next recount."""

from django.db import migrations
from django.db.models import Exists, OuterRef

KIND = "dossier"  # coso.dossiers.services' search kind when this migration was written
OBJECTS = ""  # coso.core.search.OBJECTS: the count row of the kind's objects, not a word


def forwards(apps, schema_editor):
    entry = apps.get_model("core", "SearchEntry")
    count = apps.get_model("core", "SearchWordCount")
    used = entry.objects.filter(kind=KIND, token=OuterRef("token"))
    count.objects.filter(kind=KIND).exclude(token=OBJECTS).exclude(Exists(used)).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0010_search_entry_without_words"),
        ("dossiers", "0009_search_citizen_id_marked"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
