"""The quota lines of the review were told apart by their Vietnamese labels ("Cán bộ, công chức" for the Decree 33/2023 quota of
the whole unit, a label starting "Không chuyên trách" for the part-time ceiling), which were therefore never translated: an
English page showed them in Vietnamese, and translating them would have lost the surplus list and the totals. Each line now has
a key (the office code, or the whole unit's, or the part-time ceiling's) that the code compares, and a label in the reader's
language."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

import pytest

from coso.planning.tests.helpers import person
from coso.workforce import selectors
from coso.workforce.models import StaffingQuota

pytestmark = pytest.mark.django_db

D = dt.date


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_decree33_surplus_in_english(users, commune, login, english_catalogue):
    on = D(2025, 6, 2)  # before 1/7/2025: one Decree 33/2023 quota for the unit's cadres and civil servants
    with translation.override("en"):
        quota = selectors.quota_for({"code": commune.code, "province_code": "79", "kind": "phuong", "classification": "I",
                                     "population": 50_000}, on=on, offices={}, kinds={})
    total = quota["lines"][0]["quota"]
    assert [line["key"] for line in quota["lines"]] == [selectors.QUOTA_WHOLE_UNIT, selectors.QUOTA_PART_TIME]
    assert [line["office"] for line in quota["lines"]] == ["Cadres and civil servants", "Commune part-time workers (ceiling)"]
    for i in range(total + 2):
        person(commune, full_name=f"Nguyễn Văn {chr(65 + i % 26)}", birth_date=D(1970 + i % 20, 1, 1), started_on=D(2015, 1, 1))
    person(commune, full_name="Trần Thị Bán", kind="commune_part_time", position_code="", started_on=D(2015, 1, 1))
    r = _english(login(users["home_affairs"])).get("/api/v1/planning/surplus", {"commune": commune.code, "on": on.isoformat()})
    assert r.status_code == 200, r.content
    data = r.json()
    assert [(o["key"], o["office"], o["diff"]) for o in data["over"]] == [(selectors.QUOTA_WHOLE_UNIT, "Cadres and civil servants", 2)]
    assert len(data["people"]) == total + 2  # everyone in a unit over its one quota may be asked to leave


def test_office_quota_in_english(users, commune, login, english_catalogue):
    on = D(2026, 3, 2)  # the province assigns each office its quota
    a = person(commune, full_name="Đỗ Văn Một", birth_date=D(1966, 3, 10))
    person(commune, full_name="Lý Thị Hai", gender="female", birth_date=D(1990, 1, 1))
    StaffingQuota.objects.create(office_code=a.office_code, number=1, valid_from=D(2025, 7, 1), province_code="79", commune_code=commune.code)
    with translation.override("en"):
        office = selectors.rules.office_name(a.office_code)
    c = _english(login(users["home_affairs"]))
    r = c.get("/api/v1/planning/surplus", {"commune": commune.code, "on": on.isoformat()})
    assert r.status_code == 200, r.content
    assert [(o["key"], o["office"], o["diff"]) for o in r.json()["over"]] == [(a.office_code, office, 1)]
    assert len(r.json()["people"]) == 2
