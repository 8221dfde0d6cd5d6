"""Feedback outside the commune's competence is forwarded to the competent body (Decree 20/2008 Art. 9(1)(d),
as amended by Decree 92/2017): within 5 working days of receipt on the province's calendar."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

import pytest
import time_machine
from defusedxml import ElementTree as SafeET

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.core.notify import MemoryBackend
from coso.feedback import selectors as sel
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackEvent
from coso.feedback.tests.conftest import MONDAY, VN
from coso.workcalendar import services as cal

pytestmark = pytest.mark.django_db
WEDNESDAY = MONDAY + dt.timedelta(days=2)  # 4/3/2026
FORWARD_DUE = dt.date(2026, 3, 9)  # Mon 2/3 + 5 working days


@pytest.fixture
def fb(submit, users):
    MemoryBackend.outbox.clear()
    for name, phone in (("leader", "0988000111"), ("other_onestop", "0988000444"), ("other_leader", "0988000555")):
        users[name].phone = phone
        users[name].save()
    with time_machine.travel(MONDAY, tick=False):
        return submit(actor=users["citizen"], title="Đường tỉnh lộ hư hỏng", text="Đường tỉnh lộ 10 đoạn qua khu phố 3 hư hỏng nặng.")


def forward(fb, actor, at=WEDNESDAY, **kw):  # type: ignore[no-untyped-def]
    args = {"target": Feedback.ForwardTarget.COMMUNE, "reason": "Đoạn đường thuộc địa bàn phường Tân Định."}
    args.update(kw)
    with time_machine.travel(at, tick=False):
        return svc.feedback_forward(feedback=fb, actor=actor, **args)


def test_forwarding_deadline_is_five_working_days_from_receipt(fb):
    assert fb.forward_due == FORWARD_DUE == cal.add_working_days(fb.start_date, 5)


def test_forwarding_deadline_follows_the_province_calendar(submit, users, cats, foreign_commune):
    with time_machine.travel(MONDAY, tick=False):  # announced before the day (the past is not rewritten)
        cal.override_create(actor=users["province_admin"], date=dt.date(2026, 3, 5), kind="day_off", reason="Ngày hội của tỉnh")
    with time_machine.travel(MONDAY, tick=False):
        here = submit(actor=users["citizen"])
        there = submit(actor=users["citizen"], commune=foreign_commune)
    assert here.forward_due == dt.date(2026, 3, 10)  # Thu 5 off in the province
    assert there.forward_due == FORWARD_DUE
    # Received on a Saturday: the count starts on Monday.
    with time_machine.travel(dt.datetime(2026, 3, 7, 10, 0, tzinfo=VN), tick=False):
        weekend = submit(actor=users["citizen"])
    assert weekend.start_date == dt.date(2026, 3, 9) and weekend.forward_due == dt.date(2026, 3, 16)


def test_forward_to_another_commune_enters_its_moderation_queue(fb, users, other_commune, commune):
    done = forward(fb, users["onestop"], target_commune=other_commune.code)
    assert done.status == Feedback.Status.FORWARDED and not done.late
    assert done.forward_target == "commune" and done.forward_target_code == other_commune.code
    assert done.forward_target_name == "Phường Tân Định" and done.closed_at is not None
    [copy] = done.forwarded_copies.all()
    assert copy.commune_code == other_commune.code and copy.status == Feedback.Status.PENDING and not copy.is_public
    assert copy.submitter == users["citizen"] and copy.text == fb.text and copy.contact_phone == fb.contact_phone
    # The receiving commune's clock starts at the transfer.
    assert copy.start_date == WEDNESDAY.date()
    assert copy.answer_due == cal.add_working_days(WEDNESDAY.date(), 15)
    assert copy.forward_due == cal.add_working_days(WEDNESDAY.date(), 5)
    # In the other commune's queue, not in the first one's; each unit sees only its own item.
    assert list(sel.feedback_list(fetched_by=users["other_onestop"], tab="pending")) == [copy]
    assert copy not in sel.feedback_list(fetched_by=users["onestop"], tab="all")
    assert list(sel.feedback_list(fetched_by=users["onestop"], tab="forwarded")) == [done]
    assert done in sel.feedback_list(fetched_by=users["onestop"], tab="closed")
    with pytest.raises(NotFoundError):  # the copy is the other commune's: it does not exist for the first one's staff
        svc.feedback_publish(feedback=copy, actor=users["onestop"])
    svc.feedback_publish(feedback=copy, actor=users["other_onestop"])
    # History, audit and notices.
    note = FeedbackEvent.objects.get(feedback=done, kind=FeedbackEvent.Kind.FORWARD)
    assert note.public and "Phường Tân Định" in note.note and copy.code in note.note
    assert FeedbackEvent.objects.filter(feedback=copy, kind=FeedbackEvent.Kind.RECEIVE_FORWARD, public=True).exists()
    verbs = set(AuditLog.objects.values_list("verb", flat=True))
    assert {"feedback_forward", "feedback_receive_forward"} <= verbs
    to_citizen = [m for m in MemoryBackend.outbox if m.to == "0909123456" and "đã được chuyển đến Phường Tân Định" in m.text]
    assert len(to_citizen) == 1 and copy.code in to_citizen[0].text and "04/03/2026" in to_citizen[0].text
    assert any(m.to == "0988000444" and copy.code in m.text for m in MemoryBackend.outbox)


def test_forward_after_the_deadline_is_late(fb, users, other_commune):
    on_time = forward(fb, users["onestop"], at=dt.datetime(2026, 3, 9, 16, 0, tzinfo=VN), target_commune=other_commune.code)
    assert not on_time.late
    with time_machine.travel(MONDAY, tick=False):
        fb2 = svc.feedback_submit(
            actor=users["citizen"],
            category=fb.category,
            commune=_commune(fb),
            text="Cống thoát nước tỉnh lộ bị tắc.",
            contact_name="Nguyễn Văn An",
            contact_phone="0909123456",
        )
    late = forward(fb2, users["onestop"], at=dt.datetime(2026, 3, 10, 8, 0, tzinfo=VN), target_commune=other_commune.code)
    assert late.late


def _commune(fb):  # type: ignore[no-untyped-def]
    from coso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.get(code=fb.commune_code)


def test_forward_to_a_province_department_or_an_outside_body(fb, submit, users, province):
    with pytest.raises(ApplicationError) as err:
        forward(fb, users["onestop"], target="province")
    assert err.value.details["fields"] == {"target_name": ["Bắt buộc."]}
    done = forward(fb, users["onestop"], target="province", target_name="Sở Xây dựng")
    assert done.forward_target_name == "Sở Xây dựng (Thành phố Hồ Chí Minh)" and done.forward_target_code == province.code
    assert not done.forwarded_copies.exists()
    with time_machine.travel(MONDAY, tick=False):
        other = submit(actor=users["citizen"])
    done = forward(other, users["leader"], target="external", target_name="Công ty Điện lực Sài Gòn")
    assert done.forward_target_name == "Công ty Điện lực Sài Gòn" and done.forward_target_code == ""


def test_forward_refusals_change_nothing(fb, users, commune, foreign_commune, other_commune):
    cases = [
        ({"target_commune": other_commune.code, "reason": "  "}, "validation-error"),
        ({"target": "moon", "target_commune": other_commune.code}, "validation-error"),
        ({"target_commune": ""}, "validation-error"),
        ({"target_commune": "99999"}, "validation-error"),
        ({"target_commune": commune.code}, "forward-same-unit"),
        ({"target_commune": foreign_commune.code}, "forward-other-province"),
        ({"target": "external", "target_name": ""}, "validation-error"),
    ]
    for kw, code in cases:
        with pytest.raises(ApplicationError) as err:
            forward(fb, users["onestop"], **kw)
        assert err.value.code == code, kw
    for who, refusal in (("other_onestop", NotFoundError), ("finance", PermissionDeniedError), ("citizen", PermissionDeniedError)):
        with pytest.raises(refusal):
            forward(fb, users[who], target_commune=other_commune.code)
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PENDING and Feedback.objects.count() == 1
    svc.feedback_answer(feedback=svc.feedback_publish(feedback=fb, actor=users["onestop"]), actor=users["specialist"], text="Đã xử lý.")
    with pytest.raises(ConflictError):
        forward(fb, users["onestop"], target_commune=other_commune.code)


def test_forwarded_items_leave_the_766_figures_of_the_first_commune(fb, users, commune, other_commune):
    forward(fb, users["onestop"], target_commune=other_commune.code)
    with time_machine.travel(WEDNESDAY, tick=False):
        rows = {r["commune_code"]: r["total"] for r in sel.commune_stats(province_code=commune.province_code)}
    assert rows == {other_commune.code: 1}


def test_open311_says_closed_and_where_it_went(client, fb, users, other_commune):
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    done = forward(fb, users["onestop"], target_commune=other_commune.code)
    copy = done.forwarded_copies.get()
    [item] = json.loads(client.get(f"/open311/v2/requests/{fb.pk}.json", {"extensions": "true"}).content)
    assert item["status"] == "closed"
    assert item["status_notes"].startswith("Đã chuyển cơ quan có thẩm quyền: Phường Tân Định ngày 04/03/2026")
    assert "Đoạn đường thuộc địa bàn" in item["status_notes"] and item["expected_datetime"] is None
    attrs = {a["code"]: a["value"] for a in item["attributes"]}
    assert attrs["FORWARDED_TO"] == "Phường Tân Định" and attrs["FORWARDED_REQUEST_ID"] == str(copy.pk)
    assert "forward" in [n["type"] for n in item["notes"]]
    root = SafeET.fromstring(client.get(f"/open311/v2/requests/{fb.pk}.xml").content)
    assert root.find("request/status").text == "closed" and "Phường Tân Định" in root.find("request/status_notes").text
    with time_machine.travel(WEDNESDAY, tick=False):  # the list defaults to the last 90 days
        closed = json.loads(client.get("/open311/v2/requests.json", {"status": "closed"}).content)
    assert [i["service_request_id"] for i in closed] == [str(fb.pk)]


def test_public_page_and_sender_view_show_where_it_went(client, fb, users, other_commune):
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    done = forward(fb, users["onestop"], target_commune=other_commune.code)
    copy = done.forwarded_copies.get()
    page = client.get(reverse("feedback:public_list"), {"status": "forwarded"})
    assert [x.pk for x in page.context["page"]] == [fb.pk] and "Đã chuyển đến" in page.content.decode()
    assert client.get(reverse("feedback:public_list"), {"status": "processing"}).context["page"].paginator.count == 0
    public = client.get(reverse("feedback:detail", args=[fb.pk])).content.decode()
    assert "Phường Tân Định" in public and "Đoạn đường thuộc địa bàn" in public
    assert reverse("feedback:detail", args=[copy.pk]) not in public  # not yet published there
    sender = client.get(reverse("feedback:detail", args=[fb.pk]), {"key": fb.access_key}).content.decode()
    assert f"{reverse('feedback:detail', args=[copy.pk])}?key={fb.access_key}" in sender
    assert client.get(reverse("feedback:detail", args=[copy.pk]), {"key": fb.access_key}).status_code == 200


def test_escalation_job_reports_items_unclassified_past_the_forwarding_deadline(fb, submit, users, other_commune):
    from coso.jobs.services import run_periodic

    with time_machine.travel(MONDAY, tick=False):
        accepted = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
        moved = submit(actor=users["citizen"])
    forward(moved, users["onestop"], target_commune=other_commune.code)
    assert svc.feedback_escalate_forwarding(today=FORWARD_DUE) == 0  # the day of the deadline is still in time
    run = run_periodic("feedback_escalate_overdue", today=FORWARD_DUE + dt.timedelta(days=1))
    assert run.result["forward_escalated"] == 1 and run.result["escalated"] == 0
    fb.refresh_from_db()
    accepted.refresh_from_db()
    assert fb.forward_escalated_at is not None and accepted.forward_escalated_at is None
    assert FeedbackEvent.objects.filter(feedback=fb, kind=FeedbackEvent.Kind.FORWARD_ESCALATE, public=False).exists()
    assert [m.to for m in MemoryBackend.outbox if "hạn chuyển cơ quan" in m.text] == ["0988000111"]
    again = run_periodic("feedback_escalate_overdue", today=FORWARD_DUE + dt.timedelta(days=2))
    assert again.result["forward_escalated"] == 0
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=VN), tick=False):
        assert list(sel.feedback_list(fetched_by=users["onestop"], tab="overdue")) == [fb]


def test_manage_page_forwards_and_reports_bad_input(login, fb, users, other_commune):
    c = login(users["onestop"])
    page = c.get(reverse("feedback:manage", args=[fb.pk]))
    assert page.status_code == 200 and 'id="forward-form"' in page.content.decode() and "09/03/2026" in page.content.decode()
    url = reverse("feedback:action", args=[fb.pk, "forward"])
    r = c.post(url, {"target": "commune", "target_commune": other_commune.code, "reason": ""}, follow=True)
    assert r.status_code == 200 and "Chưa chuyển được" in r.content.decode()
    r = c.post(url, {"target": "province", "reason": "Thuộc thẩm quyền của Sở."}, follow=True)
    assert "Vui lòng nhập tên sở, ngành" in r.content.decode()
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.PENDING
    r = c.post(url, {"target": "commune", "target_commune": other_commune.code, "reason": "Thuộc địa bàn phường Tân Định."}, follow=True)
    assert r.status_code == 200 and "Đã chuyển phản ánh đến Phường Tân Định" in r.content.decode()
    fb.refresh_from_db()
    assert fb.status == Feedback.Status.FORWARDED
    assert 'id="forward-form"' not in c.get(reverse("feedback:manage", args=[fb.pk])).content.decode()
    other = login(users["other_onestop"])
    copy = fb.forwarded_copies.get()
    assert "Phản ánh được chuyển đến từ" in other.get(reverse("feedback:manage", args=[copy.pk])).content.decode()


def test_api_forward_action(login, fb, users, other_commune):
    c = login(users["onestop"])
    url = f"/api/v1/feedback/{fb.pk}/moderate"
    r = c.post(url, {"action": "forward", "target": "commune", "target_commune": other_commune.code}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["details"]["fields"]
    r = c.post(
        url,
        {"action": "forward", "target": "external", "target_name": "Công ty Cấp nước", "reason": "Ngoài thẩm quyền."},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "forwarded" and r.json()["forwarded_to"] == "Công ty Cấp nước"
    assert r.json()["forward_due"] == "2026-03-09"


def test_attachments_travel_with_the_forwarded_item(login, submit, users, other_commune, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coso.feedback.tests.conftest import jpeg_with_gps

    with time_machine.travel(MONDAY, tick=False):
        fb = submit(actor=users["citizen"], files=[SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")])
    copy = forward(fb, users["onestop"], target_commune=other_commune.code).forwarded_copies.get()
    [original] = fb.attachments.all()
    [carried] = copy.attachments.all()
    assert carried.file.name == original.file.name and carried.is_image
    c = login(users["other_onestop"])
    assert c.get(reverse("feedback:attachment", args=[carried.pk])).status_code == 200
    assert c.get(reverse("feedback:attachment", args=[original.pk])).status_code == 404  # the first commune's item stays its own
