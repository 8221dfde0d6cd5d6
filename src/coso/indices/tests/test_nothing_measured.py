"""A unit where nothing could be measured in the period has no points ("no data"), never 0 points: in the API, on the
pages and in the exports, as its score out of 100 and its groups already say."""

from __future__ import annotations

import io
import re

import pytest

from coso.indices import services

pytestmark = pytest.mark.django_db


def test_a_unit_with_nothing_measured_has_no_points_not_zero(november, client, commune, other_commune, province):
    services.rollups_rebuild()
    # January 2019: no record and no procedure in force yet (the fixture's procedure is from 2020): nothing measured.
    data = client.get(f"/api/v1/indices/scorecard?level=commune&code={commune.code}&period=2019-01").json()
    assert data["fed_max"] == 0 and data["score100"] is None
    assert data["points"] is None  # was 0.0
    # November: a measured card keeps its points.
    assert client.get(f"/api/v1/indices/scorecard?level=commune&code={commune.code}&period=2026-11").json()["points"] > 0
    # October 2026: no commune of the province recorded anything, so none is ranked, and none has 0 points.
    rows = client.get(f"/api/v1/indices/ranking?province={province.code}&period=2026-10").json()["rows"]
    assert rows and all(r["rank"] is None and r["score100"] is None for r in rows)
    assert [r["points"] for r in rows] == [None] * len(rows)  # were 0.0
    # The pages: the card's total and the ranking's points column say "—", not 0.
    html = client.get(f"/chi-so/cong-khai/?period=2019-01&commune={commune.code}").content.decode()
    assert re.search(r'id="total-points">—<', html), re.search(r'id="total-points">[^<]*<', html)
    assert "0.0 điểm trên 0.0 điểm đo được" not in html
    html = client.get(f"/chi-so/cong-khai/?period=2026-10&province={province.code}").content.decode()
    cells = re.findall(rf'<tr data-code="{other_commune.code}">(.*?)</tr>', html, flags=re.S)[0]
    assert "0.0 / 0.0" not in cells and "— / —" not in cells
    # The Excel export: the ranking's points of a commune without data are blank, not 0.
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get(f"/chi-so/cong-khai/?period=2026-10&province={province.code}&format=xlsx").content))
    sheet = wb["Xếp hạng"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Hạng")
    body = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(values_only=True) if r and r[1] == other_commune.name]
    assert body and body[0]["Điểm"] in (None, "") and body[0]["Điểm quy đổi"] == "Chưa có dữ liệu"
