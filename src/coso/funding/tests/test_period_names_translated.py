"""The allocation and comparison pages in English named the period in Vietnamese ("Năm 2026", "Quý 1/2026", "Tháng 01/2026"),
in the heading and in every choice of the period list: the names were built as plain Vietnamese text. They now go through
the translation catalogue (``Period.label`` stays the Vietnamese name the official exports print)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import time_machine

import coso
from coso.funding import services, views
from coso.funding.tests.test_views_api import data  # noqa: F401  # the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(monkeypatch):  # type: ignore[no-untyped-def]
    """A translation that marks what went through it."""
    monkeypatch.setattr(views, "_", lambda text: f"«{text}»")


@time_machine.travel("2026-12-01 09:00", tick=False)
def test_the_period_names_on_the_pages_go_through_the_translation(login, users, data, marked):  # noqa: F811
    c = login(users["province_finance"])
    page = html.unescape(c.get("/funding/", {"period": "2026-Q1"}).content.decode())
    assert "· «Quý 1/2026»</h1>" in page
    for name in ("«Năm 2025»", "«Quý 4/2026»", "«Tháng 01/2026»", "«Tháng 12/2026»"):
        assert f">{name}</option>" in page
    sc = services.scenario_create(actor=users["province_finance"], name="Thôn 5", changes=[{"key": "funding.village.coef.low", "value": "5"}])
    page = html.unescape(c.get("/funding/scenarios/compare/", {"s": sc.pk, "period": "2026-05"}).content.decode())
    assert "· «Tháng 05/2026»</h1>" in page and ">«Năm 2027»</option>" in page
    r = c.get("/api/v1/funding/allocation", {"period": "2026"})
    assert r.json()["period_label"] == "Năm 2026"  # the API and the exports keep the Vietnamese name


def test_the_period_names_have_english_entries():
    po = (Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    english = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, flags=re.M))
    assert english["Năm %(year)s"] == "Year %(year)s"
    assert english["Quý %(quarter)s/%(year)s"] == "Quarter %(quarter)s/%(year)s"
    assert english["Tháng %(month)s/%(year)s"] == "Month %(month)s/%(year)s"
