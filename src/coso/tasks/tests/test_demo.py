from __future__ import annotations

from django.db.models import Max

import pytest

from coso.core.demo import DemoContext
from coso.tasks import demo, selectors
from coso.tasks import status as st
from coso.tasks.models import Directive, Extension, Task, TaskReport
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_demo_has_every_status_and_nothing_in_the_future(province, commune, other_commune, users, today):
    ctx = DemoContext(
        province=province,
        communes=[commune, other_commune],
        users={"noivu.tinh": users["province_home_affairs"], "lanhdao": users["leader"], "chuyenvien": users["specialist"]},
    )
    demo.build(ctx)
    assert Task.objects.count() == len(demo.DIRECTIVES) * 2 + 2
    for model, fields in (
        (Directive, ["issued_on", "received_on"]),
        (Task, ["assigned_on", "completed_on", "cancelled_on"]),
        (TaskReport, ["reported_on"]),
        (Extension, ["requested_on", "decided_on"]),
    ):
        for f in fields:
            latest = model.objects.aggregate(m=Max(f))["m"]
            assert latest is None or latest <= TODAY, (model, f)
    statuses = {selectors.task_status(t) for t in Task.objects.all()}
    assert {st.ON_TIME, st.IN_TERM} <= statuses
    items = selectors.person_work_items(
        fetched_by=users["leader"], user_ids=[users["specialist"].pk], start=TODAY.replace(day=1).replace(month=1), end=TODAY
    )
    assert len(items[users["specialist"].pk]) == 2
