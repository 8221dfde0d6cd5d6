"""Issue 13 item 2: outside the test database no session setting switches the audit log's guard off,
and the application role of docs/database-roles.md can neither delete nor rewrite audit rows."""

from __future__ import annotations

import importlib
import io
import secrets
from types import SimpleNamespace

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

import pytest

from coso.core.audit import audit_log
from coso.core.audit_guard import app_role_sql
from coso.core.models import AuditLog

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles and session settings are PostgreSQL's"),
]


def _row(users):  # type: ignore[no-untyped-def]
    return audit_log(actor=users["leader"], action=AuditLog.Action.ACTION, object_type="test.Thing", object_id=1, after={"x": 1})


def _refused(sql: str, params=None) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)
    return str(info.value)


def test_a_database_migrated_with_production_settings_has_no_purge_switch(users):
    row = _row(users)
    migration = importlib.import_module("coso.core.migrations.0004_auditlog_purge_only_in_tests")
    sid = transaction.savepoint()
    try:
        with override_settings(COSO_AUDIT_PURGE_ALLOWED=False):
            migration.forward(None, SimpleNamespace(connection=connection))
        with connection.cursor() as cur:
            cur.execute("SET LOCAL coso.audit_purge = 'on'")  # what any role could run before
        assert "append-only" in _refused("DELETE FROM core_auditlog WHERE id = %s", [row.pk])
        assert "append-only" in _refused("UPDATE core_auditlog SET actor_name = 'giả mạo' WHERE id = %s", [row.pk])
        assert "append-only" in _refused("TRUNCATE core_auditlog")
    finally:
        transaction.savepoint_rollback(sid)
    assert AuditLog.objects.filter(pk=row.pk, actor_name=users["leader"].display_name).exists()


def test_the_application_role_cannot_delete_rewrite_or_unguard_the_audit_log(users):
    role = f"coso_app_test_{secrets.token_hex(4)}"
    row = _row(users)
    out = io.StringIO()
    call_command("db_app_role", role, stdout=out)
    assert "REVOKE UPDATE, DELETE, TRUNCATE" in out.getvalue()
    sid = transaction.savepoint()
    try:
        with connection.cursor() as cur:
            cur.execute(f"CREATE ROLE {connection.ops.quote_name(role)} NOLOGIN")
            for sql in app_role_sql(role):
                cur.execute(sql)
            cur.execute(f"SET LOCAL ROLE {connection.ops.quote_name(role)}")
        # What the application does works: append audit rows, read them, write business tables.
        audit_log(actor=users["leader"], action=AuditLog.Action.ACTION, object_type="test.Thing", object_id=2)
        assert AuditLog.objects.filter(pk=row.pk).exists()
        users["citizen"].full_name = "Tên mới"
        users["citizen"].save(update_fields=["full_name"])
        # What it must not do is refused by the privileges, whatever the session settings say.
        with connection.cursor() as cur:
            cur.execute("SET LOCAL coso.audit_purge = 'on'")
        for sql in ("DELETE FROM core_auditlog", "UPDATE core_auditlog SET reason = 'xoá dấu vết'", "TRUNCATE core_auditlog",
                    "ALTER TABLE core_auditlog DISABLE TRIGGER ALL", "DROP TRIGGER core_auditlog_no_update ON core_auditlog",
                    "SET session_replication_role = replica"):
            assert "permission denied" in _refused(sql) or "must be owner" in _refused(sql), sql
    finally:
        transaction.savepoint_rollback(sid)
    assert AuditLog.objects.filter(pk=row.pk, reason="").exists()
