"""The demo builder: lists for both terms, the flagged candidates of the demo commune, courses; nothing dated in the future."""

from django.utils import timezone

import pytest

from coso.core.demo import DemoContext
from coso.planning.models import Candidate, CandidateEvent, Course, PlanningList, RemovalProposal

pytestmark = pytest.mark.django_db


def test_demo_builds(province, commune, other_commune, users):
    from coso.planning import demo as planning_demo
    from coso.workforce import demo as workforce_demo

    ctx = DemoContext(province=province, communes=[commune, other_commune], users={"noivu.xa": users["home_affairs"]})
    workforce_demo.build(ctx)
    planning_demo.build(ctx)
    today = timezone.localdate()
    assert set(PlanningList.objects.values_list("term", flat=True)) == {"2025-2030", "2030-2035"}
    assert Candidate.objects.count() > 0 and Course.objects.exists()
    assert not Candidate.objects.filter(entered_on__gt=today).exists()
    assert not CandidateEvent.objects.filter(on__gt=today).exists()
    flagged = RemovalProposal.objects.filter(candidate__planning_list__commune_code=commune.code, candidate__planning_list__term="2030-2035",
                                             candidate__planning_list__position_code="ct_ubnd")
    codes = {r["code"] for p in flagged for r in p.reasons}
    assert {"age", "discipline"} <= codes
    assert Candidate.objects.filter(status="active").count() == Candidate.objects.count()  # the review removed nobody
    planning_demo.build(ctx)  # idempotent
    assert PlanningList.objects.count() == 12
