"""Hypothesis properties of the allocation arithmetic (pure engine, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coso.funding.engine import CommuneInfo, OrgInfo, Period, VillageInfo, allocate_commune
from coso.funding.rules import Change, RuleBook
from coso.rules.testing import shipped_book

BOOK = shipped_book()  # the shipped rule book (national rows and Ho Chi Minh City's own), no database
KINDS = ["thon", "ap", "ban", "to_dan_pho", "khu_pho"]

communes = st.builds(
    CommuneInfo, id=st.just(1), code=st.just("00001"), name=st.just("Xã Thử"), province_code=st.just("79"),
    classification=st.sampled_from(["I", "II", "III", "special", ""]), is_border_or_island=st.booleans(),
    is_difficult_area=st.booleans(), is_security_hotspot=st.booleans(), valid_from=st.just(dt.date(2019, 1, 1)),
    extra_pt_workers=st.integers(0, 3),
)
villages = st.lists(st.builds(
    VillageInfo, id=st.integers(1, 10_000), commune_id=st.just(1), name=st.just("Thôn"), kind=st.sampled_from(KINDS),
    households=st.integers(0, 2500), is_border_or_island=st.booleans(), is_security_hotspot=st.booleans(), converted_from_thon=st.booleans(),
    valid_from=st.sampled_from([None, dt.date(2019, 1, 1), dt.date(2025, 7, 1), dt.date(2026, 3, 15)]),
    valid_to=st.sampled_from([None, None, dt.date(2026, 9, 1)]),
), max_size=6, unique_by=lambda v: v.id)
ORGS = [OrgInfo(1, 1, "mttq", "MTTQ"), OrgInfo(2, 1, "doan", "Đoàn"), OrgInfo(3, 1, "ccb", "CCB"), OrgInfo(4, 1, "association", "NCT", "nguoi_cao_tuoi")]
years = st.integers(2019, 2027)
KEYS = ["funding.village.coef.low", "funding.village.coef.high", "funding.org.mttq.*", "funding.org.*", "funding.mttq_campaign.*", "funding.ctmt.base", "funding.commune_pt.coef.*", "funding.association.*", "salary.base", "funding.village.activist.coef"]


def totals(book, period, c, vs):  # type: ignore[no-untyped-def]
    res = allocate_commune(book, period, c, vs, ORGS, detail=False)
    return res.by_recipient(), {(ln.recipient_key, ln.item): ln.amount for ln in res.lines}


@settings(max_examples=60, deadline=None)
@given(c=communes, vs=villages, year=years)
def test_year_equals_sum_of_months(c, vs, year):  # type: ignore[no-untyped-def]
    book = RuleBook("79", index=BOOK)
    _, year_items = totals(book, Period.parse(str(year)), c, vs)
    summed: dict = {}
    for m in Period.parse(str(year)).split_months():
        for k, v in totals(book, m, c, vs)[1].items():
            summed[k] = summed.get(k, 0) + v
    assert {k: v for k, v in summed.items() if v} == {k: v for k, v in year_items.items() if v}
    quarters: dict = {}
    for q in range(1, 5):
        for k, v in totals(book, Period.parse(f"{year}-Q{q}"), c, vs)[1].items():
            quarters[k] = quarters.get(k, 0) + v
    assert {k: v for k, v in quarters.items() if v} == {k: v for k, v in year_items.items() if v}


@settings(max_examples=40, deadline=None)
@given(c=communes, vs=villages, year=years, key=st.sampled_from(KEYS))
def test_unchanged_levels_equal_baseline(c, vs, year, key):  # type: ignore[no-untyped-def]
    period = Period.parse(str(year))
    base = totals(RuleBook("79", index=BOOK), period, c, vs)
    same = [Change(key, "percent", Decimal(0)), Change(key, "add", Decimal(0))]
    assert totals(RuleBook("79", same, index=BOOK), period, c, vs) == base


@settings(max_examples=60, deadline=None)
@given(c=communes, vs=villages, year=years, key=st.sampled_from(KEYS),
       pct=st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False))
def test_raising_a_level_never_lowers_any_recipient(c, vs, year, key, pct):  # type: ignore[no-untyped-def]
    """Over a calendar year (annual norms are spread with cumulative rounding, exact on whole years)."""
    period = Period.parse(str(year))
    before = totals(RuleBook("79", index=BOOK), period, c, vs)[0]
    after = totals(RuleBook("79", [Change(key, "percent", pct)], index=BOOK), period, c, vs)[0]
    for recipient, amount in before.items():
        assert after.get(recipient, 0) >= amount


@settings(max_examples=200, deadline=None)
@given(a=st.integers(0, 10**10), m1=st.integers(1, 12), span=st.integers(0, 11))
def test_annual_share_integer_path_equals_decimal_rounding(a, m1, span):  # type: ignore[no-untyped-def]
    from decimal import ROUND_HALF_UP

    from coso.funding.engine import annual_share

    m2 = min(12, m1 + span)
    exact = (Decimal(a) * m2 / 12).quantize(Decimal(1), ROUND_HALF_UP) - (Decimal(a) * (m1 - 1) / 12).quantize(Decimal(1), ROUND_HALF_UP)
    assert annual_share(a, m1, m2) == exact == annual_share(Decimal(a) + Decimal("0.0"), m1, m2)


@settings(max_examples=60, deadline=None)
@given(c=communes, vs=villages, period=st.sampled_from(["2025", "2025-Q3", "2026", "2026-Q2", "2026-06", "2027"]), detail=st.booleans())
def test_figures_from_templates_equal_the_lines(c, vs, period, detail):  # type: ignore[no-untyped-def]
    """A commune's total, categories and recipients (read from the templates) are those of its lines, in line order."""
    res = allocate_commune(RuleBook("79", index=BOOK), Period.parse(period), c, vs, ORGS, detail=detail)
    assert res.total == sum(ln.amount for ln in res.lines)
    by_category = {k: 0 for k in res.by_category()}
    for ln in res.lines:
        by_category[ln.category] += ln.amount
    assert res.by_category() == by_category
    recipients = [(kind, rid, name, t.amount) for kind, rid, name, t, _ in res.recipients()]
    by_recipient = res.by_recipient()
    assert [f"{kind}:{rid}" for kind, rid, _, _ in recipients] == list(by_recipient)
    assert [amount for _, _, _, amount in recipients] == list(by_recipient.values())
    names = {ln.recipient_key: ln.recipient_name for ln in res.lines}
    assert [name for _, _, name, _ in recipients] == [names[k] for k in by_recipient]


def test_cyclic_gc_paused_and_restored():  # type: ignore[no-untyped-def]
    import gc

    from coso.funding.engine import cyclic_gc_paused

    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():  # nested (or another thread's) block: still paused when it ends
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with cyclic_gc_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()  # a process that had it off keeps it off
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
