"""Money figures checked against hand-computed values from the rules (Decree 33/2023/NĐ-CP Art. 33–34, the base-salary decrees, Decision 68/2010/QĐ-TTg)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from coso.funding.engine import Period, annual_share, segments
from coso.funding.rules import RuleBook
from coso.funding.selectors import allocation_compute
from coso.funding.services import organisations_ensure

pytestmark = pytest.mark.django_db


def lines_of(alloc, item=None, recipient_id=None):  # type: ignore[no-untyped-def]
    out = [ln for c in alloc.communes for ln in c.lines]
    if item:
        out = [ln for ln in out if ln.item == item]
    if recipient_id is not None:
        out = [ln for ln in out if ln.recipient_id == recipient_id]
    return out


def test_defaults_loaded_by_data_migration():
    book = RuleBook.load("79")
    assert book.value("salary.base", dt.date(2019, 7, 1)) == 1_490_000
    assert book.value("salary.base", dt.date(2023, 7, 1)) == 1_800_000
    assert book.value("salary.base", dt.date(2025, 3, 1)) == 2_340_000
    assert book.value("funding.commune_pt.coef.I", dt.date(2026, 5, 1)) == Decimal("21.0")
    assert book.get("funding.commune_pt.coef.I", dt.date(2026, 6, 1)) is None
    assert book.get("funding.village.coef.high", dt.date(2025, 1, 1)).confidence == "C"
    assert "33/2023" in book.get("funding.village.coef.high", dt.date(2025, 1, 1)).source


def test_thon_400_households_2025_month(old_commune, make_village):
    v = make_village(old_commune, "Thôn 1", 400)
    alloc = allocation_compute(province_code="79", period=Period.parse("2025-03"))
    (ln,) = lines_of(alloc, "village_fund", v.pk)
    assert ln.amount == 14_040_000  # 6.0 × 2,340,000
    assert ln.formula == "6,0 × 2.340.000 đ × 1 tháng"
    assert {r.key for r in ln.rule_list()} >= {"funding.village.coef.high", "salary.base"}


def test_thon_under_threshold_and_tdp_thresholds(old_commune, make_village):
    small = make_village(old_commune, "Thôn 2", 349)
    tdp_400 = make_village(old_commune, "Tổ 1", 400, kind="to_dan_pho")
    tdp_500 = make_village(old_commune, "Tổ 2", 500, kind="to_dan_pho")
    converted = make_village(old_commune, "Tổ 3", 360, kind="to_dan_pho", converted_from_thon=True)
    alloc = allocation_compute(province_code="79", period=Period.parse("2025"))
    assert lines_of(alloc, "village_fund", small.pk)[0].amount == 10_530_000 * 12  # 4.5 × 2,340,000 × 12
    assert lines_of(alloc, "village_fund", tdp_400.pk)[0].amount == 10_530_000 * 12
    assert lines_of(alloc, "village_fund", tdp_500.pk)[0].amount == 14_040_000 * 12
    assert lines_of(alloc, "village_fund", converted.pk)[0].amount == 14_040_000 * 12


def test_border_commune_gets_high_level(old_commune, make_village):
    old_commune.is_border_or_island = True
    old_commune.save()
    v = make_village(old_commune, "Thôn 3", 100)
    alloc = allocation_compute(province_code="79", period=Period.parse("2025-01"))
    assert lines_of(alloc, "village_fund", v.pk)[0].amount == 14_040_000


def test_year_2024_prorates_base_salary(old_commune, make_village):
    v = make_village(old_commune, "Thôn 4", 400)
    alloc = allocation_compute(province_code="79", period=Period.parse("2024"))
    (ln,) = lines_of(alloc, "village_fund", v.pk)
    assert ln.amount == 6 * 6 * 1_800_000 + 6 * 6 * 2_340_000  # 64,800,000 + 84,240,000
    assert ln.amount == 149_040_000
    assert ln.formula == "6,0 × 1.800.000 đ × 6 tháng + 6,0 × 2.340.000 đ × 6 tháng"


def test_commune_pt_fund_ends_after_may_2026(old_commune):
    alloc = allocation_compute(province_code="79", period=Period.parse("2026"))
    (ln,) = lines_of(alloc, "commune_pt")
    assert ln.amount == 21 * 2_340_000 * 5  # Jan–May only
    assert ln.months == 5
    assert not lines_of(allocation_compute(province_code="79", period=Period.parse("2026-06")), "commune_pt")


def test_commune_pt_extra_workers_and_classification(old_commune, users):
    from coso.funding.services import commune_profile_set

    old_commune.classification = "III"
    old_commune.save()
    with time_machine.travel(dt.datetime(2024, 12, 20, 9, tzinfo=dt.UTC), tick=False):  # set before 2025, from that day
        commune_profile_set(actor=users["province_finance"], commune=old_commune, extra_pt_workers=2)
    alloc = allocation_compute(province_code="79", period=Period.parse("2025-Q1"))
    (ln,) = lines_of(alloc, "commune_pt")
    assert ln.amount == (15 * 2_340_000 + 2 * 3_510_000) * 3  # (15.0 + 2 × 1.5) × 2,340,000 × 3
    assert ln.formula == "(15,0 + 2 × 1,5) × 2.340.000 đ × 3 tháng"


def test_front_and_organisations(old_commune, make_village):
    organisations_ensure(actor=None, commune=old_commune, associations=["nguoi_cao_tuoi"])
    make_village(old_commune, "Thôn 5", 900)
    alloc = allocation_compute(province_code="79", period=Period.parse("2025"))
    assert lines_of(alloc, "mttq_campaign")[0].amount == 20_000_000
    ops = {ln.recipient_name.split(" Phường")[0]: ln.amount for ln in lines_of(alloc, "org_operating")}
    assert ops["Ủy ban MTTQ Việt Nam"] == 60_000_000
    assert ops["Đoàn Thanh niên CS Hồ Chí Minh"] == 40_000_000
    assert lines_of(alloc, "association_grant")[0].amount == 10_000_000
    # Ban CTMT: 900 households → 5M + 2 steps (700–899, 900–1099) × 1M = 7M a year.
    (ct,) = lines_of(alloc, "ctmt")
    assert ct.amount == 7_000_000
    assert ct.formula == "(5.000.000 đ + 2 × 1.000.000 đ)/năm × 12/12 tháng"


def test_difficult_area_front(old_commune, make_village):
    old_commune.is_difficult_area = True
    old_commune.save()
    organisations_ensure(actor=None, commune=old_commune)
    make_village(old_commune, "Thôn 6", 300)
    alloc = allocation_compute(province_code="79", period=Period.parse("2025"))
    assert lines_of(alloc, "mttq_campaign")[0].amount == 25_000_000
    assert lines_of(alloc, "ctmt")[0].amount == 6_000_000  # 5M + 1M difficult area


def test_annual_norm_spread_adds_up():
    total = sum(annual_share(Decimal(20_000_000), m, m) for m in range(1, 13))
    assert total == 20_000_000
    assert annual_share(Decimal(20_000_000), 1, 3) == 5_000_000
    assert annual_share(Decimal(20_000_000), 1, 1) == 1_666_667


def test_village_created_mid_year_counts_from_its_month(old_commune, make_village):
    v = make_village(old_commune, "Thôn mới", 400, valid_from=dt.date(2025, 7, 1))
    alloc = allocation_compute(province_code="79", period=Period.parse("2025"))
    assert lines_of(alloc, "village_fund", v.pk)[0].amount == 14_040_000 * 6


def test_segments_split_on_rule_change():
    book = RuleBook.load("79")
    segs = segments(Period.parse("2024"), book.boundaries(("salary.base",)))
    assert [len(s) for s in segs] == [6, 6]


def test_period_parse_errors():
    from coso.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        Period.parse("2026-Q5")
    with pytest.raises(ApplicationError):
        Period.parse("abc")
    assert Period.parse("2026-Q2").start == dt.date(2026, 4, 1)


def test_formula_merges_segments_with_the_same_rate(old_commune, make_village):
    """2026 has a rule boundary on 1/6 (end of the commune part-time fund); the village formula stays one term."""
    organisations_ensure(actor=None, commune=old_commune)
    v = make_village(old_commune, "Thôn 7", 400)
    alloc = allocation_compute(province_code="79", period=Period.parse("2026"))
    (ln,) = lines_of(alloc, "village_fund", v.pk)
    assert ln.formula == "6,0 × 2.340.000 đ × 6 tháng + 6,0 × 2.530.000 đ × 6 tháng" and ln.amount == 6 * 6 * (2_340_000 + 2_530_000)
    (camp,) = lines_of(alloc, "mttq_campaign")
    assert camp.formula == "20.000.000 đ/năm × 12/12 tháng" and camp.amount == 20_000_000


def test_rule_display_values():
    book = RuleBook.load("79")
    day = dt.date(2025, 1, 1)
    assert book.get("salary.base", day).display_value == "2.340.000 đ/tháng"
    assert book.get("funding.village.coef.low", day).display_value == "4,5 ×"
    assert book.get("funding.village.threshold.thon", day).display_value == "350 hộ"


def test_base_salary_of_decree_161_from_july_2026(old_commune, make_village):
    """Decree 161/2026: 2,530,000 đ from 1/7/2026; June 2026 still 2,340,000 (Decree 73/2024); a year spans both."""
    book = RuleBook.load("79")
    assert book.value("salary.base", dt.date(2026, 6, 30)) == 2_340_000
    assert book.value("salary.base", dt.date(2026, 7, 1)) == 2_530_000
    assert "161/2026" in book.get("salary.base", dt.date(2026, 7, 1)).source
    assert "73/2024" in book.get("salary.base", dt.date(2026, 6, 30)).source
    assert book.value("salary.base", dt.date(2023, 7, 1)) == 1_800_000
    v = make_village(old_commune, "Thôn 8", 400)
    june = allocation_compute(province_code="79", period=Period.parse("2026-06"))
    july = allocation_compute(province_code="79", period=Period.parse("2026-07"))
    assert lines_of(june, "village_fund", v.pk)[0].amount == 6 * 2_340_000
    assert lines_of(july, "village_fund", v.pk)[0].amount == 6 * 2_530_000
    assert lines_of(july, "village_fund", v.pk)[0].formula == "6,0 × 2.530.000 đ × 1 tháng"
    alloc = allocation_compute(province_code="79", period=Period.parse("2026"))
    (ln,) = lines_of(alloc, "village_fund", v.pk)
    assert ln.amount == 6 * (6 * 2_340_000 + 6 * 2_530_000)
    assert ln.formula == "6,0 × 2.340.000 đ × 6 tháng + 6,0 × 2.530.000 đ × 6 tháng"


def test_decree_185_keeps_the_decree_33_fund_marked_for_verification(old_commune, make_village):
    book = RuleBook.load("01")
    before, on = dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    assert book.value("funding.village.coef.high", before) == book.value("funding.village.coef.high", on) == Decimal("6")
    assert book.value("funding.village.coef.low", on) == Decimal("4.5") and book.value("funding.village.max_positions", on) == 3
    assert book.get("funding.village.coef.high", before).confidence == "C" and "33/2023" in book.get("funding.village.coef.high", before).source
    assert book.get("funding.village.coef.high", on).confidence == "R" and "185/2026" in book.get("funding.village.coef.high", on).source


def test_village_thresholds_come_from_the_rule_book(old_commune, make_village):
    """No household count in code: a province's own threshold moves a thôn between the two levels."""
    from coso.rules.testing import set_rule

    v = make_village(old_commune, "Thôn 9", 300)
    assert lines_of(allocation_compute(province_code="79", period=Period.parse("2027-01")), "village_fund", v.pk)[0].amount == rnd_(Decimal("4.5") * 2_530_000)
    set_rule("funding.village.threshold.thon", 300, valid_from=dt.date(2027, 1, 1), province_code="79")
    assert lines_of(allocation_compute(province_code="79", period=Period.parse("2026-12")), "village_fund", v.pk)[0].amount == rnd_(Decimal("4.5") * 2_530_000)
    assert lines_of(allocation_compute(province_code="79", period=Period.parse("2027-01")), "village_fund", v.pk)[0].amount == 6 * 2_530_000


def rnd_(x: Decimal) -> int:
    from coso.funding.engine import rnd

    return rnd(x)
