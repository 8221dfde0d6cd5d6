"""What a commune officer sees on the workforce pages and in the exports (issue 13, items 20–22): legal bases as
documents, charts that draw the tables' numbers, labels and real dates in the exports, names instead of codes,
and people past their retirement date flagged in the record, the review and the exports."""

import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook

from coso.rules import lookup
from coso.rules.models import Rule
from coso.workforce import exports, selectors
from coso.workforce.models import Person

from .helpers import person

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 12, 2)


def _html(resp) -> str:
    return resp.content.decode()


def _text(resp) -> str:
    html = re.sub(r"<script.*?</script>", " ", _html(resp), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def past(commune) -> Person:
    """A man born in 1960: his retirement date (roadmap of the Labour Code 2019) is long gone, and he is still in office."""
    return person(commune, full_name="Trần Quốc Hải", birth_date=dt.date(1960, 3, 10), gender="male", citizen_id="079060000001")


# ---------------------------------------------------------------- item 20: legal bases as documents
def test_legal_bases_show_the_document_and_article_only(login, users, commune, past):
    """Rule rows keep their news-site URL and confidence mark for the rule-book pages; the workforce pages show the
    legal document and article, taken from the rule book (no hard-coded abbreviations)."""
    Rule.objects.filter(key="workforce.retirement.roadmap").update(
        source_document="Bộ luật Lao động 2019 (thử)", source_url="https://nld.com.vn/x", confidence="R"
    )
    Rule.objects.filter(key__startswith="workforce.evaluation.regime.").update(source_url="https://cafef.vn/y", confidence="C")
    lookup.invalidate()
    c = login(users["home_affairs"])
    page = _text(c.get(f"/workforce/nguoi/{past.pk}/?on=02/12/2026"))
    assert "Bộ luật Lao động 2019 (thử)" in page and "BLLĐ" not in page
    for url in (
        f"/workforce/nguoi/{past.pk}/",
        "/workforce/danh-gia/?year=2026",
        "/workforce/ra-soat/",
        f"/workforce/ra-soat/?commune={commune.code}",
    ):
        text = _text(c.get(url))
        assert "nld.com.vn" not in text and "cafef.vn" not in text and "http" not in text, url
        assert not re.search(r"\[(C|I|R|P)(-3p)?\]|độ tin cậy|confidence", text, flags=re.I), url
        assert "Quotas are" not in text and "Decree " not in text, url


# ---------------------------------------------------------------- item 21: charts, exports, names
def test_review_chart_draws_the_percentages_of_the_table(login, users, commune, past):
    person(commune, citizen_id="079088000002")
    c = login(users["home_affairs"])
    html = _html(c.get(f"/workforce/ra-soat/?commune={commune.code}&on=02/12/2026"))
    data = json.loads(re.search(r'<script id="review-data" type="application/json">(.*?)</script>', html, flags=re.S).group(1))
    rows = dict(re.findall(r'<tr data-standard="(\w+)">.*?<td>[^<]*<a [^>]*>([\d,]+) %</a>', html, flags=re.S))
    assert rows and data["standards"]
    for s in data["standards"]:  # the bar's height is the number the table prints (percent, one decimal)
        assert f"{s['percent']:.1f}".replace(".", ",") == rows[s["key"]], s


def test_people_list_shows_commune_names_and_the_export_labels_and_dates(login, users, commune, past):
    c = login(users["home_affairs"])
    text = _text(c.get("/workforce/"))
    assert commune.name in text
    wb = load_workbook(io.BytesIO(c.get("/workforce/?format=xlsx").content))
    ws = wb["Danh sách"]
    header = [cell.value for cell in ws[1]]
    values = dict(zip(header, [cell.value for cell in ws[2]], strict=True))
    assert values["Chuyên môn"] == "Đại học" and values["Chuyên ngành"] == "Hành chính" and values["Loại"] == "Công chức"
    assert values["Tin học"] == "Cơ bản" and values["Chức vụ"] and "_" not in values["Chức vụ"]
    assert isinstance(values["Ngày sinh"], dt.datetime) and values["Ngày sinh"].date() == dt.date(1960, 3, 10)
    assert ws.cell(row=2, column=header.index("Ngày sinh") + 1).number_format == "dd/mm/yyyy"
    assert values["Tên xã/phường"] == commune.name


def test_people_export_can_be_imported_again(users, commune, past):
    """Labels instead of codes, date cells: the import reads them back (another commune's officer re-imports the list)."""
    from coso.workforce import services

    data = services.export_bytes(Person.objects.filter(pk=past.pk), user=users["province_home_affairs"])
    rows = load_workbook(io.BytesIO(data)).active
    Person.objects.all().delete()
    from .helpers import xlsx

    header = [cell.value for cell in rows[1]]
    record = dict(zip(header, [cell.value for cell in rows[2]], strict=True))
    keyed = {key: record[label] for key, label in services.COLUMNS}
    assert services.import_people(actor=users["province_home_affairs"], data=xlsx([keyed])) == 1
    again = Person.objects.get()
    assert again.position_code == past.position_code and again.degree_level == "dai_hoc" and again.birth_date == past.birth_date


def test_review_excel_rates_are_numbers_and_the_pdf_names_the_place(login, users, commune, past):
    result = selectors.review(fetched_by=users["home_affairs"], on=ON)
    headers, rows = exports.review_rows(result)
    rate = rows[0][headers.index("Tỷ lệ đạt chuẩn")]
    assert isinstance(rate, float) and 0 <= rate <= 1
    wb = load_workbook(io.BytesIO(exports.review_xlsx(users["home_affairs"], on=ON)))
    ws = wb["Tổng hợp"]
    header_row = next(r for r in ws.iter_rows() if r[0].value == "Xã/phường")
    col = [c.value for c in header_row].index("Tỷ lệ đạt chuẩn")
    cell = ws.cell(row=header_row[0].row + 1, column=col + 1)
    assert isinstance(cell.value, (int, float)) and "%" in cell.number_format
    from coso.dossiers.tests.pdftext import extract_text as pdf_text

    text = pdf_text(exports.review_pdf(users["home_affairs"], on=ON))
    place = exports.place_name(users["home_affairs"].unit)
    assert place and re.search(re.escape(place) + r",\s*ngày", text), text[:400]


# ---------------------------------------------------------------- item 22: past retirement flagged
def test_person_past_retirement_is_flagged(login, users, commune, past):
    c = login(users["home_affairs"])
    listing = _html(c.get("/workforce/"))
    row = listing[listing.index("Trần Quốc Hải") :]
    assert "Quá tuổi nghỉ hưu" in row[: row.index("</tr>")]
    text = _text(c.get(f"/workforce/nguoi/{past.pk}/?on=02/12/2026"))
    assert "Đã đến tuổi nghỉ hưu từ" in text
    young = person(commune, citizen_id="079095000003", birth_date=dt.date(1995, 1, 1))
    assert "Đã đến tuổi nghỉ hưu từ" not in _text(c.get(f"/workforce/nguoi/{young.pk}/?on=02/12/2026"))
    past.left_on = dt.date(2026, 1, 1)
    past.save()
    assert "Đã đến tuổi nghỉ hưu từ" not in _text(c.get(f"/workforce/nguoi/{past.pk}/?on=02/12/2026"))  # has left: nothing to decide


def test_review_counts_and_lists_people_past_retirement(login, users, commune, other_commune, past):
    person(commune, citizen_id="079095000004", birth_date=dt.date(1995, 1, 1))
    person(other_commune, citizen_id="079061000005", birth_date=dt.date(1961, 1, 1), gender="male")
    result = selectors.review(fetched_by=users["province_home_affairs"], on=ON, commune=commune.code)
    by_code = {c["code"]: c for c in result["communes"]}
    assert by_code[commune.code]["retired"] == 1 and by_code[other_commune.code]["retired"] == 1 and result["total"]["retired"] == 2
    assert [p["full_name"] for p in result["retired_people"]] == ["Trần Quốc Hải"]
    assert result["retired_people"][0]["retirement_date"] <= ON
    # a date before his retirement: nobody flagged
    early = selectors.review(fetched_by=users["province_home_affairs"], on=dt.date(2019, 1, 1))
    assert early["total"]["retired"] == 0
    c = login(users["home_affairs"])
    api = c.get(f"/api/v1/workforce/review?commune={commune.code}&on=2026-12-02").json()
    assert api["total"]["retired"] == 1 and api["retired_people"][0]["full_name"] == "Trần Quốc Hải"
    text = _text(c.get(f"/workforce/ra-soat/?commune={commune.code}&on=02/12/2026"))
    assert "1 người đã qua ngày nghỉ hưu dự kiến" in text and "Trần Quốc Hải" in text
    headers, rows = exports.review_rows(result)
    col = headers.index("Đã quá tuổi nghỉ hưu, vẫn công tác")
    assert rows[-1][col] == 2  # the total row
    wb = load_workbook(io.BytesIO(exports.review_xlsx(users["home_affairs"], on=ON, commune=commune.code)))
    sheet = wb["Quá tuổi nghỉ hưu"]
    assert sheet.cell(row=2, column=1).value == "Trần Quốc Hải" and isinstance(sheet.cell(row=2, column=3).value, dt.datetime)


def test_sql_count_of_people_past_retirement_matches_each_persons_date(users, commune):
    """The SQL threshold (first birth month retiring after the date) agrees with each person's own retirement date."""
    from coso.workforce.policy import Policy

    births = [dt.date(y, m, d) for y in (1960, 1961, 1962, 1964, 1965, 1966, 1969, 1970) for m, d in ((1, 1), (6, 15), (12, 31))]
    for i, b in enumerate(births):
        person(commune, citizen_id=f"0790{i:08d}", birth_date=b, gender="female" if i % 2 else "male")
    for on in (dt.date(2025, 1, 1), dt.date(2026, 6, 30), ON, dt.date(2028, 3, 1)):
        policy = Policy(on)
        expected = sum(1 for p in Person.objects.all() if policy.retirement_date(p.birth_date, p.gender) <= on)
        result = selectors.review(fetched_by=users["home_affairs"], on=on, commune=commune.code)
        assert result["total"]["retired"] == expected == len(result["retired_people"]), on


def test_evaluation_history_shows_steps_and_levels_by_name(login, users, commune):
    from coso.workforce import services

    p = person(commune, full_name="Lê Văn Tư", citizen_id="079070000009")
    ev = services.evaluation_open(actor=users["home_affairs"], person=p, year=2025)
    ev = services.self_assess(actor=users["home_affairs"], evaluation=ev, version=ev.version, general_score=None, level="tot", comment="Tự nhận xét")
    html = login(users["home_affairs"]).get(f"/workforce/danh-gia/{ev.pk}/").content.decode()
    history = _text(type("R", (), {"content": html[html.index('id="history"') :].encode()})())
    assert "Tự đánh giá" in history and "Hoàn thành tốt nhiệm vụ" in history
    assert not re.search(r"\b(open|self_assessed|tot)\b", history), history
