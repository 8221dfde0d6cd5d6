from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 3, 2)  # a Monday without holidays


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def on_day():  # type: ignore[no-untyped-def]
    """on_day(date) → a time_machine traveller at 09:00 local time that day (use as a context manager)."""

    def travel(day: dt.date):  # type: ignore[no-untyped-def]
        return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=VN), tick=False)

    return travel


@pytest.fixture
def today(on_day):  # type: ignore[no-untyped-def]
    with on_day(TODAY):
        yield TODAY


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def directive(users, today):  # type: ignore[no-untyped-def]
    from coso.tasks.services import directive_create

    return directive_create(
        actor=users["province_home_affairs"],
        number="125/UBND-VX",
        issued_on=TODAY - dt.timedelta(days=10),
        issuer="UBND Thành phố",
        level="province",
        summary="Triển khai chuyển đổi số cấp xã",
    )


@pytest.fixture
def two_tasks(users, directive, commune, other_commune, today):  # type: ignore[no-untyped-def]
    from coso.tasks.services import tasks_assign

    return tasks_assign(
        actor=users["province_home_affairs"],
        directive=directive,
        title="Số hóa hồ sơ còn hiệu lực",
        commune_codes=[commune.code, other_commune.code],
        assigned_on=TODAY - dt.timedelta(days=5),
        due_on=TODAY + dt.timedelta(days=10),
    )
