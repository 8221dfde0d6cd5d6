"""The period form of the indices pages: a period chosen after a date range replaces the range."""

from __future__ import annotations

import re

from django.test import Client

import pytest

pytestmark = pytest.mark.django_db


def _form_fields(html: str) -> dict[str, str]:
    """The fields the period form submits as the page shows them (no JavaScript)."""
    form = re.search(r'<form[^>]*id="period-form".*?</form>', html, re.S)
    assert form is not None
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ""
    return fields


def _choose_period_after_range(c: Client, url: str) -> str:
    sep = "&" if "?" in url else "?"
    first = c.get(f"{url}{sep}start=2026-11-01&end=2026-11-20")
    assert first.status_code == 200
    assert "01/11/2026 – 20/11/2026" in first.content.decode()
    fields = _form_fields(first.content.decode())
    assert fields["start"] == "2026-11-01" and fields["end"] == "2026-11-20" and fields["period"] == ""
    fields["period"] = "2026-10"  # the user types a month in the period box and presses "Xem"
    path = url.split("?")[0]
    r = c.get(path, fields)
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("leader", "/chi-so/"),
        ("province_home_affairs", "/chi-so/"),
        ("province_home_affairs", "/chi-so/?commune=26734"),
        ("province_home_affairs", "/chi-so/?sort=csi"),
        ("sysadmin", "/chi-so/"),
        ("sysadmin", "/chi-so/?province=79"),
        (None, "/chi-so/cong-khai/"),
        (None, "/chi-so/cong-khai/?province=79"),
        (None, "/chi-so/cong-khai/?commune=26734"),
    ],
)
def test_a_period_chosen_after_a_date_range_is_shown(users, login, commune, role, url):
    c = login(users[role]) if role else Client()
    html = _choose_period_after_range(c, url)
    assert "Tháng 10/2026" in html and "(01/10/2026 – 31/10/2026)" in html
    assert "20/11/2026" not in html
    fields = _form_fields(html)
    assert fields["period"] == "2026-10" and fields["start"] == "" and fields["end"] == ""


def test_dates_typed_over_a_shown_period_still_give_the_range(users, login):
    c = login(users["leader"])
    fields = _form_fields(c.get("/chi-so/?period=2026-10").content.decode())
    assert fields["period"] == "2026-10"
    fields.update(start="2026-11-01", end="2026-11-20")
    html = c.get("/chi-so/", fields).content.decode()
    assert "01/11/2026 – 20/11/2026" in html


def test_without_the_form_dates_still_win_as_before(client):
    r = client.get("/api/v1/indices/scorecard?period=2026-10&start=2026-11-01&end=2026-11-20")
    assert r.status_code == 200 and r.json()["period"] == "2026-11-01..2026-11-20"


def test_another_period_keeps_the_ranking_sorted_by_the_strength_index(users, login):
    c = login(users["province_home_affairs"])
    html = c.get("/chi-so/?sort=csi&period=2026-10").content.decode()
    fields = _form_fields(html)
    assert fields["sort"] == "csi"  # the period form carries the sort
    fields["period"] = "2026-09"
    again = c.get("/chi-so/", fields)
    assert again.status_code == 200 and again.context["sorted_by_csi"] is True
    link = re.search(r'id="sort-csi"', again.content.decode())
    assert link is not None
    assert c.get("/chi-so/?period=2026-10").context["sorted_by_csi"] is False
