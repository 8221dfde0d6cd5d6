"""A dossier assigned to an officer who no longer works in the commune (their account moved to another commune or to the
province, or deactivated) waited in nobody's "Chờ tôi xử lý": the commune's inbox lists a dossier for an officer
personally only when it is theirs, and for the role only when nobody is assigned. The move (or the deactivation) now
lifts the assignment of the commune's open dossiers, audited, and they wait again for the step's role."""

from __future__ import annotations

import pytest

from coso.accounts import services as accounts
from coso.accounts.roles import Role
from coso.core.models import AuditLog
from coso.dossiers.models import Dossier
from coso.dossiers.tests.conftest import act
from coso.dossiers.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(users, commune, version):  # type: ignore[no-untyped-def]
    """Two open dossiers at the specialist's step assigned to the specialist, and one already returned."""
    out = []
    for _ in range(2):
        d = DossierFactory(staff=users, commune=commune, procedure_version=version)
        act(d, users["onestop"], "forward", data={"assignee_id": users["specialist"].pk})
        out.append(Dossier.objects.get(pk=d.pk))
    done = DossierFactory(staff=users, commune=commune, procedure_version=version, returned=True)
    Dossier.objects.filter(pk=done.pk).update(assignee=users["specialist"])
    assert all(d.assignee_id == users["specialist"].pk for d in out)
    return out, Dossier.objects.get(pk=done.pk)


def _mine(client) -> set[int]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/dossiers/inbox")
    assert r.status_code == 200, r.content
    return {row["id"] for row in r.json()["mine"]}


@pytest.mark.parametrize("how", ["other_commune", "province", "system_admin", "deactivated"])
def test_the_commune_gets_back_the_dossiers_of_an_officer_who_left(users, commune, other_commune, province, make_user, login, assigned, how):
    (d1, d2), done = assigned
    colleague = make_user("specialist2", Role.SPECIALIST, commune)
    assert not _mine(login(colleague)) & {d1.pk, d2.pk}
    officer, admin = users["specialist"], users["province_admin"]
    if how == "other_commune":
        accounts.staff_update(actor=admin, user=officer, unit=other_commune)
    elif how == "province":
        accounts.staff_update(actor=admin, user=officer, role=Role.PROVINCE_HOME_AFFAIRS, unit=province)
    elif how == "system_admin":  # only a system administrator makes one
        admin = users["sysadmin"]
        accounts.staff_update(actor=admin, user=officer, role=Role.SYSTEM_ADMIN, unit=None)
    else:
        accounts.staff_deactivate(actor=admin, user=officer, reason="Nghỉ việc")
    for d in (d1, d2):
        fresh = Dossier.objects.get(pk=d.pk)
        assert fresh.assignee_id is None and fresh.version == d.version + 1 and fresh.waiting_role == Role.SPECIALIST
        event = fresh.events.order_by("-at", "-id").first()
        assert (event.action, event.data["released"], event.actor_id) == ("assign", officer.pk, None)
        log = AuditLog.objects.get(verb="dossier-release", object_id=str(d.pk))
        assert log.actor_id == admin.pk
    # the commune's specialists see them again, and may act on them
    assert {d1.pk, d2.pk} <= _mine(login(colleague))
    fresh = Dossier.objects.get(pk=d1.pk)
    r = login(colleague).post(f"/api/v1/dossiers/{d1.pk}/actions/forward", {"version": fresh.version}, content_type="application/json")
    assert r.status_code == 200, r.content
    # a finished dossier keeps who handled it
    assert Dossier.objects.get(pk=done.pk).assignee_id == officer.pk
    assert AuditLog.objects.filter(verb="dossier-release").count() == 2


def test_a_transfer_decision_in_the_register_releases_the_dossiers_too(users, commune, other_commune, assigned):
    from django.utils import timezone

    from coso.workforce import services as wf_services
    from coso.workforce.tests.helpers import person

    (d1, _d2), _done = assigned
    p = person(commune, full_name="Lê Văn Đi", user=users["specialist"])
    wf_services.position_change(actor=users["province_home_affairs"], person_id=p.pk, position_code="cv_vp", effective_on=timezone.localdate(),
                                decision="QĐ 9/QĐ-UBND", commune_code=other_commune.code)
    assert Dossier.objects.get(pk=d1.pk).assignee_id is None
    assert AuditLog.objects.get(verb="dossier-release", object_id=str(d1.pk)).reason == "QĐ 9/QĐ-UBND"


def test_an_account_that_stays_in_the_commune_keeps_its_dossiers(users, assigned):
    (d1, _d2), _done = assigned
    accounts.staff_update(actor=users["province_admin"], user=users["specialist"], full_name="Nguyễn Văn Chuyên")
    assert Dossier.objects.get(pk=d1.pk).assignee_id == users["specialist"].pk
    assert not AuditLog.objects.filter(verb="dossier-release").exists()
