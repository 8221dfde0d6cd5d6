"""The funding API's refusals of a bad export format, a bad number of scenarios to compare and a bad period put the value
sent (``docx``, ``5``, ``2025-Q9``) in ``details.fields`` where the field's message belongs: a client showing the fields'
messages showed the bad value itself. Each field now carries what is wrong with it, translatable; the codes stay."""

from __future__ import annotations

import pytest

from coso.funding import services
from coso.funding.tests.test_views_api import data  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db


def _english(c):  # type: ignore[no-untyped-def]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def test_a_bad_export_format_is_explained_on_its_field(login, users, data):  # noqa: F811
    r = login(users["province_finance"]).get("/api/v1/funding/allocation/export", {"period": "2025", "format": "docx"})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid-format"
    assert body["details"]["fields"] == {"format": [body["message"]]} and "docx" not in str(body["details"])


def test_a_bad_number_of_scenarios_is_explained_on_its_field(login, users, data):  # noqa: F811
    ids = [services.scenario_create(actor=users["province_finance"], name=f"S{i}",
                                    changes=[{"key": "funding.village.coef.low", "value": str(4 + i)}]).pk for i in range(5)]
    r = login(users["province_finance"]).get("/api/v1/funding/scenarios/compare", {"ids": ids, "period": "2025"})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid-scenario-count"
    assert body["details"]["fields"] == {"ids": [body["message"]]} and "4" in body["message"]


def test_a_bad_period_is_explained_on_its_field(login, users, data):  # noqa: F811
    r = login(users["province_finance"]).get("/api/v1/funding/allocation", {"period": "2025-Q9"})
    body = r.json()
    assert r.status_code == 400 and body["code"] == "invalid-period"
    assert body["details"]["fields"] == {"period": [body["message"]]}


def test_the_field_messages_follow_the_language(login, users, data, english_catalogue):  # noqa: F811
    c = _english(login(users["province_finance"]))
    body = c.get("/api/v1/funding/allocation/export", {"period": "2025", "format": "docx"}).json()
    assert body["details"]["fields"]["format"] == [body["message"]] and "xlsx" in body["message"]
    assert "Định dạng" not in body["message"]
    body = c.get("/api/v1/funding/allocation", {"period": "abc"}).json()
    assert "Kỳ" not in body["details"]["fields"]["period"][0]
