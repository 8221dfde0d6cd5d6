"""Figures the province enters for the commune-strength index (SIPAS survey, legal-access standard, commune PAR index):
the page, the service's all-or-nothing checks and audit, and the inputs they feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coso.core.exceptions import ApplicationError, PermissionDeniedError
from coso.core.models import AuditLog
from coso.indices import services
from coso.indices.models import ProvinceFigure
from coso.indices.periods import Period
from coso.indices.strength import INPUTS, InputContext

pytestmark = pytest.mark.django_db
URL = "/chi-so/so-lieu-tinh/"


def _values(key, communes, year):  # type: ignore[no-untyped-def]
    ctx = InputContext(codes=[c.code for c in communes], province_code=communes[0].province_code,
                       period=Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31)), viewer=None, facts={})
    return INPUTS[key].provider(ctx)


def test_the_province_enters_par_figures_and_the_index_reads_them(users, login, commune, other_commune):
    c = login(users["province_home_affairs"])
    r = c.get(URL + "?key=reform.par&year=2025")
    html = r.content.decode()
    assert r.status_code == 200 and f'name="v-{commune.code}"' in html and f'name="v-{other_commune.code}"' in html
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": "Quyết định 123/QĐ-UBND ngày 15/3/2026",
                     f"v-{commune.code}": "85,5", f"v-{other_commune.code}": "72"})
    assert r.status_code == 302 and r["Location"] == URL + "?key=reform.par&year=2025"
    assert {f.commune_code: f.value for f in ProvinceFigure.objects.all()} == {commune.code: Decimal("85.50"), other_commune.code: Decimal("72.00")}
    assert AuditLog.objects.filter(verb="province_figure_entered").count() == 2
    assert 'value="85.5"' in c.get(URL + "?key=reform.par&year=2025").content.decode()
    # the year of the period, else the year before; an older figure is not used
    assert _values("reform.par", [commune, other_commune], 2025) == {commune.code: 85.5, other_commune.code: 72.0}
    assert _values("reform.par", [commune], 2026) == {commune.code: 85.5}
    assert _values("reform.par", [commune], 2027) == {commune.code: None}
    assert _values("reform.par", [commune], 2024) == {commune.code: None}
    # a correction replaces the value (audited); an empty box removes it
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": "Quyết định 123/QĐ-UBND ngày 15/3/2026",
                     f"v-{commune.code}": "86", f"v-{other_commune.code}": ""})
    assert r.status_code == 302
    assert {f.commune_code: f.value for f in ProvinceFigure.objects.all()} == {commune.code: Decimal("86.00")}
    assert AuditLog.objects.filter(verb="province_figure_corrected").count() == 1
    assert AuditLog.objects.filter(verb="province_figure_removed").count() == 1


def test_legal_access_is_met_or_not(users, commune):
    services.province_figures_save(actor=users["province_admin"], key="feedback.legal_access", year=2025, document="QĐ 5/QĐ-UBND",
                                   values={commune.code: "100"})
    assert _values("feedback.legal_access", [commune], 2025) == {commune.code: 100.0}
    with pytest.raises(ApplicationError) as err:
        services.province_figures_save(actor=users["province_admin"], key="feedback.legal_access", year=2025, document="QĐ 5/QĐ-UBND",
                                       values={commune.code: "55"})
    assert err.value.details["rows"] == {commune.code: "Chọn Đạt hoặc Chưa đạt."}


@pytest.mark.parametrize("typed", ["abc", "-1", "100.01", "1e309", "NaN", "Infinity", "12.345", "18446744073709551617"])
def test_a_bad_value_refuses_the_whole_entry_with_the_line_and_saves_nothing(users, login, commune, other_commune, typed):
    c = login(users["province_home_affairs"])
    before = AuditLog.objects.count()
    r = c.post(URL, {"key": "reform.par", "year": "2025", "document": "QĐ 1/QĐ-UBND", f"v-{commune.code}": "90", f"v-{other_commune.code}": typed})
    html = r.content.decode()
    assert r.status_code == 400 and 'id="figures-error"' in html and f'id="err-{other_commune.code}"' in html
    assert "Chưa lưu: 1 ô có lỗi" in html and f'value="{typed}"' in html  # what was typed is kept for correction
    assert not ProvinceFigure.objects.exists() and AuditLog.objects.count() == before


def test_entry_checks(users, commune, foreign_commune):
    actor = users["province_home_affairs"]
    ok = {"key": "reform.par", "year": 2025, "document": "QĐ 1/QĐ-UBND"}
    with pytest.raises(ApplicationError, match="Năm phải từ"):
        services.province_figures_save(actor=actor, **{**ok, "year": dt.date.today().year + 1}, values={commune.code: "50"})
    with pytest.raises(ApplicationError, match="văn bản công bố"):
        services.province_figures_save(actor=actor, **{**ok, "document": "  "}, values={commune.code: "50"})
    with pytest.raises(ApplicationError, match="danh mục"):
        services.province_figures_save(actor=actor, **{**ok, "key": "tasks.on_time"}, values={commune.code: "50"})
    # another province's commune is refused on its line
    with pytest.raises(ApplicationError) as err:
        services.province_figures_save(actor=actor, **ok, values={commune.code: "50", foreign_commune.code: "60"})
    assert list(err.value.details["rows"]) == [foreign_commune.code]
    for who in ("leader", "province_finance", "citizen"):
        with pytest.raises(PermissionDeniedError):
            services.province_figures_save(actor=users[who], **ok, values={commune.code: "50"})
    assert not ProvinceFigure.objects.exists()


def test_who_opens_the_page(users, login):
    from conftest import verify_session

    for who in ("leader", "home_affairs", "province_finance", "citizen"):
        assert login(users[who]).get(URL).status_code == 404, who
    admin = login(users["sysadmin"])
    verify_session(admin, users["sysadmin"])
    r = admin.get(URL)  # system administrators see every menu item: a notice, no form
    assert r.status_code == 200 and 'id="figures-notice"' in r.content.decode() and "figures-form" not in r.content.decode()
    assert 'href="/chi-so/so-lieu-tinh/"' in login(users["province_home_affairs"]).get("/chi-so/").content.decode()  # in the menu


def test_bad_key_and_year_in_the_address_fall_back(users, login):
    c = login(users["province_home_affairs"])
    for query in ("?key=nope&year=abc", "?year=99999999999999999999", "?key=reform&year=-1", "?year=%C2%B2", "?year=%D9%A2%D9%A0%D9%A2%D9%A5"):
        r = c.get(URL + query)
        assert r.status_code == 200, query
        assert 'value="satisfaction.survey" selected' in r.content.decode()
    assert c.get(URL + "?key=%00").status_code == 400  # a NUL byte: refused before the view, as on every page


def test_the_leaders_strength_index_shows_the_entered_figure(users, login, commune):
    services.province_figures_save(actor=users["province_home_affairs"], key="reform.par", year=2026, document="QĐ 9/QĐ-UBND",
                                   values={commune.code: "77.25"})
    html = login(users["leader"]).get("/chi-so/?period=2026-06").content.decode()
    row = html.split('id="strength"', 1)[1].split("Chỉ số cải cách hành chính cấp xã của tỉnh", 1)[1].split("</tr>", 1)[0]
    assert "77,25" in row or "77.25" in row, row


def test_a_figure_entered_or_corrected_shows_at_once_on_pages_already_cached(users, login, commune):
    """The leader's page is cached (strength inputs for up to STRENGTH_TTL): a figure the province enters or corrects
    after it was shown still shows on the next view, by the province figures' own generation."""
    leader = login(users["leader"])

    def shown() -> str:
        html = leader.get("/chi-so/?period=2026-06").content.decode()
        return html.split('id="strength"', 1)[1].split("Chỉ số cải cách hành chính cấp xã của tỉnh", 1)[1].split("</tr>", 1)[0]

    before = shown()
    assert "77,25" not in before and shown() == before  # the second view from the cache
    for value, text in (("77.25", "77,25"), ("64", "64")):
        services.province_figures_save(actor=users["province_home_affairs"], key="reform.par", year=2026, document="QĐ 9/QĐ-UBND",
                                       values={commune.code: value})
        assert text in shown()


def test_the_api_reads_and_enters_figures_with_the_one_error_shape(users, login, commune, other_commune, foreign_commune):
    c = login(users["province_home_affairs"])
    url = "/api/v1/indices/province-figures"
    body = {"key": "reform.par", "year": 2025, "document": "QĐ 123/QĐ-UBND", "values": {commune.code: "81,25", other_commune.code: 70}}
    r = c.put(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"changed": 2}
    r = c.get(url, {"key": "reform.par", "year": 2025})
    assert r.json()["figures"] == [{"commune": commune.code, "value": 81.25, "document": "QĐ 123/QĐ-UBND"},
                                   {"commune": other_commune.code, "value": 70.0, "document": "QĐ 123/QĐ-UBND"}]
    # all or nothing: one bad line (another province's commune) refuses the whole entry, with the reason per line
    r = c.put(url, {**body, "values": {commune.code: "10", foreign_commune.code: "20"}}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "province-figure-rows"
    assert set(r.json()) == {"code", "message", "details"} and list(r.json()["details"]["rows"]) == [foreign_commune.code]
    assert ProvinceFigure.objects.get(commune_code=commune.code).value == Decimal("81.25")
    for bad in ({"key": "x"}, {"year": 99999}):
        assert c.get(url, {"key": "reform.par", "year": 2025, **bad}).status_code in (400, 422)
    assert login(users["leader"]).get(url, {"key": "reform.par", "year": 2025}).status_code == 404
    assert login(users["leader"]).put(url, body, content_type="application/json").status_code == 404


def _xlsx(rows):  # type: ignore[no-untyped-def]
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_round_trip_and_an_import_with_a_bad_line(users, login, commune, other_commune, foreign_commune):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from openpyxl import load_workbook

    c = login(users["province_home_affairs"])
    services.province_figures_save(actor=users["province_home_affairs"], key="reform.par", year=2025, document="QĐ 1/QĐ-UBND",
                                   values={commune.code: "60"})
    r = c.get(URL + "?key=reform.par&year=2025&format=xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Mã xã", "Tên xã, phường", "Giá trị"]
    assert [commune.code, commune.name, 60] in rows and [other_commune.code, other_commune.name, None] in rows

    def upload(table):  # type: ignore[no-untyped-def]
        return c.post(URL, {"key": "reform.par", "year": "2025", "action": "import", "document": "QĐ 2/QĐ-UBND",
                            "file": SimpleUploadedFile("par.xlsx", _xlsx(table))})

    # a line of another province refuses the file: nothing changes, the line is named
    r = upload([["Mã xã", "Giá trị"], [commune.code, 75], [foreign_commune.code, 80]])
    assert r.status_code == 400 and 'id="file-errors"' in r.content.decode() and foreign_commune.code in r.content.decode()
    assert ProvinceFigure.objects.get(commune_code=commune.code).value == Decimal("60.00")
    # a code read back as a number (leading zeros lost) is read as the commune's code; a blank value removes a figure
    r = upload([["Mã xã", "Giá trị"], [int(other_commune.code), 81.5], [commune.code, None]])
    assert r.status_code == 302
    assert {f.commune_code: f.value for f in ProvinceFigure.objects.all()} == {other_commune.code: Decimal("81.50")}
    # not an Excel file, or a commune twice: refused with the reason
    r = c.post(URL, {"key": "reform.par", "year": "2025", "action": "import", "document": "QĐ 2/QĐ-UBND",
                     "file": SimpleUploadedFile("par.csv", b"a,b")})
    assert r.status_code == 400 and "Chọn một tệp Excel" in r.content.decode()
    r = upload([["Mã xã", "Giá trị"], [commune.code, 70], [commune.code, 71]])
    assert r.status_code == 400 and "có hai dòng" in r.content.decode()
    r = upload([["Xã", "Điểm"], [commune.code, 70]])
    assert r.status_code == 400 and ProvinceFigure.objects.count() == 1


@pytest.mark.parametrize("sent", [{"key": "reform.parr"}, {"key": ""}, {"year": "1999"}, {"year": "abc"}, {"year": "2031"}, {"year": ""}])
def test_an_entry_for_an_unknown_input_or_year_is_refused_and_saves_nothing(users, login, commune, sent):
    """The address falls back to the first input and last year; an entry sent with another input or year than the page's
    saved its figures under those instead (a SIPAS figure typed for an input that does not exist, a year outside the
    page's, went into the survey of last year)."""
    c = login(users["province_home_affairs"])
    form = {"key": "reform.par", "year": "2025", "document": "Quyết định 123/QĐ-UBND ngày 15/3/2026", f"v-{commune.code}": "85", **sent}
    r = c.post(URL, form)
    assert r.status_code == 400 and 'id="figures-error"' in r.content.decode()
    assert not ProvinceFigure.objects.exists() and not AuditLog.objects.filter(verb="province_figure_entered").exists()
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([services.FIGURE_CODE, services.FIGURE_NAME, services.FIGURE_VALUE])
    wb.active.append([commune.code, commune.name, 85])
    data = BytesIO()
    wb.save(data)
    upload = BytesIO(data.getvalue())
    upload.name = "so-lieu.xlsx"
    r = c.post(URL, {**form, "action": "import", "file": upload})
    assert r.status_code == 400 and not ProvinceFigure.objects.exists()
