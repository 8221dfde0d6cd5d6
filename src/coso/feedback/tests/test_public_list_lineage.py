"""The public list filtered by a commune (the page's "Xã, phường" filter, GET /api/v1/feedback/public?commune=) shows the
published items of the communes merged into it, sent while they carried their codes, as its figures already count them;
before, it read the commune's own code only, so a citizen of the new commune did not find them. Unpublished and hidden
items of the old commune stay out, as any other's."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import VN
from coso.feedback.tests.test_reorg_reraise import _merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(submit, users, commune, other_commune):  # type: ignore[no-untyped-def]
    """other_commune's items (one published and answered, one hidden, one never published), then other_commune merged
    into commune."""
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        shown = submit(actor=users["citizen"], commune=other_commune, title="Đèn đường hỏng", text="Đèn đường khu phố Yersin hỏng nhiều ngày.")
        shown = svc.feedback_publish(feedback=shown, actor=users["other_onestop"])
        shown = svc.feedback_answer(feedback=shown, actor=users["other_onestop"], text="Đã thay bóng đèn.")
        hidden = submit(actor=users["citizen"], commune=other_commune, title="Ổ gà Yersin", text="Ổ gà lớn trên đường Yersin.")
        hidden = svc.feedback_publish(feedback=hidden, actor=users["other_onestop"])
        unpublished = submit(actor=users["citizen"], commune=other_commune, title="Cây đổ Yersin", text="Cây đổ chắn đường Yersin.")
    Feedback.objects.filter(pk=hidden.pk).update(hidden=True)
    assert shown.is_public and shown.status == Feedback.Status.CLOSED
    _merge(users, commune, other_commune)
    return {"shown": shown, "hidden": hidden, "unpublished": unpublished}


def test_the_selector_lists_the_predecessors_published_items(merged, commune):
    assert [fb.pk for fb in sel.feedback_public_list(commune_code=commune.code)] == [merged["shown"].pk]
    assert [fb.pk for fb in sel.feedback_public_list(commune_code=commune.code, query="yersin")] == [merged["shown"].pk]


def test_the_public_api_lists_the_predecessors_published_items(client, merged, commune):
    r = client.get("/api/v1/feedback/public", {"commune": commune.code})
    assert r.status_code == 200, r.content
    assert [item["id"] for item in r.json()["items"]] == [merged["shown"].pk]
    r = client.get("/api/v1/feedback/public", {"commune": commune.code, "q": "den duong"})
    assert [item["id"] for item in r.json()["items"]] == [merged["shown"].pk]


def test_the_public_page_lists_the_predecessors_published_items(client, merged, commune):
    r = client.get(reverse("feedback:public_list"), {"commune": commune.code})
    assert r.status_code == 200
    assert [fb.pk for fb in r.context["page"]] == [merged["shown"].pk]
    r = client.get(reverse("feedback:public_list"), {"commune": commune.code, "q": "yersin"})
    assert [fb.pk for fb in r.context["page"]] == [merged["shown"].pk]


def test_the_predecessors_are_read_once(merged, commune):
    """Choosing the filter and building it read the commune's successions once, not twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as q:
        sel.public_filtered(commune_code=commune.code)
    reads = [x["sql"] for x in q.captured_queries if "units_unitsuccession" in x["sql"]]
    first_generation = [sql for sql in reads if "valid_to" in sql]  # the walk starts at the commune in force
    assert len(first_generation) == 1, reads
