"""Rule keys of the working-day calendar (values: workcalendar/data/rules.json)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pydantic import RootModel, field_validator

from coso.rules.registry import ValueType, declare


class OfficeHours(RootModel[list[tuple[str, str]]]):
    """Office hours of a working day: [["07:30", "11:30"], ["13:00", "17:00"]] — increasing, not overlapping."""

    @field_validator("root")
    @classmethod
    def _ordered(cls, spans: list[tuple[str, str]]) -> list[tuple[str, str]]:
        import datetime as dt

        if not spans:
            raise ValueError("cần ít nhất một khoảng giờ làm việc")
        last = dt.time.min
        for a, b in spans:
            start, end = dt.time.fromisoformat(a), dt.time.fromisoformat(b)
            if not (last <= start < end):
                raise ValueError("các khoảng giờ phải tăng dần và không chồng nhau")
            last = end
        return spans


declare("calendar.office_hours", ValueType.TABLE, _("Giờ làm việc hằng ngày"), unit="time",
        description=_("Các khoảng giờ làm việc của cơ quan hành chính trong một ngày làm việc; dùng để tính thời hạn theo giờ làm việc và quy đổi nửa ngày."),
        default_source="Bộ luật Lao động 2019, Điều 105; Quyết định 188/1999/QĐ-TTg (tuần làm việc 40 giờ)", schema=OfficeHours)
