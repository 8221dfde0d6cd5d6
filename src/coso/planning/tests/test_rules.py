"""The planning rules as pure functions, with dated cases and the shipped rule values."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coso.planning import rules
from coso.rules.testing import shipped_book

D = dt.date


def wait_on(day):
    return {k: int(v) for k, v in shipped_book().value("planning.discipline.wait_months", day).items()}


def test_wait_table_changes_on_8_october_2025():
    assert wait_on(D(2025, 10, 7)) == {"khien_trach": 12, "canh_cao": 30, "cach_chuc": 60}  # Quy định 80-QĐ/TW
    assert wait_on(D(2025, 10, 8)) == {"khien_trach": 24, "canh_cao": 36, "cach_chuc": 60}  # Quy định 377-QĐ/TW


@pytest.mark.parametrize(("form", "decided", "on", "blocked"), [
    ("khien_trach", D(2024, 6, 1), D(2025, 7, 1), False),   # QĐ 80: 12 months ended 1/6/2025
    ("khien_trach", D(2024, 6, 1), D(2025, 11, 1), True),   # QĐ 377: 24 months, until 1/6/2026
    ("khien_trach", D(2024, 6, 1), D(2026, 6, 1), False),
    ("canh_cao", D(2023, 1, 10), D(2025, 7, 10), False),     # QĐ 80: 30 months ended on 10/7/2025
    ("canh_cao", D(2023, 1, 10), D(2025, 7, 9), True),
    ("canh_cao", D(2023, 6, 10), D(2025, 7, 9), True),       # QĐ 80: until 10/12/2025
    ("canh_cao", D(2023, 1, 10), D(2025, 12, 1), True),      # QĐ 377: 36 months, until 10/1/2026
    ("cach_chuc", D(2021, 3, 1), D(2026, 2, 28), True),      # 60 months under both
    ("cach_chuc", D(2021, 3, 1), D(2026, 3, 1), False),
])
def test_discipline_waits(form, decided, on, blocked):
    issues = rules.discipline_issues([{"form": form, "decided_on": decided, "form_label": form}], on=on, wait=wait_on(on))
    assert bool(issues and issues[0]["severity"] == rules.BLOCK) is blocked


def test_form_without_wait_is_a_warning():
    issues = rules.discipline_issues([{"form": "ha_bac_luong", "decided_on": D(2026, 1, 5), "valid_until": None, "form_label": "Hạ bậc lương"}],
                                     on=D(2026, 6, 1), wait=wait_on(D(2026, 6, 1)))
    assert issues[0]["severity"] == rules.WARN


def test_age_next_term_hard_and_soft():
    start = D(2030, 7, 1)
    too_old = rules.age_issues(retirement=D(2034, 6, 1), on=D(2026, 1, 1), term_start=start, term_months=60, preferred_terms=2,
                               first_appointment_months=60)
    assert too_old[0]["code"] == "age" and too_old[0]["severity"] == rules.BLOCK and "47 tháng" in too_old[0]["text"]
    one_term = rules.age_issues(retirement=D(2037, 2, 1), on=D(2026, 1, 1), term_start=start, term_months=60, preferred_terms=2,
                                first_appointment_months=60)
    assert [i["code"] for i in one_term] == ["age_two_terms"]
    assert rules.age_issues(retirement=D(2055, 1, 1), on=D(2026, 1, 1), term_start=start, term_months=60, preferred_terms=2,
                            first_appointment_months=60) == []
    # exactly one full term is enough
    assert rules.age_issues(retirement=D(2035, 7, 1), on=D(2026, 1, 1), term_start=start, term_months=60, preferred_terms=1,
                            first_appointment_months=60) == []


def test_age_current_term_uses_the_first_appointment_months():
    # Hướng dẫn 06-HD/BTCTW: 60 months from the date of consideration to retirement
    ok = rules.age_issues(retirement=D(2031, 2, 1), on=D(2026, 2, 1), term_start=D(2025, 7, 1), term_months=60, preferred_terms=2,
                          first_appointment_months=60)
    late = rules.age_issues(retirement=D(2031, 1, 31), on=D(2026, 2, 1), term_start=D(2025, 7, 1), term_months=60, preferred_terms=2,
                            first_appointment_months=60)
    assert ok == [] and late[0]["code"] == "age"


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 1, 1)), st.integers(min_value=-200, max_value=200))
def test_months_between_inverts_add_months(day, months):
    assert rules.months_between(day, rules.add_months(day, months)) in (months, months - 1) if day.day > 28 else \
        rules.months_between(day, rules.add_months(day, months)) == months


def test_rank_and_evaluation():
    ranks = {"pct_ubnd": 80, "ct_ubnd": 90}
    assert rules.rank_issues(held="ct_ubnd", target="pct_ubnd", ranks=ranks, held_name="CT", target_name="PCT")[0]["code"] == "not_higher"
    assert rules.rank_issues(held="cv_vp", target="ct_ubnd", ranks=ranks, held_name="CV", target_name="CT") == []
    assert rules.evaluation_issues({2025: "khong_hoan_thanh"}, year=2025, minimum="hoan_thanh")[0]["code"] == "evaluation"
    assert rules.evaluation_issues({2025: "hoan_thanh"}, year=2025, minimum="hoan_thanh") == []
    assert rules.evaluation_issues({}, year=2025, minimum="tot") == []


def test_structure_shares():
    members = [{"birth_date": D(1990, 1, 1), "gender": "female", "is_ethnic_minority": True},
               {"birth_date": D(1975, 1, 1), "gender": "male", "is_ethnic_minority": False},
               {"birth_date": D(1980, 1, 1), "gender": "male", "is_ethnic_minority": False},
               {"birth_date": D(1970, 1, 1), "gender": "female", "is_ethnic_minority": False}]
    s = rules.structure(members, on=D(2030, 7, 1), young_under=40)
    assert (s["young"], s["women"], s["minority"]) == (0, 2, 1)  # born 1990 is 40 on 1/7/2030: not under 40
    assert s["women_share"] == 50.0 and sum(s["tiers"].values()) == 4


def test_science_and_technology_share():
    members = [{"birth_date": D(1990, 1, 1), "gender": "male", "is_ethnic_minority": False, "degree_field": "cntt", "degree_level": "dai_hoc"},
               {"birth_date": D(1985, 1, 1), "gender": "male", "is_ethnic_minority": False, "degree_field": "luat", "degree_level": "dai_hoc"},
               {"birth_date": D(1985, 1, 1), "gender": "male", "is_ethnic_minority": False, "degree_field": "xay_dung", "degree_level": "none"}]
    fields = shipped_book().value("planning.structure.science_fields", D(2025, 10, 8))["fields"]
    s = rules.structure(members, on=D(2030, 7, 1), young_under=40, science_fields=fields)
    assert s["science"] == 1 and s["science_share"] == 33.3
    assert shipped_book().value("planning.structure.science_fields", D(2025, 10, 7), default=None) is None  # Quy định 377-QĐ/TW from 8/10/2025
    assert shipped_book().value("planning.structure.science_target", D(2026, 1, 1)) == 0  # no national share: the province sets it
