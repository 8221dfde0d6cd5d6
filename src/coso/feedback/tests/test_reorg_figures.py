"""The feedback figures of one commune (the public page's filter, GET /api/v1/feedback/stats?commune=) count the items of a
commune it took over in the app, sent while that commune carried its code; before, they read the commune's own code only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import VN
from coso.feedback.tests.test_reorg_reraise import _merge

pytestmark = pytest.mark.django_db


def test_a_communes_figures_count_the_items_of_the_commune_it_took_over(submit, users, commune, other_commune, login):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        fb = submit(actor=users["citizen"], commune=other_commune, text="Đèn đường khu phố 2 hỏng nhiều ngày.")
        fb = svc.feedback_publish(feedback=fb, actor=users["other_onestop"])
        fb = svc.feedback_answer(feedback=fb, actor=users["other_onestop"], text="Đã thay bóng đèn.")
    assert fb.status == Feedback.Status.CLOSED and fb.is_public
    _merge(users, commune, other_commune)

    rows = sel.commune_stats(commune_codes=[commune.code])
    assert [(r["commune_code"], r["total"], r["answered"]) for r in rows] == [(commune.code, 1, 1)]
    public = sel.public_commune_stats(commune_code=commune.code)
    assert [(r["commune_code"], r["total"]) for r in public] == [(commune.code, 1)]
    assert [(r["commune_code"], r["total"]) for r in sel.public_commune_stats()] == [(commune.code, 1)]
    r = login(users["province_home_affairs"]).get("/api/v1/feedback/stats", {"commune": commune.code})
    assert r.status_code == 200, r.content
    assert [(row["commune_code"], row["total"]) for row in r.json()] == [(commune.code, 1)]
