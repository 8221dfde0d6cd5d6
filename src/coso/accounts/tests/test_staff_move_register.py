"""A staff account moved to another commune takes its workforce register entry along (the same change, through the
register's transfer): the new commune lists the person, the former one no longer does, an open evaluation follows. A
transfer the register refuses refuses the move on the unit field, and nothing changes."""

import datetime as dt

from django.utils import timezone

import pytest

from coso.accounts import services
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.workforce import selectors as wf_selectors
from coso.workforce import services as wf_services
from coso.workforce.models import Evaluation, Person
from coso.workforce.tests.helpers import person

pytestmark = pytest.mark.django_db


def _listed(user) -> set[int]:  # type: ignore[no-untyped-def]
    return set(wf_selectors.person_list(fetched_by=user).values_list("pk", flat=True))


def test_the_register_entry_follows_the_account_through_the_service(users, commune, other_commune):
    officer = users["specialist"]
    p = person(commune, full_name="Ngô Văn Chuyển", user=officer)
    ev = wf_services.evaluation_open(actor=users["home_affairs"], person=p, year=timezone.localdate().year)
    services.staff_update(actor=users["province_admin"], user=officer, unit=other_commune)
    p.refresh_from_db()
    ev.refresh_from_db()
    officer.refresh_from_db()
    assert officer.commune_code == p.commune_code == ev.commune_code == other_commune.code
    assert p.pk in _listed(users["other_leader"]) and p.pk not in _listed(users["leader"])
    assert p.positions.get(ended_on__isnull=True).started_on == timezone.localdate()
    assert AuditLog.objects.filter(verb="workforce.position_change", object_id=str(p.pk)).exists()
    assert AuditLog.objects.filter(verb="workforce.evaluation_transfer", object_id=str(ev.pk)).exists()
    assert ev.status == Evaluation.Status.DRAFT


def test_the_register_entry_follows_the_account_through_the_api(users, commune, other_commune, login):
    officer = users["onestop"]
    p = person(commune, full_name="Đỗ Thị Theo", user=officer)
    r = login(users["province_admin"]).patch(f"/api/v1/accounts/staff/{officer.pk}", {"unit_code": other_commune.code},
                                              content_type="application/json")
    assert r.status_code == 200, r.content
    p.refresh_from_db()
    assert p.commune_code == other_commune.code and r.json()["unit_code"] == other_commune.code


def test_a_transfer_the_register_refuses_refuses_the_move(users, commune, other_commune, login):
    officer = users["specialist"]
    p = person(commune, full_name="Phan Văn Kẹt", user=officer)
    # a position history row from today already: the register does not overwrite it
    wf_services.position_change(actor=users["province_home_affairs"], person_id=p.pk, position_code="cv_vp", effective_on=timezone.localdate(),
                                decision="QĐ 1/QĐ-UBND")
    c = login(users["province_admin"])
    before = (AuditLog.objects.count(), list(Person.objects.values_list("pk", "commune_code", "version")))
    r = c.patch(f"/api/v1/accounts/staff/{officer.pk}", {"unit_code": other_commune.code}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error", r.content
    assert "danh sách cán bộ, công chức" in r.json()["details"]["fields"]["unit_code"][0]
    with pytest.raises(ApplicationError) as exc:
        services.staff_update(actor=users["province_admin"], user=officer, unit=other_commune)
    assert list(exc.value.details["fields"]) == ["unit"]
    officer.refresh_from_db()
    assert officer.commune_code == commune.code
    assert (AuditLog.objects.count(), list(Person.objects.values_list("pk", "commune_code", "version"))) == before


def test_an_account_without_register_entry_or_a_person_who_left_moves_alone(users, commune, other_commune):
    gone = person(commune, full_name="Đã Nghỉ", user=users["finance"], left_on=timezone.localdate() - dt.timedelta(days=30))
    services.staff_update(actor=users["province_admin"], user=users["finance"], unit=other_commune)
    services.staff_update(actor=users["province_admin"], user=users["home_affairs"], unit=other_commune)
    gone.refresh_from_db()
    users["home_affairs"].refresh_from_db()
    assert gone.commune_code == commune.code
    assert users["home_affairs"].commune_code == other_commune.code


def test_a_transfer_decision_in_the_register_moves_the_staff_account(users, commune, other_commune):
    """The other direction: a transfer applied in the register (as an appointment or transfer decision does) moves the
    person's commune staff account to the new commune, audited with the decision; an account at province level stays."""
    officer = users["specialist"]
    p = person(commune, full_name="Lê Văn Điều", user=officer)
    wf_services.position_change(actor=users["province_home_affairs"], person_id=p.pk, position_code="cv_vp",
                                effective_on=timezone.localdate(), decision="QĐ 7/QĐ-UBND", commune_code=other_commune.code)
    officer.refresh_from_db()
    assert officer.commune_code == other_commune.code and officer.unit_id == other_commune.pk
    log = AuditLog.objects.get(verb="staff_update", object_id=str(officer.pk))
    assert log.reason == "QĐ 7/QĐ-UBND" and log.actor_id == users["province_home_affairs"].pk
    # a person whose account is a province one: the account stays where it is
    province_officer = users["province_home_affairs"]
    q = person(commune, full_name="Trần Tỉnh", user=province_officer)
    wf_services.position_change(actor=users["province_admin"], person_id=q.pk, position_code="cv_vp",
                                effective_on=timezone.localdate(), decision="QĐ 8/QĐ-UBND", commune_code=other_commune.code)
    province_officer.refresh_from_db()
    assert province_officer.commune_code == "" and not AuditLog.objects.filter(verb="staff_update", object_id=str(province_officer.pk)).exists()
