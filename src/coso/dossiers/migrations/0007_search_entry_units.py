"""The units of this app's search entries, as their objects' (a reorganisation moved objects without them
before coso.core.search.search_index_move): a search within a unit reads the entries by unit."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q, Subquery

KIND = "dossier"  # coso.dossiers.services' search kind when this migration was written


def forwards(apps, schema_editor):
    entry = apps.get_model("core", "SearchEntry")
    owner = apps.get_model("dossiers", "Dossier")
    same = owner.objects.filter(pk=OuterRef("object_id"))
    moved = same.filter(~Q(commune_code=OuterRef("commune_code")) | ~Q(province_code=OuterRef("province_code")))
    entry.objects.filter(Exists(moved), kind=KIND).update(
        commune_code=Subquery(same.values("commune_code")[:1]), province_code=Subquery(same.values("province_code")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0008_search_unit_index"),
        ("dossiers", "0006_row_flags"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
