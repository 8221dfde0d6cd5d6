"""``LocalDate`` gives the local calendar day Python gives (``timezone.localdate``) for any instant, computed by the
database with the zone's fixed offset (SQLite and PostgreSQL alike); ``ByteOrder`` groups and compares codes as they are."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Value
from django.db.models.fields import DateTimeField
from django.utils import timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.core.dbfunctions import ByteOrder, LocalDate, fixed_offset_minutes
from coso.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_project_zone_keeps_one_offset():
    assert fixed_offset_minutes("Asia/Ho_Chi_Minh") == 7 * 60
    assert fixed_offset_minutes("Europe/Paris") is None  # daylight saving: TruncDate unchanged


@settings(max_examples=60)
@given(st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 12, 31), timezones=st.just(dt.UTC)))
def test_local_date_is_the_local_calendar_day(instant):
    row = AuditLog.objects.create(action="action", verb="t.localdate", object_type="x", object_id="1")
    found = AuditLog.objects.filter(pk=row.pk).annotate(day=LocalDate(Value(instant, output_field=DateTimeField()))).values_list("day", flat=True).get()
    assert found == timezone.localtime(instant).date()


def test_local_date_around_local_midnight():
    row = AuditLog.objects.create(action="action", verb="t.localdate", object_type="x", object_id="1")
    for utc, local_day in (
        (dt.datetime(2026, 6, 30, 16, 59, 59, tzinfo=dt.UTC), dt.date(2026, 6, 30)),  # 23:59:59 in Hà Nội
        (dt.datetime(2026, 6, 30, 17, 0, 0, tzinfo=dt.UTC), dt.date(2026, 7, 1)),  # 00:00 on 1 July
    ):
        found = AuditLog.objects.filter(pk=row.pk).annotate(day=LocalDate(Value(utc, output_field=DateTimeField()))).values_list("day", flat=True).get()
        assert found == local_day


def test_byte_order_groups_and_filters_codes_as_they_are():
    for code in ("00004", "26734", "26734", "00004", "00004"):
        AuditLog.objects.create(action="action", verb="t.byteorder", object_type="x", object_id=code)
    rows = (AuditLog.objects.filter(verb="t.byteorder").annotate(code=ByteOrder("object_id")).filter(code__in=["00004", "26734"])
            .values("code").annotate(n=Count("id")).order_by("code"))
    assert [(r["code"], r["n"]) for r in rows] == [("00004", 3), ("26734", 2)]
