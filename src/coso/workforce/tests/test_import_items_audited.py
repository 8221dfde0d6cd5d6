"""Importing the work log from the tasks (or the one-stop shop) created, changed and deleted work items without an audit
entry each: only the evaluation's totals were logged, so who put an item in a person's work log, or took one out, could not
be told. Every item written by an import now has its own entry, named in the audit log's list."""

from __future__ import annotations

import pytest

from coso.core.audit_display import verb_label
from coso.core.models import AuditLog
from coso.workforce.models import WorkItem

from .test_import_tasks import _evaluation, _tasks_of_the_year

pytestmark = pytest.mark.django_db


def test_each_imported_item_is_audited(users, commune, login):
    on_time, late = _tasks_of_the_year(users, commune)
    ev = _evaluation(users, commune)
    stale = WorkItem.objects.create(person=ev.person, year=2026, month=1, title="Nhiệm vụ đã huỷ", source="tasks", source_ref="task:999999",
                                    province_code=ev.province_code, commune_code=ev.commune_code)
    url = f"/api/v1/workforce/evaluations/{ev.pk}/import-tasks"
    assert login(users["specialist"]).post(url).status_code == 200
    items = {i.source_ref: i for i in WorkItem.objects.filter(source="tasks")}
    assert set(items) == {f"task:{on_time.pk}", f"task:{late.pk}"}
    created = AuditLog.objects.filter(verb="workforce.work_item_import").order_by("object_id")
    assert sorted(e.object_id for e in created) == sorted(str(i.pk) for i in items.values())
    assert all(e.actor_id == users["specialist"].pk and e.action == AuditLog.Action.CREATE for e in created)
    assert created.get(object_id=str(items[f"task:{on_time.pk}"].pk)).after["title"] == "Niêm yết thủ tục hành chính"
    removed = AuditLog.objects.get(verb="workforce.work_item_import_remove")
    assert (removed.object_id, removed.action, removed.before["title"]) == (str(stale.pk), AuditLog.Action.DELETE, "Nhiệm vụ đã huỷ")

    # an item changed since (by hand in the database here) is set back by the next import, and that change is logged
    WorkItem.objects.filter(pk=items[f"task:{late.pk}"].pk).update(title="Sửa tay")
    assert login(users["leader"]).post(url).status_code == 200
    updated = AuditLog.objects.get(verb="workforce.work_item_import_update")
    assert (updated.object_id, updated.actor_id, updated.before, updated.after) == (
        str(items[f"task:{late.pk}"].pk), users["leader"].pk, {"title": "Sửa tay"}, {"title": "Đối thoại với Nhân dân"})
    # an import that changes nothing writes no item entry
    assert login(users["leader"]).post(url).status_code == 200
    assert AuditLog.objects.filter(verb__startswith="workforce.work_item_import").count() == 4
    for verb in ("workforce.work_item_import", "workforce.work_item_import_remove", "workforce.work_item_import_update"):
        assert verb_label(verb) != verb
