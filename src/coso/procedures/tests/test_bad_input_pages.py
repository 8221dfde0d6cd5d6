"""Bad input on the procedure pages: a clear error on the page (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import datetime as dt
import html

from django.utils import timezone

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Decentralisation

pytestmark = pytest.mark.django_db

URL = "/procedures/manage/phan-cap/"


@pytest.fixture
def decentralised(users, commune):  # type: ignore[no-untyped-def]
    version = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh")
    version.procedure.decision_level = "province"
    version.procedure.save()
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 20, 9, 0)), tick=False):
        return services.decentralisation_create(actor=users["province_admin"], procedure=version.procedure, province_code="79",
                                                valid_from=dt.date(2026, 5, 4), decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 4, 15))


@pytest.mark.parametrize(("valid_to", "message"), [
    ("", "Kết thúc từ ngày: Hãy chọn ngày."),
    ("2026-02-30", "Kết thúc từ ngày: Ngày không hợp lệ."),
    ("0000-00-00", "Kết thúc từ ngày: Ngày không hợp lệ."),
    ("9999-12-31", "Kết thúc từ ngày: Ngày phải trong khoảng 01/01/1900–31/12/2200."),
    ("0001-01-01", "Kết thúc từ ngày: Ngày phải trong khoảng 01/01/1900–31/12/2200."),
    ("2026-04-21", "Ngày kết thúc phải sau hôm nay và sau ngày áp dụng."),  # refused by the service
])
def test_ending_a_decentralisation_with_a_bad_date_says_why(login, users, decentralised, valid_to, message):
    c = login(users["province_admin"])
    audit = AuditLog.objects.count()
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 22, 9, 0)), tick=False):
        r = c.post(URL, {"action": "end", "pk": decentralised.pk, "valid_to": valid_to})
        assert r.status_code == 302
        assert message in html.unescape(c.get(r["Location"]).content.decode())
    decentralised.refresh_from_db()
    assert decentralised.valid_to is None and AuditLog.objects.count() == audit


@pytest.mark.parametrize("pk", ["", "abc", "²", "0", "-1", "18446744073709551617", "2147483648", "99999"])
def test_ending_a_decentralisation_that_does_not_exist_is_not_found(login, users, decentralised, pk):
    c = login(users["province_admin"])
    audit = AuditLog.objects.count()
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 22, 9, 0)), tick=False):
        assert c.post(URL, {"action": "end", "pk": pk, "valid_to": "2026-08-03"}).status_code == 404
    assert Decentralisation.objects.get().valid_to is None and AuditLog.objects.count() == audit


def test_another_provinces_administrator_does_not_find_it(login, users, decentralised, make_user, other_province):
    admin01 = make_user("admin01", "province_admin", other_province)
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 22, 9, 0)), tick=False):
        assert login(admin01).post(URL, {"action": "end", "pk": decentralised.pk, "valid_to": "2026-08-03"}).status_code == 404
        decentralised.refresh_from_db()
        assert decentralised.valid_to is None
        r = login(users["province_admin"]).post(URL, {"action": "end", "pk": decentralised.pk, "valid_to": "2026-08-03", "reason": "Hết hiệu lực"})
        assert r.status_code == 302
    decentralised.refresh_from_db()
    assert decentralised.valid_to == dt.date(2026, 8, 3)
