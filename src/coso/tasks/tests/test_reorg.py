"""The tasks mover (``tasks/reorg.py``): what follows a commune merged into another."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.tasks.models import Directive, Task
from coso.units import services as units
from coso.units.models import Reorganisation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 4, 1)


def _directive(commune, number):  # type: ignore[no-untyped-def]
    return Directive.objects.create(number=number, issued_on=dt.date(2026, 1, 5), issuer="UBND xã", level="commune", summary="Kế hoạch",
                                    province_code="79", commune_code=commune.code)


def _task(directive, commune, title, state="open"):  # type: ignore[no-untyped-def]
    done = {"completed": {"completed_on": dt.date(2026, 1, 30)}, "cancelled": {"cancelled_on": dt.date(2026, 1, 30), "cancel_reason": "Dừng"}}
    return Task.objects.create(directive=directive, title=title, lead_unit="UBND", assigned_on=dt.date(2026, 1, 5), due_on=dt.date(2026, 6, 30),
                               effective_due=dt.date(2026, 6, 30), province_code="79", commune_code=commune.code, state=state,
                               **done.get(state, {}))


def test_a_directive_ends_up_with_its_tasks(users, commune, other_commune):  # type: ignore[no-untyped-def]
    """A commune's own directive whose tasks are all closed stays with them under the old code (history); one still under way
    (an open task, or no task given yet) moves with every one of its tasks, so that a directive and its tasks are never
    split between the old commune and the one that takes over. Tasks of a province's directive: the open ones move."""
    finished = _directive(other_commune, "1/KH-UBND")
    finished_tasks = [_task(finished, other_commune, "Xong", "completed"), _task(finished, other_commune, "Dừng", "cancelled")]
    under_way = _directive(other_commune, "2/KH-UBND")
    open_task, done_task = _task(under_way, other_commune, "Đang làm"), _task(under_way, other_commune, "Đã xong", "completed")
    fresh = _directive(other_commune, "3/KH-UBND")
    province = Directive.objects.create(number="9/UBND", issued_on=dt.date(2026, 1, 5), issuer="UBND tỉnh", level="province",
                                        summary="Chỉ đạo", province_code="79", commune_code="")
    province_open, province_done = _task(province, other_commune, "Tỉnh giao"), _task(province, other_commune, "Tỉnh giao xong", "completed")
    r = units.reorganisation_schedule(actor=users["province_admin"], province_code="79", kind=Reorganisation.Kind.COMMUNE_MERGE,
                                      decision_number="15/NQ-HĐND", decision_date=dt.date(2026, 2, 20), effective_on=EFFECTIVE,
                                      title="Sáp nhập", spec={"sources": [other_commune.code], "target": commune.code}, today=TODAY)
    preview = {m["key"]: m["total"] for m in r.preview["movers"]}["tasks.open"]
    units.reorganisation_apply(reorganisation_id=r.pk, today=EFFECTIVE)
    r.refresh_from_db()

    def where(obj):  # type: ignore[no-untyped-def]
        obj.refresh_from_db()
        return obj.commune_code

    assert where(finished) == other_commune.code and {where(t) for t in finished_tasks} == {other_commune.code}
    assert where(under_way) == where(open_task) == where(done_task) == commune.code
    assert where(fresh) == commune.code
    assert (where(province), where(province_open), where(province_done)) == ("", commune.code, other_commune.code)
    for d in Directive.objects.exclude(commune_code=""):
        assert set(d.tasks.values_list("commune_code", flat=True)) <= {d.commune_code}
    moved = r.result["movers"]["tasks.open"]
    assert preview == sum(moved.values()) == 3  # the tasks that moved: the open ones and the closed one of a directive under way
