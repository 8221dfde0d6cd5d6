"""The register downloaded through the API is the same document as the page's: headed with the unit's name (not its
code), and refused beyond the 20,000 rows the page and the export job print at most."""

from __future__ import annotations

import io
from unittest import mock

import openpyxl
import pytest

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


def _heading(content: bytes) -> str:
    return str(openpyxl.load_workbook(io.BytesIO(content)).active.cell(1, 1).value)


@pytest.mark.parametrize("who", ["leader", "province_home_affairs"])
def test_api_register_is_headed_with_the_unit_name_like_the_page(login, users, commune, province, who):
    c = login(users[who])
    unit = commune if who == "leader" else province
    api = c.get("/api/v1/dossiers/register.xlsx", PERIOD)
    page = c.get("/dossiers/register/", {**PERIOD, "format": "xlsx"})
    assert api.status_code == 200 and page.status_code == 200
    assert unit.name in _heading(api.content)
    assert _heading(api.content) == _heading(page.content)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_api_register_refuses_more_rows_than_the_page_prints(login, users, fmt):
    c = login(users["leader"])
    with mock.patch("coso.dossiers.jobs.REGISTER_MAX_ROWS", -1):  # any period has more rows than that
        r = c.get(f"/api/v1/dossiers/register.{fmt}", PERIOD)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "too-many-rows"
