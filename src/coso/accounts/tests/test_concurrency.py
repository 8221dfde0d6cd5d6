"""Concurrency on PostgreSQL: a delegation or a staff account created twice at once (a double click) is created once, the
second refused with a clear error; the last two system administrators deactivating each other at once leave one; two
citizens taking the same phone number at once: one has it, the other is told it is taken."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

import pytest

from coso.accounts import services
from coso.accounts.models import Delegation
from coso.accounts.roles import Role
from coso.core.tests.threads import side_by_side

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def test_one_delegation_created_twice_at_once(users, make_user, commune, monkeypatch):
    deputy = make_user("deputy", Role.COMMUNE_LEADER, commune, full_name="Trịnh Văn Phúc")
    start = timezone.localdate() + dt.timedelta(days=1)

    def create():  # type: ignore[no-untyped-def]
        return services.delegation_create(actor=users["leader"], delegate=deputy, kind="kt", actions=[Delegation.Action.DOSSIER_APPROVE],
                                          starts_on=start, ends_on=start + dt.timedelta(days=6))

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["delegation-overlap"]
    assert Delegation.objects.filter(delegator=users["leader"]).count() == 1


def test_the_last_two_system_administrators_deactivating_each_other_at_once(users, make_user, monkeypatch):
    """One of them stays: the second deactivation counts the first one's, and is refused as leaving nobody."""
    from coso.accounts.models import User

    a, b = users["sysadmin"], make_user("quantri2", Role.SYSTEM_ADMIN)
    _results, errors, _waited = side_by_side(
        monkeypatch, services, "_keep_one_system_admin",
        lambda: services.staff_deactivate(actor=a, user=b, reason="Nghỉ việc"),
        lambda: services.staff_deactivate(actor=b, user=a, reason="Nghỉ việc"),
    )
    assert [getattr(e, "code", e) for e in errors] == ["last-system-admin"]
    assert User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).count() == 1


def test_one_staff_username_created_twice_at_once(users, commune, monkeypatch):
    """A double click on "create account": the second is told the user name is taken, not a database error."""
    from coso.accounts.models import User

    def create():  # type: ignore[no-untyped-def]
        return services.staff_create(actor=users["sysadmin"], username="binh.lt", full_name="Lê Thị Bình", role=Role.SPECIALIST, unit=commune)

    _results, errors, _waited = side_by_side(monkeypatch, services, "audited_create", create, create)
    assert [getattr(e, "code", e) for e in errors] == ["validation-error"]
    assert "username" in errors[0].details["fields"]  # type: ignore[attr-defined]
    assert User.objects.filter(username="binh.lt").count() == 1


def test_two_citizens_taking_one_phone_at_once(make_user, monkeypatch):
    """The phone signs in (a citizen's user name follows it): without the lock both would pass the check and share it,
    or the second would hit the user-name constraint (a 500)."""
    from coso.accounts.models import User

    hoa = make_user("0933444555", Role.CITIZEN, phone="0933444555")
    lan = make_user("lan@example.vn", Role.CITIZEN, email="lan@example.vn", phone="")

    def take(user):  # type: ignore[no-untyped-def]
        return lambda: services.profile_update(user=user, data={"phone": "0988777666"}, current_password="pw-Coso-2026!")

    _results, errors, waited = side_by_side(monkeypatch, services, "audited_update", take(hoa), take(lan))
    assert waited and [getattr(e, "code", e) for e in errors] == ["contact-taken"]
    assert list(User.objects.filter(phone="0988777666").values_list("username", flat=True)) == ["0988777666"]
