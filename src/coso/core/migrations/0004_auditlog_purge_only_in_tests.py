"""Remove the audit log's purge switch from every database but the throw-away test database.

Migration 0002 let any session that ran ``SET coso.audit_purge = 'on'`` update or delete audit rows.
The trigger function is now created without that switch unless the database is migrated with the
test settings (coso.core.audit_guard).
"""

from django.conf import settings
from django.db import migrations

from coso.core import audit_guard


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    audit_guard.install(schema_editor.connection, purge_allowed=bool(getattr(settings, "COSO_AUDIT_PURGE_ALLOWED", False)))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_cache_table")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
