"""A directive registered twice with the number typed in another case is refused on both databases, Vietnamese capitals
(Đ/đ, Ư/ư, Ổ/ổ, Ỉ/ỉ …) included: SQLite's case-insensitive match folds ASCII letters only."""

from __future__ import annotations

import pytest

from coso.core.audit import AuditLog
from coso.core.exceptions import ApplicationError
from coso.tasks import services
from coso.tasks.models import Directive
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"
FIELDS = {"issuer": "UBND tỉnh", "level": "province", "summary": "Triển khai", "issued_on": "2026-02-20"}
PAIRS = [
    ("12/QĐ-UBND", "12/qđ-ubnd"),
    ("05/CT-ĐƯỜNG-BỘ", "05/ct-đường-bộ"),
    ("Chỉ Thị 07/CT-ỔN ĐỊNH", "chỉ thị 07/ct-ổn định"),
    ("08/KH-UBND về Ưu Tiên", "08/KH-UBND VỀ ƯU TIÊN"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_service_refuses_the_same_number_with_vietnamese_capitals(users, today, first, second):
    actor = users["province_home_affairs"]
    services.directive_create(actor=actor, number=first, issued_on=TODAY, issuer="UBND tỉnh", level="province", summary="A")
    before = (Directive.objects.count(), AuditLog.objects.count())
    with pytest.raises(ApplicationError) as e:
        services.directive_create(actor=actor, number=second, issued_on=TODAY, issuer="UBND tỉnh", level="province", summary="B")
    assert e.value.code == "duplicate"
    assert (Directive.objects.count(), AuditLog.objects.count()) == before


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_api_refuses_the_same_number_with_vietnamese_capitals(login, users, today, first, second):
    client = login(users["province_home_affairs"])
    assert client.post(f"{API}/directives", {**FIELDS, "number": first}).status_code == 201
    before = (Directive.objects.count(), AuditLog.objects.count())
    r = client.post(f"{API}/directives", {**FIELDS, "number": second})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "duplicate"
    assert body["details"]["fields"]["number"] == [f"Văn bản số {second} ngày 20/02/2026 đã được đăng ký."]
    assert (Directive.objects.count(), AuditLog.objects.count()) == before


def test_page_refuses_the_same_number_with_vietnamese_capitals_on_its_field(login, users, today):
    client = login(users["leader"])
    assert client.post("/nhiem-vu/van-ban/moi/", {**FIELDS, "level": "commune", "number": "03/QĐ-ỦY BAN"}).status_code == 302
    r = client.post("/nhiem-vu/van-ban/moi/", {**FIELDS, "level": "commune", "number": "03/qđ-ủy ban"})
    assert r.status_code == 400
    assert r.context["form"].errors["number"] == ["Văn bản số 03/qđ-ủy ban ngày 20/02/2026 đã được đăng ký."]
    assert Directive.objects.count() == 1


def test_another_number_or_another_day_is_not_a_duplicate(users, today):
    actor = users["province_home_affairs"]
    services.directive_create(actor=actor, number="12/QĐ-UBND", issued_on=TODAY, issuer="UBND tỉnh", level="province", summary="A")
    services.directive_create(actor=actor, number="13/QĐ-UBND", issued_on=TODAY, issuer="UBND tỉnh", level="province", summary="A")
    services.directive_create(
        actor=actor, number="12/qđ-ubnd", issued_on=TODAY.replace(day=1), issuer="UBND tỉnh", level="province", summary="A"
    )
    assert Directive.objects.count() == 3
