"""State machine, clock pause, classification, apologies, scoping, bad input."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
import time_machine

from coso.core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from coso.dossiers import services
from coso.dossiers.constants import Status, Timeliness
from coso.dossiers.models import Dossier, DossierEvent, DossierRating
from coso.dossiers.tests.conftest import act, make_procedure

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def at(y, m, d, h=9, mi=0):  # type: ignore[no-untyped-def]
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def run_to_approved(d, users):  # type: ignore[no-untyped-def]
    act(d, users["onestop"], "forward")
    act(d, users["specialist"], "forward")
    return act(d, users["leader"], "approve")


def test_counter_intake_code_appointment_and_event(receive, commune):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):  # Monday
        d = receive()
    assert d.code == f"{commune.agency_code}-260302-0001"
    assert d.status == Status.RECEIVED and d.waiting_role == "onestop_officer"
    assert d.start_date == dt.date(2026, 3, 2)
    assert d.due_date == dt.date(2026, 3, 5)  # 3 working days
    assert d.events.count() == 1 and d.steps.count() == 4
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        d2 = receive(name="Trần Thị Lan", phone="0912345678")
    assert d2.code.endswith("-260302-0002")


def test_full_lifecycle_returned_rated_on_time(receive, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive()
    with time_machine.travel(at(2026, 3, 4, 9), tick=False):
        d = run_to_approved(d, users)
        assert d.status == Status.APPROVED
        d = act(d, users["onestop"], "result_ready")
        assert d.timeliness == Timeliness.EARLY
        d = act(d, users["onestop"], "return_result")
    assert d.status == Status.RETURNED and not d.is_open
    r = services.rate(actor=users["onestop"], dossier_id=d.pk, level="very_satisfied", criteria={"attitude": 2})
    assert set(r.officer_ids) == {users["onestop"].pk, users["specialist"].pk, users["leader"].pk}
    with pytest.raises(ConflictError):
        services.rate(actor=users["onestop"], dossier_id=d.pk, level="satisfied")
    assert DossierEvent.objects.filter(dossier=d).count() == 7


def test_supplement_pauses_clock_and_moves_appointment(receive, users):
    """A province that sets the clock to pause instead of restarting (rule ``onestop.supplement.restart_clock`` = False)."""
    from coso.rules.testing import set_rule

    set_rule("onestop.supplement.restart_clock", False, valid_from=dt.date(2026, 1, 1), province_code="79")
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive()
        act(d, users["onestop"], "forward")
    with time_machine.travel(at(2026, 3, 3, 9), tick=False):
        d = act(d, users["specialist"], "request_supplement", reason="Thiếu bản sao giấy chứng sinh", data={"documents": ["Giấy chứng sinh"]})
        assert d.status == Status.SUPPLEMENT_REQUESTED and d.supplement_count == 1
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):  # Tue next week: 5 working days later
        d = act(d, users["onestop"], "receive_supplement")
    assert d.status == Status.PROCESSING and d.paused_working_days == 5
    assert d.due_date == dt.date(2026, 3, 12)
    assert d.current_step == 2 and d.waiting_role == "specialist"
    with time_machine.travel(at(2026, 3, 12, 16), tick=False):
        act(d, users["specialist"], "forward")
        act(d, users["leader"], "approve")
        d = act(d, users["onestop"], "result_ready")
    assert d.timeliness == Timeliness.ON_TIME


def test_second_supplement_marks_late(receive, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive()
        act(d, users["onestop"], "forward")
        act(d, users["specialist"], "request_supplement", reason="Thiếu giấy tờ lần 1")
        act(d, users["onestop"], "receive_supplement")
        d = act(d, users["specialist"], "request_supplement", reason="Thiếu giấy tờ lần 2")
        assert d.events.filter(action="request_supplement", data__counts_as_late=True).exists()
        act(d, users["onestop"], "receive_supplement")
        act(d, users["specialist"], "forward")
        act(d, users["leader"], "approve")
        d = act(d, users["onestop"], "result_ready")
    assert d.supplement_count == 2 and d.timeliness == Timeliness.LATE


def test_late_after_due_date(receive, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive()
    with time_machine.travel(at(2026, 3, 6, 9), tick=False):  # due Thu 5/3
        d = run_to_approved(d, users)
        d = act(d, users["onestop"], "result_ready")
    assert d.timeliness == Timeliness.LATE


def test_withdraw_while_waiting_for_supplement_ends_at_request(receive, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive()
        d = act(d, users["onestop"], "request_supplement", reason="Thiếu tờ khai có chữ ký")
    with time_machine.travel(at(2026, 4, 20, 9), tick=False):
        d = act(d, users["onestop"], "withdraw", reason="Công dân xin rút hồ sơ")
    assert d.status == Status.WITHDRAWN
    assert timezone.localdate(d.finished_at) == dt.date(2026, 3, 2)
    assert d.timeliness == Timeliness.EARLY


def test_apology_rules(receive, users):
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d = receive()
    with time_machine.travel(at(2026, 3, 4, 9), tick=False):
        with pytest.raises(ApplicationError) as e:
            act(d, users["specialist"], "apology", reason="Chờ xác minh", data={"new_date": "2026-03-05"})
        assert e.value.code == "invalid-date"
        with pytest.raises(ApplicationError) as e:
            act(d, users["specialist"], "apology", reason="Chờ xác minh", data={"new_date": "2026-03-07"})  # Saturday
        assert e.value.code == "invalid-date"
        d = act(d, users["specialist"], "apology", reason="Chờ xác minh thông tin", data={"new_date": "10/03/2026"})
        assert d.apology_due_date == dt.date(2026, 3, 10) and d.due_date == dt.date(2026, 3, 5)
        with pytest.raises(ApplicationError) as e:
            act(d, users["specialist"], "apology", reason="Lần hai", data={"new_date": "2026-03-11"})
        assert e.value.code == "apology-once"
    d2 = None
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        d2 = receive()
    with time_machine.travel(at(2026, 3, 5, 9), tick=False):  # due date itself: too late
        with pytest.raises(ApplicationError) as e:
            act(d2, users["specialist"], "apology", reason="Trễ", data={"new_date": "2026-03-10"})
        assert e.value.code == "apology-too-late"


def test_illegal_transitions_and_roles_change_nothing(receive, users):
    d = receive()
    before = Dossier.objects.get(pk=d.pk)
    with pytest.raises(ConflictError):
        act(d, users["onestop"], "return_result")
    with pytest.raises(PermissionDeniedError):
        act(d, users["onestop"], "approve")
    with pytest.raises(PermissionDeniedError):
        act(d, users["specialist"], "forward")  # step 1 belongs to the one-stop officer
    with pytest.raises(ApplicationError) as e:
        act(d, users["specialist"], "refuse", reason="")
    assert e.value.code == "reason-required"
    with pytest.raises(ApplicationError):
        act(d, users["onestop"], "nonsense")
    after = Dossier.objects.get(pk=d.pk)
    assert (after.status, after.version, after.current_step) == (before.status, before.version, before.current_step)
    assert after.events.count() == 1


def test_other_commune_gets_404(receive, users):
    d = receive()
    with pytest.raises(NotFoundError):
        act(d, users["other_onestop"], "forward")
    with pytest.raises(NotFoundError):
        services.perform(actor=users["citizen2"], dossier_id=d.pk, action="withdraw", expected_version=d.version, reason="không phải của tôi")


def test_stale_version_conflict(receive, users):
    d = receive()
    v = d.version
    act(d, users["onestop"], "forward", version=v)
    with pytest.raises(ConflictError) as e:
        act(d, users["leader"], "refuse", version=v, reason="Không đủ điều kiện")
    assert e.value.status == 409
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING


def test_bad_applicant_and_incomplete_documents(users, commune, version):
    with pytest.raises(ApplicationError) as e:
        services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name="A", phone="12"), procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])
    assert set(e.value.details["fields"]) == {"applicant_name", "applicant_phone"}
    with pytest.raises(ApplicationError) as e:
        services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name="Lê Văn An", phone="0909000111"), procedure_version=version, documents=[])
    assert e.value.code == "incomplete-dossier"
    with pytest.raises(PermissionDeniedError):
        services.receive_at_counter(actor=users["specialist"], commune=commune, applicant=services.Applicant(name="Lê Văn An", phone="0909000111"), procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])
    assert Dossier.objects.count() == 0


def test_online_submission_accept_and_citizen_scope(users, commune, version):
    from coso.dossiers.tests.conftest import pdf_upload

    citizen = users["citizen"]
    with time_machine.travel(at(2026, 3, 2, 16), tick=False):
        d = services.submit_online(actor=citizen, commune=commune, applicant=services.Applicant(name="Nguyễn Thị Hoa", phone="0909123456"),
                                   procedure_version=version, files=[("Tờ khai đăng ký khai sinh", pdf_upload())])
    assert d.status == Status.ONLINE_SUBMITTED and d.owner == citizen and d.due_date is None
    assert d.attachments.count() == 1
    with time_machine.travel(at(2026, 3, 3, 8), tick=False):
        d = act(d, users["onestop"], "accept")
    assert d.status == Status.RECEIVED and d.due_date == dt.date(2026, 3, 6)
    d = act(d, citizen, "withdraw", reason="Tôi nộp nhầm thủ tục")
    assert d.status == Status.WITHDRAWN


def test_attachment_checks(users, commune, version, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ApplicationError) as e:
        services.submit_online(actor=users["citizen"], commune=commune, applicant=services.Applicant(name="Nguyễn Thị Hoa", phone="0909123456"),
                               procedure_version=version, files=[("Tờ khai đăng ký khai sinh", fake)])
    assert e.value.code == "attachment-type"
    settings.COSO_MAX_ATTACHMENT_BYTES = 10
    from coso.dossiers.tests.conftest import pdf_upload

    with pytest.raises(ApplicationError) as e:
        services.submit_online(actor=users["citizen"], commune=commune, applicant=services.Applicant(name="Nguyễn Thị Hoa", phone="0909123456"),
                               procedure_version=version, files=[("Tờ khai đăng ký khai sinh", pdf_upload())])
    assert e.value.code == "attachment-too-large"
    assert Dossier.objects.count() == 0


def test_notifications_on_status_change(receive, users, django_capture_on_commit_callbacks, mailoutbox):
    from coso.core.notify import MemoryBackend

    with django_capture_on_commit_callbacks(execute=True):
        d = receive()
        act(d, users["onestop"], "forward")
    sms = [m for m in MemoryBackend.outbox if m.channel == "sms"]
    assert len(sms) == 2 and d.code in sms[0].text and "/dossiers/lookup/?code=" in sms[0].text
    assert len(mailoutbox) == 2


def test_search_accent_insensitive(receive, users):
    from coso.dossiers.selectors import dossier_list

    d = receive(name="Nguyễn Văn Đức", phone="0987654321", citizen_id="079123456789")
    receive(name="Trần Thị Lan", phone="0911111111", citizen_id="")
    for q in ["nguyen van duc", "duc", "0987654321", "079123456789", d.code]:
        assert list(dossier_list(fetched_by=users["onestop"], query=q).values_list("pk", flat=True)) == [d.pk], q
    assert not dossier_list(fetched_by=users["other_onestop"], query="duc").exists()


def test_hour_based_and_same_day(users, commune):
    v_hours = make_procedure("H1", "Chứng thực bản sao", time_limit="4", time_unit="working_hours")
    v_same = make_procedure("S1", "Chứng thực chữ ký", time_limit="0", time_unit="same_day", cutoff=dt.time(15, 0))
    app = services.Applicant(name="Lê Văn An", phone="0909000111")
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        d = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=app, procedure_version=v_hours, documents=["Tờ khai đăng ký khai sinh"])
        # 10:00 + 4 office hours (7:30–11:30, 13:00–17:00): 1.5 h before noon, 2.5 h after → 15:30.
        assert timezone.localtime(d.due_at).replace(tzinfo=None) == dt.datetime(2026, 3, 2, 15, 30)
        s1 = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=app, procedure_version=v_same, documents=["Tờ khai đăng ký khai sinh"])
        assert s1.due_date == dt.date(2026, 3, 2)
    with time_machine.travel(at(2026, 3, 2, 15, 30), tick=False):
        s2 = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=app, procedure_version=v_same, documents=["Tờ khai đăng ký khai sinh"])
        assert s2.due_date == dt.date(2026, 3, 3)
    with time_machine.travel(at(2026, 3, 2, 16, 45), tick=False):
        d = act(d, users["onestop"], "forward")
        act(d, users["specialist"], "forward")
        act(d, users["leader"], "approve")
        d = act(d, users["onestop"], "result_ready")
    assert d.timeliness == Timeliness.LATE
    assert DossierRating.objects.count() == 0
