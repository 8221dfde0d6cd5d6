"""Workforce jobs: retirement notices (once per person and date) and the standards review as an export job."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from coso.core.notify import MemoryBackend
from coso.jobs.models import ExportJob, JobRun, Reminder
from coso.jobs.services import run_periodic
from coso.rules.testing import set_rule
from coso.workforce import rules
from coso.workforce.policy import retirement_date
from coso.workforce.tests.helpers import person

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def _born_to_retire_between(gender: str, lo: dt.date, hi: dt.date) -> dt.date:
    """A birth date whose retirement date (Decree 135/2020 table) falls in (lo, hi]."""
    for year in range(1955, 1975):
        for month in range(1, 13):
            birth = dt.date(year, month, 10)
            if lo < retirement_date(birth, gender) <= hi:
                return birth
    raise AssertionError("no such birth date")


@pytest.fixture
def people(commune, other_commune, users):  # type: ignore[no-untyped-def]
    users["home_affairs"].phone = "0977000111"
    users["home_affairs"].save()
    six = rules.add_months(TODAY, 6)
    soon = person(commune, full_name="Lê Thị Hoa", gender="female", birth_date=_born_to_retire_between("female", TODAY, six), user=users["specialist"])
    later = person(commune, full_name="Phạm Văn Nam", gender="male", birth_date=_born_to_retire_between("male", six, rules.add_months(TODAY, 12)))
    elsewhere = person(other_commune, full_name="Vũ Văn Tâm", gender="male", birth_date=_born_to_retire_between("male", TODAY, six))
    left = person(commune, full_name="Đỗ Văn Cũ", gender="male", birth_date=_born_to_retire_between("male", TODAY, six), left_on=dt.date(2025, 1, 1))
    return {"soon": soon, "later": later, "elsewhere": elsewhere, "left": left}


def test_retirement_notices_go_to_home_affairs_and_the_person_once(people, users):
    MemoryBackend.outbox.clear()
    run = run_periodic("retirement_notices", today=TODAY)
    assert run.status == JobRun.Status.OK
    notices = Reminder.objects.filter(kind="retirement")
    # Lê Thị Hoa: the commune's home-affairs officer and her own account; Vũ Văn Tâm: no home-affairs officer there.
    assert {(r.object_id, r.recipient.username) for r in notices} == {(str(people["soon"].pk), "home_affairs"), (str(people["soon"].pk), "specialist")}
    assert run.result == {"sent": 2, "people": 2} and run.by_province == {"79": {"sent": 2, "people": 2}}
    when = retirement_date(people["soon"].birth_date, "female")
    sms = [m for m in MemoryBackend.outbox if m.to == "0977000111"]
    assert len(sms) == 1 and "Lê Thị Hoa" in sms[0].text and f"{when:%d/%m/%Y}" in sms[0].text
    again = run_periodic("retirement_notices", today=TODAY + dt.timedelta(days=1))
    assert again.result == {"already_sent": 2, "people": 2} and notices.count() == 2


def test_notice_window_is_a_rule(people):
    set_rule("workforce.retirement.notice_months", 12, valid_from=dt.date(2020, 1, 1))
    run_periodic("retirement_notices", today=TODAY)
    assert Reminder.objects.filter(object_id=str(people["later"].pk)).exists()


def test_review_export_job(login, users, people):
    c = login(users["home_affairs"])
    r = c.post("/jobs/exports/start/", {"kind": "workforce.review", "format": "xlsx", "on": "2026-03-02", "commune": "26734"})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and job.status == ExportJob.Status.DONE
    wb = load_workbook(io.BytesIO(b"".join(c.get(f"/jobs/exports/{job.pk}/download/").streaming_content)))
    assert wb.sheetnames == ["Tổng hợp", "Căn cứ", "Chưa đạt chuẩn", "Quá tuổi nghỉ hưu"]
    c.post("/jobs/exports/start/", {"kind": "workforce.review", "format": "pdf", "on": "02/03/2026"})
    pdf = ExportJob.objects.get(params__format="pdf")
    assert pdf.params["on"] == "2026-03-02"
    assert b"".join(c.get(f"/jobs/exports/{pdf.pk}/download/").streaming_content).startswith(b"%PDF-")
    # Another commune, bad date, a role without the register: refused, nothing created.
    n = ExportJob.objects.count()
    c.post("/jobs/exports/start/", {"kind": "workforce.review", "format": "xlsx", "commune": "26737"})
    c.post("/jobs/exports/start/", {"kind": "workforce.review", "format": "xlsx", "on": "32/13/2026"})
    login(users["onestop"]).post("/jobs/exports/start/", {"kind": "workforce.review", "format": "xlsx"})
    assert ExportJob.objects.count() == n


def test_review_page_offers_export_jobs(login, users):
    html = login(users["home_affairs"]).get("/workforce/ra-soat/").content.decode()
    assert 'value="workforce.review"' in html


def test_review_export_title_follows_the_readers_language(login, users, people):
    c = login(users["home_affairs"])
    c.post("/jobs/exports/start/", {"kind": "workforce.review", "format": "xlsx", "on": "2026-03-02", "commune": "26734"})
    job = ExportJob.objects.get()
    assert c.get(f"/api/v1/jobs/exports/{job.pk}").json()["title"] == "Rà soát đội ngũ ngày 02/03/2026 – 26734 (Excel)"
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert c.get(f"/api/v1/jobs/exports/{job.pk}").json()["title"] == "Staff review on 02/03/2026 – 26734 (Excel)"
    assert "Staff review on 02/03/2026" in c.get("/jobs/exports/").content.decode()
