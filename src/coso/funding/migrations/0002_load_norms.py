"""Formerly loaded the funding norms from a data file; the rule book's loader (``manage.py load_rules``) ships them now.

Kept as a no-op so that existing databases keep their migration history.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = []
