from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.workcalendar import services
from coso.workcalendar.models import CalendarOverride

D = dt.date
pytestmark = pytest.mark.django_db


def test_create_update_delete_are_audited(users):
    admin = users["sysadmin"]
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


def test_province_day_off_changes_only_that_province(users, province, other_province):
    """A province's extra day off moves deadlines in that province only; province administrators never
    change the national calendar or another province's."""
    from coso.core.exceptions import PermissionDeniedError

    admin = users["province_admin"]
    obj = services.override_create(actor=admin, date=D(2027, 3, 10), kind="day_off", reason="Lễ hội của tỉnh", source="QĐ 1/2027/QĐ-UBND")
    assert obj.province_code == province.code
    assert not services.is_working_day(D(2027, 3, 10), province_code=province.code)
    assert services.is_working_day(D(2027, 3, 10), province_code=other_province.code)
    assert services.is_working_day(D(2027, 3, 10))
    assert services.add_working_days(D(2027, 3, 9), 1, province_code=province.code) == D(2027, 3, 11)
    assert services.add_working_days(D(2027, 3, 9), 1, province_code=other_province.code) == D(2027, 3, 10)
    with pytest.raises(PermissionDeniedError):
        services.override_create(actor=admin, date=D(2027, 3, 11), kind="day_off", reason="x", province_code=other_province.code)
    national = services.override_create(actor=users["sysadmin"], date=D(2027, 3, 12), kind="day_off", reason="Nghỉ toàn quốc", province_code="")
    with pytest.raises(PermissionDeniedError):
        services.override_delete(actor=admin, override=national)
    # The province cannot add a day off that is already off nationally.
    with pytest.raises(ApplicationError) as exc:
        services.override_create(actor=admin, date=D(2027, 3, 12), kind="day_off", reason="trùng")
    assert exc.value.code == "invalid-override"


def test_office_hours_come_from_the_rule_book(province):
    from coso.rules.testing import set_rule

    assert services.hours_per_day() == 8
    set_rule("calendar.office_hours", [["07:00", "11:30"], ["13:30", "17:00"]], valid_from=D(2020, 1, 1), province_code=province.code)
    assert services.hours_per_day(province.code) == 8
    start = timezone.make_aware(dt.datetime(2027, 3, 9, 11, 0))
    # 1 working hour from 11:00: 30 min to 11:30 (province) then 30 min from 13:30; nationally 11:30 → 13:00.
    assert timezone.localtime(services.add_working_hours(start, 1, province_code=province.code)).time() == dt.time(14, 0)
    assert timezone.localtime(services.add_working_hours(start, 1)).time() == dt.time(13, 30)
