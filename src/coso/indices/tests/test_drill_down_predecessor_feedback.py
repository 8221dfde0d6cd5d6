"""Feedback of an old commune merged on 1/7/2025, listed in the 5.2 / 5.3 drill-down of the commune it was merged
into, opens for that commune's staff and its province (staff page, API GET), read only: no action offered, and any
action answers 404. A commune that is not the primary successor whose figures count it still gets 404."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(merged_units, make_feedback):  # type: ignore[no-untyped-def]
    """An old commune (old province 80) merged into ``commune``; another old one divided, whose primary successor is
    ``commune`` and whose other part went to ``other_commune``; a late, still open feedback item of each, June 2025."""
    old, divided = merged_units
    return (make_feedback(old, submitted=dt.date(2025, 6, 2), late=True, status="processing"),
            make_feedback(divided, submitted=dt.date(2025, 6, 3), late=True, status="processing"))


def test_the_successor_opens_a_predecessors_feedback_from_the_drill_down_read_only(merged, commune, users, login):
    for who in ("leader", "province_home_affairs"):
        c = login(users[who])
        html = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=5.2&period=2025-06").content.decode()
        for fb in merged:
            url = reverse("feedback:manage", args=[fb.pk])
            assert f'href="{url}"' in html, who
            r = c.get(url)
            page = r.content.decode()
            assert r.status_code == 200 and fb.code in page, who
            assert reverse("feedback:action", args=[fb.pk, "hide"]) not in page and reverse("feedback:action", args=[fb.pk, "answer"]) not in page
            r = c.get(f"/api/v1/feedback/{fb.pk}")
            assert r.status_code == 200 and r.json()["code"] == fb.code, who
    # read only: acting on it stays with the commune whose code it carries
    Feedback = apps.get_model("feedback", "Feedback")
    c = login(users["leader"])
    fb = merged[0]
    assert c.post(reverse("feedback:action", args=[fb.pk, "hide"]), {"reason": "Trùng lặp"}).status_code == 404
    r = c.post(f"/api/v1/feedback/{fb.pk}/moderate", {"action": "hide", "reason": "Trùng lặp"}, content_type="application/json")
    assert r.status_code == 404, r.content
    r = c.post(f"/api/v1/feedback/{fb.pk}/answer", {"text": "Đã sửa đèn đường."}, content_type="application/json")
    assert r.status_code == 404, r.content
    fresh = Feedback.objects.get(pk=fb.pk)
    assert (fresh.hidden, fresh.status, fresh.version) == (fb.hidden, fb.status, fb.version)


def test_a_commune_that_is_not_the_primary_successor_still_gets_404(merged, users, login):
    # other_commune received part of the divided commune, but its feedback counts under its primary successor
    c = login(users["other_leader"])
    for fb in merged:
        assert c.get(reverse("feedback:manage", args=[fb.pk])).status_code == 404
        assert c.get(f"/api/v1/feedback/{fb.pk}").status_code == 404


def test_the_successors_own_feedback_after_the_merger_still_offers_the_actions(commune, users, login, make_feedback):
    fb = make_feedback(commune, submitted=dt.date(2025, 8, 4), status="processing")
    page = login(users["leader"]).get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    assert reverse("feedback:action", args=[fb.pk, "hide"]) in page
