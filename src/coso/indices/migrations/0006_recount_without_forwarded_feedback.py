"""Feedback forwarded to the competent body no longer counts in the sending commune's indicators 5.2 and 5.3.

The rollups are derived data: the stored ones still count forwarded items, so the state is cleared here and the next run
of the periodic job counts everything again (no refresh recorded means a full rebuild), as ``manage.py rebuild_indices``
would. A database without rollups yet is unaffected."""

from django.db import migrations


def recount(apps, schema_editor):  # type: ignore[no-untyped-def]
    db = schema_editor.connection.alias
    apps.get_model("indices", "RollupState").objects.using(db).update(refreshed_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('indices', '0005_province_figures'),
    ]

    operations = [
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
