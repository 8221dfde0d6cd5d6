"""A delegation's note and the reason it was ended were unbounded text in the service: a caller of the service (an import,
a script, a future door) stored any length, and the page that ends a delegation answered a reason too long with "Ghi lý do
chấm dứt." (write a reason), though one was written. The note is now at most 1,000 characters and the reason at most 500,
in the service, the API and the forms alike, refused on the field with the limit, and nothing is written."""

import datetime as dt

from django.utils import timezone

import pytest
import time_machine

from coso.accounts import services
from coso.accounts.models import Delegation
from coso.accounts.roles import Role
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db
MON = dt.date(2026, 12, 7)
APPROVE = Delegation.Action.DOSSIER_APPROVE


@pytest.fixture
def deputy(make_user, commune):  # type: ignore[no-untyped-def]
    return make_user("deputy", Role.COMMUNE_LEADER, commune, full_name="Trịnh Văn Phúc")


@pytest.fixture(autouse=True)
def travel():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False) as t:
        yield t


def _create(users, deputy, **kw):  # type: ignore[no-untyped-def]
    return services.delegation_create(actor=users["leader"], delegate=deputy, kind="kt", actions=[APPROVE], starts_on=MON,
                                      ends_on=MON + dt.timedelta(days=6), **kw)


def test_the_service_bounds_the_note_and_the_reason(users, deputy):
    with pytest.raises(ApplicationError) as exc:
        _create(users, deputy, note="x" * 1001)
    assert exc.value.code == "validation-error" and list(exc.value.details["fields"]) == ["note"] and "1000" in exc.value.details["fields"]["note"][0]
    assert not Delegation.objects.exists() and not AuditLog.objects.filter(verb="delegation_create").exists()
    d = _create(users, deputy, note="x" * 1000)
    with pytest.raises(ApplicationError) as exc:
        services.delegation_end(actor=users["leader"], delegation=d, reason="y" * 501)
    assert exc.value.code == "validation-error" and list(exc.value.details["fields"]) == ["reason"] and "500" in exc.value.details["fields"]["reason"][0]
    d.refresh_from_db()
    assert d.revoked_on is None and d.revoke_reason == "" and not AuditLog.objects.filter(verb="delegation_end").exists()
    services.delegation_end(actor=users["leader"], delegation=d, reason="y" * 500)
    d.refresh_from_db()
    assert d.revoked_on == MON and len(d.revoke_reason) == 500


def test_the_api_and_the_pages_name_the_field(users, deputy, login):
    c = login(users["leader"])
    body = {"delegate_id": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "2026-12-07", "ends_on": "2026-12-13"}
    r = c.post("/api/v1/accounts/delegations", {**body, "note": "x" * 1001}, content_type="application/json")
    assert r.status_code in (400, 422) and list(r.json()["details"]["fields"]) == ["note"], r.content
    assert not Delegation.objects.exists()
    r = c.post("/accounts/delegations/new/", {"delegate": deputy.pk, "kind": "kt", "actions": [APPROVE], "starts_on": "2026-12-07",
                                           "ends_on": "2026-12-13", "delegator_title": "Chủ tịch", "note": "x" * 1001})
    assert r.status_code in (200, 400) and "1000" in r.content.decode() and not Delegation.objects.exists()
    d = _create(users, deputy)
    r = c.post(f"/api/v1/accounts/delegations/{d.pk}/end", {"reason": "y" * 501}, content_type="application/json")
    assert r.status_code in (400, 422) and list(r.json()["details"]["fields"]) == ["reason"], r.content
    r = c.post(f"/accounts/delegations/{d.pk}/end/", {"reason": "y" * 501}, follow=True)
    page = r.content.decode()
    assert "500" in page and "Ghi lý do chấm dứt." not in page, page
    d.refresh_from_db()
    assert d.revoked_on is None
