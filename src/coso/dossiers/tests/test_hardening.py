"""Hardening of the one-stop shop (issue 13): formula injection in the register, uploads, Mẫu 01."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.core.tests.test_excel_injection import HYPERLINK, assert_text

pytestmark = pytest.mark.django_db


def test_register_xlsx_writes_applicant_names_as_text_html_and_api(login, users, receive):
    receive(name=HYPERLINK)
    receive(name="@SUM(1+1)")
    c = login(users["leader"])
    html = c.get("/dossiers/register/", {"format": "xlsx"})
    assert html.status_code == 200
    assert_text(html.content, [HYPERLINK, "@SUM(1+1)"])
    today = dt.date.today()
    api = c.get("/api/v1/dossiers/register.xlsx", {"start": (today - dt.timedelta(days=30)).isoformat(), "end": (today + dt.timedelta(days=2)).isoformat()})
    assert api.status_code == 200
    assert_text(api.content, [HYPERLINK, "@SUM(1+1)"])
