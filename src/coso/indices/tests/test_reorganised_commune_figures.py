"""The figures of a commune that took over another one in the app (``coso.units.services.reorganisation_apply``): the
records the merged commune keeps under its code (finished before the merger) count under the commune that took it over
when dated while the merged commune carried the code, and so do the records of its own 1/7/2025 predecessors; a record
carrying the code dated outside that window (a code given again) never does."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Count

import pytest

from coso.dossiers import selectors as dossier_selectors
from coso.units import lineage
from coso.units.tests.helpers import merge_communes

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
EFFECTIVE = dt.date(2026, 4, 1)
MERGER_2025 = dt.date(2025, 7, 1)


def merge(users, commune, other_commune):  # type: ignore[no-untyped-def]
    """other_commune merged into commune from EFFECTIVE."""
    merge_communes(users["province_admin"], target=commune, sources=[other_commune], effective_on=EFFECTIVE, today=TODAY)


@pytest.fixture
def history(commune, other_commune, province, make_dossier):  # type: ignore[no-untyped-def]
    """Before the merger: other_commune (B) formed on 1/7/2025 from the old commune 27700; the old commune that carried
    B's code 26737 before 1/7/2025 went to a third commune (X, 26740): a code given again. A finished dossier of each
    and of commune (A)."""
    Unit = apps.get_model("units", "AdministrativeUnit")
    Succession = apps.get_model("units", "UnitSuccession")
    third = Unit.objects.create(code="26740", name="Phường Bến Thành", name_folded="phuong ben thanh", level="commune", kind="phuong",
                                parent=province, province_code=province.code)
    old_b = Unit.all_objects.create(code="27700", name="Xã cũ", level="commune", kind="xa", province_code="79", valid_from=None, valid_to=MERGER_2025)
    old_code_b = Unit.all_objects.create(code=other_commune.code, name="Phường Đa Kao", level="commune", kind="phuong", province_code="79",
                                         valid_from=None, valid_to=MERGER_2025)
    Succession.objects.create(predecessor=old_b, successor=other_commune, effective_on=MERGER_2025, is_primary=True)
    Succession.objects.create(predecessor=old_code_b, successor=third, effective_on=MERGER_2025, is_primary=True)
    return {
        "b": make_dossier(other_commune, received=dt.date(2026, 1, 5), finished=dt.date(2026, 1, 12), timeliness="late"),
        "b_2025": make_dossier(old_b, received=dt.date(2025, 6, 2), finished=dt.date(2025, 6, 20), timeliness="late"),
        "given_again": make_dossier(old_code_b, received=dt.date(2025, 6, 3), finished=dt.date(2025, 6, 25), timeliness="late"),
        "a": make_dossier(commune, received=dt.date(2026, 1, 6), finished=dt.date(2026, 1, 7), timeliness="on_time"),
        "third": third,
    }


def test_statistics_by_commune_count_the_merged_communes_records_under_the_commune_that_took_it_over(history, users, commune, other_commune):
    merge(users, commune, other_commune)
    period = {"start": dt.date(2025, 6, 1), "end": dt.date(2026, 3, 31)}
    rows = {r["commune_code"]: (r["received"], r["late"]) for r in
            dossier_selectors.stats(fetched_by=users["province_home_affairs"], group_by="commune", **period)["rows"]}
    # B's dossier and its 1/7/2025 predecessor's under A; the old 26737's under X, never under A
    assert rows == {commune.code: (3, 2), "26740": (1, 1)}
    one = dossier_selectors.stats(fetched_by=users["province_home_affairs"], commune_code=commune.code, **period)["total"]
    assert (one["received"], one["late"]) == (3, 2)
    mine = dossier_selectors.stats(fetched_by=users["leader"], group_by="commune", **period)["rows"]
    assert [(r["commune_code"], r["received"]) for r in mine] == [(commune.code, 3)]


def test_the_drill_down_lists_the_merged_communes_dossiers(history, users, commune, other_commune, login):
    merge(users, commune, other_commune)
    html = login(users["leader"]).get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&period=2026-01").content.decode()
    assert f'href="/dossiers/{history["b"].pk}/"' in html
    html = login(users["leader"]).get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&period=2025-06").content.decode()
    assert f'href="/dossiers/{history["b_2025"].pk}/"' in html
    assert f'href="/dossiers/{history["given_again"].pk}/"' not in html


def test_a_code_is_counted_under_the_commune_that_took_it_over_only_inside_its_window(history, users, commune, other_commune, make_dossier):
    merge(users, commune, other_commune)
    Dossier = apps.get_model("dossiers", "Dossier")
    # a record stamped with B's code after the merger (B no longer carries it): not A's
    after = make_dossier(other_commune, received=dt.date(2026, 5, 4))
    counted = dict(Dossier.objects.annotate(unit=lineage.current_code_expression("commune_code", "submitted_at"))
                   .values("unit").annotate(n=Count("id")).values_list("unit", "n"))
    assert counted == {commune.code: 3, "26740": 1, other_commune.code: 1}
    mine = set(Dossier.objects.filter(lineage.commune_with_predecessors_q(commune.code)).values_list("pk", flat=True))
    assert mine == {history["a"].pk, history["b"].pk, history["b_2025"].pk}
    assert after.pk not in mine and history["given_again"].pk not in mine
    assert set(lineage.predecessor_codes(commune.code)) == {other_commune.code, "27700"}
    assert lineage.successor_codes("27700") == [commune.code]
    assert lineage.lineage_map()["27700"] == commune.code
    assert lineage.regroup_counts({"27700": 2, other_commune.code: 1}, before_reorganisation=True) == {commune.code: 2, "26740": 1}


def test_the_scorecard_and_the_rebuild_check_follow_the_merger(history, users, commune, other_commune, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from coso.indices import periods, selectors, services

    services.rollups_rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        merge(users, commune, other_commune)
    january = selectors.commune_card(commune.code, commune.province_code, periods.month(2026, 1)).indicator("2.1")
    assert (january.numerator, january.denominator) == (1, 2)  # A's on-time dossier and B's late one
    june = selectors.commune_card(commune.code, commune.province_code, periods.month(2025, 6)).indicator("2.1")
    assert (june.numerator, june.denominator) == (0, 1)  # B's 1/7/2025 predecessor's; not the old 26737's
    third = selectors.commune_card("26740", "79", periods.month(2025, 6)).indicator("2.1")
    assert (third.numerator, third.denominator) == (0, 1)
    assert selectors.province_card(commune.province_code, periods.month(2026, 1)).indicator("2.1").denominator == 2
    assert services.rollups_check() == []
    call_command("rebuild_indices", "--check")  # raises CommandError on a difference


def test_the_periodic_refresh_recounts_the_reorganised_communes_when_the_recount_after_the_merger_failed(
        history, users, commune, other_commune, django_capture_on_commit_callbacks, monkeypatch):
    from coso.indices import selectors, services, tasks

    def failing(codes):  # type: ignore[no-untyped-def]
        raise RuntimeError("the queue is down")

    services.rollups_refresh()  # the first run rebuilds everything and records the refresh
    monkeypatch.setattr(tasks, "refresh_units_task", failing)
    with django_capture_on_commit_callbacks(execute=True):
        merge(users, commune, other_commune)  # committed; its re-count failed (logged)
    assert services.rollups_check() != []
    january = selectors.commune_card(commune.code, commune.province_code, periods_month(2026, 1)).indicator("2.1")
    assert (january.numerator, january.denominator) == (1, 1)  # B's late dossier still missing
    services.rollups_refresh()
    assert services.rollups_check() == []
    january = selectors.commune_card(commune.code, commune.province_code, periods_month(2026, 1)).indicator("2.1")
    assert (january.numerator, january.denominator) == (1, 2)


def periods_month(year: int, month: int):  # type: ignore[no-untyped-def]
    from coso.indices import periods

    return periods.month(year, month)
