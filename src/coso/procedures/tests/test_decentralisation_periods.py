"""Phân cấp periods of one procedure in one province never overlap, also when one of them is ended (moved) later."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services
from coso.procedures.models import Decentralisation
from coso.procedures.selectors import deciding_level

pytestmark = pytest.mark.django_db

API = "/api/v1/procedures/decentralisations"


def _at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))), tick=False)


@pytest.fixture
def two_periods(users, commune):  # type: ignore[no-untyped-def]
    """Communes decide from 4/5/2026 to 1/6/2026 (decision 30), then again from 1/9/2026 (decision 45)."""
    version = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh")
    version.procedure.decision_level = "province"
    version.procedure.save()
    with _at(dt.date(2026, 4, 20)):
        first = services.decentralisation_create(actor=users["province_admin"], procedure=version.procedure, province_code="79",
                                                 valid_from=dt.date(2026, 5, 4), valid_to=dt.date(2026, 6, 1),
                                                 decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 4, 15))
        second = services.decentralisation_create(actor=users["province_admin"], procedure=version.procedure, province_code="79",
                                                  valid_from=dt.date(2026, 9, 1), decision_number="45/2026/QĐ-UBND",
                                                  decision_date=dt.date(2026, 4, 15))
    return first, second


def test_moving_an_end_into_the_next_period_is_refused(login, users, two_periods):  # type: ignore[no-untyped-def]
    first, second = two_periods
    c = login(users["province_admin"])
    audit = AuditLog.objects.count()
    with _at(dt.date(2026, 5, 20)):
        r = c.post(f"{API}/{first.pk}/end", json.dumps({"valid_to": "2026-12-01"}), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "decentralise-overlap", r.content
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 6, 1) and AuditLog.objects.count() == audit
    # the second decision, ended from 1/10/2026, gives the decision back to the province from then: the first one does not keep it
    with _at(dt.date(2026, 5, 20)):
        assert c.post(f"{API}/{second.pk}/end", json.dumps({"valid_to": "2026-10-01"}), content_type="application/json").status_code == 200
    assert deciding_level(first.procedure, "79", dt.date(2026, 10, 15)) == "province"


def test_moving_an_end_up_to_the_next_period_is_accepted(login, users, two_periods):  # type: ignore[no-untyped-def]
    first, second = two_periods
    c = login(users["province_admin"])
    with _at(dt.date(2026, 5, 20)):
        r = c.post(f"{API}/{first.pk}/end", json.dumps({"valid_to": "2026-09-01"}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert Decentralisation.objects.get(pk=first.pk).valid_to == dt.date(2026, 9, 1)


def test_the_page_says_why_and_changes_nothing(login, users, two_periods):  # type: ignore[no-untyped-def]
    import html

    first, _second = two_periods
    c = login(users["province_admin"])
    with _at(dt.date(2026, 5, 20)):
        r = c.post("/procedures/manage/phan-cap/", {"action": "end", "pk": first.pk, "valid_to": "2027-01-04"})
        assert r.status_code == 302
        assert "Thủ tục đã được phân cấp trong khoảng thời gian này (từ 01/09/2026)." in html.unescape(c.get(r["Location"]).content.decode())
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 6, 1)
