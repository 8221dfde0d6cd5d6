from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coso.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.compare import compare
from coso.funding.engine import Period
from coso.funding.models import FundDistribution
from coso.funding.rules import RuleBook
from coso.funding.selectors import allocation_compute, commune_inputs
from coso.rules.models import Rule
from coso.units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_village_distribution_within_fund(users, old_commune, make_village):
    v = make_village(old_commune, "Thôn A", 400)
    d = services.village_fund_distribute(actor=users["finance"], village_id=v.pk, month=dt.date(2025, 3, 1))
    assert d.fund == 14_040_000
    assert [ln["amount"] for ln in d.lines] == [4_914_000, 4_914_000, 4_212_000]  # 2.1, 2.1, 1.8 × 2,340,000
    assert d.total == 14_040_000


def test_village_distribution_above_fund_refused(users, old_commune, make_village):
    v = make_village(old_commune, "Thôn B", 200)  # 4.5 × 2,340,000 = 10,530,000
    with pytest.raises(ApplicationError) as exc:
        services.village_fund_distribute(actor=users["finance"], village_id=v.pk, month=dt.date(2025, 3, 1),
                                         coefficients={"bi_thu": "2.0", "truong_thon": "2.0", "truong_ban_ctmt": "1.0"})
    assert exc.value.code == "distribution-exceeds-fund"
    assert exc.value.details["fund"] == 10_530_000
    assert exc.value.details["requested"] == 11_700_000
    assert exc.value.details["excess"] == 1_170_000
    assert "vượt" in exc.value.message
    assert not FundDistribution.objects.exists()


def test_village_distribution_other_commune_is_404(users, old_commune, other_commune, make_village):
    from django.http import Http404

    v = make_village(other_commune, "Thôn C", 200)
    with pytest.raises(Http404):
        services.village_fund_distribute(actor=users["finance"], village_id=v.pk, month=dt.date(2025, 3, 1))


def test_commune_pt_distribution_and_refusal(users, old_commune):
    month = dt.date(2026, 1, 1)
    fund = 21 * 2_340_000
    workers = [{"name": f"Người {i}", "coefficient": "1.5"} for i in range(14)]  # 14 × 3,510,000 = 49,140,000 ≤ 49,140,000
    d = services.commune_pt_fund_distribute(actor=users["finance"], commune_code=old_commune.code, month=month, workers=workers)
    assert d.fund == fund and d.total == 49_140_000
    workers.append({"name": "Người 15", "coefficient": "1.0"})
    with pytest.raises(ApplicationError) as exc:
        services.commune_pt_fund_distribute(actor=users["finance"], commune_code=old_commune.code, month=month, workers=workers)
    assert exc.value.code == "distribution-exceeds-fund" and exc.value.details["excess"] == 2_340_000
    with pytest.raises(ApplicationError) as exc:
        services.commune_pt_fund_distribute(actor=users["finance"], commune_code=old_commune.code, month=dt.date(2026, 6, 1), workers=workers[:1])
    assert exc.value.code == "no-fund"


def test_province_rule_through_the_rule_book_keeps_history(users, old_commune, make_village):
    v = make_village(old_commune, "Thôn D", 200)
    n = services.funding_rule_set(actor=users["province_finance"], key="funding.village.coef.low", value="5.0", valid_from=dt.date(2027, 1, 1),
                                  source="NQ 01/2027/NQ-HĐND", reason="HĐND tỉnh nâng mức")
    assert n.province_code == "79" and n.scope == "province" and n.valid_to is None and n.confidence == "P" and n.reason == "HĐND tỉnh nâng mức"
    alloc = allocation_compute(province_code="79", period=Period.parse("2027-01"))
    assert [ln.amount for c in alloc.communes for ln in c.lines if ln.recipient_id == v.pk and ln.item == "village_fund"] == [5 * 2_530_000]
    alloc = allocation_compute(province_code="79", period=Period.parse("2026-12"))
    assert [ln.amount for c in alloc.communes for ln in c.lines if ln.recipient_id == v.pk and ln.item == "village_fund"] == [11_385_000]  # 4.5 ×
    assert allocation_compute(province_code="01", period=Period.parse("2027-01")).total == 0
    assert Rule.objects.filter(key="funding.village.coef.low", province_code="").count() == 3  # national rows untouched
    assert AuditLog.objects.filter(verb="rule_change").exists()
    with pytest.raises(PermissionDeniedError):
        services.funding_rule_set(actor=users["finance"], key="funding.village.coef.low", value="6", valid_from=dt.date(2027, 2, 1), source="x")
    with pytest.raises(ApplicationError) as exc:  # the past is never rewritten
        services.funding_rule_set(actor=users["province_finance"], key="funding.village.coef.low", value="6", valid_from=dt.date(2025, 2, 1), source="x")
    assert exc.value.code == "rule-past"


def test_province_rule_inherits_end_of_commune_pt_fund(users):
    import time_machine

    with time_machine.travel(dt.datetime(2025, 12, 1, 9, 0), tick=False):
        n = services.funding_rule_set(actor=users["province_finance"], key="funding.commune_pt.coef.I", value="22", valid_from=dt.date(2026, 1, 1), source="NQ")
    assert n.valid_to == dt.date(2026, 6, 1)


def test_scenario_create_adopt_history(users, old_commune, make_village):
    v = make_village(old_commune, "Thôn E", 200)
    sc = services.scenario_create(actor=users["province_finance"], name="Thôn 5,0", changes=[{"key": "funding.village.coef.low", "mode": "set", "value": "5.0"}])
    with pytest.raises(ConflictError):
        services.scenario_create(actor=users["province_finance"], name="Thôn 5,0", changes=[{"key": "funding.village.coef.low", "mode": "set", "value": "5"}])
    with pytest.raises(ApplicationError) as exc:
        services.scenario_create(actor=users["province_finance"], name="Sai", changes=[{"key": "khong.co", "mode": "set", "value": "5"}])
    assert exc.value.code == "invalid-scenario-change"
    norms = services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=dt.date(2027, 1, 1), source="NQ 5/2026")
    assert len(norms) == 1 and norms[0].value == "5" and norms[0].origin == "scenario" and norms[0].province_code == "79"
    book = RuleBook.load("79")
    assert book.value("funding.village.coef.low", dt.date(2026, 12, 1)) == Decimal("4.5")
    assert book.value("funding.village.coef.low", dt.date(2027, 1, 1)) == Decimal("5.0")
    sc.refresh_from_db()
    assert sc.status == "adopted" and sc.adopted_from == dt.date(2027, 1, 1)
    assert AuditLog.objects.filter(verb="funding-scenario-adopted").exists()
    with pytest.raises(ConflictError):
        services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=dt.date(2027, 1, 1), source="x")
    alloc = allocation_compute(province_code="79", period=Period.parse("2027-01"))
    assert [ln.amount for c in alloc.communes for ln in c.lines if ln.recipient_id == v.pk and ln.item == "village_fund"] == [5 * 2_530_000]


def test_scenario_update_optimistic_lock(users):
    sc = services.scenario_create(actor=users["province_finance"], name="A", changes=[{"key": "funding.org.*", "mode": "percent", "value": "10"}])
    services.scenario_update(actor=users["province_finance"], scenario=sc, version=1, name="B")
    with pytest.raises(ConflictError):
        services.scenario_update(actor=users["province_finance"], scenario=sc, version=1, name="C")


def test_compare_front_plus_20_percent(users, old_commune, make_village):
    services.organisations_ensure(actor=None, commune=old_commune)
    make_village(old_commune, "Thôn F", 200)
    sc = services.scenario_create(actor=users["province_finance"], name="MTTQ +20%",
                                  changes=[{"key": "funding.org.mttq.*", "mode": "percent", "value": "20"}, {"key": "funding.mttq_campaign.*", "mode": "percent", "value": "20"}])
    qs = AdministrativeUnit.objects.filter(level="commune", province_code="79")
    cmp = compare(province_code="79", period=Period.parse("2025"), scenarios=[None, sc], inputs_factory=lambda: commune_inputs(qs))
    assert cmp.total_diffs == [12_000_000 + 4_000_000]  # 20% of 60M operating + 20% of 20M campaign
    mttq = next(r for r in cmp.organisations if r.key == "mttq")
    assert mttq.values == [80_000_000, 96_000_000]
    gain = cmp.gainers()
    assert gain[0].diffs == [16_000_000]
    assert all(r.diffs == [0] for r in cmp.villages)


def test_compare_unchanged_scenario_equals_baseline(users, old_commune, make_village):
    services.organisations_ensure(actor=None, commune=old_commune, associations=["chu_thap_do"])
    make_village(old_commune, "Thôn G", 720)
    sc = services.scenario_create(actor=users["province_finance"], name="Không đổi", changes=[{"key": "funding.org.*", "mode": "percent", "value": "0"}])
    qs = AdministrativeUnit.objects.filter(level="commune", province_code="79")
    cmp = compare(province_code="79", period=Period.parse("2026"), scenarios=[None, sc], inputs_factory=lambda: commune_inputs(qs))
    assert cmp.total_diffs == [0]
    assert all(r.diffs == [0] for r in cmp.recipients)
    assert cmp.totals[0] == allocation_compute(province_code="79", period=Period.parse("2026")).total


def test_rule_change_says_what_it_meets(users, old_commune, make_village):
    from coso.rules.services import rule_change

    v = make_village(old_commune, "Thôn W", 200)
    services.village_fund_distribute(actor=users["finance"], village_id=v.pk, month=dt.date(2027, 3, 1))
    result = rule_change(actor=users["province_finance"], key="funding.village.coef.low", value="5", valid_from=dt.date(2027, 2, 15),
                         reason="NQ mới", province_code="79")
    assert any("1 bảng phân phối quỹ đã lưu từ tháng 02/2027" in w for w in result.warnings)
    assert any("từ tháng sau" in w for w in result.warnings)
    assert FundDistribution.objects.get(village=v).fund == round(Decimal("4.5") * 2_530_000)  # kept as saved


def test_commune_inputs_batches_read_each_communes_own_villages_and_organisations(old_commune, other_commune, make_village):
    """The village and organisation reads are compiled once and run again for each batch: every batch gets its own rows."""
    services.organisations_ensure(actor=None, commune=old_commune)
    services.organisations_ensure(actor=None, commune=other_commune)
    make_village(old_commune, "Thôn B", 200)
    make_village(old_commune, "Thôn A", 300)
    make_village(other_commune, "Thôn C", 400)
    qs = AdministrativeUnit.objects.filter(pk__in=[old_commune.pk, other_commune.pk])
    for batch in (1, 400):
        got = {c.code: ([v.name for v in vs], sorted(o.commune_id for o in orgs)) for c, vs, orgs in commune_inputs(qs, batch=batch)}
        assert got[old_commune.code][0] == ["Thôn A", "Thôn B"] and got[other_commune.code][0] == ["Thôn C"]
        assert set(got[old_commune.code][1]) == {old_commune.pk} and set(got[other_commune.code][1]) == {other_commune.pk}
        assert len(got[old_commune.code][1]) == len(got[other_commune.code][1]) == 5  # the Front and the four organisations
