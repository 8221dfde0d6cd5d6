from __future__ import annotations

import datetime as dt

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.workcalendar import services
from coso.workcalendar.models import CalendarOverride

D = dt.date
pytestmark = pytest.mark.django_db


def test_create_update_delete_are_audited(users):
    admin = users["province_admin"]
    obj = services.override_create(actor=admin, date=D(2027, 3, 10), kind="day_off", reason="  Nghỉ thử  ")
    assert obj.reason == "Nghỉ thử" and not services.is_working_day(D(2027, 3, 10))
    services.override_update(actor=admin, override=obj, date=D(2027, 3, 11))
    assert services.is_working_day(D(2027, 3, 10)) and not services.is_working_day(D(2027, 3, 11))
    services.override_delete(actor=admin, override=CalendarOverride.objects.get(pk=obj.pk))
    assert services.is_working_day(D(2027, 3, 11))
    actions = list(AuditLog.objects.filter(object_type="workcalendar.CalendarOverride").order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("date", "kind", "reason", "field"),
    [
        (D(2027, 3, 14), "day_off", "x", "date"),  # Sunday: already off
        (D(2027, 3, 10), "working_day", "x", "date"),  # Wednesday: already worked
        (D(2041, 1, 2), "day_off", "x", "date"),  # outside the calendar
        (D(2027, 3, 10), "day_off", "   ", "reason"),
        (D(2027, 3, 10), "holiday", "x", "kind"),
    ],
)
def test_create_rejects_bad_input_and_changes_nothing(users, date, kind, reason, field):
    before = CalendarOverride.objects.count()
    with pytest.raises(ApplicationError) as err:
        services.override_create(actor=users["sysadmin"], date=date, kind=kind, reason=reason)
    assert field in err.value.details["fields"]
    assert CalendarOverride.objects.count() == before


def test_duplicate_day_is_rejected(users):
    services.override_create(actor=users["sysadmin"], date=D(2027, 3, 13), kind="working_day", reason="Làm bù")
    with pytest.raises(ApplicationError) as err:
        services.override_create(actor=users["sysadmin"], date=D(2027, 3, 13), kind="working_day", reason="Lần hai")
    assert err.value.code == "override-exists"


def test_out_of_range_raises_calendar_range_error():
    from coso.workcalendar.calendar import CalendarRangeError

    with pytest.raises(CalendarRangeError):
        services.add_working_days(D(2040, 12, 20), 30)
