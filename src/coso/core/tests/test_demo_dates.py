"""Demo data are never dated after the moment they are built (issue 13, item 23): built on a working
morning, today's dossiers are not submitted, returned or rated in the afternoon, and feedback is not
published, answered or rated later."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.utils import timezone

import pytest
import time_machine

from coso.core.demo import DemoContext, squeeze_before

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = dt.datetime(2026, 12, 2, 9, 5, tzinfo=VN)  # a Wednesday, a working day

HAPPENED = {
    "dossiers.Dossier": ("submitted_at", "received_at", "paused_at", "finished_at", "returned_at"),
    "dossiers.DossierEvent": ("at",),
    "dossiers.DossierRating": ("rated_at",),
    "dossiers.DossierApology": ("issued_at",),
    "feedback.Feedback": ("submitted_at", "closed_at", "published_at", "answered_at", "answer_published_at", "rated_at", "escalated_at"),
    "feedback.FeedbackEvent": ("at",),
}


def test_squeeze_keeps_order_and_the_past():
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    past = now - dt.timedelta(hours=2)
    later = [now + dt.timedelta(hours=h) for h in (1, 5, 30)]
    mapping = squeeze_before(now, [past, *later, None])
    assert past not in mapping
    moved = [mapping[t] for t in later]
    assert moved == sorted(moved) and all(past < t <= now for t in moved)


def test_demo_builders_date_nothing_after_now(province, commune, other_commune, users):
    from django.apps import apps

    from coso.dossiers import demo as dossier_demo
    from coso.dossiers.tests.conftest import make_procedure
    from coso.feedback import demo as feedback_demo

    with time_machine.travel(MORNING, tick=False):
        make_procedure()
        make_procedure("2.000815", "Chứng thực bản sao từ bản chính", time_limit="0", time_unit="same_day")
        ctx = DemoContext(
            province=province,
            communes=[commune, other_commune],
            stdout=io.StringIO(),
            users={"motcua": users["onestop"], "chuyenvien": users["specialist"], "lanhdao": users["leader"], "congdan": users["citizen"]},
        )
        dossier_demo.build(ctx)
        feedback_demo.build(ctx)
        now = timezone.now()
        found = {}
        for label, fields in HAPPENED.items():
            model = apps.get_model(label)
            for f in fields:
                n = model.objects.filter(**{f"{f}__gt": now}).count()
                if n:
                    found[f"{label}.{f}"] = n
        assert found == {}
        # the demo still has today's activity
        from coso.dossiers.models import Dossier

        assert Dossier.objects.filter(submitted_at__date=MORNING.date()).exists()
