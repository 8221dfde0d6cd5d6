"""An export asked for a period that is not one (2025-Q9, 1800) downloaded this year's figures instead, silently (the page
falls back to this year with the error shown; the file carried no trace of it): it is now refused, the page shows why."""

from __future__ import annotations

import html

import pytest
import time_machine

from coso.funding import services
from coso.funding.tests.test_views_api import data  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db
BAD = ["2025-Q9", "1800", "2025-13", "abc"]


def _refused(r) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 400, r.status_code
    assert r["Content-Type"].startswith("text/html") and "attachment" not in r.get("Content-Disposition", "")
    page = html.unescape(r.content.decode())
    assert "Kỳ không hợp lệ" in page or "Kỳ phải trong các năm" in page


@time_machine.travel("2026-12-01 09:00", tick=False)
@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
@pytest.mark.parametrize("period", BAD)
def test_an_allocation_export_of_a_period_that_is_not_one_is_refused(login, users, data, old_commune, fmt, period):  # noqa: F811
    c = login(users["province_finance"])
    _refused(c.get("/funding/", {"period": period, "format": fmt}))
    _refused(c.get("/funding/", {"period": period, "format": fmt, "commune": old_commune.code}))
    r = c.get("/funding/", {"period": "2025", "format": fmt})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"] and "2025" in r["Content-Disposition"]


@time_machine.travel("2026-12-01 09:00", tick=False)
@pytest.mark.parametrize("period", BAD)
def test_a_comparison_export_of_a_period_that_is_not_one_is_refused(login, users, data, period):  # noqa: F811
    sc = services.scenario_create(actor=users["province_finance"], name="Thôn 5", changes=[{"key": "funding.village.coef.low", "value": "5"}])
    c = login(users["province_finance"])
    _refused(c.get("/funding/scenarios/compare/", {"s": sc.pk, "period": period, "format": "xlsx"}))
    r = c.get("/funding/scenarios/compare/", {"s": sc.pk, "period": "2025", "format": "xlsx"})
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"] and "2025" in r["Content-Disposition"]
