"""The list of reorganisations (page and API) reads what it shows in a fixed number of queries, however many
reorganisations there are: a scheduled one's preview is computed again (from its decision and today's data) on its own
page and ``GET /api/v1/units/reorganisations/{id}``, not once per row of the list."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from coso.units import services
from coso.units.tests import reorg_helpers as h

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0)


def _schedule(users, commune, n: int, first: int = 0) -> list:  # type: ignore[no-untyped-def]
    made = []
    for i in range(first, first + n):
        a, b = h.village(commune, f"Tổ dân phố {2 * i + 1}"), h.village(commune, f"Tổ dân phố {2 * i + 2}")
        h.feedback(commune, a)
        made.append(services.reorganisation_schedule(
            actor=users["province_admin"], province_code=commune.province_code, kind="village_merge", decision_number=f"{i + 1}/NQ-HĐND",
            decision_date=dt.date(2026, 2, 20), effective_on=dt.date(2026, 4, 1), title=f"Sáp nhập tổ {2 * i + 1} và tổ {2 * i + 2}",
            spec=h.spec_village_merge(commune, [a, b], new_name=f"Tổ dân phố Hòa Bình {i + 1}")))
    return made


def _count(client, url: str) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("url", ["/units/reorganisations/", "/api/v1/units/reorganisations"])
def test_the_list_reads_the_same_number_of_queries_for_one_or_five_reorganisations(users, commune, login, url):
    c = login(users["province_admin"])
    _schedule(users, commune, 1)
    c.get(url)  # warm: the session, the catalogues
    one, _r = _count(c, url)
    _schedule(users, commune, 4, first=1)
    five, r = _count(c, url)
    assert five == one
    if url.startswith("/api/"):
        assert r.json()["count"] == 5
    else:
        assert r.content.decode().count("/NQ-HĐND</a>") == 5


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_reorganisations_own_page_and_api_still_compute_its_preview(users, commune, login):
    [r] = _schedule(users, commune, 1)
    c = login(users["province_admin"])
    preview = c.get(f"/api/v1/units/reorganisations/{r.pk}").json()["preview"]
    counts = {m["key"]: m["total"] for m in preview["movers"]}
    assert counts["units.villages"] == 2
    assert "Phản ánh, kiến nghị đang xử lý" in c.get(f"/units/reorganisations/{r.pk}/").content.decode()
