"""Training needs from a post's mandatory programmes (the 4-week programme for heads of commune offices, Nghị định 171/2025) and the
priority of people whose standards deadline (1/8/2028, Nghị định 33/2023) is near."""

import pytest

from coso.planning import services, training
from coso.planning.tests.helpers import D, person
from coso.rules.testing import shipped_book

pytestmark = pytest.mark.django_db


def test_head_of_office_needs_the_programme_until_completed(users, commune, login):
    ha = users["home_affairs"]
    head = person(commune, full_name="Trưởng Văn Phòng", position_code="cvp", political_theory="trung_cap", state_management="chuyen_vien")
    staff = person(commune, full_name="Chuyên Viên Thường", position_code="cv_vp")
    data = training.needs_and_courses(province_code=commune.province_code, commune_code=commune.code, year=2026)
    progs = [g for g in data["gaps"] if g["standard"] == "programme"]
    assert [(g["person"], g["required_code"]) for g in progs] == [(head.pk, "lanh_dao_cap_phong")]
    assert "Bồi dưỡng lãnh đạo, quản lý cấp phòng (4 tuần)" in progs[0]["text"]
    assert staff.pk not in {g["person"] for g in progs}

    course = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="lanh_dao_cap_phong", name="",
                                    year=2026, duration_days=28, seats=5)
    assert course.cost_per_person == shipped_book().value("planning.training.cost_per_person", D(2026, 1, 1))["lanh_dao_cap_phong"]
    other = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                                   year=2026, duration_days=60, seats=5)
    plan = services.plan_build(actor=ha, province_code=commune.province_code, commune_code=commune.code, year=2026, budget=100_000_000)
    rows = [r for r in plan.result["milp"]["rows"] if r["person"] == head.pk and r["course"] == course.pk]
    assert rows and "chương trình bắt buộc" in rows[0]["gap"]
    assert not [r for r in plan.result["milp"]["rows"] if r["person"] == head.pk and r["course"] == other.pk and "chương trình" in r["gap"]]
    c = login(ha)
    c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {"person": head.pk, "course": course.pk, "ended_on": "30/10/2026"})
    data = training.needs_and_courses(province_code=commune.province_code, commune_code=commune.code, year=2027)
    assert not [g for g in data["gaps"] if g["standard"] == "programme" and g["person"] == head.pk]


def test_a_planned_head_of_office_also_needs_it(users, commune):
    ha = users["home_affairs"]
    cand = person(commune, full_name="Người Quy Hoạch", position_code="cv_vp", birth_date=D(1990, 1, 1))
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="cvp")
    services.candidate_add(actor=ha, planning_list=pl, person_id=cand.pk, entered_on=D(2026, 1, 5), decision="QĐ 3")
    data = training.needs_and_courses(province_code=commune.province_code, commune_code=commune.code, year=2026)
    g = next(g for g in data["gaps"] if g["standard"] == "programme" and g["person"] == cand.pk)
    assert g["source"] == "target"


@pytest.mark.parametrize(("year", "bonus"), [(2025, 0), (2026, 2), (2028, 2), (2029, 0)])
def test_transition_bonus_by_plan_year(year, bonus):
    rule = shipped_book().value("planning.training.transition_priority", D(year, 1, 1))
    assert training.transition_bonus(rule, D(year, 1, 1)) == bonus  # 1/8/2028 within 36 months of 1 January


def test_gaps_against_the_post_held_weigh_more_near_the_deadline(users, commune):
    p = person(commune, full_name="Công Chức Thiếu", position_code="cv_vp", political_theory="none", it="none", degree_level="trung_cap")
    w29 = {g["standard"]: g for g in training.needs_and_courses(province_code=commune.province_code, commune_code=commune.code, year=2029)["gaps"]
           if g["person"] == p.pk}
    w27 = {g["standard"]: g for g in training.needs_and_courses(province_code=commune.province_code, commune_code=commune.code, year=2027)["gaps"]
           if g["person"] == p.pk}
    assert w27, "the person has gaps against the post held"
    for std, g in w27.items():
        assert g["transition"] and g["deadline"] == "2028-08-01"
        if std in w29:
            assert g["weight"] == w29[std]["weight"] + 2
