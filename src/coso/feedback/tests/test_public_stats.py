"""The public "766" table covers every published item of the filter, not only the communes of the page shown."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(submit, users, commune, other_commune, foreign_commune, cats):
    """26 published items: 3 in the foreign commune (oldest), 3 in the other commune, 20 in the commune (newest).

    Page 1 of the public list (20 per page) shows only the commune; the other two are on page 2.
    """
    plan = [(foreign_commune, 3), (other_commune, 3), (commune, 20)]
    items = []
    with time_machine.travel(MONDAY, tick=False):
        for unit, n in plan:
            for i in range(n):
                items.append(submit(actor=users["citizen"], commune=unit, title=f"Ổ gà số {i}", text=f"Ổ gà lớn giữa đường số {i}."))
    base = timezone.now() - dt.timedelta(days=30)
    for i, fb in enumerate(items):  # publish in order: the commune's items are the newest
        Feedback.objects.filter(pk=fb.pk).update(is_public=True, status=Feedback.Status.PROCESSING, published_at=base + dt.timedelta(minutes=i))
    # Unpublished and hidden items do not count.
    with time_machine.travel(MONDAY, tick=False):
        submit(actor=users["citizen"], commune=other_commune)
        hidden = submit(actor=users["citizen"], commune=other_commune)
    Feedback.objects.filter(pk=hidden.pk).update(is_public=True, hidden=True, status=Feedback.Status.PROCESSING, published_at=base)
    return items


def _rows(response):
    return {s["commune_code"]: s for s in response.context["stats"]}


def test_766_table_counts_every_commune_of_the_filter_whatever_the_page(client, spread, commune, other_commune, foreign_commune):
    r = client.get(reverse("feedback:public_list"))
    assert r.status_code == 200
    assert {fb.commune_code for fb in r.context["page"]} == {commune.code}  # page 1 shows one commune only
    rows = _rows(r)
    assert {code: s["total"] for code, s in rows.items()} == {commune.code: 20, other_commune.code: 3, foreign_commune.code: 3}
    assert "Phường Tân Định" in r.content.decode() and "Phường Ba Đình" in r.content.decode()
    page2 = client.get(reverse("feedback:public_list"), {"page": 2})
    assert _rows(page2) == rows  # the same table on every page


def test_766_table_follows_the_filter(client, spread, commune, other_commune):
    r = client.get(reverse("feedback:public_list"), {"commune": other_commune.code})
    assert {code: s["total"] for code, s in _rows(r).items()} == {other_commune.code: 3}
    r = client.get(reverse("feedback:public_list"), {"q": "so 1"})  # "số 1" in the three communes
    assert {s["total"] for s in _rows(r).values()} == {1}
    assert len(_rows(r)) == 3
    r = client.get(reverse("feedback:public_list"), {"status": "answered"})
    assert r.context["stats"] == []


def test_766_table_is_one_aggregate_query(spread, django_assert_max_num_queries):
    from coso.feedback import selectors as sel

    with django_assert_max_num_queries(3):  # the aggregate, the commune names (and the lineage map when not cached)
        rows = sel.public_commune_stats()
    assert sum(r["total"] for r in rows) == 26


def test_overdue_items_lower_the_rate_of_their_commune_only(client, spread, users, other_commune):
    late = [fb for fb in spread if fb.commune_code == other_commune.code][0]
    Feedback.objects.filter(pk=late.pk).update(late=True)
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):  # every other item is inside its deadline
        svc.feedback_answer(feedback=Feedback.objects.get(pk=spread[-1].pk), actor=users["specialist"], text="Đã vá ổ gà.")
        rows = _rows(client.get(reverse("feedback:public_list")))
    assert rows[other_commune.code]["on_time_rate"] == pytest.approx(66.67)
    assert all(s["on_time_rate"] == 100.0 for code, s in rows.items() if code != other_commune.code)
