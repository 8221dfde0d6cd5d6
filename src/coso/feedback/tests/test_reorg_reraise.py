"""An item answered by a commune later merged away in the app stays where it was (its answer is that commune's history),
but before, when its sender raised it again ("Phản ánh lại"), it reopened under the ended commune: nobody handled it,
the successor's staff could only read it. The reopened item now goes to the commune that took over (the units lineage),
audited with the re-raise; ratings that do not reopen leave it where it was."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.models import AuditLog
from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import VN
from coso.units.tests.helpers import merge_communes

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 4, 1)
LATER = dt.datetime(2026, 4, 6, 9, 0, tzinfo=VN)


@pytest.fixture
def answered(submit, users, other_commune):  # type: ignore[no-untyped-def]
    """An item of other_commune, answered and closed there, not yet rated; then other_commune merged into commune."""
    def make(**kw):  # type: ignore[no-untyped-def]
        with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
            fb = submit(actor=users["citizen"], commune=other_commune, text="Đèn đường khu phố 2 hỏng nhiều ngày.", **kw)
            fb = svc.feedback_publish(feedback=fb, actor=users["other_onestop"])
            fb = svc.feedback_answer(feedback=fb, actor=users["other_onestop"], text="Đã thay bóng đèn.")
        assert fb.status == Feedback.Status.CLOSED
        return fb
    return make


def _merge(users, commune, other_commune):  # type: ignore[no-untyped-def]
    merge_communes(users["province_admin"], target=commune, sources=[other_commune], effective_on=EFFECTIVE, today=TODAY,
                   new_name="Phường Sài Gòn Mới")


def test_a_reraised_item_of_a_merged_commune_reopens_with_the_commune_that_took_over(answered, users, commune, other_commune):
    fb, rated = answered(), answered()
    _merge(users, commune, other_commune)
    fb.refresh_from_db()
    assert fb.commune_code == other_commune.code  # closed: history stays where it was

    with time_machine.travel(LATER, tick=False):
        kept = svc.feedback_rate(feedback=rated, actor=users["citizen"], rating="useful")
        fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="reraised")
    kept.refresh_from_db()
    assert kept.commune_code == other_commune.code  # a rating that does not reopen moves nothing
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PROCESSING
    assert (fb.province_code, fb.commune_code) == (commune.province_code, commune.code)
    entry = AuditLog.objects.get(object_type="feedback.Feedback", object_id=str(fb.pk), verb="feedback_rate")
    assert entry.before["commune_code"] == other_commune.code and entry.after["commune_code"] == commune.code
    # the successor's staff find it in their queue, search included
    mine = sel.feedback_list(fetched_by=users["onestop"], tab="all", query="đèn đường")
    assert fb.pk in set(mine.values_list("pk", flat=True))
    assert "Phường Sài Gòn Mới" in fb.events.order_by("-pk").first().note  # the sender is told where it went


def test_through_the_api_the_successor_answers_the_reraised_item(answered, users, commune, other_commune, login):
    fb = answered()
    _merge(users, commune, other_commune)
    with time_machine.travel(LATER, tick=False):
        r = login(users["citizen"]).post(f"/api/v1/feedback/{fb.pk}/rate", {"rating": "reraised"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["commune_code"] == commune.code and r.json()["status"] == "processing"
    staff = login(users["onestop"])
    r = staff.get(f"/api/v1/feedback/{fb.pk}")
    assert r.status_code == 200 and r.json()["commune_code"] == commune.code
    r = staff.post(f"/api/v1/feedback/{fb.pk}/answer", {"text": "Đã kiểm tra lại, thay cả chóa đèn."}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "closed"


def test_a_reraised_item_of_a_commune_in_force_stays_there(answered, users, other_commune):
    fb = answered()
    with time_machine.travel(LATER, tick=False):
        fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="reraised")
    fb.refresh_from_db()
    assert fb.commune_code == other_commune.code and fb.status == Feedback.Status.PROCESSING


def test_an_item_with_a_village_follows_its_village(answered, users, commune, other_commune):
    from coso.units.models import Village

    village = Village.objects.create(commune=other_commune, name="Khu phố 2", name_folded="khu pho 2", kind="khu_pho",
                                     province_code=other_commune.province_code, commune_code=other_commune.code)
    fb = answered(village=village)
    _merge(users, commune, other_commune)
    village.refresh_from_db()
    assert village.commune_code == commune.code
    with time_machine.travel(LATER, tick=False):
        fb = svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="reraised")
    fb.refresh_from_db()
    assert fb.commune_code == commune.code and fb.village_id == village.pk


def test_a_reraised_item_of_an_old_commune_whose_code_another_commune_now_carries_goes_to_its_successor(answered, users, commune,
                                                                                                         other_commune):
    """Codes were given again on 1/7/2025: an item sent before that date under a code a commune in force now carries, when
    that commune is not the old commune's successor, reopens with the old commune's successor, not the new holder."""
    from coso.units.models import AdministrativeUnit, UnitSuccession

    old = AdministrativeUnit.all_objects.create(code=other_commune.code, name="Phường Cũ", name_folded="phuong cu", level="commune",
                                                kind="phuong", parent=other_commune.parent, province_code=other_commune.province_code,
                                                valid_from=None, valid_to=dt.date(2025, 7, 1))
    UnitSuccession.objects.create(predecessor=old, successor=commune, kind=UnitSuccession.Kind.MERGE, effective_on=dt.date(2025, 7, 1))
    fb = answered()
    Feedback.objects.filter(pk=fb.pk).update(submitted_at=dt.datetime(2025, 5, 12, 9, 0, tzinfo=VN))
    fb.refresh_from_db()
    with time_machine.travel(LATER, tick=False):
        svc.feedback_rate(feedback=fb, actor=users["citizen"], rating="reraised")
    fb.refresh_from_db()
    assert (fb.commune_code, fb.status) == (commune.code, Feedback.Status.PROCESSING)
    # an item the commune in force received under the same code stays with it
    recent = answered()
    with time_machine.travel(LATER, tick=False):
        svc.feedback_rate(feedback=recent, actor=users["citizen"], rating="reraised")
    recent.refresh_from_db()
    assert recent.commune_code == other_commune.code
