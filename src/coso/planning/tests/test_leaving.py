"""Leaving payments after the 2025 merger through the doors a home-affairs officer uses: the calculator page and API for a person
in the register, and the list of a commune's surplus people with their estimate."""

import pytest

from coso.planning.tests.helpers import D, person
from coso.workforce.models import StaffingQuota


@pytest.fixture
def surplus_office(commune):
    """Two people in the office of the People's Committee where the province assigned one post."""
    a = person(commune, full_name="Đỗ Văn Sớm", birth_date=D(1966, 3, 10), started_on=D(2004, 1, 1))
    b = person(commune, full_name="Lý Thị Trẻ", gender="female", birth_date=D(1990, 1, 1), started_on=D(2015, 1, 1))
    StaffingQuota.objects.create(office_code=a.office_code, number=1, valid_from=D(2025, 7, 1), province_code=commune.province_code,
                                 commune_code=commune.code)
    return a, b


@pytest.mark.django_db
def test_calculator_page_for_a_person(login, users, surplus_office):
    older, _ = surplus_office
    c = login(users["home_affairs"])
    res = c.get("/quy-hoach/nghi-viec/", {"person": older.pk, "salary": "15356250", "si_months": str(22 * 12), "leave_on": "01/07/2026",
                                          "decision_on": "01/03/2026"})
    html = res.content.decode()
    assert res.status_code == 200
    assert 'id="early-total"' in html or 'id="early-not"' in html
    assert 'id="resignation-total"' in html
    assert "Nghị định 178/2024/NĐ-CP" in html


@pytest.mark.django_db
def test_calculator_bad_input_is_shown_by_field(login, users, surplus_office):
    older, _ = surplus_office
    c = login(users["home_affairs"])
    res = c.get("/quy-hoach/nghi-viec/", {"person": older.pk, "salary": "0", "si_months": "10", "leave_on": "31/02/2026"})
    assert res.status_code == 200
    html = res.content.decode()
    assert 'id="id_salary_error"' in html and 'id="id_leave_on_error"' in html


@pytest.mark.django_db
def test_api_estimate_matches_the_worked_example(login, users, commune):
    # Retires (Decree 135/2020) on a date 30 months after leaving: the Ministry's example, 48.5 months of salary.
    from coso.workforce.policy import retirement_date

    p = person(commune, full_name="Hồ Văn Mẫu", birth_date=D(1966, 6, 15))
    retire = retirement_date(p.birth_date, p.gender)
    from coso.planning.rules import add_months

    leave = add_months(retire, -30)
    c = login(users["home_affairs"])
    res = c.get("/api/v1/planning/leaving-payments", {"person_id": p.pk, "salary": 15356250, "si_months": 22 * 12, "leave_on": leave.isoformat(),
                                                      "decision_on": add_months(leave, -2).isoformat()})
    assert res.status_code == 200, res.content
    assert res.json()["early"]["total"] == 744_778_125
    res = c.get("/api/v1/planning/leaving-payments", {"person_id": p.pk, "salary": 0, "si_months": 1, "leave_on": leave.isoformat()})
    assert res.status_code in (400, 422)
    assert login(users["other_leader"]).get("/api/v1/planning/leaving-payments", {
        "person_id": p.pk, "salary": 1, "si_months": 1, "leave_on": leave.isoformat()}).status_code == 404


@pytest.mark.django_db
def test_surplus_list_with_estimates(login, users, commune, surplus_office):
    older, younger = surplus_office
    c = login(users["home_affairs"])
    res = c.get("/api/v1/planning/surplus", {"commune": commune.code, "on": "2026-07-01", "salary": 12000000})
    assert res.status_code == 200, res.content
    data = res.json()
    ids = [p["id"] for p in data["people"]]
    assert ids[:2] == [older.pk, younger.pk]  # closest to retirement first
    assert all(p["estimate"]["total"] > 0 for p in data["people"])
    assert data["total"] == sum(p["estimate"]["total"] for p in data["people"])
    page = c.get("/quy-hoach/doi-du/", {"commune": commune.code, "on": "01/07/2026", "salary": "12000000"}).content.decode()
    assert f'data-person="{older.pk}"' in page and 'id="surplus-total"' in page
    assert login(users["other_leader"]).get("/api/v1/planning/surplus", {"commune": commune.code, "on": "2026-07-01"}).status_code == 404


@pytest.mark.django_db
def test_leaving_on_or_after_the_retirement_date_or_before_the_decision_is_refused(login, users, commune, surplus_office):
    """Leaving on or after the retirement date was answered with a resignation allowance (social-insurance years and 3 months
    to look for work) and "-8 months early"; a leaving day before the reorganisation decision counted as within its first
    12 months. Both policies of Decree 178/2024 are for people leaving before their retirement age, because of a decision:
    the calculator refuses both on the leaving day's field, and the surplus list gives a person at retirement age nothing."""
    import datetime as dt

    from coso.planning.rules import add_months
    from coso.workforce.policy import retirement_date

    older, younger = surplus_office
    retire = retirement_date(older.birth_date, older.gender)
    c = login(users["home_affairs"])
    url = "/api/v1/planning/leaving-payments"
    query = {"person_id": older.pk, "salary": 15356250, "si_months": 22 * 12}
    for leave in (retire, add_months(retire, 8)):
        res = c.get(url, {**query, "leave_on": leave.isoformat()})
        assert res.status_code == 400, res.content
        body = res.json()
        assert body["code"] == "leave-after-retirement" and list(body["details"]["fields"]) == ["leave_on"]
        assert retire.strftime("%d/%m/%Y") in body["message"]
    assert c.get(url, {**query, "leave_on": (retire - dt.timedelta(days=1)).isoformat()}).status_code == 200
    leave = add_months(retire, -30)
    res = c.get(url, {**query, "leave_on": leave.isoformat(), "decision_on": add_months(leave, 1).isoformat()})
    assert res.status_code == 400 and res.json()["code"] == "leave-before-decision"
    assert c.get(url, {**query, "leave_on": leave.isoformat(), "decision_on": leave.isoformat()}).status_code == 200
    html = c.get("/quy-hoach/nghi-viec/", {"person": older.pk, "salary": "15356250", "si_months": "264",
                                          "leave_on": retire.strftime("%d/%m/%Y")}).content.decode()
    assert 'id="id_leave_on_error"' in html and "Ngày nghỉ phải trước ngày nghỉ hưu theo tuổi" in html
    # The surplus list on the retirement day: the older person retires, no allowance; the younger one still gets hers.
    data = c.get("/api/v1/planning/surplus", {"commune": commune.code, "on": retire.isoformat(), "salary": 12000000}).json()
    by_id = {p["id"]: p["estimate"] for p in data["people"]}
    assert by_id[older.pk]["kind"] == "retirement" and by_id[older.pk]["total"] == 0
    assert by_id[younger.pk]["total"] > 0 and data["total"] == by_id[younger.pk]["total"]


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_surplus_and_calculator_refuse_a_day_outside_the_project_span(login, users, commune, surplus_office, day):
    """The surplus list took any day up to 31/12/9999 (social-insurance months of eight thousand years), the calculator a
    decision dated 1/1/0001: both are refused (400, on the field, in Vietnamese), like every other date of the project."""
    older, _ = surplus_office
    c = login(users["home_affairs"])
    res = c.get("/api/v1/planning/surplus", {"commune": commune.code, "on": day, "salary": 12000000})
    assert res.status_code == 400 and res.json()["code"] == "invalid-date", res.content
    assert res.json()["details"]["fields"] == {"on": ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]}
    page = c.get("/quy-hoach/doi-du/", {"commune": commune.code, "on": "/".join(reversed(day.split("-"))), "salary": "12000000"})
    assert page.status_code == 200 and "Ngày phải trong khoảng 01/01/1900–31/12/2200." in page.content.decode()
    res = c.get("/api/v1/planning/leaving-payments", {"person_id": older.pk, "salary": 15356250, "si_months": 22 * 12, "leave_on": "2026-07-01",
                                                      "decision_on": "0001-01-01"})
    assert res.status_code == 400 and list(res.json()["details"]["fields"]) == ["decision_on"], res.content
    other = login(users["other_leader"])  # another unit's commune or person: 404 before the day is looked at
    assert other.get("/api/v1/planning/surplus", {"commune": commune.code, "on": day}).status_code == 404
    assert other.get("/api/v1/planning/leaving-payments", {"person_id": older.pk, "salary": 1, "si_months": 1, "leave_on": day}).status_code == 404
