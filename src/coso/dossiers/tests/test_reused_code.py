"""A commune code given again: most communes of 1/7/2025 kept the code of one of the communes merged into them, and some
kept one whose old commune went (as primary successor) to another commune, e.g. old 00196 "Phường Hàng Bột" merged
into 00190, while today's 00196 is the successor of old 00073. A dossier carrying the code and submitted while the old
commune carried it is the old commune's, read by its successor: to the commune holding the code today it is another
commune's dossier (404, as another commune's), in lists, search, inbox, register, statistics and actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from coso.core.exceptions import NotFoundError
from coso.dossiers import services
from coso.dossiers.models import Dossier
from coso.dossiers.tests.conftest import register_codes
from coso.units.tests.helpers import old_commune_merged_into

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=7))
JUNE_2025 = {"start": "2025-06-01", "end": "2025-06-30"}


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=TZ)


def _dated_june_2025(d: Dossier) -> Dossier:
    """The dossier as received by the old commune carrying its code, in June 2025 (open: waiting at the first step)."""
    Dossier.objects.filter(pk=d.pk).update(submitted_at=at(2025, 6, 2), received_at=at(2025, 6, 2))
    d.refresh_from_db()
    return d


@pytest.fixture
def reused(users, commune, other_commune, receive):  # type: ignore[no-untyped-def]
    """``commune`` holds today the code of an old commune merged into ``other_commune``: an old dossier of that code
    (June 2025) and a new one of ``commune``'s."""
    old_commune_merged_into(commune.code, other_commune)
    with time_machine.travel(at(2026, 3, 2), tick=False):
        old = _dated_june_2025(receive(name="Trần Thị Bột"))
        new = receive(name="Lê Văn Mới")
    return old, new



def _listed(client: Any, **params: str) -> set[str]:
    r = client.get("/api/v1/dossiers/", params)
    assert r.status_code == 200, r.content
    return {row["code"] for row in r.json()["items"]}


def test_the_commune_holding_the_code_now_does_not_reach_the_old_communes_dossier(users, reused, login):
    old, new = reused
    for who in ("onestop", "specialist", "leader"):
        c = login(users[who])
        assert c.get(f"/api/v1/dossiers/{old.pk}").status_code == 404, who
        assert c.get(f"/dossiers/{old.pk}/").status_code == 404, who
        assert c.get(f"/api/v1/dossiers/{old.pk}/forms").status_code == 404, who
        assert c.get(f"/api/v1/dossiers/{old.pk}/forms/receipt.pdf").status_code == 404, who
        assert c.get(f"/api/v1/dossiers/{old.pk}/rating-criteria").status_code == 404, who
        assert c.get(f"/api/v1/dossiers/{new.pk}").status_code == 200, who
    c = login(users["onestop"])
    for action, body in [("forward", {"version": old.version}), ("forward", {"version": "x"}), ("bogus", {}),
                         ("refuse", {"version": old.version, "reason": ""})]:
        r = c.post(f"/api/v1/dossiers/{old.pk}/actions/{action}", body, content_type="application/json")
        assert r.status_code == 404, (action, r.content)
        assert r.json()["code"] == "not-found"
    assert c.post(f"/dossiers/{old.pk}/act/forward/", {"version": old.version}).status_code == 404
    assert c.post(f"/api/v1/dossiers/{old.pk}/rating", {"level": "satisfied"}, content_type="application/json").status_code == 404
    with pytest.raises(NotFoundError):
        services.perform(actor=users["onestop"], dossier_id=old.pk, action="forward", expected_version=old.version)
    old.refresh_from_db()
    assert old.current_step == 1 and old.status == "received"  # nothing changed
    # lists, search, inbox, register, statistics
    assert _listed(c) == {new.code}
    assert _listed(c, q=old.code) == set() and _listed(c, q=new.code) == {new.code}
    assert _listed(c, q="Bột") == set()
    box = c.get("/api/v1/dossiers/inbox").json()
    assert old.code not in str(box) and new.code in str(box)
    assert box["counts"]["mine"] == 1
    page = c.get("/dossiers/inbox/").content.decode()
    assert old.code not in page and new.code in page
    html, cells = register_codes(c, JUNE_2025)
    assert old.code not in html and old.code not in cells
    assert c.get("/api/v1/dossiers/stats", JUNE_2025).json()["total"]["received"] == 0
    assert c.get("/api/v1/dossiers/stats", {"start": "2025-06-01", "end": "2026-12-31"}).json()["total"]["received"] == 1


def test_the_old_communes_successor_still_reads_it(users, reused, login):
    old, _new = reused
    c = login(users["other_onestop"])
    r = c.get(f"/api/v1/dossiers/{old.pk}")
    assert r.status_code == 200 and r.json()["code"] == old.code
    assert c.get(f"/dossiers/{old.pk}/").status_code == 200
    html, cells = register_codes(c, JUNE_2025)
    assert old.code in html and old.code in cells
    assert c.get("/api/v1/dossiers/stats", JUNE_2025).json()["total"]["received"] == 1
    # read only, as any predecessor's dossier: acting stays with no commune here
    r = c.post(f"/api/v1/dossiers/{old.pk}/actions/forward", {"version": old.version}, content_type="application/json")
    assert r.status_code == 404
    r = login(users["province_home_affairs"]).get(f"/api/v1/dossiers/{old.pk}")
    assert r.status_code == 200  # the province's staff are not affected


def test_the_true_successor_holding_the_old_code_keeps_the_dossiers(users, commune, other_commune, receive, login):
    """The old commune with the code went (primary) to the commune that holds the code now: its dossiers stay fully
    visible and actionable there, as before."""
    old_commune_merged_into(commune.code, commune)
    with time_machine.travel(at(2026, 3, 2), tick=False):
        old = _dated_june_2025(receive())
    c = login(users["onestop"])
    assert c.get(f"/api/v1/dossiers/{old.pk}").status_code == 200
    assert _listed(c) == {old.code}
    html, cells = register_codes(c, JUNE_2025)
    assert old.code in cells
    r = c.post(f"/api/v1/dossiers/{old.pk}/actions/forward", {"version": old.version}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert login(users["other_onestop"]).get(f"/api/v1/dossiers/{old.pk}").status_code == 404


def test_a_dossier_submitted_since_costs_no_query_for_the_code_check(users, reused, login):
    """The read and the forward of a dossier submitted since the commune came into force read no unit or succession row:
    its commune's start comes with the dossier's row."""
    _old, new = reused
    c = login(users["onestop"])
    with CaptureQueriesContext(connection) as q:
        assert c.get(f"/api/v1/dossiers/{new.pk}").status_code == 200
    unit_reads = [x["sql"] for x in q.captured_queries if 'FROM "units_' in x["sql"] and 'FROM "dossiers_' not in x["sql"]]
    with CaptureQueriesContext(connection) as q:
        r = c.post(f"/api/v1/dossiers/{new.pk}/actions/forward", {"version": new.version}, content_type="application/json")
        assert r.status_code == 200, r.content
    unit_reads += [x["sql"] for x in q.captured_queries if 'FROM "units_administrativeunit"' in x["sql"] and 'FROM "dossiers_' not in x["sql"]]
    assert not [s for s in unit_reads if "valid_to" in s and "IS NOT NULL" in s], unit_reads


def test_deadline_reminders_of_the_old_communes_dossier_do_not_go_to_the_commune_holding_the_code(users, reused):
    from coso.core.notify import MemoryBackend
    from coso.jobs.services import run_periodic

    old, new = reused
    for i, name in enumerate(("onestop", "specialist", "leader")):
        users[name].phone = f"098800011{i}"
        users[name].save()
    assert old.due_date == new.due_date
    MemoryBackend.outbox.clear()
    run_periodic("dossier_deadline_reminders", today=new.due_date)
    texts = [m.text for m in MemoryBackend.outbox]
    assert any(new.code in t for t in texts) and not any(old.code in t for t in texts)
