"""Pages of the tasks app on bad input: a clear error, never a 500, and nothing written."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.tasks.models import Extension

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_deciding_an_extension_already_decided_is_a_clear_error_not_a_500(login, users, commune, two_tasks, today, decision):
    """A second decision on the same request (a double click, a page left open) rendered the decision form of an extension
    that is no longer pending and answered 500."""
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    r = login(users["specialist"]).post(f"/nhiem-vu/{task.pk}/gia-han/", {"new_due": "2026-04-30", "reason": "Chờ phối hợp"})
    assert r.status_code == 302
    c = login(users["province_home_affairs"])
    assert c.post(f"/nhiem-vu/{task.pk}/quyet-dinh-gia-han/", {"decision": "approve", "reason": ""}).status_code == 302
    task.refresh_from_db()
    due, version = task.effective_due, task.version
    writes = AuditLog.objects.filter(verb__startswith="task_extension").count()
    r = c.post(f"/nhiem-vu/{task.pk}/quyet-dinh-gia-han/", {"decision": decision, "reason": "   "})
    assert r.status_code == 400
    assert "Không có đề nghị gia hạn chờ quyết định." in r.content.decode()
    task.refresh_from_db()
    assert (task.effective_due, task.version) == (due, version)
    assert list(Extension.objects.values_list("status", flat=True)) == [Extension.Status.APPROVED]
    assert AuditLog.objects.filter(verb__startswith="task_extension").count() == writes
