"""The approver of an extension is never its requester: on a commune's own directive, the commune's home affairs officer
(or leader) both carries out the task and decides its extensions, and could otherwise approve their own request."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.tasks import services
from coso.tasks.models import Extension
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_task(users, commune, today):  # type: ignore[no-untyped-def]
    d = services.directive_create(actor=users["home_affairs"], number="12/KH-UBND", issued_on=TODAY, issuer="UBND phường", level="commune",
                                  summary="Kế hoạch chuyển đổi số")
    return services.tasks_assign(actor=users["home_affairs"], directive=d, title="Rà soát hồ sơ", commune_codes=[commune.code],
                                 assigned_on=TODAY, due_on=TODAY + dt.timedelta(days=10))[0]


def _request(users, task):  # type: ignore[no-untyped-def]
    return services.extension_request(actor=users["home_affairs"], task=task, new_due=TODAY + dt.timedelta(days=20), reason="Chờ số liệu")


def test_the_requester_cannot_approve_their_own_extension(users, own_task):  # type: ignore[no-untyped-def]
    ext = _request(users, own_task)
    with pytest.raises(ApplicationError) as e:
        services.extension_decide(actor=users["home_affairs"], extension=ext, approve=True, reason="Đồng ý")
    assert e.value.code == "extension-self-approval" and e.value.status == 403
    ext.refresh_from_db()
    own_task.refresh_from_db()
    assert ext.status == Extension.Status.PENDING and own_task.effective_due == TODAY + dt.timedelta(days=10)
    assert not AuditLog.objects.filter(verb="task_extension_approve").exists()
    # Another officer who may decide (the commune's leader) approves it.
    services.extension_decide(actor=users["leader"], extension=ext, approve=True, reason="Đồng ý")
    own_task.refresh_from_db()
    assert own_task.effective_due == TODAY + dt.timedelta(days=20)


def test_api_answers_403_and_the_page_says_why(login, users, own_task):  # type: ignore[no-untyped-def]
    ext = _request(users, own_task)
    client = login(users["home_affairs"])
    r = client.post(f"/api/v1/tasks/{own_task.pk}/extensions/{ext.pk}/decision", data=json.dumps({"approve": True, "reason": "Đồng ý"}),
                    content_type="application/json")
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "extension-self-approval"
    r = client.post(f"/nhiem-vu/{own_task.pk}/quyet-dinh-gia-han/", {"decision": "approve", "reason": "Đồng ý"})
    assert r.status_code == 400
    assert "không được tự quyết định" in r.content.decode()
    ext.refresh_from_db()
    assert ext.status == Extension.Status.PENDING
