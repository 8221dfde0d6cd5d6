"""The moderation queue's tabs: a hidden item is under "Đã ẩn" only. Before, an item a moderator hid by hand while it
still had reports (or a wording flag) was listed under "Gắn cờ / bị báo" as well, so two moderators took it up twice."""

from __future__ import annotations

from django.urls import reverse

import pytest

from coso.feedback import services as svc

pytestmark = pytest.mark.django_db

WORDING = "Cán bộ phường làm việc như đồ ngu với dân, rác ùn ứ cả tuần."


def _tab_ids(c, tab: str) -> set[int]:  # type: ignore[no-untyped-def]
    r = c.get("/api/v1/feedback/", {"tab": tab})
    assert r.status_code == 200
    return {row["id"] for row in r.json()["items"]}


def test_a_hidden_reported_or_flagged_item_is_only_under_hidden(submit, users, login):
    reported = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_report(feedback=reported, address="203.0.113.1", reason="Sai sự thật.")
    svc.feedback_report(feedback=reported, address="203.0.113.2", reason="Xúc phạm.")
    flagged = svc.feedback_publish(feedback=submit(actor=users["citizen"], text=WORDING), actor=users["onestop"])
    visible = svc.feedback_publish(feedback=submit(actor=users["citizen"], text=WORDING), actor=users["onestop"])
    c = login(users["onestop"])
    assert {reported.pk, flagged.pk, visible.pk} <= _tab_ids(c, "flagged")

    svc.feedback_hide(feedback=reported, actor=users["onestop"], reason="Đang xác minh.")
    svc.feedback_hide(feedback=flagged, actor=users["onestop"], reason="Xúc phạm cán bộ.")
    reported.refresh_from_db()
    assert reported.hidden and reported.report_count == 2  # the reports stay with the hidden item

    in_flagged, in_hidden = _tab_ids(c, "flagged"), _tab_ids(c, "hidden")
    assert reported.pk not in in_flagged and flagged.pk not in in_flagged and visible.pk in in_flagged
    assert {reported.pk, flagged.pk} <= in_hidden and visible.pk not in in_hidden
    # the page's tab as well
    page = c.get(reverse("feedback:moderation"), {"tab": "flagged"})
    body = page.content.decode()
    assert page.status_code == 200 and visible.code in body and reported.code not in body and flagged.code not in body


def test_an_item_hidden_by_reports_is_only_under_hidden(submit, users, login):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    for n in (1, 2, 3):
        svc.feedback_report(feedback=fb, address=f"203.0.113.{n}")
    fb.refresh_from_db()
    assert fb.hidden and fb.report_count == 3
    c = login(users["onestop"])
    assert fb.pk not in _tab_ids(c, "flagged") and fb.pk in _tab_ids(c, "hidden")
    svc.feedback_unhide(feedback=fb, actor=users["onestop"], note="Không vi phạm.")
    assert fb.pk not in _tab_ids(c, "flagged") and fb.pk not in _tab_ids(c, "hidden")  # reports dismissed with the unhiding
