"""Feedback and the reorganisation of communes. Before, an item whose answer was saved but not yet published
("Đã trả lời, chờ công khai") stayed under a commune merged into another: the staff, moved to the commune that took over,
could read it but no longer publish its answer (their actions answer 404 outside their commune), and the overdue
publication was reported to the leader of a commune that no longer exists."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.feedback.models import Feedback
from coso.units import services as units
from coso.units.models import Reorganisation
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 4, 1)


def test_an_answer_awaiting_publication_follows_the_commune_that_takes_over(users, cats, commune, other_commune, login):
    answered = h.feedback(other_commune, status=Feedback.Status.ANSWERED)
    Feedback.objects.filter(pk=answered.pk).update(is_public=True, answer_text="Đã thay bóng đèn.", publish_due=TODAY)
    still_open, closed = h.feedback(other_commune), h.feedback(other_commune, status=Feedback.Status.CLOSED)
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code=commune.province_code, kind=Reorganisation.Kind.COMMUNE_MERGE,
        decision_number="15/NQ-HĐND", decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập",
        spec={"sources": [other_commune.code], "target": commune.code, "new_name": "Phường Sài Gòn Mới", "category": "other"}, today=TODAY)
    assert {m["key"]: m["total"] for m in r.preview["movers"]}["feedback.open"] == 2
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    for fb in (answered, still_open, closed):
        fb.refresh_from_db()
    assert answered.commune_code == still_open.commune_code == commune.code
    assert closed.commune_code == other_commune.code  # history stays where it was
    # the commune that took over publishes the answer (its staff, page and API)
    r = login(users["onestop"]).post(f"/api/v1/feedback/{answered.pk}/moderate", {"action": "publish_answer"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
