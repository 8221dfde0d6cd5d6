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


# ---------------------------------------------------------------- out of the communes, to a province-level unit
def _held_since_2020(p):  # type: ignore[no-untyped-def]
    from coso.workforce.models import PositionHolding

    return PositionHolding.objects.create(person=p, position_code=p.position_code, started_on=dt.date(2020, 1, 1), decision="QĐ 3/QĐ-UBND",
                                          province_code=p.province_code, commune_code=p.commune_code)


def test_an_account_moved_to_the_province_ends_the_communes_register_entry(users, commune, province, login):
    officer = users["specialist"]
    p = person(commune, full_name="Võ Văn Lên", user=officer)
    holding = _held_since_2020(p)
    ev = wf_services.evaluation_open(actor=users["home_affairs"], person=p, year=timezone.localdate().year)
    assert p.pk in _listed(users["leader"])
    services.staff_update(actor=users["province_admin"], user=officer, role="province_home_affairs", unit=province)
    today = timezone.localdate()
    p.refresh_from_db()
    holding.refresh_from_db()
    ev.refresh_from_db()
    officer.refresh_from_db()
    assert (officer.province_code, officer.commune_code) == (province.code, "")
    # the commune no longer lists the person as working there: transferred out to the province today
    assert (p.left_on, p.left_to, p.commune_code) == (today, province.name, commune.code)
    assert p.pk not in _listed(users["leader"]) and p.pk not in _listed(users["province_home_affairs"])
    assert holding.ended_on == today - dt.timedelta(days=1)
    log = AuditLog.objects.get(verb="workforce.transfer_out", object_id=str(p.pk))
    assert log.actor_id == users["province_admin"].pk and province.name in log.reason
    assert AuditLog.objects.filter(verb="workforce.position_end", object_id=str(holding.pk)).exists()
    # the evaluation not yet approved stays with the commune that decides it
    assert (ev.commune_code, ev.status) == (commune.code, Evaluation.Status.DRAFT)
    # the record still opens for the commune, and says where the person went
    page = login(users["leader"]).get(f"/workforce/nguoi/{p.pk}/")
    assert page.status_code == 200 and f"Đã chuyển công tác đến {province.name} từ ngày {today:%d/%m/%Y}" in page.content.decode()
    detail = login(users["home_affairs"]).get(f"/api/v1/workforce/people/{p.pk}").json()
    assert (detail["left_on"], detail["left_to"], detail["in_office"]) == (today.isoformat(), province.name, False)


def test_the_move_to_the_province_through_the_api_ends_the_entry(users, commune, province, login):
    officer = users["onestop"]
    p = person(commune, full_name="Đinh Thị Tỉnh", user=officer)
    r = login(users["province_admin"]).patch(f"/api/v1/accounts/staff/{officer.pk}", {"role": "province_home_affairs", "unit_code": province.code},
                                              content_type="application/json")
    assert r.status_code == 200, r.content
    p.refresh_from_db()
    assert (p.left_on, p.left_to) == (timezone.localdate(), province.name)


def test_an_end_the_register_refuses_refuses_the_move_to_the_province(users, commune, province, login):
    officer = users["specialist"]
    p = person(commune, full_name="Phan Văn Ở", user=officer)
    # a position history row from today already: the register does not overwrite it
    wf_services.position_change(actor=users["province_home_affairs"], person_id=p.pk, position_code="cv_vp", effective_on=timezone.localdate(),
                                decision="QĐ 1/QĐ-UBND")
    c = login(users["province_admin"])
    before = (AuditLog.objects.count(), list(Person.objects.values_list("pk", "commune_code", "left_on", "left_to", "version")))
    r = c.patch(f"/api/v1/accounts/staff/{officer.pk}", {"role": "province_home_affairs", "unit_code": province.code},
                                              content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error", r.content
    assert "danh sách cán bộ, công chức của xã" in r.json()["details"]["fields"]["unit_code"][0]
    officer.refresh_from_db()
    assert (officer.role, officer.commune_code) == ("specialist", commune.code)
    assert (AuditLog.objects.count(), list(Person.objects.values_list("pk", "commune_code", "left_on", "left_to", "version"))) == before


def test_a_person_who_left_before_is_not_ended_again(users, commune, province):
    left = timezone.localdate() - dt.timedelta(days=30)
    gone = person(commune, full_name="Đã Nghỉ Trước", user=users["finance"], left_on=left)
    services.staff_update(actor=users["province_admin"], user=users["finance"], role="province_finance", unit=province)
    gone.refresh_from_db()
    assert (gone.left_on, gone.left_to) == (left, "")
    assert not AuditLog.objects.filter(verb="workforce.transfer_out").exists()


# ---------------------------------------------------------------- out of the communes, to system administration
def test_an_account_made_system_administrator_ends_the_communes_register_entry(users, commune):
    officer = users["specialist"]
    p = person(commune, full_name="Trần Văn Quản", user=officer)
    holding = _held_since_2020(p)
    assert p.pk in _listed(users["leader"])
    services.staff_update(actor=users["sysadmin"], user=officer, role="system_admin", unit=None)
    today = timezone.localdate()
    p.refresh_from_db()
    holding.refresh_from_db()
    officer.refresh_from_db()
    assert (officer.role, officer.province_code, officer.commune_code) == ("system_admin", "", "")
    # no receiving unit to name: left today, nowhere said
    assert (p.left_on, p.left_to, p.commune_code) == (today, "", commune.code)
    assert p.pk not in _listed(users["leader"])
    assert holding.ended_on == today - dt.timedelta(days=1)
    log = AuditLog.objects.get(verb="workforce.transfer_out", object_id=str(p.pk))
    assert log.actor_id == users["sysadmin"].pk and "quản trị hệ thống" in log.reason


def test_the_change_to_system_administrator_through_the_api_ends_the_entry(users, commune, login):
    officer = users["onestop"]
    p = person(commune, full_name="Đặng Thị Hệ", user=officer)
    r = login(users["sysadmin"]).patch(f"/api/v1/accounts/staff/{officer.pk}", {"role": "system_admin", "unit_code": None},
                                       content_type="application/json")
    assert r.status_code == 200, r.content
    p.refresh_from_db()
    assert (p.left_on, p.left_to) == (timezone.localdate(), "")
    detail = login(users["home_affairs"]).get(f"/api/v1/workforce/people/{p.pk}").json()
    assert (detail["left_on"], detail["in_office"]) == (timezone.localdate().isoformat(), False)


def test_an_end_the_register_refuses_refuses_the_change_to_system_administrator(users, commune, login):
    officer = users["specialist"]
    p = person(commune, full_name="Phan Văn Giữ", user=officer)
    wf_services.position_change(actor=users["province_home_affairs"], person_id=p.pk, position_code="cv_vp", effective_on=timezone.localdate(),
                                decision="QĐ 1/QĐ-UBND")
    c = login(users["sysadmin"])
    before = (AuditLog.objects.count(), list(Person.objects.values_list("pk", "commune_code", "left_on", "left_to", "version")))
    r = c.patch(f"/api/v1/accounts/staff/{officer.pk}", {"role": "system_admin", "unit_code": None}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation-error", r.content
    assert "danh sách cán bộ, công chức của xã" in r.json()["details"]["fields"]["role"][0]
    officer.refresh_from_db()
    assert (officer.role, officer.commune_code) == ("specialist", commune.code)
    assert (AuditLog.objects.count(), list(Person.objects.values_list("pk", "commune_code", "left_on", "left_to", "version"))) == before


def test_the_change_to_system_administrator_on_the_staff_page_ends_the_entry(users, commune, login):
    officer = users["leader"]
    p = person(commune, full_name="Lý Văn Trang", user=officer)
    r = login(users["sysadmin"]).post(f"/accounts/staff/{officer.pk}/edit/", {"full_name": officer.full_name, "role": "system_admin", "unit": "",
                                                                              "email": officer.email, "phone": officer.phone})
    assert r.status_code == 302, r.content.decode()[:2000]
    officer.refresh_from_db()
    p.refresh_from_db()
    assert officer.role == "system_admin"
    assert (p.left_on, p.left_to) == (timezone.localdate(), "")
    assert AuditLog.objects.filter(verb="workforce.transfer_out", object_id=str(p.pk), actor_id=users["sysadmin"].pk).exists()
