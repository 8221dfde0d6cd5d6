"""The tasks app feeds the task-execution pillar of the commune-strength index without any change to the index code."""

from __future__ import annotations

import datetime as dt

from coso.indices.periods import Period
from coso.indices.strength import INPUTS, InputContext
from coso.tasks import services
from coso.tasks.models import Task
from coso.tasks.tests.test_services import _bulk


def test_task_pillar_is_fed_by_the_tasks_app(users, commune, other_commune, on_day):
    assert INPUTS["tasks.on_time"].provider is not None
    with on_day(dt.date(2017, 1, 3)):
        d = services.directive_create(
            actor=users["province_admin"], number="2/BC", issued_on=dt.date(2017, 1, 2), issuer="UBND tỉnh", level="province", summary="K"
        )
    Task.objects.bulk_create(
        _bulk(d, commune.code, 3, state="completed", due=dt.date(2017, 6, 30), completed=dt.date(2017, 6, 1))
        + _bulk(d, commune.code, 1, state="open", due=dt.date(2017, 9, 30))
    )
    ctx = InputContext(
        codes=[commune.code, other_commune.code], province_code=commune.province_code,
        period=Period("year", dt.date(2017, 1, 1), dt.date(2017, 12, 31)), viewer=users["province_home_affairs"], facts={},
    )
    values = INPUTS["tasks.on_time"].provider(ctx)
    # 3 completed on time of 4 due (3 completed + 1 overdue not completed); nothing assigned to the other commune
    assert values == {commune.code: 75.0, other_commune.code: None}
    # The pillar counts what the levels above assigned: the commune's own directive (2 tasks overdue) is left out of it.
    with on_day(dt.date(2017, 1, 3)):
        own = services.directive_create(
            actor=users["province_admin"], number="7/UBND", issued_on=dt.date(2017, 1, 2), issuer="UBND phường", level="commune", summary="K"
        )
    Task.objects.bulk_create(_bulk(own, commune.code, 2, state="open", due=dt.date(2017, 3, 31)))
    assert INPUTS["tasks.on_time"].provider(ctx) == {commune.code: 75.0, other_commune.code: None}


def test_a_task_saved_shows_at_once_in_the_cached_strength_index(users, commune, on_day):
    """The dashboards cache the other apps' strength inputs; a task's write bumps its province's inputs generation, so the
    next view computes them again instead of serving the cached figure for up to STRENGTH_TTL."""
    from coso.indices.selectors import dashboard_strengths

    with on_day(dt.date(2017, 1, 3)):
        d = services.directive_create(
            actor=users["province_admin"], number="3/BC", issued_on=dt.date(2017, 1, 2), issuer="UBND tỉnh", level="province", summary="K"
        )
    Task.objects.bulk_create(  # no signal: the index has not been told
        _bulk(d, commune.code, 3, state="completed", due=dt.date(2017, 6, 30), completed=dt.date(2017, 6, 1))
        + _bulk(d, commune.code, 1, state="open", due=dt.date(2017, 9, 30))
    )
    year = Period("year", dt.date(2017, 1, 1), dt.date(2017, 12, 31))

    def shown() -> float | None:
        s = dashboard_strengths(commune.province_code, year, users["leader"], [commune.code])[commune.code]
        return next(i.value for p in s.pillars for i in p.inputs if i.key == "tasks.on_time")

    assert shown() == 75.0
    open_task = Task.objects.get(directive=d, state="open")
    Task.objects.filter(pk=open_task.pk).update(state="completed", completed_on=dt.date(2017, 9, 1))
    assert shown() == 75.0  # a bulk update sends no signal: the cached figure stays (until STRENGTH_TTL)
    open_task.refresh_from_db()
    open_task.save()  # any save of the task's row
    assert shown() == 100.0
