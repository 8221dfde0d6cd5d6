"""Each assignment rule with dated cases: the day before and the day a value applies, and the boundary of each number."""

import pytest

from coso.assignments import checks
from coso.assignments.tests.helpers import D
from coso.rules.testing import set_rule

pytestmark = pytest.mark.django_db


def R(on, province="79"):
    return checks.AssignRules(on, province)


def test_months_between_and_add_months():
    assert checks.months_between(D(2024, 1, 31), D(2024, 2, 29)) == 0
    assert checks.months_between(D(2024, 1, 31), D(2024, 3, 1)) == 1
    assert checks.months_between(D(2025, 3, 1), D(2024, 3, 1)) == -12
    assert checks.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert checks.add_months(D(2024, 6, 17), 60) == D(2029, 6, 17)


def test_retirement_18_months_boundary():
    r = R(D(2026, 6, 1))
    assert r.min_months_to_retirement == 18 and "Nghị định 59/2019" in r.src_retirement[0] and r.src_retirement[1] == "C-3p"
    assert checks.check_retirement(retirement_date=D(2027, 12, 1), on=D(2026, 6, 1), r=r)["status"] == checks.PASS  # exactly 18
    fail = checks.check_retirement(retirement_date=D(2027, 11, 30), on=D(2026, 6, 1), r=r)
    assert fail["status"] == checks.FAIL and "còn 17 tháng" in fail["reason"]
    # Before Decree 59/2019 took effect (15/8/2019) there is no value: the rule is shown as not applicable, never a crash.
    assert checks.check_retirement(retirement_date=D(2020, 1, 1), on=D(2019, 8, 14), r=R(D(2019, 8, 14)))["status"] == checks.NA


def test_time_in_post_two_years_qd80_then_qd377():
    before, after = R(D(2025, 10, 7)), R(D(2025, 10, 8))
    assert "Quy định 80" in before.src_in_post[0] and before.src_in_post[1] == "C"
    assert "Quy định 377" in after.src_in_post[0] and after.src_in_post[1] == "I"
    on = D(2025, 10, 8)
    assert checks.check_time_in_post(started_on=D(2023, 10, 8), on=on, held_name="x", r=after)["status"] == checks.PASS
    assert checks.check_time_in_post(started_on=D(2023, 10, 9), on=on, held_name="x", r=after)["status"] == checks.FAIL
    assert checks.check_time_in_post(started_on=None, on=on, held_name="x", r=after)["status"] == checks.UNVERIFIED
    assert R(D(2022, 8, 17)).min_months_in_post is None and R(D(2022, 8, 18)).min_months_in_post == 24


def test_time_in_post_counts_an_equivalent_post_before_the_merger():
    ranks = {"cvp": 60, "ct_ubnd": 90, "pct_ubnd": 80}
    hist = [{"position_code": "tc_kt", "started_on": D(2018, 1, 1), "ended_on": D(2025, 6, 30)},
            {"position_code": "cv_kinh_te", "started_on": D(2025, 7, 1), "ended_on": None}]
    assert checks.equivalent_since(hist, on=D(2026, 1, 1), ranks=ranks, fallback=None) == D(2018, 1, 1)
    promoted = [{"position_code": "vp_tk", "started_on": D(2018, 1, 1), "ended_on": D(2025, 6, 30)},
                {"position_code": "cvp", "started_on": D(2025, 7, 1), "ended_on": None}]
    assert checks.equivalent_since(promoted, on=D(2026, 1, 1), ranks=ranks, fallback=None) == D(2025, 7, 1)
    gap = [{"position_code": "pct_ubnd", "started_on": D(2015, 1, 1), "ended_on": D(2020, 1, 1)},
           {"position_code": "pct_ubnd", "started_on": D(2021, 1, 1), "ended_on": None}]
    assert checks.equivalent_since(gap, on=D(2026, 1, 1), ranks=ranks, fallback=None) == D(2021, 1, 1)


def test_exemption_art38_periods():
    ex = [{"reason": "child", "reason_label": "Đang nuôi con dưới 36 tháng tuổi", "valid_from": D(2026, 1, 1), "valid_to": D(2026, 12, 31)}]
    assert checks.check_exemption(ex, on=D(2025, 12, 31))["status"] == checks.PASS
    hit = checks.check_exemption(ex, on=D(2026, 1, 1))
    assert hit["status"] == checks.FAIL and "31/12/2026" in hit["reason"] and "Điều 38" in hit["source"]
    assert checks.check_exemption(ex, on=D(2026, 12, 31))["status"] == checks.FAIL
    assert checks.check_exemption(ex, on=D(2027, 1, 1))["status"] == checks.PASS


def test_local_person_definition_is_provincial_and_dated(province):
    on = D(2026, 6, 1)
    hist = [{"commune_code": "26734", "started_on": D(2008, 1, 1), "ended_on": None}]  # 18.4 years in the commune
    fam = {"26734"}
    local, _why = checks.local_status(family=fam, birth_commune="11111", other_years={}, history=hist, on=on, r=R(on))
    assert local is False
    local, _why = checks.local_status(family=fam, birth_commune="11111", other_years={"26734": 2}, history=hist, on=on, r=R(on))
    assert local is True  # 20.4 years with the years recorded outside the register
    assert checks.local_status(family=fam, birth_commune="26734", other_years={}, history=[], on=on, r=R(on))[0] is True
    assert checks.local_status(family=fam, birth_commune=None, other_years={}, history=[], on=on, r=R(on))[0] is None
    # The province sets its own definition from 1/7/2026: 15 years, birthplace alone does not count.
    set_rule("assignments.nonlocal.local_person", {"born_there": False, "min_years": 15}, valid_from=D(2026, 7, 1), province_code="79")
    day_before, day_of = D(2026, 6, 30), D(2026, 7, 1)
    assert checks.local_status(family=fam, birth_commune="11111", other_years={}, history=hist, on=day_before, r=R(day_before))[0] is False
    assert checks.local_status(family=fam, birth_commune="11111", other_years={}, history=hist, on=day_of, r=R(day_of))[0] is True
    assert checks.local_status(family=fam, birth_commune="26734", other_years={}, history=[], on=day_of, r=R(day_of))[0] is False


def test_nonlocal_applies_to_secretary_chair_and_inspection_head_from_ct45():
    r = R(D(2026, 1, 1))
    assert r.nonlocal_positions == {"bi_thu", "ct_ubnd", "chu_nhiem_ubkt"}
    assert checks.check_nonlocal(target="ct_ubnd", target_name="Chủ tịch UBND", local=True, reason="Sinh ra tại địa phương.", r=r)["status"] == checks.FAIL
    assert checks.check_nonlocal(target="ct_ubnd", target_name="Chủ tịch UBND", local=False, reason="", r=r)["status"] == checks.PASS
    assert checks.check_nonlocal(target="ct_ubnd", target_name="Chủ tịch UBND", local=None, reason="", r=r)["status"] == checks.UNVERIFIED
    assert checks.check_nonlocal(target="pct_ubnd", target_name="Phó Chủ tịch UBND", local=True, reason="", r=r)["status"] == checks.NA
    assert R(D(2025, 4, 13)).nonlocal_positions == set() and R(D(2025, 4, 14)).nonlocal_positions


def test_planning_rule_exact_equivalent_or_none():
    ranks = {"bi_thu": 100, "ct_ubnd": 90, "ct_hdnd": 90, "pct_ubnd": 80}
    e = {"position_code": "ct_hdnd", "rank": 90, "commune_code": "26737", "term": "2025-2030", "decision": "QĐ 1"}
    assert checks.check_planning(target="ct_ubnd", target_commune="26734", entries=[e], ranks=ranks, target_name="CT")["status"] == checks.PASS
    low = {**e, "position_code": "pct_ubnd", "rank": 80}
    assert checks.check_planning(target="ct_ubnd", target_commune="26734", entries=[low], ranks=ranks, target_name="CT")["status"] == checks.FAIL
    assert checks.check_planning(target="cv_vp", target_commune="26734", entries=[], ranks=ranks, target_name="CV")["status"] == checks.NA


def test_rotation_sectors_dated():
    assert "finance" not in R(D(2024, 6, 16)).sectors and R(D(2024, 6, 17)).sectors["finance"]["max_months"] == 60
    assert R(D(2023, 10, 6)).sector_of("tp_ht") is None
    code, sector = R(D(2023, 10, 7)).sector_of("tp_ht")
    assert code == "justice" and sector["min_months"] == sector["max_months"] == 60
    assert R(D(2026, 1, 1)).plan_quarter == 1


# "26734" in force from 1/7/2025, formed from the old commune "00100" (in force until 30/6/2025).
WINDOWS_2025: list[tuple[str, D | None, D | None]] = [("26734", D(2025, 7, 1), None), ("00100", None, D(2025, 7, 1))]


def test_local_years_count_old_communes_before_the_merger_only(province):
    on = D(2026, 6, 1)
    r = R(on)
    # Old commune "00100" became part of the current commune "26734" on 1/7/2025; the code "00100" is reused afterwards
    # by another new commune: days there after the merger are not in the locality.
    hist = [{"commune_code": "00100", "started_on": D(2000, 1, 1), "ended_on": None}]
    local, why = checks.local_status(family={"26734"}, windows=WINDOWS_2025, birth_commune="55555", other_years={},
                                     history=hist, on=on, r=r)
    assert local is True and "25.5" in why  # 1/1/2000 – 30/6/2025
    hist = [{"commune_code": "00100", "started_on": D(2010, 1, 1), "ended_on": None}]
    local, why = checks.local_status(family={"26734"}, windows=WINDOWS_2025, birth_commune="55555", other_years={},
                                     history=hist, on=on, r=r)
    assert local is False and "15.5" in why
    hist = [{"commune_code": "00100", "started_on": D(2005, 1, 1), "ended_on": D(2025, 6, 30)},
            {"commune_code": "26734", "started_on": D(2025, 7, 1), "ended_on": None}]
    assert checks.local_status(family={"26734"}, windows=WINDOWS_2025, birth_commune="55555", other_years={},
                               history=hist, on=on, r=r)[0] is True  # 20.5 + 0.9 years
    assert checks.local_status(family={"26734"}, windows=WINDOWS_2025, birth_commune="00100", other_years={},
                               history=[], on=on, r=r)[0] is True  # born in the old commune
