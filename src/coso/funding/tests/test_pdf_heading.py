"""The allocation PDF of a whole province printed its name twice at the head of the page (the province, then the unit
the table is for, which is the same province). A commune's PDF names the province, then the commune."""

from __future__ import annotations

import pytest

from coso.funding import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def headings(monkeypatch):  # type: ignore[no-untyped-def]
    seen: list[list[str]] = []
    original = exports.OfficialDocument

    def recording(**kwargs):  # type: ignore[no-untyped-def]
        seen.append(kwargs["agency_lines"])
        return original(**kwargs)

    monkeypatch.setattr(exports, "OfficialDocument", recording)
    return seen


def test_province_pdf_names_the_province_once(login, users, old_commune, headings):
    r = login(users["province_finance"]).get("/api/v1/funding/allocation/export?format=pdf&period=2025")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert headings == [["THÀNH PHỐ HỒ CHÍ MINH"]]
    r = login(users["province_finance"]).get("/funding/?period=2025&format=pdf")
    assert r.status_code == 200 and headings[-1] == ["THÀNH PHỐ HỒ CHÍ MINH"]


def test_commune_pdf_names_the_province_then_the_commune(login, users, old_commune, headings):
    r = login(users["province_finance"]).get(f"/api/v1/funding/allocation/export?format=pdf&period=2025&commune={old_commune.code}")
    assert r.status_code == 200
    assert headings == [["THÀNH PHỐ HỒ CHÍ MINH", old_commune.name.upper()]]
