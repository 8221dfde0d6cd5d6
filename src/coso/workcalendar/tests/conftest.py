import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process; tests that add overrides roll them back, so
    rebuild it around every test."""
    from coso.workcalendar.services import calendar_invalidate

    calendar_invalidate()
    yield
    calendar_invalidate()
