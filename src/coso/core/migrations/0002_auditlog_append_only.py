"""Make the audit log append-only at the database level (PostgreSQL and SQLite triggers).

On SQLite the trigger calls coso_audit_locked(), a function every Coso connection
registers (core/apps.py); a connection without it (e.g. the sqlite3 shell) fails closed.
Only test databases can lift the lock, so that test teardown can flush tables.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
BEGIN
  -- Only throw-away test databases may purge (connection option -c coso.audit_purge=on).
  IF current_setting('coso.audit_purge', true) = 'on' THEN
    IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'core_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE OR DELETE ON core_auditlog
  FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();
CREATE TRIGGER core_auditlog_no_truncate BEFORE TRUNCATE ON core_auditlog
  FOR EACH STATEMENT EXECUTE FUNCTION core_auditlog_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditlog_no_update ON core_auditlog;
DROP TRIGGER IF EXISTS core_auditlog_no_truncate ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_append_only();
"""
SQLITE_UP = [
    "CREATE TRIGGER core_auditlog_no_update BEFORE UPDATE ON core_auditlog WHEN coso_audit_locked() BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;",
    "CREATE TRIGGER core_auditlog_no_delete BEFORE DELETE ON core_auditlog WHEN coso_audit_locked() BEGIN SELECT RAISE(ABORT, 'core_auditlog is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS core_auditlog_no_update;", "DROP TRIGGER IF EXISTS core_auditlog_no_delete;"]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
