import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process; tests that add overrides roll them back, so
    rebuild it around every test."""
    from coso.workcalendar.services import calendar_invalidate

    calendar_invalidate()
    yield
    calendar_invalidate()


@pytest.fixture(autouse=True)
def _calendar_today(request):  # type: ignore[no-untyped-def]
    """A day off or make-up working day before today is refused (``services._check_not_past``): the tests that add them
    in 2027 run from a fixed today, so that they still mean the same once those days have passed. The clock ticks from
    there; a test that travels itself overrides it. Browser tests keep the real clock (the browser's cookies follow
    it) and choose their days from today."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=True):
        yield
