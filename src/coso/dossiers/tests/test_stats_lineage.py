"""Statistics of one commune across 1/7/2025 count its predecessors' dossiers, as its row of the by-commune table does."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coso.units.tests.helpers import load_lineage

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE = dt.datetime(2025, 3, 3, 9, 0, tzinfo=VN)
AFTER = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
# Phường Đa Kao (old code 26737) was divided: Phường Sài Gòn (current 26740) is its primary successor; the current
# Phường Tân Định also has the code 26737.
DA_KAO, SAI_GON, TAN_DINH = "26737", "26740", "26737"


def test_stats_of_one_commune_count_its_predecessors_dossiers_like_its_row_by_commune(login, users, commune, version, receive):
    from coso.dossiers import selectors
    from coso.dossiers.models import Dossier

    load_lineage("79")
    for code, at in [(DA_KAO, BEFORE), (SAI_GON, AFTER), (TAN_DINH, AFTER)]:
        d = receive()
        Dossier.objects.filter(pk=d.pk).update(commune_code=code, submitted_at=at, received_at=at)
    user = users["province_home_affairs"]
    period = {"start": dt.date(2025, 1, 1), "end": dt.date(2026, 12, 31)}
    rows = {r["commune_code"]: r["received"] for r in selectors.stats(fetched_by=user, group_by="commune", **period)["rows"]}
    assert rows == {SAI_GON: 2, TAN_DINH: 1}
    assert selectors.stats(fetched_by=user, commune_code=SAI_GON, **period)["total"]["received"] == 2
    assert selectors.stats(fetched_by=user, commune_code=TAN_DINH, **period)["total"]["received"] == 1
    r = login(user).get("/api/v1/dossiers/stats", {"start": "2025-01-01", "end": "2026-12-31", "commune": SAI_GON})
    assert r.status_code == 200 and r.json()["total"]["received"] == 2
