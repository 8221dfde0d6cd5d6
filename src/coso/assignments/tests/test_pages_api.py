"""Pages and API: Vietnamese pages, the one error shape, scoping (404 for another unit), never a 500 on bad input."""

import datetime as dt

import pytest
import time_machine

from coso.assignments.models import Decision
from coso.assignments.tests.helpers import D, person, plan

pytestmark = pytest.mark.django_db
TODAY = D(2026, 12, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def a(users, commune, other_commune):
    p = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2020, 1, 1))
    plan(users["province_home_affairs"], commune, p, "ct_ubnd")
    return p


def test_pages_render_in_vietnamese(login, users, commune, a):
    c = login(users["province_home_affairs"])
    page = c.get(f"/bo-tri/?commune={commune.code}")
    assert page.status_code == 200 and "Vị trí trống" in page.text and f'data-post="{commune.code}:ct_ubnd"' in page.text
    page = c.get(f"/bo-tri/ung-vien/?commune={commune.code}&position=ct_ubnd")
    assert page.status_code == 200 and f'data-person="{a.pk}"' in page.text and 'data-rule="nonlocal"' in page.text
    assert "Chưa xác minh" not in page.text or "?" in page.text
    assert c.get(f"/bo-tri/ghep/?key={commune.code}:ct_ubnd").status_code == 200
    assert c.get("/bo-tri/luan-chuyen/?year=2027").status_code == 200
    assert c.get("/bo-tri/quyet-dinh/").status_code == 200
    assert c.get("/bo-tri/luan-chuyen/?year=abc").status_code == 200
    assert c.get("/bo-tri/?on=32/13/2026").status_code == 200


def test_record_decision_through_the_page(login, users, commune, a):
    c = login(users["province_home_affairs"])
    url = f"/bo-tri/ung-vien/?commune={commune.code}&position=ct_ubnd"
    bad = c.post(url, {"person": a.pk, "number": "", "decided_on": "20/11/2026", "effective_on": "01/12/2026"})
    assert bad.status_code == 400 and "Cần ghi số quyết định" in bad.text and not Decision.objects.exists()
    bad = c.post(url, {"person": a.pk, "number": "1/QĐ", "decided_on": "không phải ngày", "effective_on": "01/12/2026"})
    assert bad.status_code == 400 and not Decision.objects.exists()
    ok = c.post(url, {"person": a.pk, "number": "125/QĐ-UBND", "decided_on": "20/11/2026", "effective_on": "01/12/2026"})
    assert ok.status_code == 302
    a.refresh_from_db()
    assert a.position_code == "ct_ubnd"
    assert "125/QĐ-UBND" in c.get("/bo-tri/quyet-dinh/").text


def test_other_unit_gets_404(login, users, commune, a):
    c = login(users["other_leader"])
    assert c.get(f"/bo-tri/?commune={commune.code}").status_code == 404
    assert c.get(f"/bo-tri/ung-vien/?commune={commune.code}&position=ct_ubnd").status_code == 404
    r = c.get(f"/api/v1/assignments/candidates?commune_code={commune.code}&position_code=ct_ubnd")
    assert r.status_code == 404 and set(r.json()) >= {"code", "message"}
    r = c.post("/api/v1/assignments/decisions", {"commune_code": commune.code, "position_code": "ct_ubnd", "person_id": a.pk, "number": "9/QĐ",
                                                 "decided_on": "2026-11-20", "effective_on": "2026-12-01"}, content_type="application/json")
    assert r.status_code in (400, 403, 404) and not Decision.objects.exists()
    assert login(users["onestop"]).get("/bo-tri/").status_code == 404


def test_api(login, users, commune, a):
    c = login(users["province_home_affairs"])
    v = c.get(f"/api/v1/assignments/vacancies?commune={commune.code}").json()
    assert any(p["key"] == f"{commune.code}:ct_ubnd" for p in v["communes"][0]["posts"])
    cands = c.get(f"/api/v1/assignments/candidates?commune_code={commune.code}&position_code=ct_ubnd").json()
    assert cands["rows"][0]["id"] == a.pk and {x["code"] for x in cands["rows"][0]["checks"]} == {
        "planning", "standards", "nonlocal", "retirement", "exemption", "time_in_post"}
    m = c.post("/api/v1/assignments/match", {"keys": [f"{commune.code}:ct_ubnd"]}, content_type="application/json").json()
    assert m["posts"][0]["chosen"]["id"] == a.pk
    body = {"commune_code": commune.code, "position_code": "ct_ubnd", "person_id": a.pk, "number": "125/QĐ-UBND",
            "decided_on": "2026-11-20", "effective_on": "2026-12-01"}
    r = c.post("/api/v1/assignments/decisions", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "applied"
    r = c.post("/api/v1/assignments/decisions", body, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "number-taken"
    assert c.get(f"/api/v1/assignments/decisions/{Decision.objects.get().pk}").status_code == 200
    assert c.get("/api/v1/assignments/rotation?year=2027").status_code == 200
    for bad in ({**body, "decided_on": "x"}, {**body, "person_id": -1}, {**body, "number": "x" * 500}):
        r = c.post("/api/v1/assignments/decisions", bad, content_type="application/json")
        assert r.status_code in (400, 422) and "code" in r.json()
    assert c.get("/api/v1/assignments/rotation?year=99999").status_code == 422
    r = c.post("/api/v1/assignments/exemptions", {"person_id": a.pk, "reason": "study", "valid_from": "2026-09-01"}, content_type="application/json")
    assert r.status_code == 201
    r = c.put("/api/v1/assignments/origins", {"person_id": a.pk, "birth_commune_code": "26734"}, content_type="application/json")
    assert r.status_code == 200
    r = c.post("/api/v1/assignments/match", {"keys": []}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "nothing-selected"


def test_person_page_records_origin_and_exemption(login, users, commune, a):
    from coso.assignments.models import Origin, RotationExemption

    c = login(users["province_home_affairs"])
    assert c.get(f"/bo-tri/nguoi/{a.pk}/").status_code == 200
    r = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "birth_commune_code": commune.code, "years_commune": commune.code, "years": "4"})
    assert r.status_code == 302 and Origin.objects.get(person=a).other_years == {commune.code: 4}
    bad = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "years_commune": commune.code, "years": "nhiều"})
    assert bad.status_code == 400 and Origin.objects.get(person=a).other_years == {commune.code: 4}
    # A code longer than the column (20 digits) reached the model's check inside the service and answered 500.
    for code in ("99999999999999999999", "12345678901"):
        bad = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "birth_commune_code": code})
        assert bad.status_code == 400 and "tối đa 10 chữ số" in bad.content.decode(), code
    assert Origin.objects.get(person=a).birth_commune_code == commune.code
    r = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "exemption", "reason": "seconded", "valid_from": "01/09/2026", "valid_to": ""})
    assert r.status_code == 302 and RotationExemption.objects.filter(person=a, reason="seconded").exists()
    bad = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "exemption", "reason": "seconded", "valid_from": "hôm qua"})
    assert bad.status_code == 400 and RotationExemption.objects.count() == 1
    # The candidate list now shows the exemption as a failed rule.
    page = c.get(f"/bo-tri/ung-vien/?commune={commune.code}&position=ct_ubnd")
    assert 'data-rule="exemption" data-status="fail"' in page.text
    assert login(users["leader"]).get(f"/bo-tri/nguoi/{a.pk}/").status_code == 404  # a works in the other commune


def test_person_page_adds_years_to_those_recorded(login, users, commune, other_commune, a):
    """The origin form takes one commune's years at a time and lists those recorded: saving it replaced them all, so the
    years of a second commune (or a birthplace corrected without years) wiped out those recorded before, and with them
    the person's local status. The form's years are now added to (or change) those recorded."""
    from coso.assignments.models import Origin

    c = login(users["province_home_affairs"])
    assert c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "years_commune": commune.code, "years": "12"}).status_code == 302
    assert c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "years_commune": other_commune.code, "years": "3"}).status_code == 302
    assert Origin.objects.get(person=a).other_years == {commune.code: 12, other_commune.code: 3}
    assert c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "birth_commune_code": "99999", "note": "Sinh ở tỉnh khác"}).status_code == 302
    assert c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "origin", "birth_commune_code": "99999", "years_commune": other_commune.code,
                                             "years": "5"}).status_code == 302
    o = Origin.objects.get(person=a)
    assert (o.birth_commune_code, o.other_years) == ("99999", {commune.code: 12, other_commune.code: 5})
    assert "12 năm" in c.get(f"/bo-tri/nguoi/{a.pk}/").text
    # The API's PUT still sets the whole record.
    r = c.put("/api/v1/assignments/origins", {"person_id": a.pk, "other_years": {commune.code: 1}}, content_type="application/json")
    assert r.status_code == 200 and Origin.objects.get(person=a).other_years == {commune.code: 1}


def test_api_decision_giving_a_cadre_post_to_a_civil_servant_makes_them_a_cadre_on_its_day(login, users, commune, other_commune):
    """A civil servant elected chairman: the decision is recorded, and on its effective day the register holds them on the
    post as a cadre (the post's kind), never as a civil servant on a cadre post."""
    from coso.assignments import services

    cs = person(other_commune, full_name="Trần Văn Công", position="tp_kinh_te", since=D(2020, 1, 1))
    plan(users["province_home_affairs"], commune, cs, "ct_ubnd")
    c = login(users["province_home_affairs"])
    body = {"commune_code": commune.code, "position_code": "ct_ubnd", "person_id": cs.pk, "number": "140/QĐ-UBND",
            "decided_on": "2026-12-01", "effective_on": "2027-01-01"}
    r = c.post("/api/v1/assignments/decisions", body, content_type="application/json")
    assert r.status_code in (200, 201), r.content
    d = Decision.objects.get()
    cs.refresh_from_db()
    assert (cs.position_code, cs.kind) == ("tp_kinh_te", "civil_servant")  # not before its day
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        services.decision_apply(actor=users["province_home_affairs"], decision=d)
    cs.refresh_from_db()
    assert (cs.position_code, cs.kind, cs.commune_code) == ("ct_ubnd", "cadre", commune.code)


def test_the_same_exemption_submitted_twice_is_recorded_once(login, users, a):
    """A double click (or a repeated API call) recorded the same Art. 38 exemption twice: two identical rows in the
    person's list and two audit entries. The second is refused (409) and changes nothing; another period is still recorded."""
    from coso.assignments.models import RotationExemption
    from coso.core.models import AuditLog

    c = login(users["province_home_affairs"])
    body = {"person_id": a.pk, "reason": "child", "valid_from": "2026-01-01", "valid_to": "2027-06-30"}
    assert c.post("/api/v1/assignments/exemptions", body, content_type="application/json").status_code == 201
    r = c.post("/api/v1/assignments/exemptions", body, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "exemption-exists"
    page = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "exemption", "reason": "child", "valid_from": "01/01/2026", "valid_to": "30/06/2027"})
    assert page.status_code == 400 and "Đã ghi trường hợp này" in page.text
    assert RotationExemption.objects.count() == 1 and AuditLog.objects.filter(verb="assignments.exemption_add").count() == 1
    later = {**body, "valid_to": "2027-12-31"}
    assert c.post("/api/v1/assignments/exemptions", later, content_type="application/json").status_code == 201


@pytest.mark.parametrize("field,day", [("valid_from", "0001-01-01"), ("valid_to", "9999-12-31")])
def test_an_exemption_dated_outside_the_project_span_is_refused(login, users, a, field, day):
    """An Art. 38 exemption from 1/1/0001 (a year typed short) was recorded; it is refused on its field, nothing written,
    and another unit's person is still 404 whatever the day."""
    from coso.assignments.models import RotationExemption
    from coso.core.models import AuditLog

    body = {"person_id": a.pk, "reason": "child", "valid_from": "2026-01-01", field: day}
    r = login(users["province_home_affairs"]).post("/api/v1/assignments/exemptions", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "date-out-of-range", r.content
    assert r.json()["details"]["fields"] == {field: ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    page = login(users["province_home_affairs"]).post(f"/bo-tri/nguoi/{a.pk}/", {
        "action": "exemption", "reason": "child", "valid_from": "01/01/0001" if field == "valid_from" else "01/01/2026",
        "valid_to": "31/12/9999" if field == "valid_to" else ""})
    assert page.status_code in (200, 400) and "Ngày phải trong khoảng 01/01/1900–31/12/2200." in page.text
    assert login(users["leader"]).post("/api/v1/assignments/exemptions", body, content_type="application/json").status_code == 404  # a is in other_commune
    assert not RotationExemption.objects.exists() and not AuditLog.objects.filter(verb="assignments.exemption_add").exists()


def test_the_person_page_acts_only_on_the_forms_it_offers(login, users, a):
    """The person page recorded an Art. 38 exemption for any action but "origin" (a missing or unknown action too): an
    action the page does not offer is refused with a message, nothing written."""
    from coso.assignments.models import RotationExemption
    from coso.core.models import AuditLog

    c = login(users["province_home_affairs"])
    for action in ("", "xoa"):
        r = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": action, "reason": "child", "valid_from": "01/01/2026"})
        assert r.status_code == 400 and "Thao tác không hợp lệ." in r.text
    assert not RotationExemption.objects.exists() and not AuditLog.objects.filter(verb="assignments.exemption_add").exists()
    r = c.post(f"/bo-tri/nguoi/{a.pk}/", {"action": "exemption", "reason": "child", "valid_from": "01/01/2026"})
    assert r.status_code == 302 and RotationExemption.objects.count() == 1


@pytest.mark.parametrize(("year", "accepted"), [("1899", False), ("1900", True), ("1999", True), ("2150", True), ("2200", True), ("2201", False),
                                                 pytest.param("9" * 5000, False, id="5000-digits")])
def test_rotation_page_and_api_take_the_same_years(login, users, commune, year, accepted):
    """The page took the years 2000–2100 (and fell back to this year with an error for 1999 or 2150) where the API took
    1900–2200: both take the project's span of years, and refuse the rest with the same bounds."""
    c = login(users["province_home_affairs"])
    api = c.get(f"/api/v1/assignments/rotation?year={year}")  # (a year of 5,000 digits made the page's int() raise: a 500)
    page = c.get(f"/bo-tri/luan-chuyen/?year={year}")
    assert page.status_code == 200
    if accepted:
        assert api.status_code == 200 and api.json()["year"] == int(year), api.content
        assert f"Định kỳ chuyển đổi vị trí công tác {year}" in page.text and "Năm phải từ" not in page.text
    else:
        assert api.status_code == 422
        assert "Năm phải từ 1900 đến 2200." in page.text and f"Định kỳ chuyển đổi vị trí công tác {TODAY.year}" in page.text
