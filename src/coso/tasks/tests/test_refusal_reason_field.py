"""Refusing an extension without a reason: the error names the field the client sent (``reason``), on the API and the page."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.tasks.models import Extension

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(login, users, commune, two_tasks, today):  # type: ignore[no-untyped-def]
    task = next(t for t in two_tasks if t.commune_code == commune.code)
    r = login(users["specialist"]).post(f"/api/v1/tasks/{task.pk}/extensions", {"new_due": "2026-04-30", "reason": "Chờ phối hợp"},
                                        content_type="application/json")
    assert r.status_code == 201, r.content
    return task, Extension.objects.get(pk=r.json()["id"])


def test_the_api_names_the_reason_field_when_a_refusal_has_none(login, users, pending):
    """The API answered the error on ``decision_reason``, a field its body does not have."""
    task, ext = pending
    writes = AuditLog.objects.filter(verb__startswith="task_extension").count()
    r = login(users["province_home_affairs"]).post(f"/api/v1/tasks/{task.pk}/extensions/{ext.pk}/decision", {"approve": False, "reason": "  "},
                                                   content_type="application/json")
    assert r.status_code == 400, r.content
    assert list(r.json()["details"]["fields"]) == ["reason"]
    ext.refresh_from_db()
    assert ext.status == Extension.Status.PENDING
    assert AuditLog.objects.filter(verb__startswith="task_extension").count() == writes


def test_the_page_shows_the_missing_reason_next_to_its_box(login, users, pending):
    """The page showed it above the form, not on the reason's box."""
    task, ext = pending
    r = login(users["province_home_affairs"]).post(f"/nhiem-vu/{task.pk}/quyet-dinh-gia-han/", {"decision": "refuse", "reason": ""})
    assert r.status_code == 400
    form = r.context["decision_form"]
    assert list(form.errors) == ["reason"]
    ext.refresh_from_db()
    assert ext.status == Extension.Status.PENDING
