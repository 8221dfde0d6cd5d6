"""Ho Chi Minh City's own village rules (People's Council resolution of 28/8/2025): each of 3 titles 2.0 × base salary
in a khu phố ≥ 500 / ấp ≥ 350 households, 1.5 × elsewhere, 2.7 × in Côn Đảo; up to 7 people directly taking part 1.0 ×
(1.7 × in Côn Đảo). The engine pays titles × coefficients when a province defines them instead of a lump fund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coso.funding.engine import Period
from coso.funding.rules import RuleBook
from coso.funding.selectors import allocation_compute
from coso.funding.tests.test_engine import lines_of

pytestmark = pytest.mark.django_db
START = dt.date(2025, 9, 8)  # effective date still to confirm (rows marked "I")


@pytest.fixture
def con_dao(province):  # type: ignore[no-untyped-def]
    from conftest import _commune

    c = _commune(province, "26732", "Đặc khu Côn Đảo")
    c.valid_from = dt.date(2025, 7, 1)
    c.save()
    return c


def _titles(alloc, village):  # type: ignore[no-untyped-def]
    return {ln.item: ln.amount for ln in lines_of(alloc, recipient_id=village.pk) if ln.item.startswith("village_title.")}


def test_shipped_rules_day_before_and_day_of(hcmc_rules):
    book = RuleBook.load("79")
    assert book.value("funding.village.titles", START - dt.timedelta(days=1)) == []
    titles = book.value("funding.village.titles", START)
    assert [(t["code"], t["coef_high"], t["coef_low"]) for t in titles] == [
        ("bi_thu", "2.0", "1.5"),
        ("truong", "2.0", "1.5"),
        ("truong_ban_ctmt", "2.0", "1.5"),
    ]
    ref = book.get("funding.village.titles", START)
    assert ref.province_code == "79" and ref.confidence == "I" and "28/8/2025" in ref.source
    assert book.value("funding.village.activist.count", START - dt.timedelta(days=1)) == 1
    assert book.value("funding.village.activist.count", START) == 7
    assert book.value("funding.village.activist.coef", START) == Decimal("1")
    assert [t["coef_high"] for t in book.value("funding.village.titles", START, commune_code="26732")] == ["2.7"] * 3
    assert book.value("funding.village.activist.coef", START, commune_code="26732") == Decimal("1.7")
    # Another province keeps the national lump fund.
    assert RuleBook.load("01").value("funding.village.titles", START) == []


def test_per_title_amounts_in_the_city(hcmc_rules, commune, make_village):
    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    big = make_village(commune, "Khu phố 1", 600, kind="khu_pho")
    small = make_village(commune, "Khu phố 2", 420, kind="khu_pho")
    ap = make_village(commune, "Ấp 3", 350, kind="ap")
    # September 2025 is computed with the rule of its first day: still Decree 33's lump fund.
    sep = allocation_compute(province_code="79", period=Period.parse("2025-09"))
    assert lines_of(sep, "village_fund", big.pk)[0].amount == 6 * 2_340_000 and not _titles(sep, big)
    assert lines_of(sep, "village_activist", big.pk)[0].amount == 2_340_000
    oct_ = allocation_compute(province_code="79", period=Period.parse("2025-10"))
    assert not lines_of(oct_, "village_fund", big.pk)
    assert _titles(oct_, big) == {"village_title.bi_thu": 4_680_000, "village_title.truong": 4_680_000, "village_title.truong_ban_ctmt": 4_680_000}
    assert set(_titles(oct_, small).values()) == {3_510_000}  # khu phố < 500: 1.5 ×
    assert set(_titles(oct_, ap).values()) == {4_680_000}  # ấp ≥ 350: 2.0 ×
    (act,) = lines_of(oct_, "village_activist", big.pk)
    assert act.amount == 7 * 2_340_000 and act.formula == "7 người × 1,0 × 2.340.000 đ × 1 tháng"
    (bi_thu,) = [ln for ln in lines_of(oct_, recipient_id=big.pk) if ln.item == "village_title.bi_thu"]
    assert bi_thu.item_label == "Bí thư chi bộ khu phố, ấp" and bi_thu.formula == "2,0 × 2.340.000 đ × 1 tháng"
    assert any("28/8/2025" in r.source for r in bi_thu.rule_list())
    # From 1/7/2026 the coefficients follow the new base salary.
    jul = allocation_compute(province_code="79", period=Period.parse("2026-07"))
    assert set(_titles(jul, big).values()) == {5_060_000} and set(_titles(jul, small).values()) == {3_795_000}
    year = allocation_compute(province_code="79", period=Period.parse("2026"))
    assert _titles(year, big)["village_title.bi_thu"] == 6 * 4_680_000 + 6 * 5_060_000


def test_con_dao_special_zone(hcmc_rules, con_dao, make_village):
    kdc = make_village(con_dao, "Khu dân cư 1", 200, kind="khu_pho", valid_from=dt.date(2025, 7, 1))
    alloc = allocation_compute(province_code="79", period=Period.parse("2025-10"), commune_codes=["26732"])
    assert set(_titles(alloc, kdc).values()) == {6_318_000}  # 2.7 × 2,340,000
    assert lines_of(alloc, "village_activist", kdc.pk)[0].amount == 7 * 3_978_000  # 1.7 × 2,340,000
    jul = allocation_compute(province_code="79", period=Period.parse("2026-07"), commune_codes=["26732"])
    assert set(_titles(jul, kdc).values()) == {6_831_000}


def test_a_province_sets_its_own_titles_from_the_decree_185_date(commune, make_village):
    """Decree 185/2026 from 1/7/2026: the national default stays Decree 33's fund (marked R); a province may set its own."""
    from coso.rules.testing import set_rule

    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    v = make_village(commune, "Thôn A", 160)
    set_rule(
        "funding.village.titles",
        [{"code": "truong_thon", "label": "Trưởng thôn", "coef_high": "2.5", "coef_low": "2.0"}],
        valid_from=dt.date(2026, 7, 1),
        province_code="79",
    )
    june = allocation_compute(province_code="79", period=Period.parse("2026-06"))
    july = allocation_compute(province_code="79", period=Period.parse("2026-07"))
    assert lines_of(june, "village_fund", v.pk)[0].amount == round(Decimal("4.5") * 2_340_000)
    assert _titles(july, v) == {"village_title.truong_thon": 2 * 2_530_000} and not lines_of(july, "village_fund", v.pk)


def test_titles_table_is_checked_with_a_vietnamese_message(users):
    from coso.core.exceptions import ApplicationError
    from coso.rules.services import rule_change

    with pytest.raises(ApplicationError) as exc:
        rule_change(
            actor=users["province_finance"],
            key="funding.village.titles",
            value=[{"code": "x", "label": "X", "coef_high": "-1", "coef_low": "1"}],
            valid_from=dt.date(2027, 1, 1),
            reason="thử",
            province_code="79",
        )
    assert exc.value.code == "rule-bad-value" and "Hệ số ở thôn, tổ dân phố mức cao" in exc.value.message


def test_village_page_shows_the_titles(hcmc_rules, login, users, commune, make_village):
    commune.valid_from = dt.date(2019, 1, 1)
    commune.save()
    v = make_village(commune, "Khu phố 5", 650, kind="khu_pho")
    c = login(users["finance"])
    body = c.get(f"/funding/villages/{v.pk}/distribution/?month=2026-07").content.decode()
    assert "by-title" in body and "Trưởng Ban công tác Mặt trận khu phố, ấp" in body and "15.180.000 đ" in body  # 3 × 2.0 × 2,530,000
    body = c.get(f"/funding/?period=2026-07&commune={commune.code}&village={v.pk}").content.decode()
    assert "Bí thư chi bộ khu phố, ấp" in body
    # the commune's village table adds the titles up in the village fund column (it used to fail on the missing column)
    r = c.get(f"/funding/?period=2026-07&commune={commune.code}")
    assert r.status_code == 200 and "15.180.000 đ" in r.content.decode()


def test_rule_book_pages_list_the_funding_rules(login, users):
    c = login(users["province_admin"])
    from conftest import verify_session

    verify_session(c, users["province_admin"])
    body = c.get("/quy-dinh/?module=funding").content.decode()
    assert "Quỹ phụ cấp thôn, tổ dân phố mức cao" in body
    body = c.get("/quy-dinh/salary.base/").content.decode()
    assert "161/2026" in body and "73/2024" in body
