"""A scenario adopted from a day still ahead, one of whose rules was withdrawn on the rule book's page
(``/quy-dinh/<key>/<id>/huy/``) or through the rules API, still said "adopted from …" and could be neither adopted
again nor deleted: it was stuck. A rule an adoption wrote is now withdrawn only with the whole adoption: the rule book
refuses to withdraw it alone (409 ``rule-from-scenario``, naming the scenario), and the scenario's page and API withdraw
the adoption while its start date is ahead (every rule it wrote is withdrawn, the values before run on, the scenario is
a draft again: it can be corrected, adopted again or deleted), audited in one transaction.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.models import Scenario
from coso.rules import rule
from coso.rules import services as rule_services
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
START = dt.date(2027, 1, 1)
KEY = "funding.org.mttq.I"
CHANGES = [{"key": "funding.org.mttq.*", "mode": "percent", "value": "20"}]


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def adopted(users, old_commune):  # type: ignore[no-untyped-def]
    sc = services.scenario_create(actor=users["province_finance"], name="Nâng mức MTTQ", changes=CHANGES)
    services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=START, source="NQ 5/2026")
    sc.refresh_from_db()
    return sc


def _scenario_rows(sc: Scenario) -> list[Rule]:
    return list(Rule.objects.filter(origin=Rule.Origin.SCENARIO, province_code=sc.province_code))


def test_the_rule_book_refuses_to_withdraw_one_rule_of_an_adoption(users, adopted):
    row = Rule.objects.get(key=KEY, origin=Rule.Origin.SCENARIO)
    with pytest.raises(ApplicationError) as exc:
        rule_services.rule_withdraw(actor=users["province_admin"], rule_id=row.pk, reason="nhầm")
    assert exc.value.code == "rule-from-scenario" and exc.value.status == 409
    assert "Kịch bản “Nâng mức MTTQ”" in exc.value.message and "huỷ áp dụng kịch bản" in exc.value.message
    assert Rule.objects.filter(pk=row.pk).exists()
    adopted.refresh_from_db()
    assert adopted.status == Scenario.Status.ADOPTED


def test_the_rule_page_and_api_refuse_it_too(login, users, adopted):
    row = Rule.objects.get(key=KEY, origin=Rule.Origin.SCENARIO)
    c = login(users["province_admin"])
    r = c.post(f"/quy-dinh/{KEY}/{row.pk}/huy/", {"reason": "nhầm"}, follow=True)
    assert r.status_code == 200 and "Kịch bản “Nâng mức MTTQ”" in r.content.decode()
    r = c.delete(f"/api/v1/rules/changes/{row.pk}?reason=nh%E1%BA%A7m")
    assert r.status_code == 409 and r.json()["code"] == "rule-from-scenario" and "Nâng mức MTTQ" in r.json()["message"]
    assert Rule.objects.filter(pk=row.pk).exists()


def test_unadopting_withdraws_every_rule_and_frees_the_scenario(users, adopted, old_commune):
    before = rule(KEY, on=START, unit=old_commune)
    rows = _scenario_rows(adopted)
    assert rows
    n = services.scenario_unadopt(actor=users["province_finance"], scenario=adopted)
    assert n == len(rows) and not _scenario_rows(adopted)
    adopted.refresh_from_db()
    assert adopted.status == Scenario.Status.DRAFT and adopted.adopted_from is None and adopted.adopted_at is None
    log = AuditLog.objects.get(verb="funding-scenario-unadopted")
    assert "Nâng mức MTTQ" in log.reason
    assert AuditLog.objects.filter(verb="rule_withdraw").count() == len(rows)
    # The value before runs on: 2027 is back to the national rule.
    assert rule(KEY, on=START, unit=old_commune) != before
    # Adopted again, from another day, then deleted after a second withdrawal.
    services.scenario_adopt(actor=users["province_finance"], scenario=adopted, effective_from=dt.date(2027, 2, 1), source="NQ 6/2026")
    services.scenario_unadopt(actor=users["province_finance"], scenario=adopted)
    services.scenario_delete(actor=users["province_finance"], scenario=adopted)
    assert not Scenario.objects.filter(pk=adopted.pk).exists()


def test_a_scenario_stuck_before_the_fix_is_freed(users, adopted):
    """Its rule was withdrawn before the rule book refused it: the adoption is withdrawn all the same."""
    for row in _scenario_rows(adopted):
        rule_services.rule_withdraw(actor=users["province_admin"], rule_id=row.pk, reason="cũ", scenario_adoption=True)
    assert services.scenario_unadopt(actor=users["province_finance"], scenario=adopted) == 0
    services.scenario_delete(actor=users["province_finance"], scenario=adopted)


def test_an_adoption_in_force_or_a_draft_is_not_withdrawn(users, adopted):
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        with pytest.raises(ApplicationError) as exc:
            services.scenario_unadopt(actor=users["province_finance"], scenario=adopted)
        assert exc.value.code == "rule-past" and "01/01/2027" in exc.value.message
    draft = services.scenario_create(actor=users["province_finance"], name="Dự thảo", changes=CHANGES)
    with pytest.raises(ApplicationError) as exc:
        services.scenario_unadopt(actor=users["province_finance"], scenario=draft)
    assert exc.value.code == "scenario-not-adopted" and exc.value.status == 409
    adopted.refresh_from_db()
    assert adopted.status == Scenario.Status.ADOPTED and _scenario_rows(adopted)


def test_the_page_and_api_withdraw_the_adoption(login, users, adopted):
    c = login(users["province_finance"])
    page = c.get(f"/funding/scenarios/{adopted.pk}/").content.decode()
    assert "Huỷ áp dụng" in page and 'value="unadopt"' in page
    r = c.post(f"/funding/scenarios/{adopted.pk}/", {"action": "unadopt"}, follow=True)
    assert r.status_code == 200 and "kịch bản trở lại dự thảo" in r.content.decode()
    adopted.refresh_from_db()
    assert adopted.status == Scenario.Status.DRAFT and not _scenario_rows(adopted)
    r = c.post(f"/api/v1/funding/scenarios/{adopted.pk}/unadopt")
    assert r.status_code == 409 and r.json()["code"] == "scenario-not-adopted"
    c.post(f"/api/v1/funding/scenarios/{adopted.pk}/adopt", {"effective_from": "2027-01-01", "source": "NQ 5/2026"}, content_type="application/json")
    r = c.post(f"/api/v1/funding/scenarios/{adopted.pk}/unadopt")
    assert r.status_code == 200 and r.json()["status"] == "draft" and not _scenario_rows(adopted)
    assert c.delete(f"/api/v1/funding/scenarios/{adopted.pk}").status_code == 204
