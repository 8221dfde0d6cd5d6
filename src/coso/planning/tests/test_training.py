"""The training plan: the MILP closes at least as many weighted gaps as the greedy baseline, within every limit."""

import random

import pytest

from coso.planning import services, training
from coso.planning.tests.helpers import D, person


def gap(p, std, code, w):
    return {"person": p, "standard": std, "required_code": code, "text": f"{std} {p}", "source": "current", "weight": w}


def course(i, std, level, seats, cost):
    return {"id": i, "name": f"K{i}", "kind": "", "standard": std, "level": level, "seats": seats, "cost": cost}


def test_greedy_is_beaten_on_a_small_case():
    gaps = [gap(1, "political_theory", "trung_cap", 3), gap(2, "it", "co_ban", 2), gap(3, "it", "co_ban", 2)]
    courses = [course(10, "political_theory", "trung_cap", 10, 6), course(11, "it", "co_ban", 10, 5)]
    best = training.milp_plan(gaps, courses, budget=10, per_person_limit=2)
    base = training.greedy_plan(gaps, courses, budget=10, per_person_limit=2)
    assert sorted(best) == [(1, 1), (2, 1)] and base == [(0, 0)]


def test_a_lower_course_does_not_close_a_higher_gap():
    gaps = [gap(1, "political_theory", "trung_cap", 3)]
    assert training.pairs_of(gaps, [course(1, "political_theory", "so_cap", 5, 1)]) == []
    assert training.pairs_of(gaps, [course(1, "political_theory", "cao_cap", 5, 1)]) == [(0, 0)]


@pytest.mark.parametrize("seed", range(6))
def test_random_cases_respect_limits_and_dominate_greedy(seed):
    rng = random.Random(seed)
    stds = [("political_theory", "trung_cap"), ("it", "co_ban"), ("state_management", "chuyen_vien"), ("foreign_language", "bac2")]
    gaps = []
    for p in range(60):
        for std, code in rng.sample(stds, rng.randint(1, 3)):
            gaps.append(gap(p, std, code, rng.choice([1, 2, 3])))
    courses = [course(j, std, code, rng.randint(3, 15), rng.randint(2, 12)) for j, (std, code) in enumerate(stds * 2)]
    budget, limit = 120, 2
    best = training.milp_plan(gaps, courses, budget=budget, per_person_limit=limit)
    base = training.greedy_plan(gaps, courses, budget=budget, per_person_limit=limit)
    for plan in (best, base):
        assert sum(courses[j]["cost"] for _, j in plan) <= budget
        assert len({i for i, _ in plan}) == len(plan)
        for j, c in enumerate(courses):
            assert sum(1 for _, jj in plan if jj == j) <= c["seats"]
        per = {}
        for i, _ in plan:
            per[gaps[i]["person"]] = per.get(gaps[i]["person"], 0) + 1
        assert max(per.values(), default=0) <= limit
    hand = training.priority_first_plan(gaps, courses, budget=budget, per_person_limit=limit)
    assert sum(courses[j]["cost"] for _, j in hand) <= budget
    assert sum(gaps[i]["weight"] for i, _ in best) >= max(sum(gaps[i]["weight"] for i, _ in base), sum(gaps[i]["weight"] for i, _ in hand))


def test_pinned_pair_is_kept():
    gaps = [gap(1, "it", "co_ban", 1), gap(2, "it", "co_ban", 3)]
    courses = [course(5, "it", "co_ban", 1, 10)]
    assert training.milp_plan(gaps, courses, budget=10, per_person_limit=1) == [(1, 0)]
    assert training.milp_plan(gaps, courses, budget=10, per_person_limit=1, pinned=[(1, 5)]) == [(0, 0)]


@pytest.mark.django_db
def test_plan_from_the_register_puts_planning_candidates_first(users, commune):
    ha = users["home_affairs"]
    cand = person(commune, full_name="Người quy hoạch", political_theory="so_cap")
    other = person(commune, full_name="Công chức", position_code="cv_kinh_te", political_theory="none", it="none")
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    services.candidate_add(actor=ha, planning_list=pl, person_id=cand.pk, entered_on=D(2026, 1, 5), decision="QĐ 2")
    c = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                               year=2027, duration_days=60, seats=1, cost_per_person=None)
    assert c.cost_per_person == 12_000_000  # the province norm (rule planning.training.cost_per_person)
    plan = services.plan_build(actor=ha, province_code=commune.province_code, commune_code=commune.code, year=2027, budget=12_000_000)
    rows = plan.result["milp"]["rows"]
    assert [r["person"] for r in rows] == [cand.pk] and "Trong quy hoạch" in rows[0]["why"] and "Lý luận chính trị" in rows[0]["gap"]
    assert plan.result["milp"]["closed"] >= plan.result["greedy"]["closed"]
    excluded = services.plan_build(actor=ha, province_code=commune.province_code, commune_code=commune.code, year=2027, budget=12_000_000,
                                   excluded=[cand.pk])
    assert [r["person"] for r in excluded.result["milp"]["rows"]] in ([], [other.pk])


@pytest.mark.django_db
def test_completed_training_closes_the_gap_in_the_register(users, commune, login):
    from coso.workforce import selectors as wf
    from coso.workforce.models import Person, Training

    ha = users["home_affairs"]
    cand = person(commune, full_name="Người quy hoạch", political_theory="so_cap")
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    services.candidate_add(actor=ha, planning_list=pl, person_id=cand.pk, entered_on=D(2026, 1, 5), decision="QĐ 2")
    course = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                                    year=2026, duration_days=60, seats=5)
    plan = services.plan_build(actor=ha, province_code=commune.province_code, commune_code=commune.code, year=2026, budget=50_000_000)
    before = wf.planning_profiles([cand.pk], on=D(2026, 11, 1), targets={cand.pk: "ct_ubnd"})[cand.pk]
    assert any(g["standard"] == "political_theory" for g in before["gaps_target"])
    c = login(ha)
    r = c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {"person": cand.pk, "course": course.pk, "ended_on": "30/10/2026"}, follow=True)
    assert "Đã hoàn thành" in r.text
    assert Person.objects.get(pk=cand.pk).political_theory == "trung_cap" and Training.objects.filter(person=cand).exists()
    after = wf.planning_profiles([cand.pk], on=D(2026, 11, 1), targets={cand.pk: "ct_ubnd"})[cand.pk]
    assert not any(g["standard"] == "political_theory" for g in after["gaps_target"])
    r = c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {"person": cand.pk, "course": course.pk, "ended_on": "30/10/2026"})
    assert "Đã ghi nhận hoàn thành khóa học này" in r.text
    r = c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {"person": "999", "course": course.pk, "ended_on": "30/10/2026"})
    assert "không có trong kế hoạch" in r.text


@pytest.mark.django_db
def test_a_pin_the_plan_cannot_keep_is_refused_not_dropped(users, commune, login):
    """A pinned (person, course) where the course closes none of the person's gaps (another year's course, a person with no
    such gap, or one excluded) was dropped without a word: the plan was saved, listed the pin, and left the person out."""
    from coso.core.models import AuditLog
    from coso.planning.models import TrainingPlan

    ha = users["home_affairs"]
    cand = person(commune, full_name="Người quy hoạch", political_theory="so_cap")
    done = person(commune, full_name="Đã đủ chuẩn", political_theory="cao_cap")
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    services.candidate_add(actor=ha, planning_list=pl, person_id=cand.pk, entered_on=D(2026, 1, 5), decision="QĐ 2")
    llct = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                                  year=2027, duration_days=60, seats=5)
    later = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                                   year=2028, duration_days=60, seats=5)
    c = login(ha)
    plans, audits = TrainingPlan.objects.count(), AuditLog.objects.count()
    for pin, excluded in (([done.pk, llct.pk], []), ([cand.pk, later.pk], []), ([cand.pk, 999999], []), ([cand.pk, llct.pk], [cand.pk])):
        res = c.post("/api/v1/planning/training-plans", {"year": 2027, "budget": 50_000_000, "pinned": [pin], "excluded": excluded},
                     content_type="application/json")
        assert res.status_code == 400 and res.json()["code"] == "pin-not-possible", (pin, res.content)
        assert f"{pin[0]}:{pin[1]}" in res.json()["message"]
    page = c.post("/quy-hoach/dao-tao/", {"action": "plan", "year": "2027", "budget": "50000000", "pinned": f"{done.pk}:{llct.pk}"})
    assert page.status_code == 200 and f"{done.pk}:{llct.pk}" in page.text
    assert TrainingPlan.objects.count() == plans and AuditLog.objects.count() == audits
    res = c.post("/api/v1/planning/training-plans", {"year": 2027, "budget": 50_000_000, "pinned": [[cand.pk, llct.pk]]},
                 content_type="application/json")
    assert res.status_code == 201 and [r["person"] for r in res.json()["milp"]["rows"]] == [cand.pk]


@pytest.mark.django_db
def test_completion_before_the_course_started_is_refused(users, commune, login):
    """A course was recorded as completed on a day before it started (before its start date, or before its year): the
    register got a training that ended before it began and the qualification raised from then. Refused, nothing written."""
    from coso.core.models import AuditLog
    from coso.workforce.models import Person, Training

    ha = users["home_affairs"]
    cand = person(commune, full_name="Người quy hoạch", political_theory="so_cap")
    pl = services.list_create(actor=ha, commune_code=commune.code, term="2030-2035", position_code="ct_ubnd")
    services.candidate_add(actor=ha, planning_list=pl, person_id=cand.pk, entered_on=D(2026, 1, 5), decision="QĐ 2")
    dated = services.course_create(actor=ha, province_code=commune.province_code, commune_code=commune.code, kind="llct_trung_cap", name="",
                                   year=2026, duration_days=60, seats=5, starts_on=D(2026, 9, 1))
    plan = services.plan_build(actor=ha, province_code=commune.province_code, commune_code=commune.code, year=2026, budget=50_000_000,
                               pinned=[(cand.pk, dated.pk)])
    c = login(ha)
    audits = AuditLog.objects.count()
    for ended in ("31/08/2026", "31/12/2025"):
        r = c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {"person": cand.pk, "course": dated.pk, "ended_on": ended})
        assert r.status_code == 200 and "Ngày hoàn thành phải từ ngày bắt đầu khóa học (01/09/2026) trở đi." in r.text, ended
    assert not Training.objects.exists() and Person.objects.get(pk=cand.pk).political_theory == "so_cap"
    assert AuditLog.objects.count() == audits and plan.result.get("completed", []) == []
    r = c.post(f"/quy-hoach/dao-tao/ke-hoach/{plan.pk}/", {"person": cand.pk, "course": dated.pk, "ended_on": "30/10/2026"}, follow=True)
    assert Person.objects.get(pk=cand.pk).political_theory == "trung_cap"


@pytest.mark.django_db
def test_a_course_submitted_twice_is_created_once(users, commune, login):
    """The course form sent twice (a double click) created two identical courses: the second is refused, nothing is created twice."""
    from coso.core.exceptions import ConflictError
    from coso.core.models import AuditLog
    from coso.planning.models import Course

    ha = users["home_affairs"]
    kw = {"province_code": commune.province_code, "commune_code": commune.code, "kind": "llct_trung_cap", "name": "", "year": 2027,
          "duration_days": 60, "seats": 5, "starts_on": D(2027, 3, 1)}
    services.course_create(actor=ha, **kw)
    with pytest.raises(ConflictError) as e:
        services.course_create(actor=ha, **kw)
    assert e.value.code == "course-exists"
    services.course_create(actor=ha, **{**kw, "starts_on": D(2027, 9, 1)})  # the same course again later in the year is another course
    assert Course.objects.count() == 2
    c = login(ha)
    form = {"action": "course", "kind": "tin_hoc_co_ban", "name": "Tin học cơ bản", "year": "2027", "duration_days": "5", "seats": "20", "starts_on": ""}
    c.post("/quy-hoach/dao-tao/", form)
    r = c.post("/quy-hoach/dao-tao/", form, follow=True)
    assert r.status_code == 200 and "Đã có khóa học" in r.content.decode()
    assert Course.objects.filter(kind="tin_hoc_co_ban").count() == 1
    assert AuditLog.objects.filter(verb="planning.course_create").count() == 3
