"""The audit log is append-only in the database, and its browse page filters and is scoped."""

import contextlib

from django.db import DatabaseError, connection, transaction

import pytest

from coso.core.apps import AUDIT_LOCK
from coso.core.audit import audit_log
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def audit_lock_on():
    """Re-enable the append-only lock that test settings lift (so teardown can flush tables)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET coso.audit_purge = 'off'")
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("SET coso.audit_purge = 'on'")
    else:
        AUDIT_LOCK["locked"] = True
        try:
            yield
        finally:
            AUDIT_LOCK["locked"] = False


def _row(users):  # type: ignore[no-untyped-def]
    return audit_log(actor=users["leader"], action=AuditLog.Action.ACTION, object_type="test.Thing", object_id=1, after={"x": 1})


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_auditlog SET actor_name = 'giả mạo' WHERE id = %s",
        "UPDATE core_auditlog SET after = NULL",
        "DELETE FROM core_auditlog WHERE id = %s",
        "DELETE FROM core_auditlog",
    ],
)
def test_database_refuses_update_and_delete(users, statement):
    row = _row(users)
    with audit_lock_on():
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement, [row.pk] if "%s" in statement else None)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditLog.objects.filter(pk=row.pk).update(reason="xoá dấu vết")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditLog.objects.filter(pk=row.pk).delete()
        # Appending still works while locked.
        audit_log(actor=users["leader"], action=AuditLog.Action.ACTION, object_type="test.Thing", object_id=2)
    row.refresh_from_db()
    assert row.actor_name == users["leader"].display_name and row.after == {"x": 1} and row.reason == ""


def test_truncate_refused_on_postgresql(users):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _row(users)
    with audit_lock_on(), pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("TRUNCATE core_auditlog")
    assert AuditLog.objects.exists()


def test_lock_is_lifted_again_after_the_test_helper(users):
    row = _row(users)
    with audit_lock_on():
        pass
    with transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()  # test databases may purge again
    assert not AuditLog.objects.filter(pk=row.pk).exists()


@pytest.fixture
def audit_rows(users, make_user, foreign_commune):  # type: ignore[no-untyped-def]
    from coso.accounts.roles import Role

    hanoi = make_user("hn_admin", Role.PROVINCE_ADMIN, foreign_commune.parent, full_name="Quản trị Hà Nội")
    rows = {
        "village": audit_log(actor=users["home_affairs"], action="create", object_type="units.Village", object_id=7, object_repr="Khu phố Bảy", after={"name": "Khu phố Bảy"}),
        "commune": audit_log(actor=users["province_admin"], action="update", object_type="units.AdministrativeUnit", object_id=1, object_repr="Phường Sài Gòn", before={"population": 1}, after={"population": 2}),
        "hanoi": audit_log(actor=hanoi, action="update", object_type="units.AdministrativeUnit", object_id=9, object_repr="Phường Ba Đình Bí Mật", after={"population": 3}),
    }
    return rows | {"hanoi_admin": hanoi}


def test_audit_page_is_scoped_to_the_province(login, users, audit_rows):
    html = login(users["province_admin"]).get("/audit/").content.decode()
    assert "Khu phố Bảy" in html and "Phường Sài Gòn" in html and "Ba Đình Bí Mật" not in html
    html = login(audit_rows["hanoi_admin"]).get("/audit/").content.decode()
    assert "Ba Đình Bí Mật" in html and "Khu phố Bảy" not in html
    html = login(users["sysadmin"]).get("/audit/").content.decode()
    assert "Ba Đình Bí Mật" in html and "Khu phố Bảy" in html
    for role in ("leader", "home_affairs", "province_finance", "citizen"):
        assert login(users[role]).get("/audit/").status_code == 404
    from django.test import Client

    assert Client().get("/audit/").status_code == 302  # anonymous → login


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("object_type=Village", {"Khu phố Bảy"}),
        ("object_type=units.AdministrativeUnit", {"Phường Sài Gòn"}),
        ("actor=home_affairs", {"Khu phố Bảy"}),
        ("action=update", {"Phường Sài Gòn"}),
        ("action=create", {"Khu phố Bảy"}),
        ("from=01/01/2000&to=31/12/2999", {"Khu phố Bảy", "Phường Sài Gòn"}),
        ("from=2999-01-01", set()),
        ("to=01/01/2000", set()),
        ("from=khong-phai-ngay&action=bogus", set()),
    ],
)
def test_audit_page_filters(login, users, audit_rows, query, expected):
    r = login(users["province_admin"]).get("/audit/?" + query)
    assert r.status_code == 200
    shown = {a.object_repr for a in r.context["page"] if a.action != "login"}  # the test login itself is audited too
    assert shown == expected


def test_audit_rows_record_unit_and_before_after(users, audit_rows):
    row = AuditLog.objects.get(pk=audit_rows["commune"].pk)
    assert (row.province_code, row.actor_id, row.before, row.after) == ("79", users["province_admin"].pk, {"population": 1}, {"population": 2})
    row = AuditLog.objects.get(pk=audit_rows["village"].pk)
    assert (row.province_code, row.commune_code) == ("79", "26734")
