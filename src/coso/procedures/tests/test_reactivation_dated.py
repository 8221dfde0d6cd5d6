"""A procedure applied again from a later date (``POST /api/v1/procedures/{code}/reactivate``) is offered from that date,
not before: its versions take effect then. It used to be active at once, listed at the counter with no version in force,
and submitting answered "Thủ tục này chưa có phiên bản đang có hiệu lực."."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import selectors, services
from coso.procedures.tests.test_dated_end import API, everywhere, offered_by_each_door, on

pytestmark = pytest.mark.django_db
AGAIN = dt.date(2027, 3, 15)


def test_a_procedure_applied_again_from_a_later_date_is_offered_from_that_date(client, login, users, commune):
    proc = make_procedure().procedure
    services.procedures_end(actor=None, items=[{"code": proc.code, "valid_to": "2026-06-01", "reason": "Bãi bỏ"}])
    r = login(users["sysadmin"]).post(f"{API}/{proc.code}/reactivate", json.dumps({"valid_from": AGAIN.isoformat(), "reason": "QĐ 12"}),
                                      content_type="application/json")
    assert r.status_code == 200 and r.json()["version"]["valid_from"] == AGAIN.isoformat() and r.json()["ends_on"] is None, r.content
    # not offered before that date; its history (with the version to come) stays readable
    assert offered_by_each_door(client, login, users, proc.code) == {**everywhere(False), "api versions": True}
    with on(AGAIN - dt.timedelta(days=1)):
        assert offered_by_each_door(client, login, users, proc.code) == {**everywhere(False), "api versions": True}
    with on(AGAIN):  # nobody acts on the day: it is offered
        assert offered_by_each_door(client, login, users, proc.code) == everywhere(True)


def test_the_service_offers_it_from_the_date_it_applies_again(users):
    proc = make_procedure().procedure
    services.procedures_end(actor=None, items=[{"code": proc.code, "valid_to": "2026-06-01"}])
    services.procedure_reactivate(actor=users["sysadmin"], procedure=proc, valid_from=AGAIN)
    proc.refresh_from_db()
    assert proc.is_active and proc.ends_on is None
    assert not selectors.is_offered(proc, on=AGAIN - dt.timedelta(days=1)) and selectors.is_offered(proc, on=AGAIN)
    assert selectors.offered_version(proc, on=AGAIN - dt.timedelta(days=1)) is None
    assert [p.code for p in selectors.procedure_list(fetched_by=None)] == []
    assert [p.code for p in selectors.procedure_list(fetched_by=None, day=AGAIN)] == [proc.code]
