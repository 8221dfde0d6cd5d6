"""The demo generator: forwarded items carry their forwarding deadline, target and history."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

import pytest

from coso.feedback.models import Feedback, FeedbackEvent

pytestmark = pytest.mark.django_db


def test_generated_items_include_forwarded_ones(cats, commune):
    from coso.feedback import demo

    pairs = list(
        demo.generate(
            rng=random.Random(7),
            communes=[(commune.province_code, commune.code)],
            per_commune=300,
            end=dt.date(2026, 11, 30),
            categories=cats,
            code_prefix="T",
        )
    )
    assert demo.insert(pairs) == 300
    assert not Feedback.objects.filter(forward_due__isnull=True).exists()
    forwarded = Feedback.objects.filter(status=Feedback.Status.FORWARDED)
    assert forwarded.exists()
    for fb in forwarded:
        assert fb.forward_target in ("province", "external") and fb.forward_target_name and fb.forward_reason
        assert fb.late == (timezone.localtime(fb.forwarded_at).date() > fb.forward_due)
    assert FeedbackEvent.objects.filter(feedback__in=forwarded, kind="forward", public=True).count() == forwarded.count()
