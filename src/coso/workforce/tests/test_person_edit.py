"""The register's person edit page: identity, qualifications and position history, with field errors in Vietnamese from
the error catalogue, optimistic locking, audit and scope."""

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.workforce import services
from coso.workforce.models import Person, PositionHolding

from .helpers import person

D = dt.date


def form_data(p: Person, **kw) -> dict:
    data = {"action": "person", "full_name": p.full_name, "birth_date": p.birth_date.strftime("%d/%m/%Y"), "gender": p.gender, "ethnicity": p.ethnicity,
            "citizen_id": p.citizen_id, "started_on": p.started_on.strftime("%d/%m/%Y") if p.started_on else "", "general_education": p.general_education,
            "degree_level": p.degree_level, "degree_field": p.degree_field, "political_theory": p.political_theory,
            "state_management": p.state_management, "it": p.it, "foreign_language": p.foreign_language, "version": p.version}
    data.update(kw)
    return data


@pytest.mark.django_db
def test_edit_identity_and_qualifications(login, users, commune):
    p = person(commune)
    c = login(users["home_affairs"])
    assert c.get(f"/workforce/nguoi/{p.pk}/sua/").status_code == 200
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", form_data(p, full_name="Trần Thị  Bình An", political_theory="trung_cap", party_member="on",
                                                            party_joined_on="03/02/2015"))
    assert res.status_code == 302
    p.refresh_from_db()
    assert p.political_theory == "trung_cap" and p.party_joined_on == D(2015, 2, 3) and p.version == 2
    log = AuditLog.objects.filter(verb="workforce.person_update").get()
    assert "political_theory" in str(log.after)


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"birth_date": "01/01/2015"}, "birth_date", "Ngày sinh không hợp lệ"),
    ({"started_on": "01/01/1980"}, "started_on", "Ngày bắt đầu công tác phải sau ngày sinh"),
    ({"party_joined_on": "01/01/2015"}, "party_joined_on", "chỉ ghi khi là đảng viên"),
    ({"full_name": "   "}, "full_name", ""),
    ({"birth_date": "31/02/1990"}, "birth_date", ""),
])
def test_bad_input_is_shown_by_field_and_changes_nothing(login, users, commune, changes, field, text):
    p = person(commune)
    c = login(users["home_affairs"])
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", form_data(p, **changes))
    html = res.content.decode()
    assert res.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert text in html
    p.refresh_from_db()
    assert p.version == 1
    assert not AuditLog.objects.filter(verb="workforce.person_update").exists()


@pytest.mark.django_db
def test_stale_version_is_refused(users, commune):
    p = person(commune)
    services.person_update(actor=users["home_affairs"], person=p, version=1, ethnicity="Tày")
    with pytest.raises(ApplicationError) as exc:
        services.person_update(actor=users["home_affairs"], person=p, version=1, ethnicity="Nùng")
    assert exc.value.code == "conflict"
    p.refresh_from_db()
    assert p.ethnicity == "Tày" and p.is_ethnic_minority


@pytest.mark.django_db
def test_other_unit_cannot_edit(login, users, commune):
    p = person(commune)
    assert login(users["other_onestop"]).get(f"/workforce/nguoi/{p.pk}/sua/").status_code == 404
    assert login(users["leader"]).get(f"/workforce/nguoi/{p.pk}/sua/").status_code == 404  # may read the register, not edit it
    with pytest.raises(ApplicationError):
        services.person_update(actor=users["other_leader"], person=p, version=1, ethnicity="Tày")


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False)
def test_position_history(login, users, commune):
    p = person(commune, started_on=D(2020, 1, 1))
    PositionHolding.objects.create(person=p, position_code="cv_vp", started_on=D(2020, 1, 1), province_code=p.province_code, commune_code=p.commune_code)
    c = login(users["home_affairs"])
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "cv_kinh_te", "pos-started_on": "01/05/2026",
                                                   "pos-decision": "QĐ 15/QĐ-UBND", "pos-version": 1})
    assert res.status_code == 302
    p.refresh_from_db()
    assert p.position_code == "cv_kinh_te" and p.version == 2
    old = PositionHolding.objects.get(person=p, position_code="cv_vp")
    assert old.ended_on == D(2026, 4, 30)
    # A new current position cannot start before the current one; a past one needs its end after its start.
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "cv_vp", "pos-started_on": "01/03/2026", "pos-version": 2})
    assert 'id="id_pos-started_on_error"' in res.content.decode()
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "cv_vp", "pos-started_on": "01/03/2010", "pos-ended_on": "01/03/2009",
                                                   "pos-version": 2})
    assert 'id="id_pos-ended_on_error"' in res.content.decode()
    res = c.post(f"/workforce/nguoi/{p.pk}/sua/", {"action": "position", "pos-position_code": "cv_vp", "pos-started_on": "01/03/2010", "pos-ended_on": "31/12/2019",
                                                   "pos-decision": "QĐ 3/QĐ-UBND", "pos-version": 2})
    assert res.status_code == 302
    assert PositionHolding.objects.filter(person=p).count() == 3
    assert AuditLog.objects.filter(verb="workforce.position_add").count() == 2


@pytest.mark.django_db
def test_api_edit(login, users, commune):
    p = person(commune)
    c = login(users["home_affairs"])
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 1, "ethnicity": "Khmer"}, content_type="application/json")
    assert res.status_code == 200, res.content
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 2, "birth_date": "2019-01-01"}, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "invalid-birth-date" and "birth_date" in res.json()["details"]["fields"]
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 1, "ethnicity": "Kinh"}, content_type="application/json")
    assert res.status_code == 409
    res = c.post(f"/api/v1/workforce/people/{p.pk}/positions", {"version": 2, "position_code": "nope", "started_on": "2020-01-01"},
                 content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "unknown-position"
    assert login(users["other_leader"]).patch(f"/api/v1/workforce/people/{p.pk}", {"version": 2, "ethnicity": "Tày"},
                                              content_type="application/json").status_code == 404
    # null for a field that cannot be empty (birth date, CCCD, degree field) reached the database and answered 500: it leaves
    # the field as it is; the dates a person may not have are cleared by null.
    c = login(users["home_affairs"])
    for field in ("birth_date", "citizen_id", "degree_field", "full_name", "gender", "party_member"):
        version = Person.objects.get(pk=p.pk).version
        res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": version, field: None}, content_type="application/json")
        assert res.status_code == 200, (field, res.content)
    p.refresh_from_db()
    assert (p.birth_date, p.full_name, p.degree_field, p.gender) == (dt.date(1988, 5, 6), "Trần Thị Bình", "hanh_chinh", "female")
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": p.version, "started_on": None}, content_type="application/json")
    assert res.status_code == 200 and Person.objects.get(pk=p.pk).started_on is None


@pytest.mark.django_db
def test_api_person_review_date_out_of_range_is_refused_and_logs_no_read(login, users, commune):
    p = person(commune)
    c = login(users["home_affairs"])
    for day in ("1800-01-01", "9999-12-31"):
        res = c.get(f"/api/v1/workforce/people/{p.pk}?on={day}")
        assert res.status_code == 400 and res.json()["code"] == "invalid-date", day
        assert res.json()["message"] == c.get(f"/api/v1/workforce/review?on={day}").json()["message"]
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW, object_type="workforce.Person").exists()
    assert c.get(f"/api/v1/workforce/people/{p.pk}?on=2026-01-01").status_code == 200
    assert AuditLog.objects.filter(action=AuditLog.Action.VIEW, object_type="workforce.Person").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["position_code", "commune_code", "kind", "user_id"])
def test_api_edit_of_a_field_that_cannot_be_changed_is_refused_and_changes_nothing(login, users, commune, field):
    p = person(commune)
    c = login(users["home_affairs"])
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 1, "ethnicity": "Khmer", field: "ct_ubnd"}, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "not-editable"
    assert f"“{field}”" in res.json()["message"] and field in res.json()["details"]["fields"]
    p.refresh_from_db()
    assert (p.version, p.ethnicity, p.position_code, p.commune_code, p.kind) == (1, "Kinh", "cv_vp", commune.code, "civil_servant")
    assert not AuditLog.objects.filter(verb="workforce.person_update").exists()


@pytest.mark.django_db
def test_api_edit_sets_and_clears_the_transition_end_date(login, users, commune):
    p = person(commune, kind="commune_part_time", position_code="")
    c = login(users["home_affairs"])
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 1, "transition_end_date": "2026-05-31"}, content_type="application/json")
    assert res.status_code == 200 and Person.objects.get(pk=p.pk).transition_end_date == D(2026, 5, 31)
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 2, "transition_end_date": "1900-01-01"}, content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "invalid-transition-end-date"
    res = c.patch(f"/api/v1/workforce/people/{p.pk}", {"version": 2, "transition_end_date": None}, content_type="application/json")
    assert res.status_code == 200 and Person.objects.get(pk=p.pk).transition_end_date is None


@pytest.mark.django_db
def test_person_review_on_a_date_before_they_started_work_says_not_in_office(login, users, commune):
    """The commune-wide review leaves out who had not started work on the date; one person's review judged them against
    their current position and listed gaps for a day they were not in office. Page and API now say so, with no gaps."""
    p = person(commune, full_name="Mới Vào", started_on=dt.date(2026, 3, 1), degree_level="trung_cap")
    c = login(users["home_affairs"])
    after = c.get(f"/api/v1/workforce/people/{p.pk}?on=2026-06-01").json()
    assert after["in_office"] is True and after["gaps"]
    before = c.get(f"/api/v1/workforce/people/{p.pk}?on=2026-02-01").json()
    assert before["in_office"] is False and before["gaps"] == []
    body = c.get(f"/workforce/nguoi/{p.pk}/?on=01/02/2026").content.decode()
    assert 'id="not-in-office"' in body and 'class="gaps"' not in body
    assert 'id="not-in-office"' not in c.get(f"/workforce/nguoi/{p.pk}/?on=01/06/2026").content.decode()
