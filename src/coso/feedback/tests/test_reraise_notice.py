"""When its sender raises an answered item again ("Phản ánh lại"), the commune's staff who take in feedback are told,
as they are of an item forwarded to them: before, the item went back into their queue without a word. Once per
re-raise: rating the reopened item again is refused and tells nobody again; a rating that does not reopen tells nobody."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.notify import MemoryBackend
from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import VN

pytestmark = pytest.mark.django_db

STAFF = {"onestop": "0988000001", "specialist": "0988000002", "leader": "0988000003", "other_onestop": "0988000004",
         "other_leader": "0988000005"}


@pytest.fixture
def answered(submit, users):  # type: ignore[no-untyped-def]
    for name, phone in STAFF.items():
        users[name].phone = phone
        users[name].save()

    def make():  # type: ignore[no-untyped-def]
        with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
            fb = submit(actor=users["citizen"])
            fb = svc.feedback_publish(feedback=fb, actor=users["onestop"])
            fb = svc.feedback_answer(feedback=fb, actor=users["onestop"], text="Đã thu gom rác.")
        assert fb.status == Feedback.Status.CLOSED
        return fb
    return make


def _staff_told(code: str) -> list[str]:
    return sorted(m.to for m in MemoryBackend.outbox if m.to in STAFF.values() and code in m.text)


def test_the_communes_staff_are_told_once_when_an_item_is_raised_again(answered, users, login):
    fb = answered()
    MemoryBackend.outbox.clear()
    c = login(users["citizen"])
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=VN), tick=False):
        r = c.post(f"/api/v1/feedback/{fb.pk}/rate", {"rating": "reraised"}, content_type="application/json")
        assert r.status_code == 200, r.content
        assert _staff_told(fb.code) == sorted([STAFF["leader"], STAFF["onestop"], STAFF["specialist"]])
        notice = next(m.text for m in MemoryBackend.outbox if m.to == STAFF["onestop"])
        assert "phản ánh lại" in notice and fb.code in notice
        again = c.post(f"/api/v1/feedback/{fb.pk}/rate", {"rating": "reraised"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "not-answered", again.content  # reopened: nothing to rate
    assert _staff_told(fb.code) == sorted([STAFF["leader"], STAFF["onestop"], STAFF["specialist"]])  # not told twice


def test_a_rating_that_does_not_reopen_tells_no_staff(answered, users):
    fb = answered()
    MemoryBackend.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=VN), tick=False):
        svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="useful")
    assert _staff_told(fb.code) == []


def test_an_item_of_a_merged_commune_tells_the_staff_of_the_commune_that_took_over(submit, users, commune, other_commune):
    from coso.feedback.tests.test_reorg_reraise import LATER, _merge

    for name, phone in STAFF.items():
        users[name].phone = phone
        users[name].save()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        fb = submit(actor=users["citizen"], commune=other_commune)
        fb = svc.feedback_publish(feedback=fb, actor=users["other_onestop"])
        fb = svc.feedback_answer(feedback=fb, actor=users["other_onestop"], text="Đã thu gom rác.")
    _merge(users, commune, other_commune)
    MemoryBackend.outbox.clear()
    with time_machine.travel(LATER, tick=False):
        fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="reraised")
    assert fb.commune_code == commune.code
    # the merged commune's accounts followed it: every one of them is now the successor's staff
    for name in ("other_onestop", "other_leader"):
        users[name].refresh_from_db()
        assert users[name].commune_code == commune.code
    assert _staff_told(fb.code) == sorted(STAFF.values())
