"""The public search (the public page's "Tìm", GET /api/v1/feedback/public?q=) read the words of an answer not yet
published: a published item whose draft answer waited for publication was found by the draft's words, telling anyone what
the unpublished answer said. The answer's words are now indexed once it is published (and dropped when a re-raise reopens
the item, whose earlier answer the public pages no longer show)."""

from __future__ import annotations

import pytest

from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db

DRAFT = "Đã liên hệ đơn vị Khoaithanh xử lý ổ gà."


def _found(client, word: str) -> list[int]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/feedback/public", {"q": word})
    assert r.status_code == 200, r.content
    page = [fb.pk for fb in sel.feedback_public_list(query=word)]
    assert page == [item["id"] for item in r.json()["items"]]
    return page


def test_a_draft_answer_is_not_searchable_until_published(client, submit, users):
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    fb = svc.feedback_answer(feedback=fb, actor=users["onestop"], text=DRAFT, publish=False)
    assert fb.status == Feedback.Status.ANSWERED and fb.is_public
    assert _found(client, "khoaithanh") == []
    assert _found(client, "hem") == [fb.pk]  # the item's own words still find it
    fb = svc.feedback_publish_answer(feedback=fb, actor=users["onestop"])
    assert _found(client, "khoaithanh") == [fb.pk]
    svc.feedback_rate(feedback=fb, actor=users["citizen"], rating=Feedback.Rating.RERAISED)
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PROCESSING
    assert _found(client, "khoaithanh") == []
