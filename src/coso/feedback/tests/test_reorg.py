"""Feedback and the reorganisation of communes. Before, an item whose answer was saved but not yet published
("Đã trả lời, chờ công khai") stayed under a commune merged into another: the staff, moved to the commune that took over,
could read it but no longer publish its answer (their actions answer 404 outside their commune), and the overdue
publication was reported to the leader of a commune that no longer exists."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.core.text import fold
from coso.feedback.models import Feedback
from coso.units import services as units
from coso.units.models import AdministrativeUnit, Reorganisation
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


def test_the_commune_that_took_over_reads_the_closed_feedback_of_the_merged_commune_read_only(users, cats, commune, other_commune, province,
                                                                                              login, make_user):
    """Closed feedback stays under the merged commune's code; the commune that takes over its records reads it (staff page
    and API), read only, as the feedback of the communes merged on 1/7/2025. Another commune still gets 404, and so does
    the commune that takes over for an item carrying the old code but sent after the merger."""
    third = AdministrativeUnit.objects.create(code="26740", name="Phường Bến Thành", name_folded=fold("Phường Bến Thành"), level="commune",
                                              kind="phuong", parent=province, province_code="79", population=50_000, agency_code="H79.26740")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        closed = h.feedback(other_commune, status=Feedback.Status.CLOSED)
    Feedback.objects.filter(pk=closed.pk).update(answer_text="Đã thay bóng đèn.")
    after = h.feedback(other_commune, status=Feedback.Status.CLOSED)  # the old code, dated after the merger (not its record)
    Feedback.objects.filter(pk=after.pk).update(submitted_at=dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
    r = units.reorganisation_schedule(
        actor=users["province_admin"], province_code=commune.province_code, kind=Reorganisation.Kind.COMMUNE_MERGE,
        decision_number="15/NQ-HĐND", decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE, title="Sáp nhập",
        spec={"sources": [other_commune.code], "target": commune.code}, today=TODAY)
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    closed.refresh_from_db()
    assert closed.commune_code == other_commune.code  # history stays where it was
    c = login(users["onestop"])
    r = c.get(f"/api/v1/feedback/{closed.pk}")
    assert r.status_code == 200 and r.json()["code"] == closed.code
    page = c.get(reverse("feedback:manage", args=[closed.pk]))
    assert page.status_code == 200 and closed.code in page.content.decode()
    assert reverse("feedback:action", args=[closed.pk, "hide"]) not in page.content.decode()
    # read only: moderating it stays with the commune whose code it carries
    r = c.post(f"/api/v1/feedback/{closed.pk}/moderate", {"action": "hide", "reason": "Trùng lặp"}, content_type="application/json")
    assert r.status_code == 404, r.content
    assert c.post(reverse("feedback:action", args=[closed.pk, "hide"]), {"reason": "Trùng lặp"}).status_code == 404
    fresh = Feedback.objects.get(pk=closed.pk)
    assert (fresh.hidden, fresh.status, fresh.version) == (closed.hidden, closed.status, closed.version)
    assert c.get(f"/api/v1/feedback/{after.pk}").status_code == 404
    assert c.get(reverse("feedback:manage", args=[after.pk])).status_code == 404
    c = login(make_user("third_onestop", "onestop_officer", third))
    assert c.get(f"/api/v1/feedback/{closed.pk}").status_code == 404
    assert c.get(reverse("feedback:manage", args=[closed.pk])).status_code == 404
