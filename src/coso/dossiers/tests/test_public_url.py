"""The lookup link sent by SMS points at the address the site is served at (issue 13, item 26)."""

from __future__ import annotations

import pytest

from coso.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_sms_link_follows_the_served_address(login, users, version, settings, django_capture_on_commit_callbacks):
    from coso.core.notify import MemoryBackend

    settings.COSO_PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    c = login(users["onestop"])
    with django_capture_on_commit_callbacks(execute=True):
        ok = c.post(
            "/dossiers/intake/",
            {
                "procedure": version.procedure.code,
                "applicant_name": "Lê Văn An",
                "applicant_phone": "0909000111",
                "channel": "counter",
                "doc_0": "on",
            },
            HTTP_HOST="127.0.0.1:8123",
        )
    assert ok.status_code == 302
    d = Dossier.objects.get()
    sms = [m for m in MemoryBackend.outbox if m.channel == "sms"]
    assert sms and f"http://127.0.0.1:8123/dossiers/lookup/?code={d.code}" in sms[-1].text
    assert ":8000" not in sms[-1].text


def test_every_error_of_a_submission_at_once_with_a_summary(login, users, version, settings):
    """A wrong phone number and a file over the limit are reported by the same submission, listed in the
    summary at the top of the form (issue 13, item 26)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.COSO_MAX_ATTACHMENT_BYTES = 1024
    c = login(users["onestop"])
    big = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    r = c.post(
        "/dossiers/intake/",
        {
            "procedure": version.procedure.code,
            "applicant_name": "Lê Văn An",
            "applicant_phone": "12",
            "channel": "counter",
            "doc_0": "on",
            "file_0": big,
        },
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert "Số điện thoại không hợp lệ" in html and "vượt quá" in html, html[html.find("<main") :][:1500]
    summary = html[html.index("error-summary") :]
    summary = summary[: summary.index("</div>")]
    assert "Số điện thoại không hợp lệ" in summary and "vượt quá" in summary and 'href="#id_file_0"' in summary
    assert html.index("error-summary") < html.index('id="id_applicant_name"')
    assert Dossier.objects.count() == 0
