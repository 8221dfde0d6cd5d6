"""Every workforce rule with dated cases (retirement, standards, quotas, evaluation regimes).

The pure functions take the rule values as arguments; here they get the values shipped in
workforce/data/rules.json (the rule book as shipped, in memory: no database).
"""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.rules.testing import shipped_book
from coso.workforce import rules
from coso.workforce.policy import Policy, evaluation_rule

D = dt.date
BOOK = shipped_book()
ROADMAP = BOOK.value("workforce.retirement.roadmap", D(2026, 1, 1))


# ---------------------------------------------------------------- retirement (Labour Code 2019 Art. 169, Decree 135/2020 Annex I)
@pytest.mark.parametrize(("birth", "gender", "age_months", "retire_on"), [
    (D(1960, 6, 10), "male", 60 * 12, D(2020, 7, 1)),            # before the roadmap: 60
    (D(1961, 1, 15), "male", 60 * 12 + 3, D(2021, 5, 1)),        # 2021: 60y3m (Annex I: 01/1961 → 05/2021)
    (D(1961, 9, 1), "male", 60 * 12 + 3, D(2022, 1, 1)),         # still reaches 60y3m in 2021 (12/2021)
    (D(1961, 10, 1), "male", 60 * 12 + 6, D(2022, 5, 1)),        # reaches in 2022: 60y6m
    (D(1966, 1, 1), "male", 61 * 12 + 9, D(2027, 11, 1)),        # reaches in 2027: 61y9m
    (D(1967, 1, 1), "male", 62 * 12, D(2029, 2, 1)),             # 62 (cap from 2028)
    (D(1990, 7, 4), "male", 62 * 12, D(2052, 8, 1)),
    (D(1965, 12, 31), "female", 55 * 12, D(2021, 1, 1)),         # reached 55 in 12/2020
    (D(1966, 1, 5), "female", 55 * 12 + 4, D(2021, 6, 1)),       # 2021: 55y4m
    (D(1966, 9, 5), "female", 55 * 12 + 8, D(2022, 6, 1)),       # reaches in 2022: 55y8m
    (D(1980, 3, 3), "female", 60 * 12, D(2040, 4, 1)),           # 60 from 2035
])
def test_retirement_roadmap(birth, gender, age_months, retire_on):
    assert rules.retirement_age(birth, gender, ROADMAP) == age_months
    assert rules.retirement_date(birth, gender, ROADMAP) == retire_on


def test_roadmap_before_2021_is_the_labour_code_2012():
    old = BOOK.value("workforce.retirement.roadmap", D(2020, 6, 1))
    assert rules.retirement_age(D(1961, 10, 1), "male", old) == 60 * 12
    assert rules.retirement_age(D(1966, 9, 5), "female", old) == 55 * 12
    assert BOOK.ref("workforce.retirement.roadmap", D(2021, 1, 1)).source_document.startswith("Bộ luật Lao động 2019")


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1955, 1, 1), max_value=D(2005, 12, 31)), st.sampled_from(["male", "female"]))
def test_retirement_properties(birth, gender):
    months = rules.retirement_age(birth, gender, ROADMAP)
    lo, hi = (60 * 12, 62 * 12) if gender == "male" else (55 * 12, 60 * 12)
    assert lo <= months <= hi
    reached = rules.add_months(birth, months)
    # The age used is the roadmap age of the year in which it is reached.
    if reached.year >= 2021:
        assert months == rules.retirement_age_months(reached.year, gender, ROADMAP)
    # Retirement is the first day of the month after the age is reached.
    rd = rules.retirement_date(birth, gender, ROADMAP)
    assert rd.day == 1 and rd > reached.replace(day=1)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(1955, 1, 1), max_value=D(2004, 12, 31)), st.integers(min_value=1, max_value=400), st.sampled_from(["male", "female"]))
def test_retirement_is_monotonic(birth, days, gender):
    later = birth + dt.timedelta(days=days)
    assert rules.retirement_date(later, gender, ROADMAP) >= rules.retirement_date(birth, gender, ROADMAP)


@given(st.integers(min_value=2021, max_value=2040))
def test_roadmap_steps(year):
    assert rules.retirement_age_months(year, "male", ROADMAP) == min(60 * 12 + 3 + 3 * (year - 2021), 62 * 12)
    assert rules.retirement_age_months(year, "female", ROADMAP) == min(55 * 12 + 4 + 4 * (year - 2021), 60 * 12)


# ---------------------------------------------------------------- standards
BASE = {"birth_date": D(1990, 1, 1), "general_education": "thpt", "degree_level": "dai_hoc", "degree_field": "luat",
        "political_theory": "trung_cap", "state_management": "chuyen_vien", "it": "co_ban", "foreign_language": "bac2"}


def standard(position, kind, on, province="79", difficult=False):
    return Policy(on, index=BOOK).standard(position, kind, province, difficult_area=difficult)


def gaps(person, position, kind, on, province="79", difficult=False):
    return [g["standard"] for g in rules.check_standards(person, standard(position, kind, on, province, difficult), on)]


def test_no_rule_set_before_decree_33():
    assert standard("tp_ht", "civil_servant", D(2023, 7, 31)) is None
    assert standard("tp_ht", "civil_servant", D(2023, 8, 1))["_regime"] == "nd33"


def test_decree33_civil_servant_needs_university_in_relevant_field():
    on = D(2024, 5, 1)
    assert gaps(BASE, "tc_kt", "civil_servant", on) == ["degree_field"]
    assert gaps({**BASE, "degree_field": "kinh_te"}, "tc_kt", "civil_servant", on) == []
    assert gaps({**BASE, "degree_level": "cao_dang", "degree_field": "kinh_te"}, "tc_kt", "civil_servant", on) == ["degree_level"]
    assert gaps({**BASE, "general_education": "thcs", "degree_field": "kinh_te"}, "tc_kt", "civil_servant", on) == ["general_education"]
    assert gaps({**BASE, "birth_date": D(2006, 6, 1), "degree_field": "kinh_te"}, "tc_kt", "civil_servant", on) == ["age"]


def test_tu_phap_ho_tich_trung_cap_luat():
    on = D(2024, 5, 1)
    assert gaps({**BASE, "degree_level": "trung_cap", "degree_field": "luat"}, "tp_ht", "civil_servant", on) == []
    assert gaps({**BASE, "degree_level": "trung_cap", "degree_field": "hanh_chinh"}, "tp_ht", "civil_servant", on) == ["degree_field"]
    assert gaps({**BASE, "degree_level": "so_cap"}, "tp_ht", "civil_servant", on) == ["degree_level"]
    # Post-2025 the justice officer in the Office keeps the same rule.
    assert gaps({**BASE, "degree_level": "trung_cap", "degree_field": "luat"}, "cv_tu_phap", "civil_servant", D(2026, 1, 1)) == []


def test_difficult_area_exception_lowers_to_trung_cap():
    person = {**BASE, "degree_level": "trung_cap", "degree_field": "kinh_te"}
    on = D(2024, 5, 1)
    assert gaps(person, "tc_kt", "civil_servant", on) == ["degree_level"]
    assert gaps(person, "tc_kt", "civil_servant", on, difficult=True) == []


def test_cadre_standards_and_post_2025_positions():
    weak = {**BASE, "political_theory": "so_cap", "state_management": "none"}
    assert gaps(weak, "ct_ubnd", "cadre", D(2024, 5, 1)) == ["political_theory"]  # Decree 33 Art. 8(3)
    # Elected cadres keep Decree 33 after 1/7/2025 (until confirmed otherwise); civil servants hold job positions.
    assert gaps(weak, "ct_ubnd", "cadre", D(2026, 1, 1)) == ["political_theory"]
    assert standard("ct_ubnd", "cadre", D(2026, 1, 1))["_regime"] == "nd33"
    assert standard("cv_kinh_te", "civil_servant", D(2026, 1, 1))["_regime"] == "job_position"
    # The job-position floor asks for no separate IT certificate; a leader position asks for political theory (Decree 29/2024).
    no_it = {**BASE, "it": "none", "political_theory": "none", "degree_field": "kinh_te"}
    assert gaps(no_it, "cv_kinh_te", "civil_servant", D(2026, 1, 1)) == []
    assert gaps(no_it, "tp_kinh_te", "civil_servant", D(2026, 1, 1)) == ["political_theory"]
    assert gaps(no_it, "tc_kt", "civil_servant", D(2025, 6, 30)) == []


def test_civil_servant_not_yet_placed_in_a_job_position():
    # A Decree 33 title held after 1/7/2025 is no job position: only the common floor applies, and it says so.
    req = standard("tc_kt", "civil_servant", D(2025, 8, 1))
    assert req["_regime"] == "job_position" and req["_placed"] is False and "degree_fields" not in req
    assert standard("cv_kinh_te", "civil_servant", D(2025, 8, 1))["_placed"] is True


# ---------------------------------------------------------------- quotas
def quota_rule(on, province="79"):
    return Policy(on, index=BOOK).quota(province)


def test_decree33_quota_by_classification():
    rule = quota_rule(D(2024, 1, 1))
    assert rule["id"] == "decree33"
    for kind, cls, n in [("phuong", "I", 23), ("phuong", "II", 21), ("phuong", "III", 19), ("xa", "I", 22), ("xa", "II", 20), ("xa", "III", 18),
                         ("thi_tran", "II", 20)]:
        assert rules.decree33_quota(rule["rule"], rule["standards"], unit_kind=kind, classification=cls, population=None, area_km2=None)["total"] == n


def test_decree33_quota_population_and_area_addons():
    rule = quota_rule(D(2024, 1, 1))
    args = (rule["rule"], rule["standards"])
    # xã standard 8,000 people: +1 per full 4,000 (1/2) exceeded; 30 km²: +1 per full 30 km² exceeded.
    q = rules.decree33_quota(*args, unit_kind="xa", classification="II", population=16_000, area_km2=95)
    assert (q["population"], q["area"], q["total"]) == (2, 2, 24)
    q = rules.decree33_quota(*args, unit_kind="xa", classification="II", population=11_999, area_km2=59.9)
    assert (q["population"], q["area"]) == (0, 0)
    # phường thuộc quận: +1 per full 1/3 of 7,000.
    q = rules.decree33_quota(*args, unit_kind="phuong", classification="I", population=14_000, area_km2=None, phuong_thuoc_quan=True)
    assert q["population"] == 3 and q["total"] == 26
    assert q["part_time_max"] == 14 + 3


def test_post_2025_quota_rule_is_province_assigned():
    rule = quota_rule(D(2025, 7, 1))
    assert rule["kind"] == "assigned" and sum(rule["offices"].values()) == 32
    assert quota_rule(D(2025, 6, 30))["kind"] == "decree33"


# ---------------------------------------------------------------- evaluation
def ev_rule(year, kind=None):
    return evaluation_rule(year, kind, index=BOOK)


def test_evaluation_regime_by_year():
    assert ev_rule(2022)["regime"] == "nd90" and ev_rule(2022)["source"].startswith("Nghị định 90/2020/NĐ-CP")
    assert "48/2023" in ev_rule(2023)["source"]
    assert ev_rule(2025)["regime"] == "nd90"
    assert ev_rule(2026)["regime"] == "nd335"
    assert ev_rule(2030)["id"] == "nd335" and ev_rule(2030)["thresholds"] == {"xuat_sac": 90, "tot": 70, "hoan_thanh": 50}
    # Elected cadres stay on the Decree 90/48 levels after 2025 (marked R in the rule book).
    assert ev_rule(2026, "cadre")["id"] == "nd90"
    assert BOOK.ref("workforce.evaluation.regime.cadre", D(2026, 1, 1)).confidence == "R"
    assert ev_rule(2026, "civil_servant")["id"] == "nd335"
    assert ev_rule(2024, "cadre")["id"] == "nd90"


def test_item_points_deductions():
    p = ev_rule(2026)["penalty_per_event"]
    assert p == 0.25
    assert rules.item_points(4, completed=True, penalty=p) == (4, 4)
    assert rules.item_points(4, completed=True, failed_reviews=1, penalty=p) == (3, 4)
    assert rules.item_points(4, completed=True, failed_reviews=1, delays=2, penalty=p) == (1, 4)
    assert rules.item_points(4, completed=True, delays=5, penalty=p) == (0, 4)
    assert rules.item_points(4, completed=False, penalty=p) == (0, 4)
    assert rules.item_points(4, completed=True, delays=2, excused=True, penalty=p) == (4, 4)
    assert rules.item_points(4, completed=False, excused=True, penalty=p) == (0, 0)


@given(st.lists(st.tuples(st.integers(1, 10), st.booleans(), st.integers(0, 5), st.integers(0, 5), st.booleans()), max_size=30))
def test_task_score_bounds(items):
    rule = ev_rule(2026)
    data = [{"points": p, "completed": c, "failed_reviews": f, "delays": d, "excused": e} for p, c, f, d, e in items]
    score = rules.task_score(data, rule)
    assert 0 <= score <= 70
    if data and all(i["completed"] and not i["failed_reviews"] and not i["delays"] for i in data):
        assert score == 70


def test_335_thresholds_and_automatic_not_completed():
    rule = ev_rule(2026)
    assert rules.classify_335(90, rule) == ("xuat_sac", [])
    assert rules.classify_335(89.99, rule) == ("tot", [])
    assert rules.classify_335(70, rule) == ("tot", [])
    assert rules.classify_335(69.5, rule) == ("hoan_thanh", [])
    assert rules.classify_335(50, rule) == ("hoan_thanh", [])
    assert rules.classify_335(49.99, rule)[0] == "khong_hoan_thanh"
    for flag in ("disciplined", "degradation", "leader_corruption"):
        level, reasons = rules.classify_335(98, rule, **{flag: True})
        assert level == "khong_hoan_thanh" and reasons


def test_excellence_quota():
    for year in (2022, 2024, 2026):
        rule = ev_rule(year)
        assert rules.quota_excess(["tot"] * 10 + ["xuat_sac"] * 2, rule) is None
        excess = rules.quota_excess(["tot"] * 10 + ["xuat_sac"] * 3, rule)
        assert excess == {"excellent": 3, "basis": 10, "allowed": 2, "excess": 1, "ratio": 0.2}
        assert rules.quota_excess(["tot"] * 4 + ["xuat_sac"], rule)["allowed"] == 0
