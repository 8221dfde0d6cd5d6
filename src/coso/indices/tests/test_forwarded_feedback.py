"""Feedback forwarded to the competent body is not under the commune's authority: it leaves 5.2 / 5.3 (Decree
20/2008/NĐ-CP Art. 9; Decision 766/QĐ-TTg 5.2 counts the feedback "thuộc thẩm quyền"), as the feedback statistics say."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.indices import services

pytestmark = pytest.mark.django_db


def test_forwarded_feedback_leaves_the_communes_figures_and_the_list_behind_them(commune, make_feedback, users, login, client):
    from coso.feedback.selectors import commune_stats

    make_feedback(commune, submitted=dt.date(2026, 11, 3))  # answered on time
    make_feedback(commune, submitted=dt.date(2026, 11, 4), late=True)  # answered late
    make_feedback(commune, submitted=dt.date(2026, 11, 5), late=True, status="forwarded")  # sent on, late: not the commune's
    services.rollups_rebuild()
    # By hand: 5.2 = (2 − 1 late) ÷ 2 = 50 %; 5.3 = (2 − 1 late) ÷ 2.
    r = client.get(f"/api/v1/indices/scorecard?level=commune&code={commune.code}&period=2026-11")
    ind = {i["code"]: i for g in r.json()["groups"] for i in g["indicators"]}
    assert (ind["5.2"]["numerator"], ind["5.2"]["denominator"], ind["5.2"]["rate"]) == (1, 2, 50.0)
    assert (ind["5.3"]["numerator"], ind["5.3"]["denominator"]) == (1, 2)
    stats = commune_stats(commune_codes=[commune.code], date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    assert (stats[0]["total"], stats[0]["on_time"]) == (ind["5.2"]["denominator"], ind["5.2"]["numerator"])
    # The lists behind the figure: the whole denominator, and the items counting against it.
    leader = login(users["leader"])
    base = f"/api/v1/indices/records?commune={commune.code}&period=2026-11"
    assert leader.get(f"{base}&indicator=5.2&all=true").json()["count"] == 2
    assert leader.get(f"{base}&indicator=5.2").json()["count"] == 1
    assert leader.get(f"{base}&indicator=5.3").json()["count"] == 1
    assert services.rollups_check() == []


def test_the_migration_has_the_next_periodic_refresh_count_the_stored_rollups_again(commune, make_feedback):
    """Rollups stored before this change still count forwarded items: migration 0006 clears the refresh state, so the next
    periodic refresh rebuilds everything (as ``manage.py rebuild_indices`` would) and the figures agree with the records."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django.db.models import F

    from coso.indices.models import IndexRollup

    make_feedback(commune, submitted=dt.date(2026, 11, 4), late=True)
    make_feedback(commune, submitted=dt.date(2026, 11, 5), late=True, status="forwarded")
    services.rollups_rebuild()
    # as counted before the change: the forwarded item in the commune's feedback
    IndexRollup.objects.filter(commune_code=commune.code, feedback__gt=0).update(feedback=F("feedback") + 1)
    assert services.rollups_check() != []
    importlib.import_module("coso.indices.migrations.0006_recount_without_forwarded_feedback").recount(
        apps, SimpleNamespace(connection=connection))
    assert services.rollups_refresh() == -1  # a full rebuild
    assert services.rollups_check() == []
