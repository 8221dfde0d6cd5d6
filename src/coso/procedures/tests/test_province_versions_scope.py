"""A reader sees a procedure's national versions and one province's own (hers, or the one she asks for publicly), never
every province's variants at once; a province administrator's catalogue export is her province's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coso.dossiers.tests.conftest import make_procedure
from coso.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


@pytest.fixture
def variants(db):  # type: ignore[no-untyped-def]
    national = make_procedure()
    proc = national.procedure
    hcm = ProcedureVersion.objects.create(procedure=proc, province_code="79", valid_from=dt.date(2026, 1, 1), time_limit=Decimal(2))
    hanoi = ProcedureVersion.objects.create(procedure=proc, province_code="01", valid_from=dt.date(2026, 1, 1), time_limit=Decimal(1))
    return proc, national, hcm, hanoi


def _history(client, code: str, **params: str) -> set[int]:  # type: ignore[no-untyped-def]
    r = client.get(f"{API}/{code}/versions", params)
    assert r.status_code == 200, r.content
    return {v["id"] for v in r.json()}


def test_the_public_history_lists_the_national_versions_and_one_provinces_own(client, variants):
    proc, national, hcm, hanoi = variants
    assert _history(client, proc.code) == {national.pk}  # an anonymous visitor: the national rules
    assert _history(client, proc.code, province_code="79") == {national.pk, hcm.pk}
    assert _history(client, proc.code, province_code="01") == {national.pk, hanoi.pk}
    assert _history(client, proc.code, province_code="") == {national.pk}


def test_a_signed_in_reader_sees_her_provinces_versions_not_the_others(login, users, variants):
    proc, national, hcm, _hanoi = variants
    for name in ("onestop", "leader", "province_admin"):
        assert _history(login(users[name]), proc.code) == {national.pk, hcm.pk}, name


def test_a_province_administrator_exports_only_her_provinces_catalogue(login, users, variants):
    proc, _national, _hcm, _hanoi = variants
    c = login(users["province_admin"])
    r = c.get(f"{API}/export", {"province_code": "01"})
    assert r.status_code == 404 and set(r.json()) == {"code", "message", "details"}
    for params in ({}, {"province_code": "79"}):
        rows = c.get(f"{API}/export", params).json()["procedures"]
        assert [(row["code"], row["province_code"], row["time_limit"]) for row in rows] == [(proc.code, "79", 2)]
    assert [row["province_code"] for row in c.get(f"{API}/export", {"province_code": ""}).json()["procedures"]] == [""]
    rows = login(users["sysadmin"]).get(f"{API}/export", {"province_code": "01"}).json()["procedures"]
    assert [(row["province_code"], row["time_limit"]) for row in rows] == [("01", 1)]
