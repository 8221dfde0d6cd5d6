"""Formerly loaded the shipped categories, templates and deadline rules with live code.

They are now loaded by ``manage.py load_reference`` (categories, templates) and ``manage.py load_rules``
(deadlines, from the rule book), so that migrations never import application code.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
