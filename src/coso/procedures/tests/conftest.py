import pytest


@pytest.fixture
def catalogue(db):
    from coso.procedures.services import load_procedures

    load_procedures()


@pytest.fixture(autouse=True)
def _catalogue_today(request):  # type: ignore[no-untyped-def]
    """A person may not start a procedure version before today (``procedures.services._check_not_past``): the tests
    that create versions "from next month" (1/2027, 3/2027) run from a fixed today, so that they still mean the same
    in 2027. The clock ticks from there; a test that travels itself overrides it. Browser tests keep the real clock
    (the browser's cookies follow it)."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=True):
        yield
