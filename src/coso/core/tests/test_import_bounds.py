"""Hostile spreadsheets in every importer (issue 13, item 14): refused early, bad rows reported by row and column.

A few hundred KB of .xlsx can hold millions of blank styled cells; reading them blindly held a worker for
minutes. Every importer (workforce, villages, procedure catalogue) refuses such a file with a 4xx before
parsing it, and reports an over-long value as a row error with its row and column, in the API and the pages.
"""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from openpyxl.utils import get_column_letter

from coso.core import excel
from coso.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
           '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fillId="0"/></cellXfs></styleSheet>')


def blank_cell_bomb(headers: list[str], *, rows: int = 100_000, cols: int = 20, dimension: bool = False, data: list[list[str]] | None = None) -> bytes:
    """An .xlsx whose sheet holds the header, optional data rows, then ``rows`` × ``cols`` styled blank cells
    (2 million by default) — a few hundred KB zipped, the way a sheet formatted "to the bottom" is saved."""
    def text_row(n: int, values: list[str]) -> str:
        return f'<row r="{n}">' + "".join(f'<c r="{get_column_letter(i + 1)}{n}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)) + "</row>"

    body = [text_row(1, headers)] + [text_row(i + 2, r) for i, r in enumerate(data or [])]
    blank = "<row>" + '<c s="1"/>' * cols + "</row>"
    last = len(body) + rows
    dim = f'<dimension ref="A1:{get_column_letter(cols)}{last}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + dim + "<sheetData>" + "".join(body) + blank * rows + "</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WB), ("xl/_rels/workbook.xml.rels", _WB_RELS),
                           ("xl/styles.xml", _STYLES), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, text)
    return out.getvalue()


# ---------------------------------------------------------------- the reader itself
@pytest.mark.parametrize("shape", [{"rows": 100_000, "cols": 20}, {"rows": 130, "cols": 16_384}, {"rows": 2_000, "cols": 1_000}])
def test_blank_cell_bomb_refused_before_parsing(shape, monkeypatch):
    data = blank_cell_bomb(["Họ và tên"], **shape)
    assert len(data) < 1_000_000

    def never(*a, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("the sheet must be refused before openpyxl parses it")

    monkeypatch.setattr(excel, "load_workbook", never)
    with pytest.raises(ApplicationError) as exc:
        excel.read_rows(data, expected_headers=["Họ và tên"], max_rows=20_000)
    assert exc.value.code == "excel-too-large" and "ô trống" in exc.value.message


def test_declared_dimension_checked_before_iterating():
    data = blank_cell_bomb(["Họ và tên"], rows=30_000, cols=3, dimension=True)
    with pytest.raises(ApplicationError) as exc:
        excel.read_rows(data, expected_headers=["Họ và tên"], max_rows=20_000)
    assert exc.value.code == "excel-too-large" and exc.value.details["declared_rows"] == 30_001


def test_blank_rows_count_towards_the_row_bound():
    """Blank rows in the middle are read (they cost the same), so they count: a sheet cannot hide rows behind them."""
    data = blank_cell_bomb(["Họ và tên"], rows=300, cols=1, data=[["Nguyễn Văn An"]])
    assert [r["Họ và tên"] for r in excel.read_rows(data, expected_headers=["Họ và tên"], max_rows=10)] == ["Nguyễn Văn An"]
    big = blank_cell_bomb(["Họ và tên"], rows=1_200, cols=1, data=[["Nguyễn Văn An"]])
    with pytest.raises(ApplicationError) as exc:
        excel.read_rows(big, expected_headers=["Họ và tên"], max_rows=10)
    assert exc.value.code == "excel-too-large"


# ---------------------------------------------------------------- workforce
def test_workforce_bomb_and_long_ethnicity_api_and_page(login, users, commune):
    from coso.workforce.models import Person
    from coso.workforce.services import COLUMNS
    from coso.workforce.tests.helpers import row, xlsx

    headers = [h for _k, h in COLUMNS]
    api = login(users["home_affairs"])
    r = api.post("/api/v1/workforce/import", {"file": SimpleUploadedFile("ds.xlsx", blank_cell_bomb(headers))})
    assert r.status_code == 400 and r.json()["code"] == "excel-too-large"
    page = api.post("/workforce/nhap/", {"file": SimpleUploadedFile("ds.xlsx", blank_cell_bomb(headers))})
    assert page.status_code == 400 and "ô trống" in page.content.decode()

    long_ethnicity = "Dân tộc rất dài " * 4  # 64 characters, the column holds 40
    data = xlsx([row(), row(citizen_id="079085001299", ethnicity=long_ethnicity)])
    r = api.post("/api/v1/workforce/import", {"file": SimpleUploadedFile("ds.xlsx", data)})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "import-invalid"
    assert [(e["row"], e["column"]) for e in body["details"]["rows"]] == [(3, "Dân tộc")]
    assert "40" in body["details"]["rows"][0]["reason"]
    page = api.post("/workforce/nhap/", {"file": SimpleUploadedFile("ds.xlsx", data)})
    html = page.content.decode()
    assert page.status_code == 400 and "Dân tộc" in html and "Dài quá 40 ký tự" in html
    assert Person.objects.count() == 0


def test_workforce_every_text_column_bounded(users, commune):
    from coso.workforce import services
    from coso.workforce.tests.helpers import row, xlsx

    with pytest.raises(ApplicationError) as exc:
        services.import_people(actor=users["home_affairs"], data=xlsx([row(full_name="Nguyễn " * 30), row(citizen_id="079085001299", ethnicity="x" * 41)]))
    assert {(e["row"], e["column"]) for e in exc.value.details["rows"]} == {(2, "Họ và tên"), (3, "Dân tộc")}


# ---------------------------------------------------------------- villages
def test_villages_bomb_and_long_name_api_and_page(login, users, commune):
    from coso.units.services import IMPORT_HEADERS
    from coso.units.tests.helpers import xlsx

    c = login(users["sysadmin"])
    r = c.post("/api/v1/units/villages/import", {"file": SimpleUploadedFile("t.xlsx", blank_cell_bomb(IMPORT_HEADERS))})
    assert r.status_code == 400 and r.json()["code"] == "excel-too-large"
    page = c.post("/units/villages/import/", {"file": SimpleUploadedFile("t.xlsx", blank_cell_bomb(IMPORT_HEADERS))})
    assert page.status_code < 500 and "ô trống" in page.content.decode()
    long_name = xlsx([["26734", "Khu phố " * 30, "Khu phố", 10, 40, "", "", ""]])
    r = c.post("/api/v1/units/villages/import", {"file": SimpleUploadedFile("t.xlsx", long_name)})
    assert r.status_code == 400 and [(e["row"], e["column"]) for e in r.json()["details"]["rows"]] == [(2, "Tên thôn, tổ dân phố")]


# ---------------------------------------------------------------- procedure catalogue
def test_procedures_bomb_long_name_and_long_json_api_and_page(login, users, province):
    import json

    from coso.procedures.services import COLUMNS, MAX_IMPORT_ROWS

    headers = [h for _k, h, _r in COLUMNS]
    c = login(users["sysadmin"])
    r = c.post("/api/v1/procedures/import", {"file": SimpleUploadedFile("c.xlsx", blank_cell_bomb(headers)), "effective_from": "2027-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "excel-too-large"
    page = c.post("/procedures/manage/import/", {"file": SimpleUploadedFile("c.xlsx", blank_cell_bomb(headers)), "effective_from": "2027-01-01"})
    assert page.status_code < 500 and "ô trống" in page.content.decode()
    row = {"code": "9.000001", "name": "Thủ tục " * 80, "field": "Hộ tịch", "time_limit": 3, "time_unit": "ngày làm việc"}
    r = c.post("/api/v1/procedures/import", {"file": SimpleUploadedFile("c.json", json.dumps([row]).encode()), "effective_from": "2027-01-01"})
    assert r.status_code == 400 and [(e["row"], e["column"]) for e in r.json()["details"]["rows"]] == [(1, "Tên thủ tục")]
    many = [dict(row, code=f"9.{i:06d}", name="Thủ tục") for i in range(MAX_IMPORT_ROWS + 1)]
    r = c.post("/api/v1/procedures/import", {"file": SimpleUploadedFile("c.json", json.dumps(many).encode()), "effective_from": "2027-01-01"})
    assert r.status_code == 400 and r.json()["code"] == "too-many-rows"
