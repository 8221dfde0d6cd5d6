"""A figure the province enters is a plain number (85, 85,5, 85.5): exponent text and digits of other scripts are refused
on their line, not read as another figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coso.core.models import AuditLog
from coso.indices.models import ProvinceFigure

pytestmark = pytest.mark.django_db
URL = "/chi-so/so-lieu-tinh/"


@pytest.mark.parametrize("typed", ["1e1", "8.5E1", "٨٥", "８５", "7_5"])
def test_the_page_refuses_a_figure_that_is_not_a_plain_number(users, login, commune, other_commune, typed):
    """"1e1" was saved as 10 and "٨٥" (Arabic-Indic digits) as 85: a figure nobody typed as such."""
    c = login(users["province_home_affairs"])
    before = AuditLog.objects.count()
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": "QĐ 1/QĐ-UBND", f"v-{commune.code}": "90", f"v-{other_commune.code}": typed})
    html = r.content.decode()
    assert r.status_code == 400 and f'id="err-{other_commune.code}"' in html
    assert "Chưa lưu: 1 ô có lỗi" in html
    assert not ProvinceFigure.objects.exists() and AuditLog.objects.count() == before


@pytest.mark.parametrize("typed", ["1e1", "٣"])
def test_the_api_refuses_a_figure_that_is_not_a_plain_number(users, login, commune, typed):
    r = login(users["province_home_affairs"]).put("/api/v1/indices/province-figures", {
        "key": "satisfaction.survey", "year": 2025, "document": "QĐ 1", "values": {commune.code: typed}},
        content_type="application/json")
    assert r.status_code == 400, r.content
    assert list(r.json()["details"]["rows"]) == [commune.code]
    assert not ProvinceFigure.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("85", "85.00"), ("85,5", "85.50"), ("85.25", "85.25"), (" 0 ", "0.00"), ("100", "100.00"),
                                                (72.5, "72.50"), (100.0, "100.00")])
def test_plain_numbers_are_still_read(users, login, commune, typed, stored):
    r = login(users["province_home_affairs"]).put("/api/v1/indices/province-figures", {
        "key": "satisfaction.survey", "year": 2025, "document": "QĐ 1", "values": {commune.code: typed}}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert ProvinceFigure.objects.get().value == Decimal(stored)
