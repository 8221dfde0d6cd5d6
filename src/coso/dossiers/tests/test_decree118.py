"""The one-stop regime of Decree 118/2025/NĐ-CP from 1/7/2025, against Decree 61/2018's before (dated rules)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError, PermissionDeniedError
from coso.core.notify import MemoryBackend
from coso.dossiers import services
from coso.dossiers.constants import Status
from coso.dossiers.models import Dossier
from coso.dossiers.tests.conftest import act
from coso.jobs.services import run_periodic
from coso.rules.lookup import rule_ref

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def at(y, m, d, h=9, mi=0):  # type: ignore[no-untyped-def]
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def _supplement(d, users, request_at, supplied_at):  # type: ignore[no-untyped-def]
    with time_machine.travel(request_at, tick=False):
        act(d, users["onestop"], "forward")
        d = act(d, users["specialist"], "request_supplement", reason="Thiếu bản sao giấy chứng sinh", data={"documents": ["Giấy chứng sinh"]})
    assert d.status == Status.SUPPLEMENT_REQUESTED
    with time_machine.travel(supplied_at, tick=False):
        return act(d, users["onestop"], "receive_supplement")


def test_supplement_restarts_the_clock_from_1_7_2025(receive, users):
    with time_machine.travel(at(2025, 7, 2), tick=False):  # Wednesday; 3 working days → Monday 7/7
        d = receive()
    assert d.due_date == dt.date(2025, 7, 7)
    # Requested on Thursday, supplied on Friday 4/7, two working days after receipt: 4/7 + 3 working days.
    d = _supplement(d, users, at(2025, 7, 3), at(2025, 7, 4, 10))
    assert d.status == Status.PROCESSING
    assert d.start_date == dt.date(2025, 7, 4) and d.due_date == dt.date(2025, 7, 9)  # paused, it would be 8/7
    assert d.original_due_date == dt.date(2025, 7, 7) and d.close_due_date is None
    assert d.steps.order_by("-order").first().due_date == dt.date(2025, 7, 9)
    ev = d.events.get(action="receive_supplement")
    assert ev.data["restarted"] is True and ev.data["old_due_date"] == "2025-07-07"
    assert rule_ref("onestop.supplement.restart_clock", on=dt.date(2025, 7, 4)).source_document == "Nghị định 118/2025/NĐ-CP"


def test_supplement_before_1_7_2025_follows_decree_61(receive, users):
    with time_machine.travel(at(2025, 6, 2), tick=False):  # Monday; due Thursday 5/6
        d = receive()
    assert d.due_date == dt.date(2025, 6, 5)
    d = _supplement(d, users, at(2025, 6, 3), at(2025, 6, 4, 10))
    # Decree 61/2018 Art. 19(4) (as amended) already restarted the count: 4/6 + 3 working days.
    assert d.due_date == dt.date(2025, 6, 9)
    assert rule_ref("onestop.supplement.restart_clock", on=dt.date(2025, 6, 4)).source_document == "Nghị định 61/2018/NĐ-CP"
    # ... but had no "đóng hồ sơ" and no 3-working-day notice limit.
    assert not d.events.get(action="request_supplement").data.get("close_after")


def test_supplement_notice_after_3_working_days_is_recorded_late(receive, users):
    with time_machine.travel(at(2025, 7, 2), tick=False):
        d = receive()
    with time_machine.travel(at(2025, 7, 8), tick=False):  # receipt 2/7 + 3 working days = 7/7
        d = act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
    ev = d.events.get(action="request_supplement")
    assert ev.data["notice_by"] == "2025-07-07" and ev.data["notice_late"] is True


def test_dossier_left_incomplete_15_days_is_closed_by_the_job(receive, users, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2025, 7, 2), tick=False):
        d = receive(email="duc@example.vn")
        d = act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
    assert d.close_due_date == dt.date(2025, 7, 17)  # 15 days after the notice
    old = None
    with time_machine.travel(at(2025, 6, 2), tick=False):
        old = receive(name="Trần Thị Lan", phone="0912345678")
        old = act(old, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
    assert old.close_due_date is None  # Decree 61/2018: no closing
    MemoryBackend.outbox.clear()
    with time_machine.travel(at(2025, 7, 17, 6), tick=False):
        assert run_periodic("dossier_close_unsupplemented", today=dt.date(2025, 7, 17)).result == {}
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT_REQUESTED
    with time_machine.travel(at(2025, 7, 18, 6), tick=False), django_capture_on_commit_callbacks(execute=True):
        run = run_periodic("dossier_close_unsupplemented", today=dt.date(2025, 7, 18))
        assert run.result == {"closed": 1}
        assert run_periodic("dossier_close_unsupplemented", today=dt.date(2025, 7, 18)).result == {}  # idempotent
    d.refresh_from_db()
    old.refresh_from_db()
    assert d.status == Status.CLOSED and not d.is_open and d.finished_at is not None
    assert old.status == Status.SUPPLEMENT_REQUESTED
    ev = d.events.get(action="close")
    assert ev.actor is None and ev.from_status == Status.SUPPLEMENT_REQUESTED and ev.to_status == Status.CLOSED
    notices = [m for m in MemoryBackend.outbox if d.code in m.text and "bị đóng" in m.text]
    assert notices and all("17/07/2025" in m.text for m in notices)
    assert d.events.filter(action="close").count() == 1


def test_officer_closes_by_hand_only_when_due(receive, users):
    with time_machine.travel(at(2025, 7, 2), tick=False):
        d = receive()
        d = act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
        assert "close" not in services.allowed_actions(d, users["onestop"])
        with pytest.raises(ApplicationError) as e:
            act(d, users["onestop"], "close")
        assert e.value.code == "close-not-due"
    with time_machine.travel(at(2025, 7, 18), tick=False):
        assert "close" in services.allowed_actions(d, users["onestop"])
        with pytest.raises(PermissionDeniedError):
            act(d, users["specialist"], "close")
        d = act(d, users["onestop"], "close")
    assert d.status == Status.CLOSED


def test_apology_from_1_7_2025(receive, users):
    with time_machine.travel(at(2025, 7, 2), tick=False):
        d = receive()
        late = receive(name="Trần Thị Lan", phone="0912345678")
    assert d.due_date == dt.date(2025, 7, 7)
    with time_machine.travel(at(2025, 7, 6), tick=False):  # 1 day before the due date: the latest day
        with pytest.raises(PermissionDeniedError):  # issued by the competent processing body, not the one-stop office
            act(d, users["onestop"], "apology", reason="Chờ xác minh", data={"new_date": "2025-07-10"})
        d = act(d, users["specialist"], "apology", reason="Chờ xác minh nơi cư trú", data={"new_date": "2025-07-10"})
        assert d.apology_due_date == dt.date(2025, 7, 10)
        with pytest.raises(ApplicationError) as e:  # a new date at most once
            act(d, users["leader"], "apology", reason="Lần hai", data={"new_date": "2025-07-11"})
        assert e.value.code == "apology-once"
    with time_machine.travel(at(2025, 7, 7), tick=False):  # on the due date: later than 1 day before
        with pytest.raises(ApplicationError) as e:
            act(late, users["specialist"], "apology", reason="Trễ", data={"new_date": "2025-07-10"})
        assert e.value.code == "apology-too-late"
    assert rule_ref("onestop.apology.max_per_dossier", on=dt.date(2025, 7, 2)).source_document == "Nghị định 118/2025/NĐ-CP"
    assert rule_ref("onestop.apology.max_per_dossier", on=dt.date(2025, 6, 2)).source_document == "Nghị định 61/2018/NĐ-CP"


def test_apology_before_1_7_2025_same_limits(receive, users):
    with time_machine.travel(at(2025, 6, 2), tick=False):
        d = receive()
    with time_machine.travel(at(2025, 6, 5), tick=False):  # due date itself
        with pytest.raises(ApplicationError) as e:
            act(d, users["specialist"], "apology", reason="Trễ", data={"new_date": "2025-06-10"})
        assert e.value.code == "apology-too-late"
    with time_machine.travel(at(2025, 6, 4), tick=False):
        d = act(d, users["specialist"], "apology", reason="Chờ xác minh", data={"new_date": "2025-06-10"})
        with pytest.raises(ApplicationError) as e:
            act(d, users["specialist"], "apology", reason="Lần hai", data={"new_date": "2025-06-11"})
        assert e.value.code == "apology-once"


def test_closed_dossier_cannot_move(receive, users):
    with time_machine.travel(at(2025, 7, 2), tick=False):
        d = receive()
        d = act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
    Dossier.objects.filter(pk=d.pk).update(close_due_date=dt.date(2025, 7, 3))
    with time_machine.travel(at(2025, 7, 4), tick=False):
        d = act(d, users["onestop"], "close")
        with pytest.raises(ApplicationError):
            act(d, users["onestop"], "receive_supplement")


@pytest.mark.parametrize(("notice", "close_after"), [
    (at(2026, 12, 4), dt.date(2026, 12, 21)),  # Friday + 15 days = Saturday 19/12 → Monday 21/12
    (at(2027, 1, 22), dt.date(2027, 2, 11)),  # + 15 days = Saturday 6/2/2027, in the Tết break (4–10/2) → Thursday 11/2
])
def test_the_supplement_period_ending_on_a_day_off_runs_to_the_next_working_day(receive, users, notice, close_after):
    """A citizen told "15 days" whose last day is a weekend or Tết keeps the next working day to bring the papers
    (the period ends at the end of the next working day, as a calendar-day appointment does): the job did not close
    the dossier on the day off while the office was shut."""
    with time_machine.travel(notice, tick=False):
        d = receive()
        d = act(d, users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
    assert d.close_due_date == close_after
    assert d.events.get(action="request_supplement").data["close_after"] == close_after.isoformat()
    for day in (notice.date() + dt.timedelta(days=16), close_after):
        with time_machine.travel(at(day.year, day.month, day.day, 6), tick=False):
            assert run_periodic("dossier_close_unsupplemented", today=day).result == {}
        d.refresh_from_db()
        assert d.status == Status.SUPPLEMENT_REQUESTED
    nxt = close_after + dt.timedelta(days=1)
    with time_machine.travel(at(nxt.year, nxt.month, nxt.day, 6), tick=False):
        assert run_periodic("dossier_close_unsupplemented", today=nxt).result == {"closed": 1}
