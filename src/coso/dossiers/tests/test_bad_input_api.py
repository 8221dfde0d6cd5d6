"""Bad input to the one-stop shop's API and pages, found by exploratory testing: each is refused in the one JSON
error shape (or on the form) and leaves nothing behind."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db

DEEP = b"[" * 1000 + b"]" * 1000  # nested deeper than Python's json recurses


def _nothing_written() -> None:
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0
    assert not AuditLog.objects.filter(verb__startswith="dossier-").exists()


@pytest.mark.parametrize(("who", "path"), [("onestop", "/api/v1/dossiers/intake"), ("citizen", "/api/v1/dossiers/online")])
def test_a_json_body_nested_too_deeply_is_refused_as_invalid_json(login, users, version, who, path):
    r = login(users[who]).post(path, DEEP, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-json" and r.json()["message"] == "Nội dung gửi lên không phải JSON hợp lệ."
    _nothing_written()
