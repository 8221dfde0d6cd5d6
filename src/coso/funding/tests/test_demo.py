from __future__ import annotations

import pytest

from coso.core.demo import DemoContext
from coso.funding import demo
from coso.funding.models import Organisation, Scenario

pytestmark = pytest.mark.django_db


def test_demo_builds_organisations_and_two_scenarios_idempotently(province, commune, other_commune, users):
    ctx = DemoContext(province=province, communes=[commune, other_commune], users={"taichinh.tinh": users["province_finance"]})
    demo.build(ctx)
    n = Organisation.objects.count()
    assert Organisation.objects.filter(commune=commune, kind="mttq").count() == 1
    assert Organisation.objects.filter(commune=commune, kind="association").count() >= 2
    names = set(Scenario.objects.filter(province_code=province.code).values_list("name", flat=True))
    assert names == {"Nâng quỹ thôn lên 5,0", "MTTQ +20%"}
    demo.build(ctx)
    assert Organisation.objects.count() == n
    assert Scenario.objects.count() == 2
    sc = Scenario.objects.get(name="MTTQ +20%")
    assert {c.key for c in sc.changes.all()} == {"funding.org.mttq.*", "funding.mttq_campaign.*"}
