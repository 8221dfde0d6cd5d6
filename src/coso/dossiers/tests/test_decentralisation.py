"""Phân cấp: a province hands a provincial procedure's decision to its communes from a date; dossiers received from that
date are decided by the commune (their code is the commune's), dossiers received the day before stay with the province."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.procedures import services as procedures
from coso.procedures.selectors import deciding_level

pytestmark = pytest.mark.django_db

FROM = dt.date(2026, 5, 4)  # a Monday


def _provincial(version):  # type: ignore[no-untyped-def]
    version.procedure.decision_level = "province"
    version.procedure.save()
    return version.procedure


def _at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))), tick=False)


def test_dossiers_route_to_the_commune_from_the_date(users, commune, version, receive):  # type: ignore[no-untyped-def]
    procedure = _provincial(version)
    with _at(dt.date(2026, 4, 20)):
        procedures.decentralisation_create(actor=users["province_admin"], procedure=procedure, province_code="79", valid_from=FROM,
                                           decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 4, 15))
    assert AuditLog.objects.filter(verb="procedure_decentralise").count() == 1
    assert deciding_level(procedure, "79", FROM - dt.timedelta(days=1)) == "province"
    assert deciding_level(procedure, "79", FROM) == "commune"
    assert deciding_level(procedure, "01", FROM) == "province"  # another province did not decide it
    with _at(FROM - dt.timedelta(days=3)):  # Friday before
        before = receive()
    with _at(FROM):
        after = receive()
    assert before.deciding_level == "province" and before.code.startswith("H79-")
    assert after.deciding_level == "commune" and after.code.startswith("H79.26734-")
    c = pytest.importorskip("django.test").Client()
    c.force_login(users["onestop"])
    assert "Cấp xã" in c.get(f"/dossiers/{after.pk}/").content.decode()


def test_ending_the_decentralisation_sends_new_dossiers_back(users, commune, version):  # type: ignore[no-untyped-def]
    procedure = _provincial(version)
    with _at(dt.date(2026, 4, 20)):
        row = procedures.decentralisation_create(actor=users["province_admin"], procedure=procedure, province_code="79", valid_from=FROM,
                                                 decision_number="30/2026/QĐ-UBND", decision_date=dt.date(2026, 4, 15))
    with _at(dt.date(2026, 6, 1)):
        with pytest.raises(ApplicationError) as e:
            procedures.decentralisation_end(actor=users["province_admin"], decentralisation_id=row.pk, valid_to=dt.date(2026, 6, 1))
        assert e.value.code == "decentralise-to"  # not today: the past is not rewritten
        procedures.decentralisation_end(actor=users["province_admin"], decentralisation_id=row.pk, valid_to=dt.date(2026, 7, 1))
    assert deciding_level(procedure, "79", dt.date(2026, 6, 30)) == "commune"
    assert deciding_level(procedure, "79", dt.date(2026, 7, 1)) == "province"


@pytest.mark.parametrize(("who", "kw", "code"), [
    ("province_home_affairs", {}, "decentralise-forbidden"),
    ("leader", {}, "decentralise-forbidden"),
    ("province_admin", {"province_code": "01"}, "decentralise-forbidden"),
    ("province_admin", {"valid_from": dt.date(2026, 4, 20)}, "decentralise-from"),
    ("province_admin", {"decision_number": ""}, "decentralise-decision"),
    ("province_admin", {"valid_to": FROM}, "decentralise-to"),
])
def test_refused_changes_nothing(users, commune, version, who, kw, code):  # type: ignore[no-untyped-def]
    from coso.procedures.models import Decentralisation

    procedure = _provincial(version)
    args = {"actor": users[who], "procedure": procedure, "province_code": "79", "valid_from": FROM, "decision_number": "30/2026/QĐ-UBND",
            "decision_date": dt.date(2026, 4, 15), **kw}
    with _at(dt.date(2026, 4, 20)), pytest.raises(ApplicationError) as e:
        procedures.decentralisation_create(**args)
    assert e.value.code == code
    assert not Decentralisation.objects.exists()


def test_only_provincial_procedures_and_no_overlap(users, commune, version):  # type: ignore[no-untyped-def]
    args = {"actor": users["province_admin"], "procedure": version.procedure, "province_code": "79", "valid_from": FROM,
            "decision_number": "30/2026/QĐ-UBND", "decision_date": dt.date(2026, 4, 15)}
    with _at(dt.date(2026, 4, 20)):
        with pytest.raises(ApplicationError) as e:
            procedures.decentralisation_create(**args)
        assert e.value.code == "decentralise-level"
        _provincial(version)
        procedures.decentralisation_create(**args)
        with pytest.raises(ApplicationError) as e:
            procedures.decentralisation_create(**{**args, "valid_from": FROM + dt.timedelta(days=30)})
        assert e.value.code == "decentralise-overlap" and e.value.status == 409


def test_api(users, commune, version, login):  # type: ignore[no-untyped-def]
    _provincial(version)
    c = login(users["province_admin"])
    payload = {"procedure_code": version.procedure.code, "valid_from": "2026-05-04", "decision_number": "30/2026/QĐ-UBND",
               "decision_date": "2026-04-15"}
    with _at(dt.date(2026, 4, 20)):
        r = c.post("/api/v1/procedures/decentralisations", payload, content_type="application/json")
        assert r.status_code == 201, r.content
        assert r.json()["level"] == "commune"
        r = c.post("/api/v1/procedures/decentralisations", payload, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "decentralise-overlap"
        assert len(c.get("/api/v1/procedures/decentralisations").json()["items"]) == 1
        other = login(users["province_home_affairs"])
        assert other.post("/api/v1/procedures/decentralisations", payload, content_type="application/json").status_code == 403


def test_page(users, commune, version, login):  # type: ignore[no-untyped-def]
    procedure = _provincial(version)
    c = login(users["province_admin"])
    with _at(dt.date(2026, 4, 20)):
        page = c.get("/procedures/manage/phan-cap/")
        assert page.status_code == 200 and procedure.code in page.content.decode()
        r = c.post("/procedures/manage/phan-cap/", {"action": "create", "province_code": "79", "procedure": procedure.code,
                                                   "valid_from": "2026-04-20", "decision_number": "30/2026/QĐ-UBND", "decision_date": "2026-04-15"})
        assert r.status_code == 200 and "Ngày áp dụng phải sau hôm nay" in r.content.decode()
        r = c.post("/procedures/manage/phan-cap/", {"action": "create", "province_code": "79", "procedure": procedure.code,
                                                   "valid_from": "2026-05-04", "decision_number": "30/2026/QĐ-UBND", "decision_date": "2026-04-15"})
        assert r.status_code == 302
        from coso.procedures.models import Decentralisation

        row = Decentralisation.objects.get()
        r = c.post("/procedures/manage/phan-cap/", {"action": "end", "pk": row.pk, "valid_to": "2026-08-01"})
        assert r.status_code == 302
        row.refresh_from_db()
        assert row.valid_to == dt.date(2026, 8, 1)
        assert "30/2026/QĐ-UBND" in c.get("/procedures/manage/phan-cap/").content.decode()
    assert login(users["province_home_affairs"]).get("/procedures/manage/phan-cap/").status_code == 404
