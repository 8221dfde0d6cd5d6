"""Bad input on the one-stop shop's pages: a clear error on the page (Vietnamese), never a 500, nothing changed."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Ngày phải trong khoảng 01/01/1900–31/12/2200."


@pytest.mark.parametrize("path", ["/dossiers/register/", "/dossiers/stats/"])
@pytest.mark.parametrize("fmt", ["", "xlsx", "pdf"])
@pytest.mark.parametrize(("field", "value"), [("end", "31/12/9999"), ("end", "9999-12-31"), ("end", "01/01/0001"), ("start", "0001-01-01"),
                                               ("start", "31/12/9999")])
def test_register_and_stats_refuse_dates_outside_the_years_a_commune_works_with(login, users, receive, path, fmt, field, value):
    receive()
    c = login(users["leader"])
    audit = AuditLog.objects.count()
    r = c.get(path, {field: value, "format": fmt})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")  # the page with the error, not a file of another period
    assert OUT_OF_RANGE in r.content.decode()
    assert AuditLog.objects.count() == audit


@pytest.mark.parametrize(("start", "end"), [("9999-12-01", "9999-12-31"), ("31/12/9999", "31/12/9999"), ("0001-01-01", "0001-01-31"),
                                            ("01/01/0001", "02/01/0001")])
def test_the_register_export_job_refuses_a_period_outside_the_years_a_commune_works_with(login, users, start, end):
    from coso.jobs.models import ExportJob

    c = login(users["onestop"])
    audit = AuditLog.objects.count()
    r = c.post("/jobs/exports/start/", {"kind": "dossiers.register", "format": "pdf", "start": start, "end": end, "next": "/dossiers/register/"})
    assert r.status_code == 302 and r["Location"] == "/dossiers/register/"
    assert OUT_OF_RANGE in c.get(r["Location"]).content.decode()
    assert not ExportJob.objects.exists() and AuditLog.objects.count() == audit
