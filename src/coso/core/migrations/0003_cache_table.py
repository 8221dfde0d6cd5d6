"""Create the database cache table (settings.CACHES, default backend) as part of ``migrate``.

Every deployment runs ``migrate``; the rate limits (login, public lookup) need the table from the
first request on. With REDIS_URL set there is no database cache and nothing is created. Running
``manage.py createcachetable`` again later (e.g. after switching from Redis) is harmless.
"""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_auditlog_append_only")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
