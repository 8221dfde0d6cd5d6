"""A time limit that runs past the working-day calendar (a version stored before limits over a year were refused)
answered 500 at intake and on acceptance: refused with due-date-out-of-range, nothing filed."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier, DossierEvent
from coso.dossiers.tests.test_bad_input_api import _intake, _online

pytestmark = pytest.mark.django_db

MESSAGE = "Không tính được ngày hẹn trả kết quả"


@pytest.fixture
def long_version(version):  # type: ignore[no-untyped-def]
    from coso.procedures.models import ProcedureVersion

    ProcedureVersion.objects.filter(pk=version.pk).update(time_limit=99_999)  # an older row: no longer accepted by the form
    version.refresh_from_db()
    return version


def _nothing_filed() -> None:
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0
    assert not AuditLog.objects.filter(verb__startswith="dossier-").exists()


def test_intake_api_and_page_refuse_a_due_date_past_the_calendar(login, users, long_version):
    c = login(users["onestop"])
    r = c.post("/api/v1/dossiers/intake", _intake(long_version), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "due-date-out-of-range" and MESSAGE in r.json()["message"]
    _nothing_filed()
    page = c.post(f"/dossiers/intake/?procedure={long_version.procedure.code}", {
        "procedure": long_version.procedure.code, "applicant_name": "Lê Văn An", "applicant_phone": "0909000111", "channel": "counter", "doc_0": "on",
    })
    assert page.status_code == 400 and MESSAGE in page.content.decode()
    _nothing_filed()


def test_accepting_an_online_dossier_refuses_a_due_date_past_the_calendar(login, users, commune, long_version):
    r = login(users["citizen"]).post("/api/v1/dossiers/online", _online(long_version, commune), content_type="application/json")
    assert r.status_code == 201, r.content
    d = Dossier.objects.get()
    events = DossierEvent.objects.count()
    r = login(users["onestop"]).post(f"/api/v1/dossiers/{d.pk}/actions/accept", {"version": d.version}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "due-date-out-of-range", r.content
    after = Dossier.objects.get()
    assert (after.status, after.version, after.due_date) == (d.status, d.version, None) and DossierEvent.objects.count() == events
    page = login(users["onestop"]).post(f"/dossiers/{d.pk}/act/accept/", {"version": d.version})
    assert page.status_code == 400 and MESSAGE in page.content.decode()
    assert Dossier.objects.get().status == d.status


def test_online_submit_near_the_calendar_end_is_refused_not_a_500(login, users, commune, version):
    import datetime as dt

    import time_machine

    from coso.workcalendar import services as cal

    last = cal.get_calendar(commune.province_code).last_year
    with time_machine.travel(dt.datetime(last, 12, 31, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        r = login(users["citizen"]).post("/api/v1/dossiers/online", _online(version, commune), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "due-date-out-of-range", r.content
    _nothing_filed()
