"""The province figures page checks the whole value typed in a box (and the whole document), never a cut of it: a long
value whose first 20 characters read as a valid figure is refused, not saved as that figure; a value padded with spaces
is read, not taken for an empty box (which removes a figure); an overlong value gets a clear reason. 400, nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coso.core.models import AuditLog
from coso.indices import services
from coso.indices.models import ProvinceFigure

pytestmark = pytest.mark.django_db
URL = "/chi-so/so-lieu-tinh/"
DOC = "Quyết định 123/QĐ-UBND ngày 15/3/2026"


@pytest.mark.parametrize(("typed", "reason"), [
    ("12.5000000000000000009", "tối đa 2 chữ số thập phân"),  # cut to 20: "12.50000000000000000" = 12.50
    ("50" + "0" * 18 + "x", "Giá trị phải là một số từ 0 đến 100"),
    ("1" * 200, "quá dài"),
])
def test_a_long_value_is_checked_whole_and_refused(users, login, commune, other_commune, typed, reason):
    c = login(users["province_home_affairs"])
    before = AuditLog.objects.count()
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": DOC, f"v-{commune.code}": "90", f"v-{other_commune.code}": typed})
    html = r.content.decode()
    assert r.status_code == 400 and f'id="err-{other_commune.code}"' in html and reason in html
    assert not ProvinceFigure.objects.exists() and AuditLog.objects.count() == before


def test_a_value_padded_with_spaces_is_read_not_taken_for_an_empty_box(users, login, commune):
    services.province_figures_save(actor=users["province_home_affairs"], key="reform.par", year=2025, document=DOC, values={commune.code: "60"})
    c = login(users["province_home_affairs"])
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": DOC, f"v-{commune.code}": " " * 25 + "70"})
    assert r.status_code == 302
    assert {f.commune_code: f.value for f in ProvinceFigure.objects.all()} == {commune.code: Decimal("70.00")}


def test_a_long_document_is_checked_whole(users, login, commune):
    c = login(users["province_home_affairs"])
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": "QĐ 1" + " " * 400 + "/QĐ-UBND" + "x" * 250, f"v-{commune.code}": "70"})
    assert r.status_code == 400 and "văn bản công bố" in r.content.decode()
    assert not ProvinceFigure.objects.exists()


def test_the_api_refuses_an_overlong_value_with_the_reason(users, login, commune):
    c = login(users["province_home_affairs"])
    r = c.put("/api/v1/indices/province-figures", {"key": "reform.par", "year": 2025, "document": DOC, "values": {commune.code: "1" * 200}},
              content_type="application/json")
    assert r.status_code == 400 and "quá dài" in r.json()["details"]["rows"][commune.code]
    assert not ProvinceFigure.objects.exists()
