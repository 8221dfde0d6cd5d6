"""A directive date typed with a short year (0026 for 2026) is refused on its field, with the project's span of dates, and changes nothing."""

from __future__ import annotations

import pytest

from coso.core.audit import AuditLog
from coso.tasks.models import Directive

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"
FIELDS = {"number": "12/UBND-VP", "issuer": "UBND tỉnh", "level": "province", "summary": "Triển khai"}


@pytest.mark.parametrize("issued_on", ["0026-03-01", "1899-12-31"])
def test_api_refuses_a_directive_issued_before_1900(login, users, today, issued_on):
    client = login(users["province_home_affairs"])
    client.get(f"{API}/directives")
    before = (Directive.objects.count(), AuditLog.objects.count())
    r = client.post(f"{API}/directives", {**FIELDS, "issued_on": issued_on})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "date-out-of-range"
    assert body["details"]["fields"]["issued_on"] == ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]
    assert (Directive.objects.count(), AuditLog.objects.count()) == before


def test_page_refuses_a_directive_issued_in_year_26_on_its_field(login, users, today):
    r = login(users["province_home_affairs"]).post("/nhiem-vu/van-ban/moi/", {**FIELDS, "issued_on": "0026-03-01"})
    assert r.status_code == 400
    assert r.context["form"].errors["issued_on"] == ["Ngày phải trong khoảng 01/01/1900–31/12/2200."]
    assert not Directive.objects.exists()


def test_a_directive_issued_on_1_january_1900_is_registered(login, users, today):
    r = login(users["province_home_affairs"]).post(f"{API}/directives", {**FIELDS, "issued_on": "1900-01-01"})
    assert r.status_code == 201, r.content
