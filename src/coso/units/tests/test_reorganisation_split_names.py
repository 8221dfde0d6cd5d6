"""A commune split may not give a new commune the name of a commune of the province in force, the same name to two of its
parts, or the name another pending reorganisation gives a commune; nor may a commune merger rename its target so:
refused (as a village merger's name is), preview and schedule alike, nothing recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.units import services
from coso.units.models import AdministrativeUnit, Reorganisation
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 7, 1)
URLS = ("/api/v1/units/reorganisations/preview", "/api/v1/units/reorganisations")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        yield


def _payload(commune, *targets, number="1685/NQ-UBTVQH15", effective_on="2026-07-01"):  # type: ignore[no-untyped-def]
    rows = [{"code": code, "name": name, "kind": "phuong", "population": 20000, "area_km2": "5"} for code, name in targets]
    return {"kind": "commune_split", "decision_number": number, "decision_date": "2026-02-20", "effective_on": effective_on, "title": "Chia tách",
            "spec": {"source": commune.code, "primary": rows[0]["code"], "targets": rows, "villages": {}}}


def _refused(c, payload, message):  # type: ignore[no-untyped-def]
    before = Reorganisation.objects.count()
    for url in URLS:
        r = c.post(url, payload, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "reorg-name-taken", r.content
        assert r.json()["message"] == message and r.json()["details"]["fields"] == {"targets": [message]}
    assert Reorganisation.objects.count() == before


@pytest.mark.parametrize("name", ["Phường Tân Định", "phường  tân định", "Tân Định"])
def test_new_commune_with_the_name_of_a_commune_in_force_is_refused(users, commune, other_commune, login, name):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    _refused(c, _payload(commune, (commune.code, "Phường Sài Gòn"), ("26999", name)), "Tỉnh đã có xã, phường tên “Phường Tân Định”.")
    assert not AuditLog.objects.filter(verb="reorganisation_schedule").exists()


def test_two_parts_with_one_name_are_refused(users, commune, login):  # type: ignore[no-untyped-def]
    c = login(users["province_admin"])
    _refused(c, _payload(commune, ("26998", "Phường Bến Nghé"), ("26999", "Phường  bến nghé")), "Hai đơn vị sau chia tách cùng tên “Phường bến nghé”.")


def test_a_name_another_pending_reorganisation_gives_is_refused(users, commune, other_commune, province, login):  # type: ignore[no-untyped-def]
    third = AdministrativeUnit.objects.create(code="26740", name="Phường Bến Thành", name_folded="phuong ben thanh", level="commune",
                                              kind="phuong", parent=province, province_code=province.code)
    c = login(users["province_admin"])
    r = c.post(URLS[1], _payload(other_commune, (other_commune.code, "Phường Tân Định"), ("26998", "Phường Đa Kao")),
               content_type="application/json")
    assert r.status_code == 201, r.content
    _refused(c, _payload(commune, (commune.code, "Phường Sài Gòn"), ("26999", "Phường Đa Kao"), number="1686/NQ-UBTVQH15"),
             "Tên “Phường Đa Kao” đã được đặt cho một xã, phường trong phương án sắp xếp khác đang chờ hiệu lực (1685/NQ-UBTVQH15).")
    # A merger that renames its target is a name given on its date too.
    Reorganisation.objects.update(status=Reorganisation.Status.CANCELLED)
    fourth = AdministrativeUnit.objects.create(code="26743", name="Phường Cầu Kho", name_folded="phuong cau kho", level="commune",
                                               kind="phuong", parent=province, province_code=province.code)
    merge = {"kind": "commune_merge", "decision_number": "1687/NQ-UBTVQH15", "decision_date": "2026-02-20", "effective_on": "2026-07-01",
             "title": "Sáp nhập", "spec": {"sources": [fourth.code], "target": third.code, "new_name": "Phường Chợ Lớn"}}
    assert c.post(URLS[1], merge, content_type="application/json").status_code == 201
    _refused(c, _payload(commune, (commune.code, "Phường Sài Gòn"), ("26999", "Chợ Lớn"), number="1688/NQ-UBTVQH15"),
             "Tên “Chợ Lớn” đã được đặt cho một xã, phường trong phương án sắp xếp khác đang chờ hiệu lực (1687/NQ-UBTVQH15).")


def test_distinct_names_are_scheduled_and_the_source_s_name_is_free_when_it_ends(users, commune, other_commune):  # type: ignore[no-untyped-def]
    """The source keeps its own name when it continues; when no part keeps its code it ends on the date, and a new part
    may take its name. Names of other provinces do not count."""
    args = {"actor": users["province_admin"], "province_code": "79", "kind": Reorganisation.Kind.COMMUNE_SPLIT, "decision_number": "15/NQ",
            "decision_date": dt.date(2026, 2, 20), "effective_on": EFFECTIVE, "title": "Chia tách", "today": TODAY}
    rows = [{"code": "26998", "name": "Phường Sài Gòn", "kind": "phuong", "population": 20000, "area_km2": "5"},
            {"code": "26999", "name": "Phường Ba Đình", "kind": "phuong", "population": 20000, "area_km2": "5"}]
    r = services.reorganisation_schedule(**args, spec={"source": commune.code, "primary": "26998", "targets": rows, "villages": {}})
    services.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    assert set(AdministrativeUnit.objects.filter(province_code="79", level="commune").values_list("name", flat=True)) == {
        "Phường Sài Gòn", "Phường Ba Đình", "Phường Tân Định"}
    assert not AdministrativeUnit.objects.filter(code=commune.code).exists()


def test_the_wizard_shows_the_refusal_on_the_targets_field(users, commune, other_commune, login):  # type: ignore[no-untyped-def]
    h.village(commune, "Khu phố Bắc")
    c = login(users["province_admin"])
    r = c.post("/units/reorganisations/new/", {
        "decision_number": "1685/NQ-UBTVQH15", "decision_date": "2026-02-20", "effective_on": "2026-07-01", "title": "Sắp xếp",
        "kind": "commune_split", "source": commune.code, "action": "schedule",
        "targets": f"{commune.code}; Phường Sài Gòn; phuong; 40000; 6\n26999; Phường Tân Định; phuong; 9000; 3,2"})
    body = r.content.decode()
    assert r.status_code == 200 and "Tỉnh đã có xã, phường tên “Phường Tân Định”." in body and 'id="id_targets_error"' in body
    assert not Reorganisation.objects.exists()


def test_commune_merger_new_name_is_checked_as_a_split_s(users, commune, other_commune, province, login):  # type: ignore[no-untyped-def]
    """The target of a commune merger renamed to a commune's name of the province in force, or to a name a pending split
    gives: refused on the new name field. A merged commune's name (it ends on the date) is free."""
    third = AdministrativeUnit.objects.create(code="26740", name="Phường Bến Thành", name_folded="phuong ben thanh", level="commune",
                                              kind="phuong", parent=province, province_code=province.code)
    c = login(users["province_admin"])
    merge = {"kind": "commune_merge", "decision_number": "1687/NQ-UBTVQH15", "decision_date": "2026-02-20", "effective_on": "2026-07-01",
             "title": "Sáp nhập", "spec": {"sources": [other_commune.code], "target": commune.code, "new_name": "bến thành"}}
    for url in URLS:
        r = c.post(url, merge, content_type="application/json")
        assert r.status_code == 409 and r.json()["code"] == "reorg-name-taken", r.content
        assert r.json()["details"]["fields"] == {"new_name": ["Tỉnh đã có xã, phường tên “Phường Bến Thành”."]}
    assert not Reorganisation.objects.exists()
    r = c.post(URLS[1], _payload(third, (third.code, "Phường Bến Thành"), ("26999", "Phường Đa Kao")), content_type="application/json")
    assert r.status_code == 201, r.content
    r = c.post(URLS[1], {**merge, "spec": {**merge["spec"], "new_name": "Phường Đa Kao"}}, content_type="application/json")
    assert r.status_code == 409 and r.json()["details"]["fields"] == {"new_name": [
        "Tên “Phường Đa Kao” đã được đặt cho một xã, phường trong phương án sắp xếp khác đang chờ hiệu lực (1685/NQ-UBTVQH15)."]}
    assert Reorganisation.objects.count() == 1
    r = c.post(URLS[1], {**merge, "spec": {**merge["spec"], "new_name": "Phường Tân Định"}}, content_type="application/json")
    assert r.status_code == 201, r.content
