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
