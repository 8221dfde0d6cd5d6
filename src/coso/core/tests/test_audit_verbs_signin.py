"""Every audit entry a normal day writes names what happened: a sign-in and a few page views leave no entry with an empty
verb (nor a verb without a label on the audit pages)."""

from __future__ import annotations

from django.test import Client

import pytest

from coso.core.audit_display import VERB_LABELS
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["leader", "home_affairs", "onestop"])
def test_a_sign_in_and_page_views_write_no_entry_without_a_verb(users, who):  # type: ignore[no-untyped-def]
    client = Client()
    user = users[who]
    r = client.post("/accounts/login/", {"username": user.username, "password": "pw-Coso-2026!"})
    assert r.status_code == 302, r.content[:500]
    for url in ("/", "/nhiem-vu/", "/nhiem-vu/bao-cao/", "/quy-dinh/"):
        assert client.get(url).status_code in (200, 302, 404)
    entries = list(AuditLog.objects.values_list("verb", "action", "object_type"))
    assert entries, "the sign-in is audited"
    assert [e for e in entries if not e[0]] == []
    assert [e for e in entries if e[0] not in VERB_LABELS] == []


@pytest.mark.parametrize("action", list(AuditLog.Action.values))
def test_an_entry_whose_service_names_no_verb_gets_its_actions_own(users, action):  # type: ignore[no-untyped-def]
    from coso.core.audit import audit_log

    entry = audit_log(actor=users["leader"], action=action, object_type="test.Thing", object_id=1)
    assert entry.verb == action and entry.verb in VERB_LABELS
