"""A commune code given again (see coso.units.lineage): an item carrying the code and sent while an old commune of another
lineage carried it (merged, as primary successor, into another commune) is that commune's successor's. The commune
holding the code today does not reach it (404, as another commune's): not in its queue, search or Open311 staff views,
and no moderation or answer; the old commune's successor still reads it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine

from coso.accounts.models import ApiToken
from coso.core.exceptions import NotFoundError
from coso.feedback import services as svc
from coso.feedback.models import Feedback
from coso.feedback.tests.conftest import MONDAY
from coso.units.tests.helpers import old_commune_merged_into

pytestmark = pytest.mark.django_db

JUNE_2025 = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _sent_june_2025(fb: Feedback) -> Feedback:
    Feedback.objects.filter(pk=fb.pk).update(submitted_at=JUNE_2025)
    fb.refresh_from_db()
    return fb


@pytest.fixture
def reused(commune, other_commune, submit):  # type: ignore[no-untyped-def]
    """``commune`` holds today the code of an old commune merged into ``other_commune``: an item of that code sent in
    June 2025 and a new one of ``commune``'s."""
    old_commune_merged_into(commune.code, other_commune)
    with time_machine.travel(MONDAY, tick=False):
        old = _sent_june_2025(submit(title="Đèn hỏng phố Hàng Bột", text="Đèn đường phố Hàng Bột hỏng đã lâu."))
        new = submit(title="Rác ùn ứ đầu hẻm mới")
    return old, new


def _queue(client: Any, **params: str) -> set[int]:
    r = client.get("/api/v1/feedback/", params)
    assert r.status_code == 200, r.content
    return {row["id"] for row in r.json()["items"]}


def test_the_commune_holding_the_code_now_does_not_reach_the_old_communes_item(users, reused, login, client):
    old, new = reused
    for who in ("onestop", "leader"):
        c = login(users[who])
        assert c.get(f"/api/v1/feedback/{old.pk}").status_code == 404, who
        assert c.get(f"/feedback/moderation/{old.pk}/").status_code == 404, who
        assert c.get(f"/api/v1/feedback/{new.pk}").status_code == 200, who
        assert _queue(c) == {new.pk} and _queue(c, tab="pending") == {new.pk}
        assert _queue(c, q="Hàng Bột") == set()
        page = c.get("/feedback/moderation/", {"tab": "all"}).content.decode()
        assert old.title not in page and new.title in page
    c = login(users["leader"])
    for path, body in [("moderate", {"action": "reject", "reason": "Không thuộc thẩm quyền xử lý."}), ("moderate", {"action": "bogus"}),
                       ("answer", {"text": "Đã sửa."}), ("answer", {}), ("dismiss-reports", {})]:
        r = c.post(f"/api/v1/feedback/{old.pk}/{path}", body, content_type="application/json")
        assert r.status_code == 404, (path, r.content)
    assert c.post(f"/feedback/moderation/{old.pk}/reject/", {"reason": "Không thuộc thẩm quyền xử lý."}).status_code == 404
    with pytest.raises(NotFoundError):
        svc.feedback_reject(feedback=Feedback.objects.get(pk=old.pk), actor=users["leader"], reason="Không thuộc thẩm quyền xử lý.")
    old.refresh_from_db()
    assert old.status == Feedback.Status.PENDING  # nothing changed
    # Open311, with the commune's staff key: neither in the list nor by id (the item is not published)
    key = ApiToken.issue(user=users["onestop"], name="Ứng dụng 311")[1]
    r = client.get("/open311/v2/requests.json", {"api_key": key, "service_request_id": f"{old.pk},{new.pk}"})
    assert [i["service_request_id"] for i in json.loads(r.content)] == [str(new.pk)]
    assert client.get(f"/open311/v2/requests/{old.pk}.json", {"api_key": key}).status_code == 404


def test_the_old_communes_successor_still_reads_it(users, reused, login):
    old, _new = reused
    c = login(users["other_onestop"])
    r = c.get(f"/api/v1/feedback/{old.pk}")
    assert r.status_code == 200 and r.json()["id"] == old.pk
    assert c.get(f"/feedback/moderation/{old.pk}/").status_code == 200
    assert login(users["province_home_affairs"]).get(f"/api/v1/feedback/{old.pk}").status_code == 200


def test_the_true_successor_holding_the_old_code_keeps_the_items(users, commune, submit, login):
    old_commune_merged_into(commune.code, commune)
    with time_machine.travel(MONDAY, tick=False):
        old = _sent_june_2025(submit())
    c = login(users["leader"])
    assert c.get(f"/api/v1/feedback/{old.pk}").status_code == 200
    assert _queue(c) == {old.pk}
    r = c.post(f"/api/v1/feedback/{old.pk}/moderate", {"action": "reject", "reason": "Không thuộc thẩm quyền xử lý."},
               content_type="application/json")
    assert r.status_code == 200, r.content
    assert login(users["other_onestop"]).get(f"/api/v1/feedback/{old.pk}").status_code == 404


def test_reminders_and_escalations_of_the_old_communes_item_do_not_go_to_the_commune_holding_the_code(users, reused):
    from coso.core.notify import MemoryBackend
    from coso.jobs.services import run_periodic

    old, new = reused
    for name, phone in (("leader", "0988000111"), ("onestop", "0988000222"), ("specialist", "0988000333")):
        users[name].phone = phone
        users[name].save()
    assert old.answer_due == new.answer_due
    MemoryBackend.outbox.clear()
    late = new.answer_due + dt.timedelta(days=1)
    run_periodic("feedback_escalate_overdue", today=late)
    run_periodic("feedback_deadline_reminders", today=late if late.weekday() < 5 else late + dt.timedelta(days=7 - late.weekday()))
    texts = [m.text for m in MemoryBackend.outbox]
    assert any(new.code in t for t in texts) and not any(old.code in t for t in texts), texts
