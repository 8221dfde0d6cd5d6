"""Intake under Decree 118/2025: online answer within 8 working hours, paper hand-over by 15:00, dossier code of the
competent body, channels (VNeID from Decree 367/2025)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.dossiers import services
from coso.dossiers.constants import Channel
from coso.dossiers.tests.conftest import act, make_procedure, pdf_upload
from coso.procedures.models import Procedure

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def at(y, m, d, h=9, mi=0):  # type: ignore[no-untyped-def]
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def _online(users, commune, version, when, channel=Channel.ONLINE):  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        return services.submit_online(
            actor=users["citizen"],
            commune=commune,
            applicant=services.Applicant(name="Nguyễn Thị Hoa", phone="0909123456"),
            procedure_version=version,
            files=[("Tờ khai đăng ký khai sinh", pdf_upload())],
            channel=channel,
        )


def test_online_dossier_answered_within_8_working_hours(users, commune, version):
    d = _online(users, commune, version, at(2025, 8, 4, 14))  # Monday 14:00: 3 h that day + 5 h Tuesday (07:30–11:30, 13:00–14:00)
    assert d.answer_due_at == at(2025, 8, 5, 14)
    with time_machine.travel(at(2025, 8, 5, 15), tick=False):
        d = act(d, users["onestop"], "accept")
    ev = d.events.get(action="accept")
    assert ev.data["answer_late"] is True
    on_time = _online(users, commune, version, at(2025, 8, 4, 14, 30))
    with time_machine.travel(at(2025, 8, 5, 9), tick=False):
        on_time = act(on_time, users["onestop"], "refuse", reason="Tờ khai thiếu chữ ký, đề nghị nộp lại")  # returned with reasons
    assert "answer_late" not in on_time.events.get(action="refuse").data


def test_no_8_hour_limit_before_1_7_2025(users, commune, version):
    d = _online(users, commune, version, at(2025, 6, 2, 14))
    assert d.answer_due_at is None


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2025, 8, 4, 14, 59), at(2025, 8, 4, 17)),  # before 15:00: the same day
        (at(2025, 8, 4, 15, 1), at(2025, 8, 5, 11, 30)),  # after 15:00: the next working morning
        (at(2025, 8, 8, 16), at(2025, 8, 11, 11, 30)),  # Friday afternoon: Monday morning
    ],
)
def test_paper_dossier_handed_to_the_competent_body(receive, received, due):
    with time_machine.travel(received, tick=False):
        d = receive()
    assert d.forward_due_at == due


def test_paper_forward_late_is_recorded_and_no_rule_before_1_7_2025(receive, users):
    with time_machine.travel(at(2025, 8, 4, 15, 30), tick=False):
        d = receive()
    with time_machine.travel(at(2025, 8, 5, 14), tick=False):
        d = act(d, users["onestop"], "forward")
    assert d.events.get(action="forward").data["forward_late"] is True
    with time_machine.travel(at(2025, 6, 2, 9), tick=False):
        assert receive(name="Trần Thị Lan", phone="0912345678").forward_due_at is None


def test_dossier_code_carries_the_competent_body_from_1_7_2025(receive, commune):
    provincial = make_procedure(code="2.000002", name="Thủ tục cấp tỉnh")
    Procedure.objects.filter(pk=provincial.procedure_id).update(decision_level="province")
    provincial.refresh_from_db()
    with time_machine.travel(at(2025, 8, 4), tick=False):
        p1 = receive(procedure_version=provincial)
        c1 = receive()
    with time_machine.travel(at(2025, 6, 2), tick=False):
        p0 = receive(procedure_version=provincial)
    assert p1.code == "H79-250804-0001" and p1.agency_code == "H79"  # the province decides: its identifier
    assert c1.code == f"{commune.agency_code}-250804-0001"  # the commune decides: the commune's identifier, its own sequence
    assert p0.code == f"{commune.agency_code}-250602-0001"  # Decree 61/2018: the receiving body's identifier


def test_old_codes_are_kept(receive, users):
    with time_machine.travel(at(2025, 6, 2), tick=False):
        d = receive()
    code = d.code
    with time_machine.travel(at(2025, 8, 4), tick=False):
        d = act(d, users["onestop"], "forward")
    d.refresh_from_db()
    assert d.code == code


def test_vneid_channel_from_decree_367(users, commune, version):
    with pytest.raises(ApplicationError) as e:
        _online(users, commune, version, at(2025, 8, 4), channel=Channel.VNEID)
    assert e.value.code == "invalid-channel"
    d = _online(users, commune, version, at(2026, 2, 2), channel=Channel.VNEID)
    assert d.channel == "vneid" and d.get_channel_display() == "Trực tuyến qua VNeID"
    assert services.allowed_channels(dt.date(2026, 2, 2)) == ["counter", "post", "online", "vneid"]
    with pytest.raises(ApplicationError):
        _online(users, commune, version, at(2026, 2, 2), channel=Channel.COUNTER)


def test_api_online_with_vneid_channel(users, commune, version, login):
    import base64

    from coso.dossiers.tests.conftest import PDF_BYTES

    c = login(users["citizen"])
    with time_machine.travel(at(2026, 2, 2, 9), tick=False):
        r = c.post(
            "/api/v1/dossiers/online",
            {
                "procedure_code": version.procedure.code,
                "commune_code": commune.code,
                "applicant_name": "Nguyễn Thị Hoa",
                "applicant_phone": "0909123456",
                "channel": "vneid",
                "files": [
                    {"document_name": "Tờ khai đăng ký khai sinh", "filename": "a.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode()}
                ],
            },
            content_type="application/json",
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["channel"] == "vneid" and body["answer_due_at"] and body["agency_code"] == commune.agency_code


def test_inbox_lists_intake_deadlines(users, commune, version, receive, login):
    online = _online(users, commune, version, at(2025, 8, 4, 14))
    with time_machine.travel(at(2025, 8, 4, 15, 30), tick=False):
        paper = receive()
        waiting = act(receive(name="Trần Thị Lan", phone="0912345678"), users["onestop"], "request_supplement", reason="Thiếu giấy chứng sinh")
    from coso.dossiers import selectors

    with time_machine.travel(at(2025, 8, 5, 9), tick=False):
        box = selectors.inbox(fetched_by=users["onestop"])
        assert list(box.intake) == [paper, online]  # hand over by 11:30, answer by 14:00; the waiting one is not due to close
        page = login(users["onestop"]).get("/dossiers/inbox/", {"tab": "intake"}).content.decode()
        assert paper.code in page and online.code in page
    with time_machine.travel(at(2025, 8, 20, 9), tick=False):
        assert waiting in selectors.inbox(fetched_by=users["onestop"]).intake
        assert selectors.inbox_counts(fetched_by=users["onestop"])["intake"] == 3
        r = login(users["onestop"]).get("/api/v1/dossiers/inbox")
        assert r.status_code == 200 and r.json()["counts"]["intake"] == 3
