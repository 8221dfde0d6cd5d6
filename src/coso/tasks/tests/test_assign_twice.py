"""The same assignment sent twice (a double click on "Giao nhiệm vụ", a client retrying) gives each commune one task:
the second is refused with a clear error and changes nothing (no second task, audit entry or notice)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coso.core.audit import AuditLog
from coso.tasks import services
from coso.tasks.models import Task
from coso.tasks.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
API = "/api/v1/tasks"


def _assign(users, directive, codes, **kw):  # type: ignore[no-untyped-def]
    args = {"title": "Rà soát hồ sơ", "assigned_on": TODAY - dt.timedelta(days=1), "due_on": TODAY + dt.timedelta(days=10), **kw}
    return services.tasks_assign(actor=users["province_home_affairs"], directive=directive, commune_codes=codes, **args)


def test_page_double_submit_gives_each_commune_one_task(login, users, directive, commune, other_commune, today):
    client = login(users["province_home_affairs"])
    url = f"/nhiem-vu/van-ban/{directive.pk}/"
    data = {"title": "Rà soát hồ sơ", "communes": [commune.code, other_commune.code], "assigned_on": str(TODAY), "due_on": str(TODAY + dt.timedelta(days=9))}
    assert client.post(url, data).status_code == 302
    before = AuditLog.objects.count()
    again = client.post(url, data)
    assert again.status_code == 400
    errs = again.context["form"].errors["title"]
    assert errs == ["Nhiệm vụ này đã được giao theo văn bản với cùng ngày giao và thời hạn cho: Phường Sài Gòn, Phường Tân Định."]
    assert Task.objects.filter(directive=directive).count() == 2
    assert AuditLog.objects.count() == before


def test_api_retry_is_refused_with_the_one_error_shape(login, users, directive, commune, today):
    client = login(users["province_home_affairs"])
    body = {"title": "Rà soát", "commune_codes": [commune.code], "assigned_on": str(TODAY), "due_on": str(TODAY + dt.timedelta(days=5))}
    url = f"{API}/directives/{directive.pk}/tasks"
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 201
    r = client.post(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "duplicate" and "Phường Sài Gòn" in r.json()["message"]
    assert Task.objects.filter(directive=directive).count() == 1


def test_a_different_task_title_date_deadline_or_commune_is_a_new_task(users, directive, commune, other_commune, today):
    _assign(users, directive, [commune.code])
    _assign(users, directive, [commune.code], title="Rà soát hồ sơ đợt 2")
    _assign(users, directive, [commune.code], due_on=TODAY + dt.timedelta(days=20))
    _assign(users, directive, [commune.code], assigned_on=TODAY)
    _assign(users, directive, [other_commune.code])
    assert Task.objects.filter(directive=directive).count() == 5


def test_a_commune_already_given_the_task_refuses_the_whole_batch(users, directive, commune, other_commune, today):
    _assign(users, directive, [commune.code])
    with pytest.raises(Exception) as e:
        _assign(users, directive, [other_commune.code, commune.code])
    assert getattr(e.value, "code", "") == "duplicate" and "Phường Sài Gòn" in str(e.value) and "Tân Định" not in str(e.value)
    assert Task.objects.filter(directive=directive).count() == 1
