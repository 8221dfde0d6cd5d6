"""PostgreSQL: the database cache table is UNLOGGED.

Every dossier or feedback write bumps a generation counter in the cache after its commit, every sign-in attempt counts
in it: as an ordinary table each such write is a commit of its own that waits for the write-ahead log to reach the disk
(a few milliseconds, as much as the dossier's own transaction). An unlogged table skips the log: its writes cost what a
write inside a transaction costs. What it holds is disposable by design (counters, generations, cached figures, rate
limit windows): after a crash PostgreSQL empties it, the generations start afresh, figures are counted again and rate
limit windows restart. It is not copied to streaming replicas, and the router reads it from the primary only
(``coso.core.dbrouter``). SQLite and other databases: nothing to do. ``createcachetable`` run later (after switching
from Redis) makes an ordinary table: run ``manage.py migrate core 0010 && manage.py migrate core`` or
``ALTER TABLE … SET UNLOGGED`` by hand.
"""

from django.conf import settings
from django.db import migrations


def _tables(connection):  # type: ignore[no-untyped-def]
    """The database cache tables of settings.CACHES that exist in this database."""
    names = [c["LOCATION"] for c in settings.CACHES.values() if c.get("BACKEND", "").endswith("DatabaseCache") and c.get("LOCATION")]
    existing = set(connection.introspection.table_names())
    return [n for n in names if n in existing]


def _persistence(schema_editor, mode: str) -> None:  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for table in _tables(connection):
        schema_editor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} SET {mode}")


def unlogged(apps, schema_editor):  # type: ignore[no-untyped-def]
    _persistence(schema_editor, "UNLOGGED")


def logged(apps, schema_editor):  # type: ignore[no-untyped-def]
    _persistence(schema_editor, "LOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0010_search_entry_without_words")]
    operations = [migrations.RunPython(unlogged, logged)]
