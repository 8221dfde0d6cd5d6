"""The audit log's append-only guard in PostgreSQL, and the database roles production should use.

The trigger function refuses UPDATE, DELETE and TRUNCATE on ``core_auditlog``. Only a database
migrated with the test settings (COSO_AUDIT_PURGE_ALLOWED, set in coso.conf.test and nowhere else)
gets a switch that lets teardown flush the throw-away test database; a database migrated with any
other settings has no switch at all, so no role can turn the guard off with a session setting.

What the guard cannot stop is the table's owner dropping the trigger: production runs the web
processes as a separate role that owns nothing and has no UPDATE/DELETE/TRUNCATE on the audit
table (``app_role_sql``; see docs/database-roles.md).
"""

from __future__ import annotations

from typing import Any

_FUNCTION = """
CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
BEGIN{purge}
  RAISE EXCEPTION 'core_auditlog is append-only';
END;
$$ LANGUAGE plpgsql;
"""
_TEST_PURGE = """
  -- Test database only (migrated with COSO_AUDIT_PURGE_ALLOWED): teardown may flush.
  IF current_setting('coso.audit_purge', true) = 'on' THEN
    IF TG_OP = 'TRUNCATE' THEN RETURN NULL; END IF;
    RETURN OLD;
  END IF;"""


def function_sql(*, purge_allowed: bool) -> str:
    return _FUNCTION.format(purge=_TEST_PURGE if purge_allowed else "")


def install(connection: Any, *, purge_allowed: bool) -> None:
    """(Re)create the trigger function on PostgreSQL; the triggers (migration 0002) call it."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(function_sql(purge_allowed=purge_allowed))


def app_role_sql(role: str, *, schema: str = "public") -> list[str]:
    """Privileges of the role the web processes connect as: read and write every table and sequence
    (now and, through default privileges, those later migrations create), but only SELECT and INSERT
    on the audit log. Run by the owner (the role that runs ``migrate``) after each migration."""
    from django.db import connection

    r = connection.ops.quote_name(role)
    s = connection.ops.quote_name(schema)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {s}.core_auditlog FROM {r}",
    ]
