"""Dated examples: the Vietnamese calendar as announced, through the services."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

import pytest

from coso.workcalendar import services
from coso.workcalendar.calendar import WorkCalendar
from coso.workcalendar.models import CalendarOverride
from coso.workcalendar.shipped import read_overrides_csv

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    """The shipped overrides (the migration loads them, but a transactional test elsewhere
    may have flushed the table: load them again, idempotently)."""
    call_command("load_calendar_overrides", verbosity=0)
    services.calendar_invalidate()


def test_tet_duong_lich_2026_four_days(shipped):
    # Thu 1/1 – Sun 4/1/2026: 1/1 from the package, Fri 2/1 from the shipped override
    for day in (D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3), D(2026, 1, 4)):
        assert not services.is_working_day(day)
    assert services.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert services.working_days_between(D(2025, 12, 31), D(2026, 1, 5)) == 1
    assert "Tết Dương lịch" in services.get_calendar().day_reason(D(2026, 1, 2))


def test_tet_nguyen_dan_2026_nine_days():
    # Sat 14/2 – Sun 22/2/2026
    for i in range(9):
        assert not services.is_working_day(D(2026, 2, 14) + dt.timedelta(days=i))
    assert services.is_working_day(D(2026, 2, 13)) and services.is_working_day(D(2026, 2, 23))
    assert services.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert services.working_days_between(D(2026, 2, 1), D(2026, 2, 28)) == 15


def test_30_4_and_1_5():
    # 2025: Wed 30/4 – Sun 4/5, Fri 2/5 swapped with Sat 26/4 (in the package)
    assert services.is_working_day(D(2025, 4, 26))
    for day in (D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2), D(2025, 5, 3), D(2025, 5, 4)):
        assert not services.is_working_day(day)
    assert services.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    # 2026: Thu 30/4, Fri 1/5; Giỗ Tổ Sun 26/4 observed Mon 27/4
    assert not services.is_working_day(D(2026, 4, 27))
    assert services.add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)


def test_quoc_khanh_2_9():
    # 2025: Mon 1/9 and Tue 2/9 off
    assert not services.is_working_day(D(2025, 9, 1)) and not services.is_working_day(D(2025, 9, 2))
    assert services.add_working_days(D(2025, 8, 29), 1) == D(2025, 9, 3)
    # 2026: Sat 29/8 – Wed 2/9, Mon 31/8 swapped with Sat 22/8 (a make-up working day)
    assert services.is_working_day(D(2026, 8, 22))
    assert services.get_calendar().day_reason(D(2026, 8, 22)) == "Làm bù"
    for day in (D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)):
        assert not services.is_working_day(day)
    assert services.add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)


def test_ngay_van_hoa_viet_nam_24_11_2026():
    assert not services.is_working_day(D(2026, 11, 24))
    assert services.get_calendar().day_reason(D(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    assert services.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25)


def test_holiday_names_are_vietnamese_whatever_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    cal = WorkCalendar(first_year=2026, last_year=2026)
    assert cal.day_name(D(2026, 1, 1)) == "Tết Dương lịch"


def test_effective_start_and_hours_with_aware_datetimes():
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    friday_late = dt.datetime(2026, 1, 9, 15, 30, tzinfo=tz)  # after the 15:00 cutoff
    assert services.effective_start(friday_late, cutoff=dt.time(15)) == D(2026, 1, 12)
    assert services.effective_start(dt.datetime(2026, 1, 9, 14, 59, tzinfo=tz), cutoff=dt.time(15)) == D(2026, 1, 9)
    # 16:30 Friday + 2 working hours → Monday 09:00 (30 min Friday, 90 min Monday from 07:30)
    end = services.add_working_hours(dt.datetime(2026, 1, 9, 16, 30, tzinfo=tz), 2)
    assert timezone.localtime(end).replace(tzinfo=None) == dt.datetime(2026, 1, 12, 9, 0)


def test_shipped_file_is_valid_and_only_adds_what_the_package_lacks():
    base = WorkCalendar()
    rows = read_overrides_csv()
    assert rows, "the shipped file must list at least 2/1/2026"
    for row in rows:
        if row["kind"] == "day_off":
            assert base.is_working_day(row["date"]), f"{row['date']} is already off in the package"
        else:
            assert not base.is_working_day(row["date"]), f"{row['date']} is already worked in the package"
        assert row["source"], "every shipped row names its source"


def test_load_command_is_idempotent(capsys):
    CalendarOverride.objects.all().delete()
    call_command("load_calendar_overrides")
    first = list(CalendarOverride.objects.values_list("date", "kind", "reason", "source"))
    call_command("load_calendar_overrides")
    assert list(CalendarOverride.objects.values_list("date", "kind", "reason", "source")) == first
    out = capsys.readouterr().out
    assert "0 created, 0 updated" in out
    # a changed reason is restored from the file
    CalendarOverride.objects.filter(date=D(2026, 1, 2)).update(reason="khác")
    call_command("load_calendar_overrides")
    assert CalendarOverride.objects.get(date=D(2026, 1, 2)).reason.startswith("Nghỉ Tết Dương lịch 2026")


def test_load_command_rejects_a_bad_file_and_changes_nothing(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,reason,source\n2027-13-01,day_off,x,y\n2027-03-10,holiday,x,y\n", encoding="utf-8")
    before = CalendarOverride.objects.count()
    with pytest.raises(CommandError) as err:
        call_command("load_calendar_overrides", file=str(bad))
    assert "line 2" in str(err.value) and "line 3" in str(err.value)
    assert CalendarOverride.objects.count() == before


def test_migration_helpers_apply_and_remove():
    from coso.workcalendar.shipped import apply_rows, remove_rows

    CalendarOverride.objects.all().delete()
    rows = read_overrides_csv()
    assert apply_rows(CalendarOverride, rows)["created"] == len(rows)
    assert apply_rows(CalendarOverride, rows) == {"created": 0, "updated": 0, "unchanged": len(rows)}
    assert remove_rows(CalendarOverride, rows) == len(rows)
    assert not CalendarOverride.objects.exists()
