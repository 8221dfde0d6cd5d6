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


def test_the_migration_drops_the_draft_words_indexed_before_the_fix(client, submit, users):
    """Items indexed before the fix keep their draft answer's words until reindexed: migration 0014 reindexes the items
    not closed that carry an answer, and leaves the others' entries as they are."""
    import importlib

    from django.apps import apps as global_apps

    from coso.core.models import SearchDocument, SearchEntry
    from coso.core.search import document_key, search_index_set

    draft = svc.feedback_answer(feedback=svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"]),
                                actor=users["onestop"], text=DRAFT, publish=False)
    closed = svc.feedback_publish_answer(feedback=svc.feedback_answer(
        feedback=svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"]),
        actor=users["onestop"], text="Đã vá xong, đơn vị Khoaithanh.", publish=False), actor=users["onestop"])
    # indexed as before the fix: the answer's words whatever the status
    search_index_set(kind="feedback", object_id=draft.pk, texts=[draft.code, draft.title, draft.text, draft.answer_text],
                     province_code=draft.province_code, commune_code=draft.commune_code)
    assert _found(client, "khoaithanh") == [closed.pk, draft.pk] or _found(client, "khoaithanh") == [draft.pk, closed.pk]
    kept = sorted(SearchEntry.objects.filter(kind="feedback", object_id=closed.pk).values_list("token", flat=True))
    importlib.import_module("coso.feedback.migrations.0014_search_without_draft_answers").forwards(global_apps, None)
    assert _found(client, "khoaithanh") == [closed.pk]
    assert _found(client, "hem") and draft.pk in _found(client, "hem")  # the draft item's own words still find it
    assert sorted(SearchEntry.objects.filter(kind="feedback", object_id=closed.pk).values_list("token", flat=True)) == kept
    assert "khoaithanh" not in SearchDocument.objects.get(pk=document_key("feedback", draft.pk)).terms.split()
