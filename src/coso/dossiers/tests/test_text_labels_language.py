"""A reason or note too long is refused naming the field in the reader's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_too_long_reason_names_the_field_in_english_and_in_vietnamese(client, users, receive):
    d = receive()
    client.force_login(users["onestop"])
    url = f"/api/v1/dossiers/{d.pk}/actions/refuse"
    body = {"version": d.version, "reason": "x" * 4001}
    r = client.post(url, body, content_type="application/json", secure=True)
    assert r.status_code == 400 and r.json()["message"].startswith("Lý do dài quá")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.post(url, body, content_type="application/json", secure=True)
    assert r.status_code == 400 and r.json()["message"].startswith("Reason "), r.json()
    assert "Lý do" not in r.json()["message"]


@pytest.mark.parametrize(("group", "english", "vietnamese"), [("commune", "Commune/ward", "Xã/phường"), ("procedure", "Procedure", "Thủ tục")])
def test_the_statistics_excel_follows_the_page_language(login, users, receive, group, english, vietnamese):
    """The statistics workbook (not a legal form, unlike the register's Mẫu 06/07) had its column headers, its total row
    and its summary sheet in Vietnamese on English pages; it now follows the reader's language, as the page does."""
    import io

    from openpyxl import load_workbook

    receive()
    c = login(users["leader"])

    def sheets() -> list[list[list[object]]]:
        body = c.get("/dossiers/stats/", {"format": "xlsx", "group": group}).content
        return [[[cell.value for cell in row] for row in ws.iter_rows()] for ws in load_workbook(io.BytesIO(body)).worksheets]

    vi = sheets()
    assert any(row[:2] == [vietnamese, "Tiếp nhận"] for row in vi[0]) and any(row[0] == "Tổng cộng" for row in vi[0])
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = sheets()
    header = next(row for row in en[0] if row[0] == english)
    assert header[1:3] == ["Received", "Online"], header
    assert any(row[0] == "Total" for row in en[0])
    assert any(row[0] == "Very satisfied" for row in en[1]) and any(row[0] == "Dissatisfied" for row in en[1])
    words = {str(v) for sheet in en for row in sheet for v in row if isinstance(v, str)}
    assert not words & {vietnamese, "Tiếp nhận", "Trực tuyến", "Tổng cộng", "Rất hài lòng", "Không hài lòng"}
