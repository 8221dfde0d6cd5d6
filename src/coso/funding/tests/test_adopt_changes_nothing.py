"""Adopting a scenario that would give no rule a new value is refused, and the scenario stays a draft.

A scenario whose only change is the national base salary (which a province never adopts), or whose rules are not in
force on the adoption day (the commune part-time fund ended after 31/5/2026), created no rule but was marked adopted
from that day: the scenario list then showed a decision of the province that changed nothing, and the scenario could
no longer be corrected. A day in the past (1/1/2000, before any funding rule) was accepted the same way, although the
rule book never rewrites the past. Each is refused through the service, the page and the API; nothing is written.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.funding import services
from coso.funding.models import Scenario
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
NEXT_YEAR = dt.date(2027, 1, 1)
SALARY_ONLY = [{"key": "salary.base", "mode": "percent", "value": "10"}]
ENDED_ONLY = [{"key": "funding.commune_pt.*", "mode": "percent", "value": "10"}]  # in force until 31/5/2026
SALARY_MESSAGE = ("Kịch bản “Kịch bản A” chỉ thay đổi mức lương cơ sở, là quy định chung toàn quốc mà tỉnh không áp dụng được: "
                  "kịch bản này chỉ dùng để tính thử.")
DATE_MESSAGE = ("Kịch bản “Kịch bản A” không thay đổi định mức nào có hiệu lực ngày 01/01/2027: áp dụng sẽ không tạo định mức mới nào. "
                "Hãy chọn ngày khác hoặc sửa kịch bản.")
PAST_MESSAGE = "Không được sửa quá khứ: ngày hiệu lực phải từ hôm nay (02/12/2026) trở đi."

CASES = [  # changes, day, code, message, field
    pytest.param(SALARY_ONLY, NEXT_YEAR, "scenario-changes-no-rule", SALARY_MESSAGE, None, id="base-salary-only"),
    pytest.param(ENDED_ONLY, NEXT_YEAR, "scenario-changes-no-rule", DATE_MESSAGE, "effective_from", id="rules-not-in-force"),
    pytest.param(ENDED_ONLY + SALARY_ONLY, NEXT_YEAR, "scenario-changes-no-rule", DATE_MESSAGE, "effective_from", id="both"),
    pytest.param(SALARY_ONLY, dt.date(2000, 1, 1), "rule-past", PAST_MESSAGE, "effective_from", id="past-base-salary"),
    pytest.param(ENDED_ONLY, dt.date(2000, 1, 1), "rule-past", PAST_MESSAGE, "effective_from", id="past-no-rule-then"),
    pytest.param([{"key": "funding.org.mttq.*", "mode": "percent", "value": "10"}], dt.date(2026, 12, 1), "rule-past", PAST_MESSAGE,
                 "effective_from", id="past-rules-in-force"),
]


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def _scenario(users, changes):  # type: ignore[no-untyped-def]
    return services.scenario_create(actor=users["province_finance"], name="Kịch bản A", changes=changes)


def _nothing_adopted(sc: Scenario, rules_before: int) -> bool:
    sc.refresh_from_db()
    return (sc.status == Scenario.Status.DRAFT and sc.adopted_from is None and sc.adopted_at is None and sc.version == 1
            and Rule.objects.filter(province_code="79").count() == rules_before
            and not AuditLog.objects.filter(verb__in=["funding-scenario-adopted", "rule_change"]).exists())


@pytest.mark.parametrize(("changes", "day", "code", "message", "field"), CASES)
def test_the_service_refuses_an_adoption_that_changes_no_rule(users, changes, day, code, message, field):
    sc = _scenario(users, changes)
    before = Rule.objects.filter(province_code="79").count()
    with pytest.raises(ApplicationError) as exc:
        services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=day, source="NQ 9/2026")
    assert exc.value.code == code and exc.value.status == 400 and exc.value.message == message
    assert exc.value.details.get("fields") == ({field: [message]} if field else None)
    assert _nothing_adopted(sc, before)


@pytest.mark.parametrize(("changes", "day", "code", "message", "field"), CASES)
def test_the_page_refuses_an_adoption_that_changes_no_rule(login, users, changes, day, code, message, field):
    sc = _scenario(users, changes)
    before = Rule.objects.filter(province_code="79").count()
    r = login(users["province_finance"]).post(f"/funding/scenarios/{sc.pk}/", {"action": "adopt", "effective_from": day.isoformat(), "source": "NQ 9"})
    assert r.status_code == 200
    assert message in r.content.decode()
    form = r.context["adopt"]
    assert form.non_field_errors() == [message]
    if field:
        assert form.errors[field] == [message]
    assert _nothing_adopted(sc, before)


@pytest.mark.parametrize(("changes", "day", "code", "message", "field"), CASES)
def test_the_api_refuses_an_adoption_that_changes_no_rule(login, users, changes, day, code, message, field):
    sc = _scenario(users, changes)
    before = Rule.objects.filter(province_code="79").count()
    r = login(users["province_finance"]).post(f"/api/v1/funding/scenarios/{sc.pk}/adopt", {"effective_from": day.isoformat(), "source": "NQ 9"},
                                              content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": code, "message": message, "details": {"fields": {field: [message]}} if field else {}}
    assert _nothing_adopted(sc, before)


def test_a_scenario_testing_the_base_salary_beside_a_rule_in_force_adopts_that_rule_only(users):
    sc = _scenario(users, SALARY_ONLY + [{"key": "funding.village.coef.low", "mode": "set", "value": "5"}])
    rows = services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=NEXT_YEAR, source="NQ 9/2026")
    assert [r.key for r in rows] == ["funding.village.coef.low"]
    sc.refresh_from_db()
    assert sc.status == Scenario.Status.ADOPTED and sc.adopted_from == NEXT_YEAR
    assert not Rule.objects.filter(province_code="79", key="salary.base").exists()


def test_today_is_not_the_past(users):
    sc = _scenario(users, [{"key": "funding.org.mttq.*", "mode": "percent", "value": "10"}])
    rows = services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=NOW.date(), source="NQ 9/2026")
    assert {r.valid_from for r in rows} == {NOW.date()}


@pytest.mark.parametrize("change", [
    {"key": "funding.org.mttq.*", "mode": "percent", "value": "0"},
    {"key": "funding.village.coef.low", "mode": "add", "value": "0"},
], ids=["plus-0-percent", "add-0"])
def test_a_change_that_keeps_every_value_adopts_nothing(users, change):
    """Before: "+0 %" adopted a province rule with the value already in force for every rule it matched (a decision
    that changed nothing, in the rule book's history). Now such a change is left out; alone, it is refused."""
    sc = _scenario(users, [change])
    before = Rule.objects.filter(province_code="79").count()
    with pytest.raises(ApplicationError) as exc:
        services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=NEXT_YEAR, source="NQ 9/2026")
    assert exc.value.code == "scenario-changes-no-rule" and exc.value.message == DATE_MESSAGE
    assert _nothing_adopted(sc, before)


def test_only_the_rules_given_a_new_value_are_adopted(users):
    sc = _scenario(users, [{"key": "funding.org.mttq.*", "mode": "percent", "value": "0"},
                           {"key": "funding.village.coef.low", "mode": "set", "value": "5"}])
    rows = services.scenario_adopt(actor=users["province_finance"], scenario=sc, effective_from=NEXT_YEAR, source="NQ 9/2026")
    assert [r.key for r in rows] == ["funding.village.coef.low"]
