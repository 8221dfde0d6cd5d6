"""The periodic task report read in English: the period's name and the total follow the reader's language; the Excel and
PDF files stay Vietnamese documents."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.django_db


def _english(client):  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("query", "vi", "en"),
    [
        ("kind=month&year=2026&number=3", "Tháng 3/2026", "Month 3/2026"),
        ("kind=quarter&year=2026&number=1", "Quý I năm 2026", "Quarter I of 2026"),
        ("kind=half&year=2026&number=1", "6 tháng đầu năm 2026", "First half of 2026"),
        ("kind=half&year=2026&number=2", "6 tháng cuối năm 2026", "Second half of 2026"),
        ("kind=year&year=2026&number=1", "Năm 2026", "Year 2026"),
    ],
)
def test_the_report_page_names_its_period_in_english(english_catalogue, login, users, two_tasks, today, query, vi, en):
    """An officer reading in English saw the period as "6 tháng đầu năm 2026" in an English sentence."""
    client = login(users["province_home_affairs"])
    assert vi in client.get(f"/nhiem-vu/bao-cao/?{query}").content.decode()  # Vietnamese by default, as before
    page = _english(client).get(f"/nhiem-vu/bao-cao/?{query}").content.decode()
    assert f"{en}: tasks assigned from" in page
    assert vi not in page


def test_the_report_api_names_its_period_and_total_in_english(english_catalogue, login, users, two_tasks, today):
    client = login(users["province_home_affairs"])
    body = client.get("/api/v1/tasks/report?kind=half&year=2026&number=1").json()
    assert (body["period"], body["total"]["label"]) == ("6 tháng đầu năm 2026", "Tổng cộng")
    body = _english(client).get("/api/v1/tasks/report?kind=half&year=2026&number=1").json()
    assert (body["period"], body["total"]["label"]) == ("First half of 2026", "Total")
    assert body["total"]["total"] == 2


def test_the_exported_report_stays_vietnamese_for_an_english_reader(english_catalogue, login, users, two_tasks, today):
    from openpyxl import load_workbook

    client = _english(login(users["province_home_affairs"]))
    r = client.get("/nhiem-vu/bao-cao/?kind=half&year=2026&number=1&format=xlsx")
    assert r.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO — 6 THÁNG ĐẦU NĂM 2026" in cells
    assert "Tổng cộng" in cells
    assert not any("half" in c.lower() for c in cells)
    r = client.get("/nhiem-vu/bao-cao/?kind=half&year=2026&number=1&format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
