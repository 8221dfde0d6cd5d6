"""Indicators 1.3, 3.1 and 3.2 of a past period count the communes' procedures that were in force then, also one ended
since (by its versions' dates), as the API and the pages publish them; they used to read whether a procedure is active
today, so ending one took it out of every month it had been in force."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.dossiers.tests.conftest import make_procedure
from coso.procedures import services as procedure_services
from coso.procedures.selectors import index_online_procedures

pytestmark = pytest.mark.django_db


def _figures(client, commune, period: str) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/indices/scorecard", {"level": "commune", "code": commune.code, "period": period})
    assert r.status_code == 200, r.content
    return {i["code"]: (i["numerator"], i["denominator"]) for g in r.json()["groups"] for i in g["indicators"] if i["code"] in ("1.3", "3.1")}


def test_a_past_period_counts_the_procedures_in_force_then(client, commune):
    make_procedure(code="1.000001", name="Thủ tục còn áp dụng", online="none")
    ended = make_procedure(code="1.000002", name="Thủ tục đã bãi bỏ", online="full").procedure
    procedure_services.procedures_end(actor=None, items=[{"code": ended.code, "valid_to": "2026-11-15", "reason": "Bãi bỏ"}])
    assert _figures(client, commune, "2026-10") == {"1.3": (0, 2), "3.1": (1, 2)}  # both in force all October
    assert _figures(client, commune, "2026-11") == {"1.3": (0, 1), "3.1": (0, 1)}  # on 30/11 only the one still applied
    assert [r["code"] for r in index_online_procedures(day=dt.date(2026, 10, 31), province_code=commune.province_code)] == [ended.code]
    assert index_online_procedures(day=dt.date(2026, 11, 30), province_code=commune.province_code) == []


def test_figures_cached_before_a_deploy_that_changes_their_computation_are_not_served(client, commune, monkeypatch):
    """A deploy that changes how a figure is computed (a data migration, a new way of counting) bumps
    ``cache.FIGURES_VERSION``: the figures cached by the previous code are never read again. Without it, a past
    period's catalogue figures (only a catalogue edit renews their generation) kept the old counts."""
    from django.apps import apps

    from coso.indices import cache as figures_cache

    make_procedure(code="1.000001", name="Thủ tục còn áp dụng", online="none")
    make_procedure(code="1.000002", name="Thủ tục trực tuyến", online="full")
    assert _figures(client, commune, "2026-10") == {"1.3": (0, 2), "3.1": (1, 2)}  # cached
    # What a deploy does without a catalogue edit: a migration rewrites rows (a bulk update sends no signal).
    apps.get_model("procedures", "ProcedureVersion").objects.update(online="none")
    assert _figures(client, commune, "2026-10") == {"1.3": (0, 2), "3.1": (1, 2)}  # the cached figures stand
    monkeypatch.setattr(figures_cache, "FIGURES_VERSION", figures_cache.FIGURES_VERSION + 1)  # the deploy bumps it
    assert _figures(client, commune, "2026-10") == {"1.3": (0, 2), "3.1": (0, 2)}
