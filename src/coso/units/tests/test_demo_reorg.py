"""Demo: a pending village merger in the demo commune."""

from __future__ import annotations

import pytest

from coso.accounts import demo as accounts_demo
from coso.core.demo import DemoContext
from coso.units import demo_reorg
from coso.units.models import Reorganisation
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db


def test_demo_schedules_a_pending_village_merger(province, commune, other_commune):
    h.village(commune, "Tổ dân phố 1", 120)
    h.village(commune, "Tổ dân phố 2", 90)
    h.village(commune, "Tổ dân phố 3", 400)
    ctx = DemoContext(province=province, communes=[commune, other_commune])
    accounts_demo.build(ctx)
    demo_reorg.build(ctx)
    r = Reorganisation.objects.get()
    assert r.status == "scheduled" and r.kind == "village_merge" and r.effective_on.day == 1
    assert {m["key"]: m["total"] for m in r.preview["movers"]}["units.villages"] == 2
    demo_reorg.build(ctx)  # rebuilt: no second one
    assert Reorganisation.objects.count() == 1
