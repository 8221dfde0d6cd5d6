"""The commune's number of extra part-time workers applies from a date, as a rule does.

The number had no date: changing it changed the commune part-time fund of every month already computed and shown
(2025, early 2026). It is now kept from a date (today, or a later day the officer picks): the months before keep the
number in force then, the months from the first one starting on or after the date use the new one (a month reads
what is in force on its first day, as for the rules). The past is not rewritten; every change is audited; the
commune's page shows the history.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.engine import Period
from coso.funding.models import ExtraWorkers
from coso.funding.selectors import allocation_compute

pytestmark = pytest.mark.django_db

BASE = 2_340_000  # base salary from 1/7/2024 to 30/6/2026 (Decree 73/2024/NĐ-CP)
COEF_I, EXTRA = 21, 1.5  # Decree 33/2023/NĐ-CP Art. 34: class I commune fund, and per extra worker


def at(y: int, m: int, d: int):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime(y, m, d, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)


def monthly(n: int) -> int:
    return int((COEF_I + n * EXTRA) * BASE)


def commune_pt(period: str, code: str = "26734") -> int:
    alloc = allocation_compute(province_code="79", period=Period.parse(period), commune_codes=[code])
    return sum(ln.amount for c in alloc.communes for ln in c.lines if ln.item == "commune_pt")


@pytest.fixture
def dated(old_commune, users):  # type: ignore[no-untyped-def]
    """1 extra worker set on 20/12/2024 (from that day), then on 10/2/2026 3 from 1/3/2026."""
    actor = users["province_finance"]
    with at(2024, 12, 20):
        services.commune_profile_set(actor=actor, commune=old_commune, extra_pt_workers=1)
    with at(2026, 2, 10):
        services.commune_profile_set(actor=actor, commune=old_commune, extra_pt_workers=3, valid_from=dt.date(2026, 3, 1))
    return old_commune


def test_a_change_from_a_date_keeps_the_months_before(dated):
    assert commune_pt("2024-12") == monthly(0)  # 1/12/2024 is before 20/12/2024: the month keeps no extra worker
    assert commune_pt("2025-01") == monthly(1)
    assert commune_pt("2025") == 12 * monthly(1)
    assert commune_pt("2026-02") == monthly(1)
    assert commune_pt("2026-03") == monthly(3)
    assert commune_pt("2026-Q1") == 2 * monthly(1) + monthly(3)
    alloc = allocation_compute(province_code="79", period=Period.parse("2026-Q1"), commune_codes=["26734"])
    (ln,) = [ln for c in alloc.communes for ln in c.lines if ln.item == "commune_pt"]
    assert ln.formula == "(21,0 + 1 × 1,5) × 2.340.000 đ × 2 tháng + (21,0 + 3 × 1,5) × 2.340.000 đ × 1 tháng"
    # the organisations' lines of the quarter are not split by the commune's change
    assert [ln.formula for c in alloc.communes for ln in c.lines if ln.item == "org_operating"] == [
        ln.formula for c in allocation_compute(province_code="79", period=Period.parse("2026-Q1"), commune_codes=["26734"]).communes
        for ln in c.lines if ln.item == "org_operating"]


def test_api_allocation_reads_the_number_of_each_month(dated, login, users):
    c = login(users["province_finance"])
    for period, expected in (("2025-06", monthly(1)), ("2026-02", monthly(1)), ("2026-04", monthly(3)), ("2026-Q1", 2 * monthly(1) + monthly(3))):
        r = c.get(f"/api/v1/funding/allocation?period={period}&commune=26734")
        assert r.status_code == 200
        assert r.json()["communes"][0]["by_category"]["commune_pt"] == expected, period


def test_the_past_is_not_rewritten_and_each_change_is_audited(dated, users):
    with at(2026, 4, 15), pytest.raises(ApplicationError) as exc:
        services.commune_profile_set(actor=users["province_finance"], commune=dated, extra_pt_workers=5, valid_from=dt.date(2026, 4, 1))
    assert exc.value.code == "date-past"
    assert list(ExtraWorkers.objects.filter(commune=dated).values_list("valid_from", "extra_pt_workers")) == [
        (dt.date(2024, 12, 20), 1), (dt.date(2026, 3, 1), 3)]
    assert AuditLog.objects.filter(verb="funding-extra-workers-set").count() == 2
    with at(2026, 4, 15):  # the default date is today; the same day again replaces that day's number
        services.commune_profile_set(actor=users["province_finance"], commune=dated, extra_pt_workers=4)
        services.commune_profile_set(actor=users["province_finance"], commune=dated, extra_pt_workers=2)
    assert ExtraWorkers.objects.get(commune=dated, valid_from=dt.date(2026, 4, 15)).extra_pt_workers == 2
    assert AuditLog.objects.filter(verb="funding-extra-workers-set").count() == 4
    assert commune_pt("2026-04") == monthly(3) and commune_pt("2026-05") == monthly(2)


def test_page_sets_from_a_date_shows_history_and_refuses_the_past(dated, login, users):
    c = login(users["province_finance"])
    with at(2026, 2, 20):
        body = c.get("/funding/?commune=26734&period=2026").content.decode()
        history = body[body.index('id="extra-history"'):]
        assert "20/12/2024" in history and "01/03/2026" in history
        assert 'name="extra_pt_workers" value="1"' in body  # the number in force today
        r = c.post("/funding/communes/26734/profile/", {"extra_pt_workers": "7", "valid_from": "2026-01-01", "period": "2026"}, follow=True)
        assert "Không được sửa quá khứ" in r.content.decode()
        assert ExtraWorkers.objects.filter(commune=dated).count() == 2
        r = c.post("/funding/communes/26734/profile/", {"extra_pt_workers": "2", "valid_from": "2026-05-01", "period": "2026"})
        assert r.status_code == 302
    assert commune_pt("2026-04") == monthly(3) and commune_pt("2026-05") == monthly(2)
    assert commune_pt("2025") == 12 * monthly(1)
