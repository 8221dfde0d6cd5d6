"""Pages and API: Vietnamese pages, scoping (a commune sees its own lists, the province its province's), no 500 on bad input."""

import json

import pytest

from coso.planning import services
from coso.planning.models import Candidate, PlanningList
from coso.planning.tests.helpers import D, discipline, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(users, commune, other_commune):
    ha = users["home_affairs"]
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    p = person(commune, full_name="Phạm Thị Dung", gender="female", birth_date=D(1990, 2, 2))
    services.candidate_add(actor=ha, planning_list=pl, person_id=p.pk, entered_on=D(2026, 1, 5), decision="QĐ 3-QĐ/ĐU")
    other = services.list_create(actor=users["province_home_affairs"], commune_code=other_commune.code, term="2030-2035", position_code="ct_ubnd")
    return pl, other, p


def test_commune_sees_only_its_lists(login, users, setup):
    pl, other, _p = setup
    c = login(users["home_affairs"])
    page = c.get("/quy-hoach/")
    assert page.status_code == 200 and f'data-list="{pl.pk}"' in page.text and f'data-list="{other.pk}"' not in page.text
    assert c.get(f"/quy-hoach/danh-sach/{other.pk}/").status_code == 404
    assert c.get(f"/api/v1/planning/lists/{other.pk}").status_code == 404
    assert [x["id"] for x in c.get("/api/v1/planning/lists").json()] == [pl.pk]


def test_province_sees_the_communes_list_with_flags(login, users, setup, commune):
    pl, other, p = setup
    old = person(commune, full_name="Hoàng Văn Già", birth_date=D(1980, 1, 1))
    services.candidate_add(actor=users["home_affairs"], planning_list=pl, person_id=old.pk, entered_on=D(2026, 1, 5), decision="QĐ 3")
    discipline(p, "khien_trach", D(2026, 5, 1))
    c = login(users["province_home_affairs"])
    lists = c.get("/quy-hoach/")
    assert f'data-list="{pl.pk}"' in lists.text and f'data-list="{other.pk}"' in lists.text
    page = c.get(f"/quy-hoach/danh-sach/{pl.pk}/")
    assert page.status_code == 200 and "Phạm Thị Dung" in page.text and 'data-flag="discipline"' in page.text
    assert "Cán bộ nữ" in page.text and "≥ 25" in page.text
    data = c.get(f"/api/v1/planning/lists/{pl.pk}").json()
    codes = {x["full_name"]: [i["code"] for i in x["issues"]] for x in data["candidates"]}
    assert "discipline" in codes["Phạm Thị Dung"]
    assert data["structure"]["women"] == 1
    assert "science" in {line["key"] for line in data["structure"]["lines"]} and "Cán bộ có trình độ khoa học, công nghệ" in page.text


def test_forms_refuse_bad_input_without_500(login, users, setup, commune):
    pl, _other, _p = setup
    c = login(users["home_affairs"])
    for body in ({"action": "add", "person": "abc", "entered_on": "01/01/2026", "decision": "x"},
                 {"action": "add", "person": "999999", "entered_on": "01/01/2026", "decision": "x"},
                 {"action": "add", "person": str(person(commune, full_name="X").pk), "entered_on": "31/02/2026", "decision": "x"},
                 {"action": "nope"}):
        r = c.post(f"/quy-hoach/danh-sach/{pl.pk}/", body)
        assert r.status_code in (200, 302, 404)
    assert Candidate.objects.count() == 1
    r = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "2027", "budget": "nhiều"})
    assert r.status_code == 200 and "Kinh phí phải là số nguyên" in r.text
    r = c.post("/quy-hoach/dao-tao/", {"action": "course", "kind": "llct_trung_cap", "year": "2027", "duration_days": "0", "seats": "5"})
    assert r.status_code == 200


@pytest.mark.parametrize("field", ["seats", "duration_days", "limit"])
def test_training_numbers_past_an_integer_column_are_refused_not_a_500(login, users, setup, field):
    """Seats, days and the courses-per-person limit above what an integer column holds (2147483648, up to the page's 10^15)
    answered 500: the course reached the model's check, the plan the database itself (PostgreSQL). Refused, nothing saved."""
    from coso.core.models import AuditLog
    from coso.planning.models import Course, TrainingPlan

    c = login(users["home_affairs"])
    course = {"action": "course", "kind": "tin_hoc_co_ban", "year": "2027", "duration_days": "5", "seats": "10"}
    plan = {"action": "plan", "year": "2027", "budget": "50000000"}
    body = {**(plan if field == "limit" else course), field: "2147483648"}
    r = c.post("/quy-hoach/dao-tao/", body)
    assert r.status_code == 200 and "nằm ngoài phạm vi cho phép" in r.text
    assert not Course.objects.exists() and not TrainingPlan.objects.exists()
    assert not AuditLog.objects.filter(object_type__in=["planning.Course", "planning.TrainingPlan"]).exists()


def test_training_year_before_the_training_rules_is_refused_not_a_503(login, users, setup):
    """The training rules start on 1/7/2025 (Decree 171/2025): a plan or a course for 2025 (an accepted year) read them on
    1 January, found none and answered 503 "rule-missing". Refused with no-rule on the year; nothing saved."""
    from coso.planning.models import Course, TrainingPlan

    c = login(users["home_affairs"])
    r = c.post("/api/v1/planning/training-plans", json.dumps({"year": 2025, "budget": 150}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "no-rule" and "year" in r.json()["details"]["fields"], r.content
    r = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "2025", "budget": "50000000"})
    assert r.status_code == 200 and "Chưa có quy định về đào tạo, bồi dưỡng áp dụng cho năm 2025" in r.text
    r = c.post("/quy-hoach/dao-tao/", {"action": "course", "kind": "tin_hoc_co_ban", "year": "2025", "duration_days": "5", "seats": "10"})
    assert r.status_code == 200 and "năm 2025" in r.text
    assert not Course.objects.exists() and not TrainingPlan.objects.exists()


def test_api_add_refusal_and_review(login, users, setup, commune):
    pl, _other, _p = setup
    c = login(users["home_affairs"])
    too_old = person(commune, full_name="Quá tuổi", birth_date=D(1972, 5, 6))
    r = c.post(f"/api/v1/planning/lists/{pl.pk}/candidates", json.dumps({"person_id": too_old.pk, "entered_on": "2026-01-05", "decision": "QĐ"}),
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "not-eligible" and "tuổi" in r.json()["message"]
    assert c.post("/api/v1/planning/review").json()["checked"] == 1
    r = c.post("/api/v1/planning/lists", json.dumps({"commune_code": commune.code, "term": "2025-2030", "position_code": "pct_ubnd"}),
               content_type="application/json")
    assert r.status_code == 201 and PlanningList.objects.count() == 3


def test_review_page_and_training_page(login, users, setup, commune):
    pl, _other, p = setup
    discipline(p, "cach_chuc", D(2026, 5, 1))
    c = login(users["home_affairs"])
    r = c.post("/quy-hoach/ra-soat/", {"action": "run"}, follow=True)
    assert "1 đề xuất mới" in r.text and "Phạm Thị Dung" in r.text
    assert Candidate.objects.get().status == "active"
    r = c.post("/quy-hoach/dao-tao/", {"action": "course", "kind": "tin_hoc_co_ban", "year": "2027", "duration_days": "5", "seats": "10"}, follow=True)
    assert "Kỹ năng số" in r.text or "Tin học" in r.text
    r = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "2027", "budget": "50000000"}, follow=True)
    assert r.status_code == 200 and 'id="milp-closed"' in r.text


def test_other_roles_do_not_see_planning(login, users, setup):
    c = login(users["onestop"])
    assert c.get("/quy-hoach/").status_code == 404
    assert c.get("/api/v1/planning/lists").status_code == 404


def test_list_suggests_people_who_meet_every_condition(login, users, setup, commune):
    pl, _other, _p = setup
    fit = person(commune, full_name="Võ Văn Đủ", birth_date=D(1990, 9, 9))
    unfit = person(commune, full_name="Đỗ Văn Hưu", birth_date=D(1970, 1, 1))
    page = login(users["home_affairs"]).get(f"/quy-hoach/danh-sach/{pl.pk}/").text
    suggested = page.split('id="suggestions"')[1].split("</ul>")[0]
    assert f'data-person="{fit.pk}"' in suggested and f'data-person="{unfit.pk}"' not in suggested


def test_pages_in_english_show_the_structure_and_confirmations_in_english(login, users, setup, commune):
    """The structure figures' lines and the confirmations after a save were plain Vietnamese strings, shown as such on the
    English pages (cookie django_language=en)."""
    pl, _other, _p = setup
    c = login(users["home_affairs"])
    c.cookies["django_language"] = "en"
    page = c.get(f"/quy-hoach/danh-sach/{pl.pk}/").text
    assert "Women cadres" in page and "Young cadres (under 40)" in page and "Cán bộ nữ" not in page
    fit = person(commune, full_name="Võ Văn Đủ", birth_date=D(1990, 9, 9))
    r = c.post(f"/quy-hoach/danh-sach/{pl.pk}/", {"action": "add", "person": fit.pk, "entered_on": "05/01/2026", "decision": "QĐ 4"}, follow=True)
    assert "Added to the planning list." in r.text
    r = c.post("/quy-hoach/ra-soat/", {"action": "run"}, follow=True)
    assert "Reviewed 2 people in planning: 0 new removal proposals awaiting a decision." in r.text
    r = c.post("/quy-hoach/dao-tao/", {"action": "course", "kind": "tin_hoc_co_ban", "year": "2027", "duration_days": "5", "seats": "10"}, follow=True)
    assert "Course added." in r.text


@pytest.mark.parametrize("starts", ["01/01/0001", "31/12/9999", "31/12/2026", "01/01/2028"])
def test_a_course_starting_outside_its_year_is_refused(login, users, setup, starts):
    """A course of the 2027 plan was saved starting on 1/1/0001, 31/12/9999 or in another year: its completion was then
    accepted years before the plan (the check "not before the course started" reads that day), or never. Refused on the
    field, nothing saved; a start within the year is kept."""
    from coso.core.models import AuditLog
    from coso.planning.models import Course

    c = login(users["home_affairs"])
    course = {"action": "course", "kind": "tin_hoc_co_ban", "year": "2027", "duration_days": "5", "seats": "10"}
    r = c.post("/quy-hoach/dao-tao/", {**course, "starts_on": starts})
    assert r.status_code == 200 and "Ngày bắt đầu khóa học phải trong năm 2027" in r.text
    assert not Course.objects.exists() and not AuditLog.objects.filter(object_type="planning.Course").exists()
    assert c.post("/quy-hoach/dao-tao/", {**course, "starts_on": "01/03/2027"}).status_code == 302
    assert Course.objects.get().starts_on == D(2027, 3, 1)


def test_a_number_refused_on_an_english_page_names_its_field_in_english(login, users):
    """The training page's numbers refused as not a number or out of range named their field with a Vietnamese literal
    ("Số chỗ must be a whole number.") on English pages: the field's name is now translated like the message."""
    c = login(users["home_affairs"])
    c.cookies["django_language"] = "en"
    r = c.post("/quy-hoach/dao-tao/", {"action": "course", "kind": "tin_hoc_co_ban", "year": "2027", "duration_days": "5", "seats": "abc"},
               follow=True)
    assert "Places must be a whole number." in r.text and "Số chỗ" not in r.text
    r = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "năm sau", "budget": "1000"}, follow=True)
    assert "Year must be a whole number." in r.text


def test_an_action_the_page_does_not_offer_changes_nothing(login, users, setup, commune):
    """The review page decided a proposal for any action but "accept" (a missing or unknown action kept the person in
    planning), and the training page built a plan for any action but "course": an action the page does not offer is
    refused with a message, nothing decided, nothing built."""
    from coso.planning.models import RemovalProposal, TrainingPlan

    _pl, _other, p = setup
    discipline(p, "khien_trach", D(2026, 5, 1))
    services.review_run(on=D(2026, 6, 1))
    prop = RemovalProposal.objects.get()
    c = login(users["home_affairs"])
    for action in ("", "keep", "run "):
        r = c.post("/quy-hoach/ra-soat/", {"action": action, "proposal": prop.pk, "note": "Đã khắc phục", "decision": "QĐ 1"}, follow=True)
        assert "Thao tác không hợp lệ." in r.text
    prop.refresh_from_db()
    assert prop.status == "pending"
    r = c.post("/quy-hoach/dao-tao/", {"action": "xoa", "year": "2027", "budget": "1000000"}, follow=True)
    assert "Thao tác không hợp lệ." in r.text and not TrainingPlan.objects.exists()


def test_a_plan_request_takes_at_most_a_thousand_pins_or_exclusions(login, users, commune):
    """The pinned and excluded lists of a training plan had no bound on their count (hundreds of thousands of ids went to
    the optimiser): more than 1,000 is refused on its field, in the API and on the page; nothing is saved."""
    from coso.core.models import AuditLog
    from coso.planning.models import TrainingPlan

    c = login(users["home_affairs"])
    many = list(range(1, 1002))
    r = c.post("/api/v1/planning/training-plans", json.dumps({"year": 2027, "budget": 150, "excluded": many}), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-many", r.content
    assert r.json()["details"]["fields"] == {"excluded": ["Loại trừ tối đa 1000 người trong một kế hoạch."]}
    r = c.post("/api/v1/planning/training-plans", json.dumps({"year": 2027, "budget": 150, "pinned": [[i, 1] for i in many]}),
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "too-many", r.content
    assert r.json()["details"]["fields"] == {"pinned": ["Chọn cố định tối đa 1000 cặp người:khóa học trong một kế hoạch."]}
    r = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "2027", "budget": "150", "excluded": ",".join(map(str, many))})
    assert r.status_code == 200 and "Loại trừ tối đa 1000 người trong một kế hoạch." in r.text
    r = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "2027", "budget": "150", "pinned": ",".join(f"{i}:1" for i in many)})
    assert r.status_code == 200 and "Chọn cố định tối đa 1000 cặp người:khóa học trong một kế hoạch." in r.text
    assert not TrainingPlan.objects.exists() and not AuditLog.objects.filter(verb="planning.plan_build").exists()
    r = c.post("/api/v1/planning/training-plans", json.dumps({"year": 2027, "budget": 150, "excluded": many[:1000]}), content_type="application/json")
    assert r.status_code == 201, r.content
