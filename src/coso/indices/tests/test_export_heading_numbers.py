"""The Excel report's heading writes its numbers the Vietnamese way, as the PDF and the rest of the heading do (decimal
comma): the converted score and the data coverage were printed with a decimal point ("62.5/100", "37.5 %")."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from coso.indices import documents, engine, periods


def test_the_heading_uses_a_decimal_comma():
    # 23.4375 of 37.5 measurable points: 62.5/100, coverage 37.5 %
    card = engine.Scorecard(groups=[], points=23.4375, max_points=100.0, fed_max=37.5, on=dt.date(2026, 11, 30))
    data = documents.index_xlsx(unit_name="Phường Bến Nghé", period=periods.month(2026, 11), card=card)
    heading = [str(c.value) for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(max_row=3) for c in row if c.value]
    line = next(t for t in heading if t.startswith("Điểm:"))
    assert line == "Điểm: 23,44 / 37,5 điểm đo được; điểm quy đổi: 62,5/100; độ phủ dữ liệu 37,5 %", line
