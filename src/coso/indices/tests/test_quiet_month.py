"""A quiet month (nothing recorded): the card and the monthly trend give the same figure for it."""

from __future__ import annotations

import json
import re

import pytest

from coso.indices import periods, selectors, services

pytestmark = pytest.mark.django_db
OCT, NOV = periods.month(2026, 10), periods.month(2026, 11)


def test_a_quiet_month_scores_the_same_on_the_card_and_in_the_trend(november, commune, other_commune, foreign_commune):
    """October 2026 has no dossier and no feedback anywhere: the card scored the catalogue's figures (1.3, 3.1, 3.2)
    while the trend showed "no data" for the same month."""
    services.rollups_rebuild()
    card = selectors.commune_card(commune.code, commune.province_code, OCT)
    assert card.score100 is not None  # the catalogue's figures are data of the month
    assert {i.code for g in card.groups for i in g.indicators if i.status == "ok"} <= {"1.3", "3.1", "3.2"}
    assert card.indicator("2.1").status != "ok"  # what the records feed stays without data
    for p in (OCT, NOV):
        trend = selectors.monthly_trend(p, commune_code=commune.code, province_code=commune.province_code)
        assert trend["scores"][-1] == selectors.commune_card(commune.code, commune.province_code, p).score100
        assert selectors.monthly_trend(p, province_code=commune.province_code)["scores"][-1] == selectors.province_card(commune.province_code, p).score100
        assert selectors.monthly_trend(p)["scores"][-1] == selectors.national_card(p).score100
    # every month of the trend, quiet ones and those before the catalogue included, as that month's card
    trend = selectors.monthly_trend(NOV, commune_code=other_commune.code, province_code=other_commune.province_code)
    for label, score in zip(trend["labels"], trend["scores"], strict=True):
        month, year = map(int, label.split("/"))
        assert score == selectors.commune_card(other_commune.code, other_commune.province_code, periods.month(year, month)).score100, label
    national = selectors.monthly_trend(NOV)
    for label, score in zip(national["labels"], national["scores"], strict=True):
        month, year = map(int, label.split("/"))
        assert score == selectors.national_card(periods.month(year, month)).score100, label


def test_before_the_catalogue_both_say_no_data(commune):
    jan_2019 = periods.month(2019, 1)  # the fixture's procedure is in force from 2020
    assert selectors.commune_card(commune.code, commune.province_code, jan_2019).score100 is None
    assert selectors.monthly_trend(jan_2019, commune_code=commune.code, province_code=commune.province_code)["scores"][-1] is None


def test_the_leaders_dashboard_shows_the_quiet_months_card_figure_in_its_trend(november, users, login, commune):
    services.rollups_rebuild()
    html = login(users["leader"]).get("/chi-so/?period=2026-10").content.decode()
    trend = json.loads(re.search(r'<script id="trend-chart-data" type="application/json">(.*?)</script>', html, flags=re.S)[1])
    assert trend["labels"][-1] == "10/2026"
    assert trend["scores"][-1] == selectors.commune_card(commune.code, commune.province_code, OCT).score100 is not None
