"""Every workforce rule with dated cases (retirement, standards, quotas, evaluation regimes)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.workforce import rules

D = dt.date


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
    assert rules.retirement_age(birth, gender) == age_months
    assert rules.retirement_date(birth, gender) == retire_on


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1955, 1, 1), max_value=D(2005, 12, 31)), st.sampled_from(["male", "female"]))
def test_retirement_properties(birth, gender):
    months = rules.retirement_age(birth, gender)
    lo, hi = (60 * 12, 62 * 12) if gender == "male" else (55 * 12, 60 * 12)
    assert lo <= months <= hi
    reached = rules.add_months(birth, months)
    # The age used is the roadmap age of the year in which it is reached.
    if reached.year >= 2021:
        assert months == rules.retirement_age_months(reached.year, gender)
    # Retirement is the first day of the month after the age is reached.
    rd = rules.retirement_date(birth, gender)
    assert rd.day == 1 and rd > reached.replace(day=1)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(1955, 1, 1), max_value=D(2004, 12, 31)), st.integers(min_value=1, max_value=400), st.sampled_from(["male", "female"]))
def test_retirement_is_monotonic(birth, days, gender):
    later = birth + dt.timedelta(days=days)
    assert rules.retirement_date(later, gender) >= rules.retirement_date(birth, gender)


@given(st.integers(min_value=2021, max_value=2040))
def test_roadmap_steps(year):
    assert rules.retirement_age_months(year, "male") == min(60 * 12 + 3 + 3 * (year - 2021), 62 * 12)
    assert rules.retirement_age_months(year, "female") == min(55 * 12 + 4 + 4 * (year - 2021), 60 * 12)


# ---------------------------------------------------------------- standards
BASE = {"birth_date": D(1990, 1, 1), "general_education": "thpt", "degree_level": "dai_hoc", "degree_field": "luat",
        "political_theory": "trung_cap", "state_management": "chuyen_vien", "it": "co_ban", "foreign_language": "bac2"}


def gaps(person, position, kind, on, province="79", difficult=False):
    return [g["standard"] for g in rules.check_standards(person, rules.standard_for(position, kind, on, province, difficult_area=difficult), on)]


def test_no_rule_set_before_decree_33():
    assert rules.standard_for("tp_ht", "civil_servant", D(2023, 7, 31), "79") is None
    assert rules.standard_for("tp_ht", "civil_servant", D(2023, 8, 1), "79")["_rule_set"] == "ND33-2023"


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
    assert gaps(weak, "ct_ubnd", "cadre", D(2024, 5, 1)) == ["political_theory"]  # ND33: [R] cadre standard
    assert gaps(weak, "ct_ubnd", "cadre", D(2026, 1, 1)) == ["political_theory", "state_management"]
    # Post-2025 civil servants need basic IT (marked [R]); before, they did not.
    no_it = {**BASE, "it": "none", "degree_field": "kinh_te"}
    assert gaps(no_it, "cv_kinh_te", "civil_servant", D(2026, 1, 1)) == ["it"]
    assert gaps(no_it, "tc_kt", "civil_servant", D(2025, 6, 30)) == []


def test_province_rule_set_merges_over_national_by_date():
    province_set = {"id": "79-2026", "province": "79", "valid_from": "2026-03-01", "valid_to": None, "source": "test",
                    "defaults": {"civil_servant": {"political_theory": "so_cap"}}, "positions": {}}
    weak = {**BASE, "political_theory": "none", "degree_field": "kinh_te"}
    with rules.override_rule_sets("standards", [province_set]):
        assert gaps(weak, "cv_kinh_te", "civil_servant", D(2026, 2, 28)) == []
        assert gaps(weak, "cv_kinh_te", "civil_servant", D(2026, 3, 1)) == ["political_theory"]
        assert gaps(weak, "cv_kinh_te", "civil_servant", D(2026, 3, 1), province="01") == []
        assert rules.standard_for("cv_kinh_te", "civil_servant", D(2026, 3, 1), "79")["degree_level"] == "dai_hoc"  # national kept


# ---------------------------------------------------------------- quotas
def test_decree33_quota_by_classification():
    rule = rules.quota_rule(D(2024, 1, 1), "79")
    assert rule["id"] == "ND33-2023"
    for kind, cls, n in [("phuong", "I", 23), ("phuong", "II", 21), ("phuong", "III", 19), ("xa", "I", 22), ("xa", "II", 20), ("xa", "III", 18),
                         ("thi_tran", "II", 20)]:
        assert rules.decree33_quota(rule, unit_kind=kind, classification=cls, population=None, area_km2=None)["total"] == n


def test_decree33_quota_population_and_area_addons():
    rule = rules.quota_rule(D(2024, 1, 1), "79")
    # xã standard 8,000 people: +1 per full 4,000 (1/2) exceeded; 30 km²: +1 per full 30 km² exceeded.
    q = rules.decree33_quota(rule, unit_kind="xa", classification="II", population=16_000, area_km2=95)
    assert (q["population"], q["area"], q["total"]) == (2, 2, 24)
    q = rules.decree33_quota(rule, unit_kind="xa", classification="II", population=11_999, area_km2=59.9)
    assert (q["population"], q["area"]) == (0, 0)
    # phường thuộc quận: +1 per full 1/3 of 7,000.
    q = rules.decree33_quota(rule, unit_kind="phuong", classification="I", population=14_000, area_km2=None, phuong_thuoc_quan=True)
    assert q["population"] == 3 and q["total"] == 26
    assert q["part_time_max"] == 14 + 3


def test_post_2025_quota_rule_is_province_assigned():
    rule = rules.quota_rule(D(2025, 7, 1), "79")
    assert rule["kind"] == "assigned" and sum(rule["offices"].values()) == 32
    assert rules.quota_rule(D(2025, 6, 30), "79")["kind"] == "decree33"


# ---------------------------------------------------------------- evaluation
def test_evaluation_regime_by_year():
    assert rules.evaluation_rule(2022)["id"] == "ND90-2020"
    assert rules.evaluation_rule(2023)["id"] == "ND48-2023"
    assert rules.evaluation_rule(2025)["regime"] == "nd90"
    assert rules.evaluation_rule(2026)["regime"] == "nd335"
    assert rules.evaluation_rule(2030)["id"] == "ND335-2025"
    # Elected cadres stay on the Decree 90/48 levels after 2025 ([R] rule set limited to cadres).
    assert rules.evaluation_rule(2026, "cadre")["id"] == "ND48-CADRES-2026"
    assert rules.evaluation_rule(2026, "civil_servant")["id"] == "ND335-2025"
    assert rules.evaluation_rule(2024, "cadre")["id"] == "ND48-2023"


def test_item_points_deductions():
    assert rules.item_points(4, completed=True) == (4, 4)
    assert rules.item_points(4, completed=True, failed_reviews=1) == (3, 4)
    assert rules.item_points(4, completed=True, failed_reviews=1, delays=2) == (1, 4)
    assert rules.item_points(4, completed=True, delays=5) == (0, 4)
    assert rules.item_points(4, completed=False) == (0, 4)
    assert rules.item_points(4, completed=True, delays=2, excused=True) == (4, 4)
    assert rules.item_points(4, completed=False, excused=True) == (0, 0)


@given(st.lists(st.tuples(st.integers(1, 10), st.booleans(), st.integers(0, 5), st.integers(0, 5), st.booleans()), max_size=30))
def test_task_score_bounds(items):
    rule = rules.evaluation_rule(2026)
    data = [{"points": p, "completed": c, "failed_reviews": f, "delays": d, "excused": e} for p, c, f, d, e in items]
    score = rules.task_score(data, rule)
    assert 0 <= score <= 70
    if data and all(i["completed"] and not i["failed_reviews"] and not i["delays"] for i in data):
        assert score == 70


def test_335_thresholds_and_automatic_not_completed():
    rule = rules.evaluation_rule(2026)
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
        rule = rules.evaluation_rule(year)
        assert rules.quota_excess(["tot"] * 10 + ["xuat_sac"] * 2, rule) is None
        excess = rules.quota_excess(["tot"] * 10 + ["xuat_sac"] * 3, rule)
        assert excess == {"excellent": 3, "basis": 10, "allowed": 2, "excess": 1, "ratio": 0.2}
        assert rules.quota_excess(["tot"] * 4 + ["xuat_sac"], rule)["allowed"] == 0
