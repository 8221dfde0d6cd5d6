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


def _attach(fb, *, hidden: bool = False):  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    Attachment = apps.get_model("feedback", "FeedbackAttachment")
    name = default_storage.save(f"feedback/2025/06/{fb.code}.pdf", ContentFile(b"%PDF-1.4 bien ban"))
    return Attachment.objects.create(feedback=fb, file=name, original_name="bien-ban.pdf", content_type="application/pdf",
                                     size=17, hidden=hidden)


def test_the_successor_opens_a_predecessors_feedback_attachments(merged, users, login):
    """The files of a predecessor's item open for the primary successor's staff and its province (read only, as the
    staff page lists them, a file a moderator hid included), and the staff page links them."""
    files = [(_attach(fb), _attach(fb, hidden=True)) for fb in merged]
    for who in ("leader", "province_home_affairs"):
        c = login(users[who])
        for fb, pair in zip(merged, files, strict=True):
            page = c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
            for a in pair:
                url = reverse("feedback:attachment", args=[a.pk])
                assert f'href="{url}"' in page, who
                r = c.get(url)
                assert r.status_code == 200, (who, fb.code, a.hidden)
                assert b"".join(r.streaming_content) == b"%PDF-1.4 bien ban"


def test_a_commune_that_is_not_the_primary_successor_gets_404_for_the_attachments(merged, users, login, client):
    """``other_commune`` received part of the divided commune, but that commune's items (and their files) count under its
    primary successor: 404, as for a file that does not exist; likewise an anonymous visitor (the items are not public)."""
    files = [a for fb in merged for a in (_attach(fb), _attach(fb, hidden=True))]
    c = login(users["other_leader"])
    for a in files:
        assert c.get(reverse("feedback:attachment", args=[a.pk])).status_code == 404, a.feedback.code
    for who in ("other_onestop", "citizen"):
        c = login(users[who])
        for a in files:
            assert c.get(reverse("feedback:attachment", args=[a.pk])).status_code == 404, (who, a.feedback.code)
    client.logout()
    for a in files:
        assert client.get(reverse("feedback:attachment", args=[a.pk])).status_code == 404
