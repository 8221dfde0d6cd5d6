"""The demo builder: after the workforce and planning demos, the demo province has vacancies after the merger (the
second deputy secretary, offices under their quota), origins for the demo commune's leaders and one Art. 38 exemption."""

from django.utils import timezone

import pytest

from coso.assignments import selectors
from coso.assignments.models import Origin, RotationExemption
from coso.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_builds(province, commune, other_commune, users):
    from coso.assignments import demo as assignments_demo
    from coso.planning import demo as planning_demo
    from coso.workforce import demo as workforce_demo

    ctx = DemoContext(province=province, communes=[commune, other_commune], users={"noivu.xa": users["home_affairs"]})
    workforce_demo.build(ctx)
    planning_demo.build(ctx)
    assignments_demo.build(ctx)
    assert Origin.objects.filter(commune_code=commune.code).exists() and RotationExemption.objects.count() == 1
    data = selectors.vacancies(fetched_by=users["province_home_affairs"], on=timezone.localdate())
    assert {c["code"] for c in data["communes"]} == {commune.code, other_commune.code}
    posts = [p for c in data["communes"] for p in c["posts"]]
    assert any(p["position_code"] == "pho_bi_thu" for p in posts)
    assert data["total"]["open"] > 0
    ranked = selectors.candidates(fetched_by=users["province_home_affairs"], commune_code=commune.code, position_code="pho_bi_thu")
    assert ranked["considered"] > 0 and all(len(r["checks"]) == 6 for r in ranked["rows"])
    assignments_demo.build(ctx)  # idempotent
    assert RotationExemption.objects.count() == 1
