"""Scenarios saved before 28dc017 with norm values outside their rules' bounds (rows written straight to the database).

Such a scenario made the scenario list, its page, the comparison and the API answer 500 (on SQLite its value of 10^14
could not even be read back: 19 digits in a column of 18). It is listed, flagged in Vietnamese, left out of comparisons
(page) or refused with the one error shape (API), never adopted; ``manage.py funding_scenarios_check`` names it.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.models import Scenario, ScenarioChange
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

FLAG = "Có giá trị ngoài giới hạn cho phép"
BAD = [
    ("funding.village.coef.low", "set", "99999999999999.9999"),
    ("funding.village.coef.low", "percent", "99999999999999"),
    ("funding.village.coef.low", "add", "-99999999999999"),
    ("funding.org.mttq.*", "set", "99999999999999.9999"),
    ("salary.base", "add", "99999999999999"),
]


@pytest.fixture
def data(users, old_commune, make_village):  # type: ignore[no-untyped-def]
    make_village(old_commune, "Thôn 1", 400)
    services.organisations_ensure(actor=None, commune=old_commune)
    return services.scenario_create(actor=users["province_finance"], name="MTTQ +10", changes=[{"key": "funding.org.mttq.*", "mode": "percent", "value": "10"}])


@pytest.fixture(params=BAD, ids=lambda p: f"{p[0]}-{p[1]}")
def bad(request, data):  # type: ignore[no-untyped-def]
    """Written as the pages wrote it before the bounds were checked: no service, no check."""
    key, mode, value = request.param
    sc = Scenario.objects.create(province_code="79", name="Kịch bản cũ lỗi")
    ScenarioChange.objects.create(scenario=sc, key=key, mode=mode, value=Decimal(value))
    return sc


def test_the_list_shows_it_flagged(login, users, data, bad):
    c = login(users["province_finance"])
    r = c.get("/funding/scenarios/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Kịch bản cũ lỗi" in body and "MTTQ +10" in body
    assert body.count(FLAG) == 1
    assert "Giá trị không được vượt quá" in body or "Giá trị phải từ" in body
    listed = {s.pk: s.bound_problems for s in r.context["scenarios"]}
    assert listed[data.pk] == [] and listed[bad.pk]
    r = c.get(f"/funding/scenarios/{bad.pk}/")
    assert r.status_code == 200 and FLAG in r.content.decode()


def test_the_comparison_leaves_it_out(login, users, data, bad):
    c = login(users["province_finance"])
    r = c.get(f"/funding/scenarios/compare/?s={bad.pk}&period=2025")
    assert r.status_code == 200
    assert "không được đưa vào so sánh" in r.content.decode() and r.context["cmp"] is None
    r = c.get(f"/funding/scenarios/compare/?s={bad.pk}&s={data.pk}&period=2025")
    assert r.status_code == 200
    assert [col["id"] for col in r.context["cmp"].columns] == [None, data.pk]
    r = c.get(f"/funding/scenarios/compare/?s={bad.pk}&s={data.pk}&period=2025&format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_api_lists_it_and_refuses_to_compare_it(login, users, data, bad):
    c = login(users["province_finance"])
    r = c.get("/api/v1/funding/scenarios")
    assert r.status_code == 200
    flags = {s["id"]: s["bound_problems"] for s in r.json()}
    assert flags[data.pk] == [] and flags[bad.pk]
    assert c.get(f"/api/v1/funding/scenarios/{bad.pk}").status_code == 200
    for url in (f"/api/v1/funding/scenarios/compare?ids={bad.pk}&ids={data.pk}&period=2025",
                f"/api/v1/funding/scenarios/compare/export?ids={bad.pk}&period=2025"):
        r = c.get(url)
        assert r.status_code == 400, url
        assert r.json()["code"] == "scenario-out-of-bounds" and r.json()["details"]["scenario"] == bad.pk
        assert set(r.json()) == {"code", "message", "details"}


def test_it_is_never_adopted(login, users, data, bad):
    c = login(users["province_finance"])
    before = Rule.objects.count()
    r = c.post(f"/api/v1/funding/scenarios/{bad.pk}/adopt", {"effective_from": "2027-01-01", "source": "NQ 9"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "scenario-out-of-bounds"
    r = c.post(f"/funding/scenarios/{bad.pk}/", {"action": "adopt", "effective_from": "2027-01-01", "source": "NQ 9"})
    assert r.status_code == 200 and "ngoài giới hạn cho phép" in r.content.decode()
    bad.refresh_from_db()
    assert bad.status == Scenario.Status.DRAFT and Rule.objects.count() == before
    assert not AuditLog.objects.filter(verb="funding-scenario-adopted").exists()


def test_an_operator_can_correct_or_delete_it(login, users, data, bad):
    c = login(users["province_finance"])
    r = c.patch(f"/api/v1/funding/scenarios/{bad.pk}", {"version": bad.version, "changes": [{"key": "funding.org.mttq.*", "mode": "percent", "value": "5"}]},
                content_type="application/json")
    assert r.status_code == 200 and r.json()["bound_problems"] == []
    assert AuditLog.objects.filter(verb="funding-scenario-changes", object_id=str(bad.pk)).exists()
    assert FLAG not in c.get("/funding/scenarios/").content.decode()


def test_it_can_be_deleted(login, users, data, bad):
    r = login(users["province_finance"]).post(f"/funding/scenarios/{bad.pk}/", {"action": "delete"})
    assert r.status_code == 302 and not Scenario.objects.filter(pk=bad.pk).exists()


def test_the_check_command_names_it(data, bad):
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 scenarios"):
        call_command("funding_scenarios_check", stdout=out)
    text = out.getvalue()
    assert f"79 #{bad.pk} “Kịch bản cũ lỗi” (draft): " in text and "MTTQ +10" not in text
    with pytest.raises(CommandError):
        call_command("funding_scenarios_check", "--province", "79", stdout=StringIO())


def test_the_check_command_passes_when_every_scenario_is_within_bounds(data):
    out = StringIO()
    call_command("funding_scenarios_check", stdout=out)
    assert "All 1 scenarios are within their rules' bounds." in out.getvalue()
    call_command("funding_scenarios_check", "--province", "01", stdout=StringIO())


def test_values_within_the_column_read_back_as_before(data):
    """The manager's reading of the value keeps the column's 4 decimal places (Decimal("10.0000"), not 10.000000000)."""
    change = ScenarioChange.objects.get(scenario=data)
    assert str(change.value) == "10.0000"
    assert str(Scenario.objects.prefetch_related("changes").get(pk=data.pk).changes.all()[0].value) == "10.0000"
