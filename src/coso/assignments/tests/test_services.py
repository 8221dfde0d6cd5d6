"""Through the services: vacancies, ranked candidates with every rule, a decision applied to the register, the planning
lists and the vacancies; refusals change nothing; scoping."""

import pytest
import time_machine

from coso.assignments import selectors, services
from coso.assignments.models import Decision, Origin, RotationExemption
from coso.assignments.tests.helpers import D, person, plan
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.planning.models import Candidate
from coso.workforce.models import PositionHolding

pytestmark = pytest.mark.django_db
TODAY = D(2026, 12, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(users, commune, other_commune):
    pha = users["province_home_affairs"]
    a = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2020, 1, 1))
    b = person(commune, full_name="Trần Văn Bình", position="pct_ubnd", since=D(2019, 1, 1))
    c = person(commune, full_name="Lê Văn Châu", position="pct_ubnd", since=D(2025, 7, 1), history=[("vp_tk", D(2015, 1, 1), D(2025, 6, 30))])
    d = person(other_commune, full_name="Phạm Văn Dũng", position="pct_ubnd", since=D(2018, 1, 1))
    f = person(other_commune, full_name="Hoàng Thị Phương", gender="female", position="pct_ubnd", since=D(2018, 1, 1))
    for p in (a, b, c):
        plan(pha, commune, p, "ct_ubnd")
    plan(pha, commune, f, "ct_hdnd")  # an equivalent post (the list of the chair holds at most 3)
    Origin.objects.create(person=a, birth_commune_code="99999", province_code=a.province_code, commune_code=a.commune_code)
    Origin.objects.create(person=b, birth_commune_code=commune.code, province_code=b.province_code, commune_code=b.commune_code)
    RotationExemption.objects.create(person=f, reason="child", valid_from=D(2026, 1, 1), valid_to=D(2027, 6, 30),
                                     province_code=f.province_code, commune_code=f.commune_code)
    return {"a": a, "b": b, "c": c, "d": d, "f": f, "pha": pha}


def _post(user, commune, position):
    for c in selectors.vacancies(fetched_by=user, commune=commune.code)["communes"]:
        for p in c["posts"]:
            if p["position_code"] == position:
                return p
    return None


def _line(user, commune, office):
    c = selectors.vacancies(fetched_by=user, commune=commune.code)["communes"][0]
    line = next(x for x in c["lines"] if x["office_code"] == office)
    return line["staff"], line["open"], line["surplus"]


def test_vacancies_are_quotas_minus_incumbents_with_surplus(users, commune, world):
    data = selectors.vacancies(fetched_by=users["province_home_affairs"], commune=commune.code)
    (c,) = data["communes"]
    ubnd = next(line for line in c["lines"] if line["office_code"] == "ubnd")
    assert (ubnd["quota"], ubnd["staff"], ubnd["open"], ubnd["surplus"]) == (3, 2, 1, 0)
    assert _post(users["province_home_affairs"], commune, "ct_ubnd")["count"] == 1
    assert _post(users["province_home_affairs"], commune, "pct_ubnd") is None  # two slots, two holders
    # A third vice-chair: the office is over its quota (surplus after the merger), and still no vice-chair post.
    person(commune, full_name="Đỗ Văn Dư", position="pct_ubnd", since=D(2019, 1, 1))
    person(commune, full_name="Đỗ Văn Dư Hai", position="pct_ubnd", since=D(2019, 1, 1))
    c = selectors.vacancies(fetched_by=users["province_home_affairs"], commune=commune.code)["communes"][0]
    ubnd = next(line for line in c["lines"] if line["office_code"] == "ubnd")
    assert (ubnd["staff"], ubnd["open"], ubnd["surplus"]) == (4, 0, 1) and c["surplus"] >= 1


def test_ranked_candidates_show_every_rule(users, commune, world):
    data = selectors.candidates(fetched_by=users["province_home_affairs"], commune_code=commune.code, position_code="ct_ubnd")
    rows = {r["id"]: r for r in data["rows"]}
    status = {pid: {c["code"]: c["status"] for c in r["checks"]} for pid, r in rows.items()}
    w = world
    assert set(status[w["a"].pk].values()) <= {"pass", "na"} and rows[w["a"].pk]["eligible"]
    assert status[w["b"].pk]["nonlocal"] == "fail"
    assert status[w["c"].pk]["time_in_post"] == "fail"
    assert status[w["d"].pk]["planning"] == "fail" and status[w["d"].pk]["nonlocal"] == "unverified"
    assert status[w["f"].pk]["exemption"] == "fail"
    assert data["rows"][0]["id"] == w["a"].pk  # the only eligible person ranks first
    assert all(len(r["checks"]) == 6 and all(c["reason"] for c in r["checks"]) for r in data["rows"])


def test_decision_updates_register_planning_and_vacancies(users, commune, other_commune, world):
    a, pha = world["a"], world["pha"]
    assert _line(pha, other_commune, "ubnd")[:2] == (3, 0)  # staff, open
    d = services.decision_record(actor=pha, commune_code=commune.code, position_code="ct_ubnd", person_id=a.pk, number="125/QĐ-UBND",
                                 decided_on=D(2026, 11, 20), effective_on=D(2026, 12, 1))
    assert d.status == Decision.Status.APPLIED and d.from_position_code == "pct_ubnd" and d.from_commune_code == other_commune.code
    a.refresh_from_db()
    assert (a.position_code, a.commune_code) == ("ct_ubnd", commune.code)
    rows = list(PositionHolding.objects.filter(person=a).order_by("started_on").values_list("position_code", "started_on", "ended_on", "decision"))
    assert rows[-2][:3] == ("pct_ubnd", D(2020, 1, 1), D(2026, 11, 30))
    assert rows[-1][:3] == ("ct_ubnd", D(2026, 12, 1), None) and "125/QĐ-UBND" in rows[-1][3]
    cand = Candidate.objects.get(person=a, planning_list__position_code="ct_ubnd")
    assert cand.status == "removed" and "bổ nhiệm" in cand.removal_reason and cand.removed_on == D(2026, 12, 1)
    assert _post(pha, commune, "ct_ubnd") is None
    assert _line(pha, other_commune, "ubnd")[:2] == (2, 1)  # the post the person left is vacant
    assert AuditLog.objects.filter(verb="assignments.decision_record").exists()
    assert AuditLog.objects.filter(verb="assignments.decision_apply").exists()
    assert AuditLog.objects.filter(verb="workforce.position_change").exists()
    assert AuditLog.objects.filter(verb="planning.close_on_appointment").exists()
    # The post is filled: nobody else can be appointed to it, and the number is not reused.
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=pha, commune_code=commune.code, position_code="ct_ubnd", person_id=world["d"].pk, number="126/QĐ-UBND",
                                 decided_on=D(2026, 12, 1), effective_on=D(2026, 12, 2))
    assert exc.value.code in ("no-vacancy", "not-eligible")
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=pha, commune_code=other_commune.code, position_code="pct_ubnd", person_id=world["d"].pk,
                                 number="125/QĐ-UBND", decided_on=D(2026, 12, 1), effective_on=D(2026, 12, 2))
    assert exc.value.code == "number-taken"


def test_refusal_names_every_failed_rule_and_changes_nothing(users, commune, world):
    pha = world["pha"]
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=pha, commune_code=commune.code, position_code="ct_ubnd", person_id=world["b"].pk, number="7/QĐ",
                                 decided_on=D(2026, 11, 20), effective_on=D(2026, 12, 1))
    assert exc.value.code == "not-eligible" and "người địa phương" in exc.value.message
    assert [c["code"] for c in exc.value.details["checks"]] == ["nonlocal"]
    assert not Decision.objects.exists()
    world["b"].refresh_from_db()
    assert world["b"].position_code == "pct_ubnd"
    for kwargs, code in (({"number": " "}, "number-required"), ({"decided_on": D(2026, 12, 3)}, "invalid-date"),
                         ({"effective_on": D(2026, 11, 1)}, "invalid-date"), ({"position_code": "xyz"}, "position-unknown")):
        args = {"actor": pha, "commune_code": commune.code, "position_code": "ct_ubnd", "person_id": world["a"].pk, "number": "8/QĐ",
                "decided_on": D(2026, 11, 20), "effective_on": D(2026, 12, 1), **kwargs}
        with pytest.raises(ApplicationError) as exc:
            services.decision_record(**args)
        assert exc.value.code == code
    assert not Decision.objects.exists()


def test_future_decision_waits_for_its_day(users, commune, world):
    pha, a = world["pha"], world["a"]
    d = services.decision_record(actor=pha, commune_code=commune.code, position_code="ct_ubnd", person_id=a.pk, number="130/QĐ-UBND",
                                 decided_on=D(2026, 12, 1), effective_on=D(2027, 1, 1))
    assert d.status == Decision.Status.PENDING
    post = _post(pha, commune, "ct_ubnd")
    assert post["count"] == 0 and post["pending"][0]["number"] == "130/QĐ-UBND"
    assert services.apply_due(on=D(2026, 12, 31)) == {"applied": 0, "failed": 0}
    with time_machine.travel(D(2027, 1, 1), tick=False):
        assert services.apply_due(on=D(2027, 1, 1)) == {"applied": 1, "failed": 0}
    a.refresh_from_db()
    assert a.position_code == "ct_ubnd"


def test_a_decision_not_yet_applied_holds_its_post_after_its_effective_date_too(users, commune, world):
    """A decision effective on 1/1/2027 holds the chairman's post until the daily job applies it; asked for a later day
    (a second decision effective on 1/2/2027), the vacancies counted neither the decision (not "not yet in force" on that
    day) nor its person (not in the register yet), so the one post was given twice and both decisions were applied."""
    pha, a, d = world["pha"], world["a"], world["d"]
    services.decision_record(actor=pha, commune_code=commune.code, position_code="ct_ubnd", person_id=a.pk, number="130/QĐ-UBND",
                             decided_on=D(2026, 12, 1), effective_on=D(2027, 1, 1))
    later = selectors.vacancies(fetched_by=pha, commune=commune.code, on=D(2027, 2, 1))["communes"][0]
    post = next(p for p in later["posts"] if p["position_code"] == "ct_ubnd")
    assert post["count"] == 0 and post["pending"][0]["number"] == "130/QĐ-UBND"
    plan(pha, commune, d, "ct_hdnd")
    with pytest.raises(ApplicationError) as exc:
        services.decision_record(actor=pha, commune_code=commune.code, position_code="ct_ubnd", person_id=d.pk, number="131/QĐ-UBND",
                                 decided_on=D(2026, 12, 2), effective_on=D(2027, 2, 1))
    assert exc.value.code == "no-vacancy"
    assert Decision.objects.count() == 1
    with time_machine.travel(D(2027, 1, 1), tick=False):
        assert services.apply_due(on=D(2027, 1, 1)) == {"applied": 1, "failed": 0}
        assert _post(pha, commune, "ct_ubnd") is None  # held by its appointee from the register now


def test_scoping(users, commune, other_commune, world):
    leader2 = users["other_leader"]
    assert [c["code"] for c in selectors.vacancies(fetched_by=leader2)["communes"]] == [other_commune.code]
    with pytest.raises(ApplicationError):
        selectors.candidates(fetched_by=leader2, commune_code=commune.code, position_code="ct_ubnd")
    with pytest.raises(ApplicationError):
        services.decision_record(actor=leader2, commune_code=commune.code, position_code="ct_ubnd", person_id=world["a"].pk, number="1/QĐ",
                                 decided_on=D(2026, 11, 20), effective_on=D(2026, 12, 1))
    # A commune leader ranks only the commune's own people.
    rows = selectors.candidates(fetched_by=users["leader"], commune_code=commune.code, position_code="ct_ubnd")["rows"]
    assert {r["id"] for r in rows} == {world["b"].pk, world["c"].pk}


def test_exemption_and_origin_services(users, commune, world):
    pha = world["pha"]
    e = services.exemption_add(actor=pha, person_id=world["d"].pk, reason="study", valid_from=D(2026, 9, 1), valid_to=D(2027, 9, 1))
    assert e.pk and AuditLog.objects.filter(verb="assignments.exemption_add").exists()
    with pytest.raises(ApplicationError) as exc:
        services.exemption_add(actor=pha, person_id=world["d"].pk, reason="holiday", valid_from=D(2026, 9, 1))
    assert exc.value.code == "invalid-reason"
    with pytest.raises(ApplicationError) as exc:
        services.exemption_add(actor=pha, person_id=world["d"].pk, reason="study", valid_from=D(2026, 9, 1), valid_to=D(2026, 8, 1))
    assert exc.value.code == "invalid-date"
    o = services.origin_set(actor=pha, person_id=world["d"].pk, birth_commune_code=commune.code, other_years={commune.code: 3})
    assert o.birth_commune_code == commune.code
    o = services.origin_set(actor=pha, person_id=world["d"].pk, birth_commune_code="")
    assert o.birth_commune_code == "" and Origin.objects.filter(person=world["d"]).count() == 1
    with pytest.raises(ApplicationError) as exc:
        services.origin_set(actor=pha, person_id=world["d"].pk, other_years={"abc": 3})
    assert exc.value.code == "invalid-years"


def test_match_several_vacancies_exactly(users, commune, other_commune, world):
    pha = world["pha"]
    # Two civil-servant posts of the office: any cv_vp with 2 years fits; the exact answer fills both.
    for k in range(3):
        person(other_commune, full_name=f"Công Chức {k}", position="cv_vp", since=D(2019 + k, 1, 1))
    post = _post(pha, commune, "cv_vp")
    data = selectors.match(fetched_by=pha, keys=[f"{commune.code}:ct_ubnd", post["key"]])
    assert data["exact"]["filled"] >= data["greedy"]["filled"]
    ct = next(p for p in data["posts"] if p["position_code"] == "ct_ubnd")
    assert ct["chosen"]["id"] == world["a"].pk and ct["ranked"][0]["id"] == world["a"].pk
    chosen = [p["chosen"]["id"] for p in data["posts"] if p["chosen"]]
    assert len(chosen) == len(set(chosen)) == data["exact"]["filled"]
    with pytest.raises(ApplicationError) as exc:
        selectors.match(fetched_by=pha, keys=[])
    assert exc.value.code == "nothing-selected"


def test_rotation_due_and_q1_draft_plan(users, commune, other_commune, world):
    pha = world["pha"]
    x = person(commune, full_name="Kế Toán Một", position="cv_kinh_te", since=D(2025, 7, 1), history=[("tc_kt", D(2020, 1, 1), D(2025, 6, 30))])
    y = person(other_commune, full_name="Kế Toán Hai", position="cv_kinh_te", since=D(2021, 3, 1))
    z = person(other_commune, full_name="Kế Toán Ba", position="cv_kinh_te", since=D(2025, 1, 1))
    old = person(commune, full_name="Kế Toán Già", position="cv_kinh_te", since=D(2015, 1, 1), birth_date=D(1966, 1, 1))
    data = selectors.rotation(fetched_by=pha, year=2027)
    people = {p["id"]: p for p in data["people"]}
    assert people[y.pk]["status"] == "due" and people[z.pk]["status"] == "may"
    assert people[x.pk]["status"] == "due" and people[x.pk]["started_on"] == D(2020, 1, 1)  # the Decree 33 title and the job position are one assignment
    assert people[old.pk]["blocked"]  # within 18 months of retirement (Decree 59/2019 Art. 39)
    assert data["plan_day"] == D(2027, 3, 31)
    finance = next(s for s in data["sectors"] if s["code"] == "finance")
    assert (finance["min_months"], finance["max_months"]) == (24, 60)
    planned = {p["id"]: p for p in data["plan"]}
    joint = {p["id"] for p in data["joint"]}
    assert planned[x.pk]["to_commune_code"] == other_commune.code and planned[y.pk]["to_commune_code"] == commune.code
    assert old.pk not in planned and old.pk not in joint and z.pk not in planned


def test_standards_rule_follows_the_province_standard_from_its_date(users, commune, world):
    from coso.rules.testing import set_rule

    set_rule("workforce.standards.kind.cadre", {"general_education": "thpt", "degree_level": "dai_hoc", "political_theory": "cao_cap"},
             valid_from=D(2027, 1, 1), province_code="79")
    pha, a = world["pha"], world["a"]

    def standards(on):
        rows = selectors.candidates(fetched_by=pha, commune_code=commune.code, position_code="ct_ubnd", on=on)["rows"]
        return next(c for r in rows if r["id"] == a.pk for c in r["checks"] if c["code"] == "standards")

    assert standards(D(2026, 12, 31))["status"] == "pass"
    after = standards(D(2027, 1, 1))
    assert after["status"] == "fail" and "lý luận chính trị" in after["reason"].lower()


def test_years_in_a_commune_merged_in_later_count_as_local(users, commune, world):
    """The locality of a commune is its own code and every old commune it took over, each while in force: the 1/7/2025
    reorganisation and a later merger the province made (the old commune "00900", merged into "00901" on 1/7/2025, itself
    merged into the commune on 1/4/2026)."""
    from coso.units.models import AdministrativeUnit, UnitSuccession

    def unit(code, start, end):  # type: ignore[no-untyped-def]
        return AdministrativeUnit.all_objects.create(code=code, name=f"Xã {code}", name_folded=f"xa {code}", level="commune", kind="xa",
                                                     parent=commune.parent, province_code=commune.province_code, valid_from=start, valid_to=end)

    old, middle = unit("00900", None, D(2025, 7, 1)), unit("00901", D(2025, 7, 1), D(2026, 4, 1))
    UnitSuccession.objects.create(predecessor=old, successor=middle, kind="merge", effective_on=D(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=middle, successor=commune, kind="merge", effective_on=D(2026, 4, 1))
    a = world["a"]  # born elsewhere, working in other_commune since 2020: not local
    pha = users["province_home_affairs"]

    def nonlocal_status():  # type: ignore[no-untyped-def]
        rows = {r["id"]: r for r in selectors.candidates(fetched_by=pha, commune_code=commune.code, position_code="ct_ubnd")["rows"]}
        return {c["code"]: c["status"] for c in rows[a.pk]["checks"]}["nonlocal"]

    assert nonlocal_status() == "pass"
    for code, start, end in (("00900", D(2000, 1, 1), D(2025, 6, 30)), ("00901", D(2025, 7, 1), D(2026, 3, 31))):
        PositionHolding.objects.create(person=a, position_code="cv_vp", office_code="ubnd", started_on=start, ended_on=end,
                                       province_code=commune.province_code, commune_code=code)
    assert nonlocal_status() == "fail"  # 26 years in the locality


def test_rotation_plan_keeps_each_communes_posts(users, commune, other_commune, login):
    """Each due person takes the post another one leaves: two due accountants in one commune and one in another used to
    be sent both to the other commune (and its one to the first), so the first lost a post and the other had two. Only one
    exchange is possible; the second accountant of the first commune is left to the superior's joint plan (Art. 39)."""
    pha = users["province_home_affairs"]
    x1 = person(commune, full_name="Kế Toán Một", position="cv_kinh_te", since=D(2020, 1, 1))
    x2 = person(commune, full_name="Kế Toán Hai", position="cv_kinh_te", since=D(2021, 1, 1))
    y = person(other_commune, full_name="Kế Toán Ba", position="cv_kinh_te", since=D(2021, 3, 1))
    data = selectors.rotation(fetched_by=pha, year=2027)
    assert {p["id"] for p in data["people"] if p["status"] == "due"} == {x1.pk, x2.pk, y.pk}
    moves = {p["id"]: (p["commune_code"], p["to_commune_code"]) for p in data["plan"]}
    leaving = sorted(src for src, _dst in moves.values())
    arriving = sorted(dst for _src, dst in moves.values())
    assert leaving == arriving  # every commune receives as many as it sends
    assert moves == {x1.pk: (commune.code, other_commune.code), y.pk: (other_commune.code, commune.code)}  # the longest in post first
    assert [p["id"] for p in data["joint"]] == [x2.pk]
    page = login(pha).get("/bo-tri/luan-chuyen/?year=2027")
    assert page.status_code == 200 and "không còn người cùng vị trí ở xã khác" in page.text and "Kế Toán Hai" in page.text


def test_rotation_counts_the_months_served_on_the_day_of_the_move(users, commune, other_commune):
    """The draft plan moves the due people on the plan's day (the end of the quarter the rule book names: 31/3 for the
    plan of Thông tư 27/2024/TT-BTC), but the months served were counted to 31 December, so an accountant with 59 months
    on 31/3 (60 reached in April) was moved as due before serving the interval. Both now use the plan's day: 60 months on
    31/3/2027 is due and moves, 59 is only past the minimum and stays."""
    pha = users["province_home_affairs"]
    on_time = person(commune, full_name="Đủ Sáu Mươi", position="cv_kinh_te", since=D(2022, 3, 31))
    short = person(commune, full_name="Thiếu Một Tháng", position="cv_kinh_te", since=D(2022, 4, 1))
    partner = person(other_commune, full_name="Người Đổi", position="cv_kinh_te", since=D(2020, 1, 1))
    data = selectors.rotation(fetched_by=pha, year=2027)
    assert data["plan_day"] == D(2027, 3, 31)
    people = {p["id"]: p for p in data["people"]}
    assert people[on_time.pk]["months_on_plan_day"] == 60 and people[on_time.pk]["status"] == "due"
    assert people[short.pk]["months_on_plan_day"] == 59 and people[short.pk]["status"] == "may"
    planned = {p["id"] for p in data["plan"]}
    assert planned == {on_time.pk, partner.pk} and all(p["on"] == D(2027, 3, 31) for p in data["plan"])
