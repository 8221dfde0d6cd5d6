"""Migration 0003 keeps an existing database correct: a province's own norms become its rules in the rule book."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("funding", "0002_load_norms")]
AFTER = [("funding", "0003_norms_to_rule_book")]


def test_province_norms_and_scenario_keys_move_to_the_rule_book():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Norm = old.get_model("funding", "Norm")
    Scenario = old.get_model("funding", "Scenario")
    ScenarioChange = old.get_model("funding", "ScenarioChange")
    common = {"label": "x", "source": "NQ 12/2026/NQ-HĐND", "confidence": "P"}
    Norm.objects.create(
        province_code="", key="village.coef.low", value=Decimal("4.5"), unit="coef", valid_from=dt.date(2023, 8, 1), origin="data", **common
    )
    Norm.objects.create(
        province_code="79", key="village.coef.low", value=Decimal("5.0000"), unit="coef", valid_from=dt.date(2027, 1, 1), origin="province", **common
    )
    Norm.objects.create(
        province_code="79",
        key="ctmt.threshold",
        value=Decimal("600"),
        unit="count",
        valid_from=dt.date(2027, 1, 1),
        valid_to=dt.date(2028, 1, 1),
        origin="scenario",
        **common,
    )
    Norm.objects.create(
        province_code="79",
        key="org.mttq.I",
        value=Decimal("66000000.0000"),
        unit="vnd_year",
        valid_from=dt.date(2027, 1, 1),
        origin="province",
        **common,
    )
    sc = Scenario.objects.create(province_code="79", name="A")
    ScenarioChange.objects.create(scenario=sc, key="org.mttq.*", mode="percent", value=Decimal(20))
    ScenarioChange.objects.create(scenario=sc, key="base_salary", mode="set", value=Decimal(2700000))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Rule = new.get_model("rules", "Rule")
    rows = {r.key: r for r in Rule.objects.filter(province_code="79")}
    assert rows["funding.village.coef.low"].value == "5" and rows["funding.village.coef.low"].scope == "province"
    assert rows["funding.village.coef.low"].origin == "edited" and rows["funding.village.coef.low"].source_document == "NQ 12/2026/NQ-HĐND"
    assert rows["funding.ctmt.threshold"].value == 600 and rows["funding.ctmt.threshold"].valid_to == dt.date(2028, 1, 1)
    assert rows["funding.ctmt.threshold"].origin == "scenario"
    assert rows["funding.org.mttq.I"].value == "66000000"
    assert not Rule.objects.filter(province_code="", key="village.coef.low").exists()  # national rows come from the shipped data
    keys = set(new.get_model("funding", "ScenarioChange").objects.values_list("key", flat=True))
    assert keys == {"funding.org.mttq.*", "salary.base"}

    # The rule book reads the copied values (after the latest migrations, as the application runs).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from coso.funding.rules import RuleBook
    from coso.rules import lookup

    lookup.invalidate()
    assert RuleBook.load("79").value("funding.village.coef.low", dt.date(2027, 1, 1)) == Decimal("5")
