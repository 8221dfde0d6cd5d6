"""Data migration: the national default norms shipped in funding/data/norms.json."""

from django.db import migrations


def load(apps, schema_editor):
    from coso.funding.rules import load_norm_rows, read_norm_file

    load_norm_rows(apps.get_model("funding", "Norm"), read_norm_file())


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
