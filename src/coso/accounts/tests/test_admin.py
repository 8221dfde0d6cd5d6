"""Django admin (/admin/): who reaches it, bad query strings and ids, and that it writes nothing
outside the audited services."""

from __future__ import annotations

from django.contrib.auth.models import Group

import pytest

from coso.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def sysadmin_client(users, login):  # type: ignore[no-untyped-def]
    ApiToken.issue(user=users["onestop"], name="Cổng dịch vụ công")
    client = login(users["sysadmin"])
    client.raise_request_exception = False
    return client


def test_no_admin_writes_outside_the_audited_services(sysadmin_client, users):  # type: ignore[no-untyped-def]
    """Before: Django's Group admin created, renamed and deleted groups for a superuser with no audit
    entry (and a bulk delete of ids that are not numbers answered 500)."""
    group = Group.objects.create(name="g")
    c = sysadmin_client
    assert "/admin/auth/" not in c.get("/admin/").content.decode()
    assert c.get("/admin/auth/group/").status_code == 404
    assert c.post("/admin/auth/group/add/", {"name": "new"}).status_code == 404
    assert c.post(f"/admin/auth/group/{group.pk}/change/", {"name": "renamed"}).status_code == 404
    assert c.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 404
    assert c.post("/admin/auth/group/", {"action": "delete_selected", "_selected_action": [HUGE, "abc"], "post": "yes"}).status_code == 404
    assert list(Group.objects.values_list("name", flat=True)) == ["g"]
