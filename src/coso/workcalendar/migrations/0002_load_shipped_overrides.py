"""Load the shipped calendar overrides (data/overrides.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from coso.workcalendar.shipped import apply_rows, read_overrides_csv

    apply_rows(apps.get_model("workcalendar", "CalendarOverride"), read_overrides_csv())


def unload(apps, schema_editor):
    from coso.workcalendar.shipped import read_overrides_csv, remove_rows

    remove_rows(apps.get_model("workcalendar", "CalendarOverride"), read_overrides_csv())


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
