"""Indicator 3.2 (online services that received a dossier) against the hand-counted ``usage`` fixture: the usage
rollups (rebuild, events, check), the figures per commune, province and country for any period, the drill-down."""

from __future__ import annotations

import datetime as dt

from django.core.management import CommandError, call_command

import pytest

from coso.indices import periods, selectors, services
from coso.indices.models import ProvinceUsageRollup, UsageRollup

NOV = periods.month(2026, 11)
pytestmark = pytest.mark.django_db


def _fig(card, code="3.2"):  # type: ignore[no-untyped-def]
    f = card.indicator(code)
    return f.numerator, f.denominator, f.rate, f.points


def test_commune_province_and_national_figures_match_the_hand_count(usage, commune, other_commune, foreign_commune):
    services.rollups_rebuild()
    assert _fig(selectors.commune_card(commune.code, commune.province_code, NOV)) == (2, 3, 66.67, 2.67)
    assert _fig(selectors.commune_card(other_commune.code, other_commune.province_code, NOV)) == (1, 3, 33.33, 1.33)
    assert _fig(selectors.province_card(commune.province_code, NOV)) == (3, 3, 100.0, 4.0)
    assert _fig(selectors.province_card(foreign_commune.province_code, NOV)) == (1, 3, 33.33, 1.33)
    assert _fig(selectors.national_card(NOV)) == (4, 6, 66.67, 2.67)
    # 3.3 is unchanged: online dossiers (A, B twice, D) ÷ dossiers received in November (6).
    assert _fig(selectors.commune_card(commune.code, commune.province_code, NOV), "3.3")[:2] == (4, 6)


def test_any_date_range_counts_distinct_procedures_over_the_whole_period(usage, commune):
    services.rollups_rebuild()
    first_days = periods.date_range(dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    assert _fig(selectors.commune_card(commune.code, commune.province_code, first_days))[:2] == (1, 3)
    q4 = periods.quarter(2026, 4)  # A, B and C (October) each counted once
    assert _fig(selectors.commune_card(commune.code, commune.province_code, q4))[:3] == (3, 3, 100.0)
    assert _fig(selectors.national_card(q4))[:2] == (3 + 1, 6)
    assert _fig(selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 12)))[:2] == (0, 3)


def test_the_points_follow_the_rule_book(usage, commune):
    from coso.rules.testing import set_rule

    services.rollups_rebuild()
    set_rule("indices.d766.full_at.i3_2", 50, valid_from=dt.date(2026, 11, 1), province_code=commune.province_code)
    set_rule("indices.d766.points.i3_2", 3, valid_from=dt.date(2026, 11, 1), province_code=commune.province_code)
    f = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("3.2")
    assert (f.rate, f.full_at, f.max_points, f.points) == (66.67, 50.0, 3.0, 3.0)
    assert selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 10)).indicator("3.2").max_points == 4


def test_a_procedure_no_longer_offered_online_leaves_both_sides(usage, commune):
    from coso.procedures.models import ProcedureVersion

    services.rollups_rebuild()
    b = usage["B"]
    ProcedureVersion.objects.create(
        procedure=b.procedure, valid_from=dt.date(2026, 11, 15), time_limit=b.time_limit, required_documents=b.required_documents, online="none"
    )
    type(b).objects.filter(pk=b.pk).update(valid_to=dt.date(2026, 11, 15))
    assert _fig(selectors.commune_card(commune.code, commune.province_code, NOV))[:2] == (1, 2)


def test_usage_rollups_rebuild_and_check_and_drift_is_reported(usage, commune):
    services.rollups_rebuild()
    rows = set(UsageRollup.objects.filter(commune_code=commune.code).values_list("day", "procedure_code", "dossiers"))
    assert rows == {
        (dt.date(2026, 10, 15), "2.000002", 1),
        (dt.date(2026, 11, 3), "1.001193", 1),
        (dt.date(2026, 11, 6), "2.000003", 1),
        (dt.date(2026, 11, 20), "2.000001", 2),
    }
    assert ProvinceUsageRollup.objects.filter(province_code="79", day=dt.date(2026, 11, 20)).get().dossiers == 2
    assert services.rollups_check() == []
    call_command("rebuild_indices", "--check")
    UsageRollup.objects.filter(procedure_code="2.000001").update(dossiers=5)
    drift = services.rollups_check()
    assert {(m.commune_code, m.indicator) for m in drift} == {
        (commune.code, "3.2 2.000001"),
        ("province 79", "3.2 2.000001"),
        (f"{commune.code} 11/2026", "3.2 2.000001"),  # the month rollup no longer adds up the day rows
    }
    with pytest.raises(CommandError):
        call_command("rebuild_indices", "--check")
    call_command("rebuild_indices")  # rebuilds, then verifies
    assert services.rollups_check() == []


def test_events_keep_the_usage_rollups_right(usage, commune, django_capture_on_commit_callbacks):
    from django.apps import apps

    services.rollups_rebuild()
    Dossier = apps.get_model("dossiers", "Dossier")
    with django_capture_on_commit_callbacks(execute=True):  # C's paper dossier of 5/11 becomes an online one
        d = Dossier.objects.get(commune_code=commune.code, procedure_version=usage["C"], channel="counter")
        d.channel = "online"
        d.save()
    assert _fig(selectors.commune_card(commune.code, commune.province_code, NOV))[:2] == (3, 3)
    assert services.rollups_check() == []
    with django_capture_on_commit_callbacks(execute=True):  # a bulk update (no post_save): B's two dossiers to paper
        Dossier.objects.filter(procedure_version=usage["B"]).update(channel="counter")
    assert _fig(selectors.commune_card(commune.code, commune.province_code, NOV))[:2] == (2, 3)
    with django_capture_on_commit_callbacks(execute=True):  # deleted: A has no online dossier left
        Dossier.objects.filter(procedure_version=usage["A"], commune_code=commune.code).get().delete()
    assert _fig(selectors.commune_card(commune.code, commune.province_code, NOV))[:2] == (1, 3)
    assert _fig(selectors.province_card(commune.province_code, NOV))[:2] == (1, 3)  # C (both communes); D is not online
    assert services.rollups_check() == []


def test_ranking_and_trend_include_3_2(usage, commune, other_commune):
    services.rollups_rebuild()
    rows = {r.code: r for r in selectors.commune_ranking(commune.province_code, NOV)}
    card = selectors.commune_card(commune.code, commune.province_code, NOV)
    assert rows[commune.code].card.points == card.points and rows[commune.code].score == card.score100
    assert rows[other_commune.code].score == selectors.commune_card(other_commune.code, other_commune.province_code, NOV).score100
    trend = selectors.monthly_trend(NOV, commune_code=commune.code, province_code=commune.province_code)
    assert trend["scores"][-1] == card.score100
    assert selectors.monthly_trend(NOV)["scores"][-1] == selectors.national_card(NOV).score100
    assert selectors.monthly_trend(NOV, province_code="79")["scores"][-1] == selectors.province_card("79", NOV).score100


# ---------------------------------------------------------------- pages and API
def test_api_scorecard_shows_3_2_at_every_level(usage, client, commune, province):
    services.rollups_rebuild()

    def fig(query: str) -> tuple:  # type: ignore[type-arg]
        data = client.get(f"/api/v1/indices/scorecard?{query}&period=2026-11").json()
        i = {i["code"]: i for g in data["groups"] for i in g["indicators"]}["3.2"]
        return i["numerator"], i["denominator"], i["rate"], i["points"], i["status"], i["source"]

    assert fig(f"level=commune&code={commune.code}") == (2, 3, 66.67, 2.67, "ok", "usage")
    assert fig(f"level=province&code={province.code}") == (3, 3, 100.0, 4.0, "ok", "usage")
    assert fig("level=national") == (4, 6, 66.67, 2.67, "ok", "usage")
    r = client.get(f"/api/v1/indices/scorecard?level=commune&code={commune.code}&start=2026-11-01&end=2026-11-10").json()
    assert {i["code"]: i for g in r["groups"] for i in g["indicators"]}["3.2"]["numerator"] == 1


def test_leader_drills_from_3_2_into_the_online_procedures(usage, users, login, commune):
    services.rollups_rebuild()
    c = login(users["leader"])
    html = c.get("/chi-so/?period=2026-11").content.decode()
    url = f"/chi-so/ho-so/?commune={commune.code}&amp;indicator=3.2&amp;period=2026-11"
    assert url in html
    r = c.get(url.replace("&amp;", "&"))
    body = r.content.decode()
    assert r.status_code == 200 and "1 DVC trực tuyến chưa phát sinh hồ sơ" in body
    assert "2.000002" in body and "1.001193" not in body and "2.000001" not in body and "2.000003" not in body
    body = c.get(url.replace("&amp;", "&") + "&all=1").content.decode()
    assert all(code in body for code in ("1.001193", "2.000001", "2.000002")) and "2.000003" not in body
    assert 'href="/procedures/2.000001/"' in body


def test_3_2_records_api_is_scoped(usage, client, users, login, commune):
    services.rollups_rebuild()
    url = f"/api/v1/indices/records?commune={commune.code}&indicator=3.2&period=2026-11"
    assert client.get(url).status_code == 401
    r = login(users["leader"]).get(url + "&all=true")
    data = r.json()
    assert r.status_code == 200 and data["count"] == 3 and data["source"] == "usage"
    assert {i["code"]: i["dossiers"] for i in data["items"]} == {"1.001193": 1, "2.000001": 2, "2.000002": 0}
    assert [i["code"] for i in login(users["leader"]).get(url).json()["items"]] == ["2.000002"]
    assert login(users["other_leader"]).get(url).status_code == 404
    assert login(users["other_leader"]).get(f"/chi-so/ho-so/?commune={commune.code}&indicator=3.2&period=2026-11").status_code == 404
    assert login(users["province_home_affairs"]).get(url).json()["count"] == 1
