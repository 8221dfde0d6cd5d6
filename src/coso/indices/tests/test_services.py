"""Indicators against hand-counted fixtures, rollups (rebuild, refresh, check), ranking, periods, the job and the command."""

from __future__ import annotations

import datetime as dt

from django.core.management import CommandError, call_command

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coso.core.exceptions import ApplicationError
from coso.indices import engine, periods, selectors, services
from coso.indices.models import IndexRollup
from coso.indices.tests.conftest import at

NOV = periods.month(2026, 11)
pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- pure parts
@given(rate=st.floats(0, 100), max_points=st.floats(0, 30), full_at=st.floats(1, 100))
def test_points_never_exceed_the_maximum_and_are_full_from_the_threshold(rate, max_points, full_at):
    p = engine.points_for(rate, max_points, full_at)
    assert 0 <= p <= round(max_points, 2) + 0.01
    if rate >= full_at:
        assert p == round(max_points, 2)


@given(a=st.floats(0, 100), b=st.floats(0, 100))
def test_points_grow_with_the_rate(a, b):
    lo, hi = sorted((a, b))
    assert engine.points_for(lo, 6, 90) <= engine.points_for(hi, 6, 90)


_FACT = st.tuples(st.integers(0, 500), st.integers(0, 500)).map(lambda nd: (min(nd), max(nd)))


@given(facts=st.dictionaries(st.sampled_from([i.code for i in engine.INDICATORS] + ["9.9"]), _FACT), province=st.sampled_from(["", "79", "01"]))
def test_ranking_totals_are_the_scorecards_sums(facts, province):
    """A ranking scores each unit with ``totals`` (no figure objects); it must give the scorecard's points, measured
    maximum and group points for any facts, under the national scheme and a province's own thresholds."""
    from coso.rules import book
    from coso.rules.testing import set_rule

    if book().value("indices.d766.full_at.i2_1", dt.date(2026, 11, 30), "79", "", 100) != 75:  # once: examples share the database
        set_rule("indices.d766.full_at.i2_1", 75, valid_from=dt.date(2026, 1, 1), province_code="79")
    card = engine.scorecard(facts, on=dt.date(2026, 11, 30), province_code=province)
    t = engine.totals(facts, on=dt.date(2026, 11, 30), province_code=province)
    assert (t.points, t.fed_max, t.score100) == (card.points, card.fed_max, card.score100)
    assert t.groups == {g.key: g.points for g in card.groups}


def test_periods_parse_and_previous():
    assert periods.parse({"period": "2026-11"}) == NOV
    assert periods.parse({"period": "2026-Q1"}).end == dt.date(2026, 3, 31)
    assert periods.parse({"period": "2026-q1"}).previous() == periods.quarter(2025, 4)
    assert periods.parse({"period": "2026"}).previous() == periods.year(2025)
    assert periods.month(2026, 1).previous() == periods.month(2025, 12)
    r = periods.parse({"start": "2026-11-01", "end": "2026-11-10"})
    assert r.previous() == periods.Period("range", dt.date(2026, 10, 22), dt.date(2026, 10, 31))
    for bad in (
        {"period": "2026-13"},
        {"period": "hôm qua"},
        {"start": "2026-11-10", "end": "2026-11-01"},
        {"start": "2026-11-01"},
        {"start": "2020-01-01", "end": "2026-01-01"},
    ):
        with pytest.raises(ApplicationError) as exc:
            periods.parse(bad)
        assert exc.value.code == "bad-period"


def test_indicators_coso_cannot_feed_are_no_data_never_zero():
    card = engine.scorecard({}, on=dt.date(2026, 11, 30))
    assert card.indicator("1.1").status == "no_data" and card.indicator("1.1").points is None
    assert card.indicator("2.1").status == "na" and card.indicator("2.1").points is None
    assert card.points == 0 and card.fed_max == 0 and card.score100 is None
    assert card.max_points == 100
    assert [g.max_points for g in card.groups] == [18, 20, 12, 10, 18, 22]


# ---------------------------------------------------------------- hand-counted figures
def test_commune_figures_match_the_hand_count(november, commune):
    services.rollups_rebuild()
    card = selectors.commune_card(commune.code, commune.province_code, NOV)
    f = {c: card.indicator(c) for c in ("2.1", "3.3", "4.1", "4.2", "5.2", "5.3", "5.4")}
    assert (f["2.1"].numerator, f["2.1"].denominator, f["2.1"].rate, f["2.1"].points) == (3, 4, 75.0, 15.0)
    assert (f["5.4"].numerator, f["5.4"].denominator, f["5.4"].points) == (2, 4, 3.33)
    assert (f["3.3"].numerator, f["3.3"].denominator, f["3.3"].points) == (1, 4, 2.0)
    assert (f["4.2"].numerator, f["4.2"].denominator) == (3, 4) and f["4.2"].points == pytest.approx(5.625, abs=0.01)
    assert (f["4.1"].numerator, f["4.1"].denominator, f["4.1"].rate, f["4.1"].points) == (1, 3, 33.33, 1.33)
    assert (f["5.2"].numerator, f["5.2"].denominator, f["5.2"].points) == (1, 2, 2.5)
    assert (f["5.3"].numerator, f["5.3"].denominator, f["5.3"].points) == (0, 2, 0.0)
    # The catalogue (the fixture's one procedure: online, no applicant recorded): 1.3 = 0/1 → 0/4; 3.1 = 1/1 → 4/4.
    assert (card.indicator("1.3").numerator, card.indicator("1.3").denominator, card.indicator("1.3").points) == (0, 1, 0.0)
    assert (card.indicator("3.1").numerator, card.indicator("3.1").denominator, card.indicator("3.1").points) == (1, 1, 4.0)
    # 3.2: the one online procedure received a dossier online in November: 1/1 → 4/4.
    assert (card.indicator("3.2").numerator, card.indicator("3.2").denominator, card.indicator("3.2").points) == (1, 1, 4.0)
    assert card.fed_max == 47 + 12
    assert card.points == pytest.approx(15 + 3.33 + 2 + 5.62 + 1.33 + 2.5 + 4 + 4, abs=0.02)
    assert card.indicator("3.5").status == "no_data"
    assert card.indicator("1.1").status == card.indicator("1.4").status == "no_data"
    # Another month has no records: its record indicators are N/A, not zero (the catalogue's still show; 3.2 = 0/1).
    october = selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 10))
    assert october.indicator("2.1").status == "na" and october.fed_max == 12
    assert (october.indicator("3.2").numerator, october.indicator("3.2").denominator, october.indicator("3.2").points) == (0, 1, 0.0)


def test_province_and_national_figures_are_sums_of_the_communes(november, commune, other_commune):
    services.rollups_rebuild()
    prov = selectors.province_card(commune.province_code, NOV).indicator("2.1")
    assert (prov.numerator, prov.denominator) == (5, 6)
    nat = selectors.national_card(NOV)
    assert (nat.indicator("2.1").numerator, nat.indicator("2.1").denominator) == (5, 6)
    assert (nat.indicator("5.2").numerator, nat.indicator("5.2").denominator) == (1, 2)


def test_points_follow_the_rule_book_from_a_date(november, commune):
    from coso.rules.testing import set_rule

    services.rollups_rebuild()
    set_rule("indices.d766.full_at.i2_1", 75, valid_from=dt.date(2026, 11, 1), province_code=commune.province_code)
    assert selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1").points == 20
    assert selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 10)).indicator("2.1").full_at == 100


# ---------------------------------------------------------------- rollups
def test_rebuild_then_check_matches_and_drift_is_reported(november):
    n = services.rollups_rebuild()
    assert n == IndexRollup.objects.count() > 0
    assert services.rollups_check() == []
    IndexRollup.objects.update(finished_on_time=0)  # 2.1's numerator
    drift = services.rollups_check()
    assert {m.indicator for m in drift} == {"2.1"}
    with pytest.raises(CommandError):
        call_command("rebuild_indices", "--check")
    call_command("rebuild_indices")  # rebuilds and verifies
    assert services.rollups_check() == []


def test_records_count_on_their_local_day_around_midnight(commune, make_dossier):
    """The set-based rebuild computes the local day in the database: 23:30 and 00:30 (UTC+7) fall on their own days."""
    from zoneinfo import ZoneInfo

    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    late_evening = make_dossier(commune, received=dt.date(2026, 11, 30))
    after_midnight = make_dossier(commune, received=dt.date(2026, 12, 1))
    type(late_evening).objects.filter(pk=late_evening.pk).update(received_at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=vn))
    type(after_midnight).objects.filter(pk=after_midnight.pk).update(received_at=dt.datetime(2026, 12, 1, 0, 30, tzinfo=vn))
    services.rollups_rebuild()
    days = set(IndexRollup.objects.filter(commune_code=commune.code, received__gt=0).values_list("day", "received"))  # 3.3's denominator
    assert days == {(dt.date(2026, 11, 30), 1), (dt.date(2026, 12, 1), 1)}
    assert services.rollups_check() == []


def test_rebuild_counts_an_old_commune_under_its_successor_in_the_new_province(commune, make_dossier):
    """Set-based rebuild: a row's province is the current commune's, not the old record's (old province 80 merged into 79)."""
    from django.apps import apps

    Unit = apps.get_model("units", "AdministrativeUnit")
    Succession = apps.get_model("units", "UnitSuccession")
    old = Unit.all_objects.create(
        code="27700", name="Xã cũ", level="commune", kind="xa", province_code="80", valid_from=None, valid_to=dt.date(2025, 7, 1)
    )
    Succession.objects.create(predecessor=old, successor=commune, effective_on=dt.date(2025, 7, 1), is_primary=True)
    make_dossier(old, received=dt.date(2025, 6, 2), finished=dt.date(2025, 6, 3), timeliness="on_time")
    services.rollups_rebuild()
    assert set(IndexRollup.objects.values_list("commune_code", "province_code").distinct()) == {(commune.code, commune.province_code)}
    f = selectors.province_card(commune.province_code, periods.month(2025, 6)).indicator("2.1")
    assert (f.numerator, f.denominator) == (1, 1)
    assert services.rollups_check() == []


def test_refresh_counts_only_what_changed_and_is_idempotent(november, commune, make_dossier):
    services.rollups_rebuild()
    assert services.rollups_refresh() >= 0
    make_dossier(commune, received=dt.date(2026, 11, 12), finished=dt.date(2026, 11, 25), timeliness="late")
    assert services.rollups_refresh() >= 1  # the communes touched (the overlap window may re-count recent ones)
    card = selectors.commune_card(commune.code, commune.province_code, NOV)
    assert (card.indicator("2.1").numerator, card.indicator("2.1").denominator) == (3, 5)
    services.rollups_refresh()
    assert services.rollups_check() == []


def test_refresh_follows_a_dossier_that_finishes_later(november, commune, make_dossier):
    d = make_dossier(commune, received=dt.date(2026, 11, 12))
    services.rollups_rebuild()
    type(d).objects.filter(pk=d.pk).update(
        finished_at=at(dt.date(2026, 12, 1)),
        timeliness="on_time",
        status="returned",
        is_open=False,
        updated_at=at(dt.date(2026, 12, 1)) + dt.timedelta(days=3650),
    )
    services.rollups_refresh()
    dec = selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 12)).indicator("2.1")
    assert (dec.numerator, dec.denominator) == (1, 1)
    assert services.rollups_check() == []


def test_first_refresh_rebuilds(november):
    assert services.rollups_refresh() == -1
    assert services.rollups_check() == []


def test_periodic_job_refreshes(november, commune):
    from coso.jobs.services import run_periodic

    run = run_periodic("indices_rollups")
    assert run.status == "ok"
    assert selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1").denominator == 4


# ---------------------------------------------------------------- ranking
def test_commune_ranking_with_change_against_the_previous_period(november, commune, other_commune, make_dossier):
    # October: the commune was first (on time), the other commune late.
    make_dossier(commune, received=dt.date(2026, 10, 5), finished=dt.date(2026, 10, 6), timeliness="on_time", channel="online", result_file=True)
    make_dossier(other_commune, received=dt.date(2026, 10, 5), finished=dt.date(2026, 10, 20), timeliness="late")
    services.rollups_rebuild()
    rows = selectors.commune_ranking(commune.province_code, NOV)
    assert [r.code for r in rows] == [other_commune.code, commune.code]
    first, second = rows
    assert (first.rank, first.previous_rank, first.rank_change) == (1, 2, 1)
    assert (second.rank, second.previous_rank, second.rank_change) == (2, 1, -1)
    assert second.score_change is not None and second.score_change < 0


def test_province_ranking_ranks_only_provinces_with_data(november, commune, foreign_commune):
    services.rollups_rebuild()
    rows = selectors.province_ranking(NOV)
    assert rows[0].code == commune.province_code and rows[0].rank == 1
    assert rows[1].code == foreign_commune.province_code and rows[1].rank is None and rows[1].score is None


def test_old_commune_records_count_under_the_successor(commune, make_dossier):
    """A dossier of an old commune dated before 1/7/2025 counts under the current commune."""
    from django.apps import apps

    Unit = apps.get_model("units", "AdministrativeUnit")
    Succession = apps.get_model("units", "UnitSuccession")
    old = Unit.all_objects.create(
        code="26740", name="Phường Bến Nghé", level="commune", kind="phuong", province_code="79", valid_from=None, valid_to=dt.date(2025, 7, 1)
    )
    Succession.objects.create(predecessor=old, successor=commune, effective_on=dt.date(2025, 7, 1), is_primary=True)
    make_dossier(old, received=dt.date(2025, 6, 2), finished=dt.date(2025, 6, 3), timeliness="on_time")
    services.rollups_rebuild()
    f = selectors.commune_card(commune.code, "79", periods.month(2025, 6)).indicator("2.1")
    assert (f.numerator, f.denominator) == (1, 1)
    assert services.rollups_check() == []


# ---------------------------------------------------------------- event-driven update
def test_a_saved_dossier_updates_the_rollups_after_commit(commune, make_dossier, django_capture_on_commit_callbacks):
    services.rollups_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        make_dossier(commune, received=dt.date(2026, 11, 2), finished=dt.date(2026, 11, 3), timeliness="late")
    f = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    assert (f.numerator, f.denominator) == (0, 1)
    assert selectors.province_card(commune.province_code, NOV).indicator("2.1").denominator == 1
    assert services.rollups_check() == []


def test_a_real_dossier_with_a_supplement_pause_returned_late(users, commune, version, django_capture_on_commit_callbacks):
    """Through the dossier services: a supplement request and receipt, then a late return (Monday 2/3/2026)."""
    from coso.dossiers.tests.factories import DossierFactory

    services.rollups_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        d = DossierFactory(staff=users, commune=commune, procedure_version=version, supplemented=True, late=True)
    assert d.timeliness == "late" and d.paused_working_days >= 0
    month = periods.month(d.finished_at.year, d.finished_at.month)
    f = selectors.commune_card(commune.code, commune.province_code, month).indicator("2.1")
    assert (f.numerator, f.denominator) == (0, 1)
    assert services.rollups_check() == []


def test_province_rollups_drift_is_reported_and_demo_rebuilds(november):
    from coso.indices import demo
    from coso.indices.models import ProvinceRollup

    services.rollups_rebuild()
    ProvinceRollup.objects.update(feedback_on_time=0)  # 5.2's numerator
    assert {m.indicator for m in services.rollups_check()} == {"5.2"}

    class Bar:
        def update(self, done: int, total: int) -> None: ...

        def finish(self) -> None: ...

    class Ctx:
        def progress(self, label: str) -> Bar:
            return Bar()

    demo.build(Ctx())
    assert services.rollups_check() == []


def test_monthly_trend_for_a_commune_and_the_country(november, commune, make_dossier):
    make_dossier(commune, received=dt.date(2026, 10, 5), finished=dt.date(2026, 10, 6), timeliness="late")
    services.rollups_rebuild()
    trend = selectors.monthly_trend(NOV, commune_code=commune.code)
    assert trend["labels"][-2:] == ["10/2026", "11/2026"] and len(trend["labels"]) == 12
    nov = selectors.commune_card(commune.code, commune.province_code, NOV).score100
    assert trend["scores"][-1] == nov
    # 12/2025, a quiet month: its catalogue's figures, as the card of that month shows them (it said "no data")
    assert trend["scores"][0] == selectors.commune_card(commune.code, commune.province_code, periods.month(2025, 12)).score100
    assert selectors.monthly_trend(NOV)["scores"][-1] == selectors.national_card(NOV).score100


# ---------------------------------------------------------------- bulk updates (no post_save)
def test_a_bulk_update_moving_a_dossier_to_another_day_keeps_the_rollups_right(november, commune, django_capture_on_commit_callbacks):
    """QuerySet.update() sends no post_save: the manager announces it, the old day and the new one are re-counted."""
    from django.apps import apps

    services.rollups_rebuild()
    late = november[3]  # finished 20/11, late
    with django_capture_on_commit_callbacks(execute=True):
        n = apps.get_model("dossiers", "Dossier").objects.filter(pk=late.pk).update(finished_at=at(dt.date(2026, 12, 2)), timeliness="on_time")
    assert n == 1
    nov = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    dec = selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 12)).indicator("2.1")
    assert (nov.numerator, nov.denominator) == (3, 3)
    assert (dec.numerator, dec.denominator) == (1, 1)
    assert selectors.province_card(commune.province_code, NOV).indicator("2.1").denominator == 3 + 2
    assert services.rollups_check() == []


def test_bulk_updates_of_ratings_attachments_and_feedback_keep_the_rollups_right(november, commune, django_capture_on_commit_callbacks):
    from django.apps import apps

    services.rollups_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        apps.get_model("dossiers", "DossierRating").objects.filter(dossier__commune_code=commune.code).update(level="very_satisfied")
        apps.get_model("dossiers", "DossierAttachment").objects.filter(dossier=november[0], kind="result").update(kind="input")
        apps.get_model("feedback", "Feedback").objects.filter(commune_code=commune.code).update(late=False, rating="")
    card = selectors.commune_card(commune.code, commune.province_code, NOV)
    assert (card.indicator("5.4").numerator, card.indicator("5.4").denominator) == (3, 4)  # no "not satisfied" left; 1 late
    assert (card.indicator("4.1").numerator, card.indicator("4.1").denominator) == (0, 3)
    assert (card.indicator("5.2").numerator, card.indicator("5.2").denominator) == (2, 2)
    assert (card.indicator("5.3").numerator, card.indicator("5.3").denominator) == (2, 2)
    assert services.rollups_check() == []


def test_a_bulk_update_is_stamped_so_the_periodic_refresh_sees_it_without_the_event(november, commune, settings):
    from django.apps import apps

    settings.COSO_INDICES_LIVE = False
    services.rollups_refresh()  # first run: rebuild
    apps.get_model("dossiers", "Dossier").objects.filter(pk=november[1].pk).update(timeliness="late")
    assert services.rollups_check() != []  # stale until the job runs
    services.rollups_refresh()
    f = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    assert (f.numerator, f.denominator) == (2, 4)
    assert services.rollups_check() == []


def test_a_deleted_dossier_leaves_the_rollups(november, commune, django_capture_on_commit_callbacks):
    services.rollups_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        november[3].delete()
    f = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    assert (f.numerator, f.denominator) == (3, 3)
    assert services.rollups_check() == []


# ---------------------------------------------------------------- cached figures
def test_cached_figures_follow_events_rebuilds_and_rules(november, commune, other_commune, make_dossier, django_capture_on_commit_callbacks):
    from coso.rules.testing import set_rule

    services.rollups_rebuild()
    before = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    ranking = {r.code: r for r in selectors.commune_ranking(commune.province_code, NOV)}
    assert (before.numerator, before.denominator) == (3, 4)
    assert ranking[other_commune.code].rank == 1
    with django_capture_on_commit_callbacks(execute=True):  # an event re-counts the commune: the cached figures go
        make_dossier(commune, received=dt.date(2026, 11, 12), finished=dt.date(2026, 11, 13), timeliness="on_time")
    after = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    assert (after.numerator, after.denominator) == (4, 5)
    assert selectors.province_card(commune.province_code, NOV).indicator("2.1").denominator == 5 + 2
    assert selectors.national_card(NOV).indicator("2.1").denominator == 5 + 2
    # A rule change scores the cached facts again.
    set_rule("indices.d766.full_at.i2_1", 75, valid_from=dt.date(2026, 11, 1), province_code=commune.province_code)
    assert selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1").points == 20
    # A rebuild (e.g. after a manual repair) invalidates everything.
    IndexRollup.objects.filter(commune_code=commune.code).delete()
    services.rollups_rebuild()
    assert selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1").denominator == 5


def test_queue_counts_follow_the_communes_dossiers(users, commune, make_dossier, django_capture_on_commit_callbacks):
    leader = users["leader"]
    start = selectors.queue_counts(leader)
    with django_capture_on_commit_callbacks(execute=True):  # the counts are counted again once the change commits
        d = make_dossier(commune, received=dt.date(2026, 11, 2))  # open, overdue by now
        type(d).objects.filter(pk=d.pk).update(waiting_role="commune_leader", due_date=dt.date(2020, 1, 2))
        assert selectors.queue_counts(leader) == start  # not committed yet: the cached counts stand
    counts = selectors.queue_counts(leader)
    assert counts["mine"] == start["mine"] + 1
    assert counts["overdue"] == start["overdue"] + 1


# ---------------------------------------------------------------- indicators the procedure catalogue feeds
def test_catalogue_indicators_match_the_hand_count(commune, foreign_commune, make_dossier, users, login):
    """Commune procedures in force on the period's last day, the province's own versions first.

    National: A complete + online; B no steps, not online; C complete, not online (79 has its own online
    version from 1/11/2026); D ended 1/10/2026; E a province-level procedure; F inactive; G the fixture's
    procedure (online, no applicant recorded: not complete).
    Province 79 in November: 1.3 = 2/4 (A, C) = 50 % → 2 of 4 (full at 100 %); 3.1 = 3/4 (A, C, G) = 75 % → 75 × 4 ÷ 80 = 3.75.
    In October (C not yet online in 79): 3.1 = 2/4. Province 01 (national versions): 3.1 = 2/4 = 50 % → 50 × 4 ÷ 80 = 2.5.
    """
    from decimal import Decimal

    from coso.accounts.roles import Role
    from coso.procedures.models import Procedure, ProcedureStep, ProcedureVersion

    docs = [{"name": "Tờ khai", "copies": 1, "required": True}]

    def proc(code: str, *, online: str = "full", steps: bool = True, applicant: str = "Công dân", level: str = "commune", active: bool = True,
             valid_to: dt.date | None = None) -> Procedure:
        p = Procedure.objects.create(code=code, name=f"Thủ tục {code}", field="Hộ tịch", decision_level=level, is_active=active)
        v = ProcedureVersion.objects.create(
            procedure=p, valid_from=dt.date(2020, 1, 1), valid_to=valid_to, time_limit=Decimal(3), required_documents=docs, online=online,
            applicant=applicant,
        )
        if steps:
            ProcedureStep.objects.create(version=v, order=1, name="Tiếp nhận", role=Role.ONESTOP_OFFICER, share_percent=100)
        return p

    proc("A")
    proc("B", online="none", steps=False)
    c = proc("C", online="none")
    own = ProcedureVersion.objects.create(
        procedure=c, province_code="79", valid_from=dt.date(2026, 11, 1), time_limit=Decimal(3), required_documents=docs, online="partial",
        applicant="Công dân",
    )
    ProcedureStep.objects.create(version=own, order=1, name="Tiếp nhận", role=Role.ONESTOP_OFFICER, share_percent=100)
    proc("D", valid_to=dt.date(2026, 10, 1))
    proc("E", level="province")
    proc("F", active=False)
    make_dossier(commune, received=dt.date(2026, 11, 2))  # the fixture's procedure, without an applicant: not complete
    nov = selectors.commune_card(commune.code, "79", NOV)
    assert (nov.indicator("1.3").numerator, nov.indicator("1.3").denominator, nov.indicator("1.3").points) == (2, 4, 2.0)
    assert (nov.indicator("3.1").numerator, nov.indicator("3.1").denominator, nov.indicator("3.1").points) == (3, 4, 3.75)
    oct_ = selectors.commune_card(commune.code, "79", periods.month(2026, 10))
    assert (oct_.indicator("3.1").numerator, oct_.indicator("3.1").denominator) == (2, 4)
    other = selectors.province_card(foreign_commune.province_code, NOV).indicator("3.1")
    assert (other.numerator, other.denominator, other.rate, other.points) == (2, 4, 50.0, 2.5)
    # No drill-down to records for a catalogue figure: the records page refuses it.
    r = login(users["leader"]).get(f"/chi-so/ho-so/?commune={commune.code}&indicator=3.1&period=2026-11")
    assert r.status_code == 400


def test_catalogue_figures_are_cached_apart_from_the_records(november, commune, make_dossier, django_capture_on_commit_callbacks, monkeypatch):
    """A dossier event invalidates the province's figures but not those drawn from the procedure catalogue (1.3, 3.1 and
    the online procedures of 3.2), which a catalogue edit invalidates."""
    from coso.procedures import selectors as procedure_selectors
    from coso.procedures.models import ProcedureVersion

    services.rollups_rebuild()
    calls: list[int] = []
    real = procedure_selectors._commune_catalogue_on
    monkeypatch.setattr(procedure_selectors, "_commune_catalogue_on", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = selectors.commune_card(commune.code, commune.province_code, NOV)
    read = len(calls)
    assert read > 0 and first.indicator("3.1").denominator > 0
    with django_capture_on_commit_callbacks(execute=True):
        make_dossier(commune, received=dt.date(2026, 11, 12), finished=dt.date(2026, 11, 13), timeliness="on_time")
    after_event = selectors.commune_card(commune.code, commune.province_code, NOV)
    assert after_event.indicator("2.1").denominator == first.indicator("2.1").denominator + 1  # the records' figures follow
    assert len(calls) == read  # the catalogue was not read again
    online = first.indicator("3.1").numerator
    with django_capture_on_commit_callbacks(execute=True):
        for v in ProcedureVersion.objects.exclude(online="none"):
            v.online = "none"
            v.save()
    edited = selectors.commune_card(commune.code, commune.province_code, NOV)
    assert len(calls) > read and online > 0 and edited.indicator("3.1").numerator == 0


def test_an_event_recounts_only_the_figures_of_its_months(november, commune, other_commune, make_dossier, django_capture_on_commit_callbacks,
                                                          monkeypatch):
    """The figures of a month whose rollups an event did not touch stay cached (read no rollup again); those of the
    months it touched follow it: the commune's card, the province's and the country's, the ranking and its change
    against the previous month, the trend."""
    services.rollups_rebuild()
    DEC = periods.month(2026, 12)
    reads: list[str] = []
    real = selectors._grouped
    monkeypatch.setattr(selectors, "_grouped", lambda qs, field: reads.append(field) or real(qs, field))

    def figures(period: periods.Period) -> tuple[int, int, int, int | None]:
        card = selectors.commune_card(commune.code, commune.province_code, period).indicator("2.1")
        ranking = {r.code: r for r in selectors.commune_ranking(commune.province_code, period)}
        province = selectors.province_card(commune.province_code, period).indicator("2.1")
        return card.denominator, province.denominator, selectors.national_card(period).indicator("2.1").denominator, ranking[commune.code].rank

    nov, dec = figures(NOV), figures(DEC)
    trend = selectors.monthly_trend(DEC, commune_code=commune.code)
    assert nov == (4, 6, 6, 2) and dec[:3] == (0, 0, 0)
    reads.clear()
    with django_capture_on_commit_callbacks(execute=True):  # a December event: November's figures stay cached
        make_dossier(commune, received=dt.date(2026, 12, 1), finished=dt.date(2026, 12, 2), timeliness="on_time")
    assert figures(NOV) == nov and reads == []
    assert figures(DEC)[:3] == (1, 1, 1) and reads
    dec_ranking = {r.code: r for r in selectors.commune_ranking(commune.province_code, DEC)}
    assert dec_ranking[commune.code].previous_rank == 2  # November's rank, from its own cached ranks
    assert selectors.monthly_trend(DEC, commune_code=commune.code)["scores"][:-1] == trend["scores"][:-1]
    reads.clear()
    with django_capture_on_commit_callbacks(execute=True):  # received in November, finished in December: both months
        make_dossier(commune, received=dt.date(2026, 11, 20), finished=dt.date(2026, 12, 3), timeliness="late")
    assert figures(NOV)[:3] == (4, 6, 6) and reads  # November re-read (its receipts changed; 2.1 counts finished ones)
    assert figures(DEC)[:3] == (2, 2, 2)
    new_trend = selectors.monthly_trend(DEC, commune_code=commune.code)
    assert new_trend["scores"][-1] != trend["scores"][-1]


def test_one_page_reads_each_figure_once_and_writes_them_together(november, commune, django_assert_max_num_queries):
    """Inside one page, a figure asked twice is computed once, and what was computed reaches the cache at the end: a
    second page finds everything cached."""
    from coso.indices import cache as figures_cache

    services.rollups_rebuild()
    with figures_cache.one_page():
        first = selectors.commune_card(commune.code, commune.province_code, NOV)
        again = selectors.commune_card(commune.code, commune.province_code, NOV)
        assert again is not first and again.points == first.points  # a fresh copy, as from the cache
        ranking = selectors.commune_ranking(commune.province_code, NOV)
        ranking[0].strength = "changed by the page"  # what a page does with a figure does not reach the cache
    with django_assert_max_num_queries(10), figures_cache.one_page():  # only cache reads (7 figures, 3 generation reads)
        card = selectors.commune_card(commune.code, commune.province_code, NOV)
        cached_ranking = selectors.commune_ranking(commune.province_code, NOV)
    assert card.points == first.points and cached_ranking[0].strength is None


def test_figures_cached_before_a_generation_counter_was_evicted_are_not_served(november, commune, make_dossier, django_capture_on_commit_callbacks):
    """A generation counter can leave the cache (the database cache culls entries past MAX_ENTRIES, Redis evicts under
    memory pressure): created again, it must not come back to a value figures were cached under, or they would be
    served although the records changed since."""
    from django.core.cache import cache

    from coso.indices import cache as figures_cache

    services.rollups_rebuild()
    stale = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
    counters = [figures_cache.BASE, figures_cache._key(commune.province_code), figures_cache._month_key(commune.province_code, 2026, 11)]
    for _ in range(2):
        for key in counters:
            cache.delete(key)  # evicted
        with django_capture_on_commit_callbacks(execute=True):
            make_dossier(commune, received=dt.date(2026, 11, 12), finished=dt.date(2026, 11, 13), timeliness="on_time")
        for key in counters:
            cache.delete(key)  # evicted again after the event's bump
        fresh = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
        assert fresh.denominator == stale.denominator + 1
        stale = fresh


def test_a_page_shown_again_reads_its_figures_ahead_and_never_a_stale_one(november, commune, make_dossier, django_capture_on_commit_callbacks):
    """A named page remembers what it asked for: shown again, its generations and figures are read ahead in a few
    queries, whatever the number of figures; after an event, the figures read ahead are those of the new generations
    (the event's figure is computed again, never served from before)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coso.indices import cache as figures_cache

    services.rollups_rebuild()

    def page() -> tuple[int, int | None, int]:
        with figures_cache.one_page("test page"):
            card = selectors.commune_card(commune.code, commune.province_code, NOV).indicator("2.1")
            ranking = {r.code: r.rank for r in selectors.commune_ranking(commune.province_code, NOV)}
            province = selectors.province_card(commune.province_code, NOV).indicator("2.1")
        return card.denominator, ranking[commune.code], province.denominator

    first = page()
    page()  # the manifest now lists every figure, the inner ones too
    with CaptureQueriesContext(connection) as queries:
        assert page() == first
    cache_reads = [q["sql"] for q in queries.captured_queries if "coso_cache" in q["sql"]]
    assert len(cache_reads) == 3  # the manifest, every generation, every figure
    assert all(q.lstrip().startswith("SELECT") for q in cache_reads)  # nothing computed, nothing written
    with django_capture_on_commit_callbacks(execute=True):
        make_dossier(commune, received=dt.date(2026, 11, 12), finished=dt.date(2026, 11, 13), timeliness="on_time")
    after = page()
    assert after[0] == first[0] + 1 and after[2] == first[2] + 1
    cache.delete(figures_cache.manifest_key("test page"))  # manifest gone: read one by one
    assert page() == after


# ---------------------------------------------------------------- month rollups
@given(start=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)), length=st.integers(0, 400))
def test_whole_months_and_the_days_around_them_cover_a_period_once(start, length):
    p = periods.Period("range", start, start + dt.timedelta(days=length))
    months, edges = p.whole_months()
    covered: list[dt.date] = []
    if months is not None:
        first, last = months
        assert first.day == 1 and last.day == 1 and first <= last
        covered += [first + dt.timedelta(days=i) for i in range((periods._month_end(last) - first).days + 1)]
    if months is None:  # no whole month inside: the period read by day
        assert edges == [(p.start, p.end)]
    for a, b in edges:
        assert a <= b
        if months is not None:  # an edge lies inside one month and is never a whole one read by day
            assert (a.year, a.month) == (b.year, b.month) and not (a.day == 1 and b == periods._month_end(b))
        covered += [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]
    assert sorted(covered) == [p.start + dt.timedelta(days=i) for i in range(length + 1)]
    assert len(covered) == len(set(covered))


@pytest.fixture
def across_months(commune, other_commune, make_dossier):  # type: ignore[no-untyped-def]
    """Dossiers on both sides of the month ends of October, November and December 2026, in two communes."""
    days = [(10, 1), (10, 15), (10, 31), (11, 1), (11, 2), (11, 15), (11, 30), (12, 1), (12, 10), (12, 31)]
    for i, (m, d) in enumerate(days):
        received = dt.date(2026, m, d)
        finished = received + dt.timedelta(days=i % 3)
        make_dossier(commune, received=received, finished=finished, timeliness="late" if i % 4 == 0 else "on_time", channel="online" if i % 2 else "counter")
        if i % 3 == 0:
            make_dossier(other_commune, received=received, finished=finished, timeliness="on_time", channel="online")
    services.rollups_rebuild()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),  # a month: month rows only
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),  # a quarter
        (dt.date(2026, 10, 15), dt.date(2026, 12, 10)),  # both edges inside a month, November whole
        (dt.date(2026, 11, 2), dt.date(2026, 11, 29)),  # no whole month: day rows only
        (dt.date(2026, 10, 31), dt.date(2026, 11, 1)),  # two days across a month end
        (dt.date(2026, 10, 2), dt.date(2026, 11, 30)),  # ends on a month end
    ],
)
def test_commune_figures_over_any_period_are_the_sums_of_the_day_rows(across_months, commune, other_commune, start, end):
    from django.db.models import Sum

    from coso.indices.models import COUNT_COLUMNS, UsageRollup, facts_of

    p = periods.Period("range", start, end)
    days = IndexRollup.objects.filter(day__gte=start, day__lte=end, province_code=commune.province_code)
    expected = {r["commune_code"]: facts_of(r) for r in days.values("commune_code").annotate(**{c: Sum(c) for c in COUNT_COLUMNS}).order_by()}
    assert expected  # the fixture has records in every period asked
    assert selectors.facts_by_commune(p, commune.province_code) == expected
    assert selectors._commune_facts(commune.code, commune.province_code, p) == expected[commune.code]
    used: dict[str, set[str]] = {}
    for code, procedure in UsageRollup.objects.filter(day__gte=start, day__lte=end).values_list("commune_code", "procedure_code"):
        used.setdefault(code, set()).add(procedure)
    assert selectors.used_procedures(p, level="commune", province_code=commune.province_code) == used
    ranking = selectors.commune_ranking(commune.province_code, p)
    assert {r.code for r in ranking if r.score is not None} == set(expected)


def test_events_keep_the_month_rollups(across_months, commune, make_dossier, django_capture_on_commit_callbacks):
    from coso.indices.models import MonthRollup

    nov = MonthRollup.objects.get(commune_code=commune.code, month=dt.date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):  # an event re-counts the commune's days, then its months
        d = make_dossier(commune, received=dt.date(2026, 11, 30), finished=dt.date(2026, 12, 1), timeliness="on_time")
    nov.refresh_from_db()
    dec = MonthRollup.objects.get(commune_code=commune.code, month=dt.date(2026, 12, 1))
    assert nov.received == 4 + 1
    assert services.rollups_check() == []
    with django_capture_on_commit_callbacks(execute=True):  # deleted: both months count without it again
        d.delete()
    nov.refresh_from_db()
    assert nov.received == 4
    assert MonthRollup.objects.get(commune_code=commune.code, month=dt.date(2026, 12, 1)).finished == dec.finished - 1
    assert services.rollups_check() == []


def test_month_rollups_drift_is_reported_and_the_migration_fills_them(across_months, commune):
    import importlib

    from django.apps import apps
    from django.db import connection

    from coso.indices.models import MonthRollup, UsageMonthRollup

    MonthRollup.objects.filter(commune_code=commune.code, month=dt.date(2026, 11, 1)).update(received=99, received_online=0, received_with_files=0)
    drift = services.rollups_check()
    assert {m.commune_code for m in drift} == {f"{commune.code} 11/2026"}
    assert {m.indicator for m in drift} == {"3.3", "4.2"}
    # Databases migrated before the month rollups get them from their day rows.
    MonthRollup.objects.all().delete()
    UsageMonthRollup.objects.all().delete()
    migration = importlib.import_module("coso.indices.migrations.0004_month_rollups")
    migration.fill_months(apps, type("Editor", (), {"connection": connection})())
    assert MonthRollup.objects.count() > 0 and UsageMonthRollup.objects.count() > 0
    assert services.rollups_check() == []


def test_a_province_without_records_does_not_weigh_on_the_national_figure(november, commune, foreign_commune):
    """The country's figure counted every province's catalogue (1.3, 3.1, the online procedures of 3.2) while the
    ranking leaves out a province where nothing was recorded: with one province on Coso, the national score came out
    below that province's own."""
    services.rollups_rebuild()
    national, province = selectors.national_card(NOV), selectors.province_card(commune.province_code, NOV)
    for code in ("1.3", "3.1", "3.2", "2.1"):
        n, p = national.indicator(code), province.indicator(code)
        assert (n.numerator, n.denominator) == (p.numerator, p.denominator), code
    assert national.score100 == province.score100
    assert selectors.monthly_trend(NOV)["scores"][-1] == national.score100
