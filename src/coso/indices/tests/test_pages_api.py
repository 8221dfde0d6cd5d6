"""Pages and API: the leader's dashboard, drill-down, province ranking, public page; scoping and bad input."""

from __future__ import annotations

import re

import pytest

from coso.indices import services

pytestmark = pytest.mark.django_db
NOV = "period=2026-11"


@pytest.fixture
def built(november):  # type: ignore[no-untyped-def]
    services.rollups_rebuild()
    return november


def test_leader_sees_own_commune_what_waits_and_drills_into_late_dossiers(built, users, login, commune):
    c = login(users["leader"])
    r = c.get(f"/chi-so/?{NOV}")
    assert r.status_code == 200
    html = r.content.decode()
    assert commune.name in html and 'id="todo"' in html and 'id="scorecard"' in html
    assert "Không có dữ liệu (Coso chưa ghi nhận)" in html  # 1.1 etc. are "no data", not 0
    assert 'id="my-rank"' in html
    late_url = f"/chi-so/ho-so/?commune={commune.code}&amp;indicator=2.1&amp;period=2026-11"
    assert late_url in html
    r = c.get(late_url.replace("&amp;", "&"))
    assert r.status_code == 200
    body = r.content.decode()
    late = [d for d in built if d.timeliness == "late"]
    assert late[0].code in body
    assert all(d.code not in body for d in built if d.timeliness != "late")
    r = c.get(late_url.replace("&amp;", "&") + "&all=1")
    assert all(d.code in r.content.decode() for d in built)


def test_feedback_drill_down_lists_the_overdue_items(built, users, login, commune):
    r = login(users["leader"]).get(f"/chi-so/ho-so/?commune={commune.code}&indicator=5.2&{NOV}")
    assert r.status_code == 200 and r.content.decode().count("PA") >= 1


def test_another_commune_cannot_drill_into_this_commune(built, users, login, commune):
    c = login(users["other_leader"])
    assert c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&{NOV}").status_code == 404
    r = c.get(f"/chi-so/?{NOV}&commune={commune.code}")  # the parameter is ignored: own commune only
    assert r.status_code == 200 and "Phường Tân Định" in r.content.decode()
    assert f"commune={commune.code}&amp;indicator" not in r.content.decode()


def test_province_officer_ranks_communes_and_opens_one(built, users, login, commune, other_commune, foreign_commune):
    c = login(users["province_home_affairs"])
    r = c.get(f"/chi-so/?{NOV}")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="ranking"' in html and 'id="ranking-chart-data"' in html
    ranked = html.split('id="ranking"', 1)[1]
    assert ranked.index(other_commune.name) < ranked.index(commune.name)  # 100 % on time ranks first
    r = c.get(f"/chi-so/?{NOV}&commune={commune.code}")
    assert r.status_code == 200 and "/chi-so/ho-so/?commune=26734" in r.content.decode()
    assert c.get(f"/chi-so/?{NOV}&commune={foreign_commune.code}").status_code == 404
    assert c.get(f"/chi-so/ho-so/?commune={foreign_commune.code}&indicator=2.1&{NOV}").status_code == 404


def test_province_officer_sees_the_communes_that_fall_behind_first(built, users, login, commune, other_commune):
    from coso.indices import periods, selectors

    html = login(users["province_home_affairs"]).get(f"/chi-so/?{NOV}").content.decode()
    behind = html.split('id="behind"', 1)[1].split("</table>", 1)[0]
    ranking = selectors.commune_ranking(commune.province_code, periods.month(2026, 11))
    scored = sorted((r for r in ranking if r.score is not None), key=lambda r: (r.score, r.code))
    assert scored and [r.code for r in scored[:10]] == re.findall(r'data-code="(\d+)"', behind)
    assert html.index('id="behind"') < html.index('id="scorecard"')  # before the figures, on a phone too
    assert f'href="?commune={commune.code}&amp;period=2026-11"' in behind
    assert 'href="#ranking"' in html
    # a commune leader's page has no such list: their own figures come first
    assert 'id="behind"' not in login(users["leader"]).get(f"/chi-so/?{NOV}").content.decode()


def test_citizens_and_officers_without_a_leader_role_have_no_dashboard(built, users, login):
    assert login(users["citizen"]).get("/chi-so/").status_code == 404
    assert login(users["onestop"]).get("/chi-so/").status_code == 404


def test_public_page_shows_rankings_without_sign_in(built, client, commune, province):
    r = client.get(f"/chi-so/cong-khai/?{NOV}")
    assert r.status_code == 200 and province.name in r.content.decode()
    r = client.get(f"/chi-so/cong-khai/?{NOV}&province={province.code}")
    assert r.status_code == 200 and commune.name in r.content.decode()
    r = client.get(f"/chi-so/cong-khai/?{NOV}&commune={commune.code}")
    html = r.content.decode()
    assert r.status_code == 200 and 'class="drill"' not in html and "/chi-so/ho-so/" not in html
    assert client.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&{NOV}").status_code == 302  # sign in first
    assert client.get("/chi-so/cong-khai/?province=99").status_code == 404


def test_public_commune_and_province_pages_show_their_place_and_its_change(built, client, commune, province):
    """The public page of one commune (or province) showed its scorecard only: no rank, no change against the
    previous period, which only the ranking table of the level above had."""
    from coso.indices import periods, selectors

    nov = periods.month(2026, 11)
    row = next(r for r in selectors.commune_ranking(province.code, nov) if r.code == commune.code)
    ranked = sum(1 for r in selectors.commune_ranking(province.code, nov) if r.rank is not None)
    html = client.get(f"/chi-so/cong-khai/?{NOV}&commune={commune.code}").content.decode()
    assert 'id="standing"' in html and "Xếp hạng trong tỉnh" in html and f"{row.rank}/{ranked}" in html
    assert "Hạng kỳ trước" in html and "Điểm kỳ trước" in html
    html = client.get(f"/chi-so/cong-khai/?{NOV}&province={province.code}").content.decode()
    assert 'id="standing"' in html and "Xếp hạng toàn quốc" in html


@pytest.mark.parametrize("query", ["period=2026-13", "period=abc", "start=2026-11-10&end=2026-11-01", "start=x&end=y",
                                   # read as other periods than the ones typed: compact days, ISO weeks, full-width digits
                                   "start=20261101&end=20261130", "start=2026-W45&end=2026-W48", "period=２０２６", "period=２０２６-11"])
def test_bad_period_is_a_clear_vietnamese_error(built, client, users, login, query):
    r = client.get(f"/chi-so/cong-khai/?{query}")
    html = r.content.decode()
    assert r.status_code == 400 and ("Kỳ báo cáo không hợp lệ" in html or "Ngày kết thúc" in html)
    assert login(users["leader"]).get(f"/chi-so/?{query}").status_code == 400


def test_bad_indicator_in_drill_down(built, users, login, commune):
    c = login(users["leader"])
    assert c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=1.1&{NOV}").status_code == 400
    assert c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=zzz&{NOV}").status_code == 400


# ---------------------------------------------------------------- API
def test_api_scorecard_and_ranking_are_public(built, client, commune, province):
    r = client.get(f"/api/v1/indices/scorecard?level=commune&code={commune.code}&{NOV}")
    assert r.status_code == 200
    data = r.json()
    ind = {i["code"]: i for g in data["groups"] for i in g["indicators"]}
    assert (ind["2.1"]["numerator"], ind["2.1"]["denominator"], ind["2.1"]["points"]) == (3, 4, 15.0)
    assert ind["1.1"]["status"] == "no_data" and ind["1.1"]["points"] is None
    # A group none of whose indicators could be measured has no points (null), never 0 (it was 0.0 in the API and the chart).
    unmeasured = {g["key"] for g in data["groups"] if not g["fed_max"]}
    assert unmeasured and all(g["points"] is None for g in data["groups"] if g["key"] in unmeasured)
    assert all(isinstance(g["points"], float) for g in data["groups"] if g["key"] not in unmeasured)
    r = client.get(f"/api/v1/indices/ranking?province={province.code}&{NOV}")
    assert r.status_code == 200 and [row["rank"] for row in r.json()["rows"]] == [1, 2]
    assert all(row["groups"][key] is None for row in r.json()["rows"] for key in unmeasured)
    assert client.get(f"/api/v1/indices/scorecard?{NOV}").json()["name"] == "Toàn quốc"


def test_api_bad_input_is_4xx_with_a_message(built, client, commune):
    r = client.get("/api/v1/indices/scorecard?period=2026-99")
    assert r.status_code == 400 and r.json()["code"] == "bad-period"
    assert client.get("/api/v1/indices/scorecard?level=district").status_code == 400
    assert client.get("/api/v1/indices/scorecard?level=commune&code=nope").status_code == 404


def test_api_records_are_scoped(built, client, users, login, commune):
    url = f"/api/v1/indices/records?commune={commune.code}&indicator=2.1&{NOV}"
    assert client.get(url).status_code == 401
    r = login(users["leader"]).get(url)
    assert r.status_code == 200 and r.json()["count"] == 1
    assert login(users["other_leader"]).get(url).status_code == 404
    assert login(users["leader"]).get(url.replace("2.1", "3.5")).status_code == 400
    # A limit outside 1–1,000 is refused with the error shape (limit=-5 answered one item as if it were 1).
    for bad in ("-5", "0", "1001", "abc"):
        r = login(users["leader"]).get(f"{url}&limit={bad}")
        assert r.status_code == 422 and set(r.json()) == {"code", "message", "details"}, (bad, r.content)


def test_excel_export_with_definitions(built, users, login, client, province):
    import io

    from openpyxl import load_workbook

    r = login(users["leader"]).get(f"/chi-so/?{NOV}&format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Chỉ số", "Định nghĩa"]
    cells = [c.value for row in wb["Chỉ số"].iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("2.1 ") for v in cells)
    r = client.get(f"/chi-so/cong-khai/?{NOV}&province={province.code}&format=xlsx")
    assert load_workbook(io.BytesIO(r.content)).sheetnames == ["Chỉ số", "Xếp hạng", "Định nghĩa"]


def test_pdf_export_with_definitions(built, users, login, client, province):
    from coso.dossiers.tests.pdftext import extract_text

    r = login(users["leader"]).get(f"/chi-so/?{NOV}&format=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    text = " ".join(extract_text(r.content).split())
    assert "CHỈ SỐ PHỤC VỤ NGƯỜI DÂN" in text and "Quyết định 766/QĐ-TTg" in text
    assert "ĐỊNH NGHĨA CÁC CHỈ SỐ" in text and "Không có dữ liệu" in text
    page = login(users["leader"]).get(f"/chi-so/?{NOV}").content.decode()
    assert 'id="index-pdf"' in page and "format=pdf" in page
    r = client.get(f"/chi-so/cong-khai/?{NOV}&province={province.code}&format=pdf")
    assert r.status_code == 200 and "Xếp hạng xã, phường" in " ".join(extract_text(r.content).split())


# ---------------------------------------------------------------- the one-stop clerk's home page
def test_clerk_home_shows_the_queue_with_links_to_the_lists(users, login, commune, make_dossier):
    import datetime as dt
    import re

    Dossier = type(make_dossier(commune, received=dt.date(2026, 11, 2)))
    waiting = make_dossier(commune, received=dt.date(2026, 11, 3))
    Dossier.objects.filter(pk=waiting.pk).update(waiting_role="onestop_officer", due_date=dt.date(2020, 1, 2))
    mine = Dossier.objects.filter(commune_code=commune.code, is_open=True, waiting_role="onestop_officer", assignee__isnull=True).count()
    c = login(users["onestop"])
    r = c.get("/chi-so/viec-cua-toi/")
    assert r.status_code == 200
    html = r.content.decode()
    assert re.search(rf'href="/dossiers/inbox/\?tab=mine" id="queue-mine">{mine}<', html), html
    assert re.search(r'href="/dossiers/inbox/\?tab=overdue" id="queue-overdue">[1-9]', html)
    assert 'id="queue-near"' in html and 'id="queue-intake"' in html
    assert re.search(r'href="[^"]*moderation/\?tab=overdue" id="queue-feedback">0<', html)
    # The numbers are the lists' own: the inbox tab behind "mine" lists the dossier waiting for the clerk.
    assert waiting.code in c.get("/dossiers/inbox/?tab=overdue").content.decode()
    # The clerk's page is in the menu, first after the home page.
    home = c.get("/", follow=True).content.decode()
    assert home.index("/chi-so/viec-cua-toi/") < home.index("/dossiers/inbox/")


def test_clerk_home_is_for_one_stop_clerks_only(users, login):
    for who in ("citizen", "leader", "specialist", "province_home_affairs"):
        assert login(users[who]).get("/chi-so/viec-cua-toi/").status_code == 404, who
    assert login(users["other_onestop"]).get("/chi-so/viec-cua-toi/").status_code == 200
    from conftest import verify_session

    admin = login(users["sysadmin"])
    verify_session(admin, users["sysadmin"])
    r = admin.get("/chi-so/viec-cua-toi/")  # administrators see every menu item: a notice, no queue
    assert r.status_code == 200 and 'id="queue"' not in r.content.decode()


def test_public_page_links_to_the_province_and_the_country_keep_a_date_range(built, client, commune, province):
    """On the public page of a commune (or a province) read over a date range, the links to its province and to the
    whole country named the range as ``?period=2026-11-01..2026-11-20``, which no period reads: they opened an error
    page instead of the same range one level up."""
    rng = "start=2026-11-01&end=2026-11-20"
    html = client.get(f"/chi-so/cong-khai/?{rng}&commune={commune.code}").content.decode()
    links = re.findall(r'href="(\?[^"]*)"', html.split('id="period-form"', 1)[0])
    assert len(links) == 2 and all("period=" not in u for u in links), links
    for url in links:
        r = client.get("/chi-so/cong-khai/" + url.replace("&amp;", "&"))
        assert r.status_code == 200 and "01/11/2026 – 20/11/2026" in r.content.decode()
    assert f"?province={province.code}&amp;start=2026-11-01&amp;end=2026-11-20" in html
    # a month keeps its ?period=
    html = client.get(f"/chi-so/cong-khai/?{NOV}&commune={commune.code}").content.decode()
    assert f"?province={province.code}&amp;period=2026-11" in html and 'href="?period=2026-11"' in html


def test_drill_down_of_a_merged_commune_before_the_merger_lists_its_predecessors_records(commune, make_dossier, make_feedback, users, login):
    """The 2.1 of a commune formed on 1/7/2025 counts, for June 2025, the dossiers of the old communes merged into it; the
    drill-down behind the figure showed the leader (and the province) none of them: the list was limited to the rows
    carrying the commune's own code (and the province's current code), so the count differed from the figure."""
    import datetime as dt

    from django.apps import apps

    from coso.indices import periods, selectors

    Unit = apps.get_model("units", "AdministrativeUnit")
    Succession = apps.get_model("units", "UnitSuccession")
    old = Unit.all_objects.create(
        code="27700", name="Xã cũ", level="commune", kind="xa", province_code="80", valid_from=None, valid_to=dt.date(2025, 7, 1)
    )
    Succession.objects.create(predecessor=old, successor=commune, effective_on=dt.date(2025, 7, 1), is_primary=True)
    late = make_dossier(old, received=dt.date(2025, 6, 2), finished=dt.date(2025, 6, 20), timeliness="late")
    make_dossier(old, received=dt.date(2025, 6, 3), finished=dt.date(2025, 6, 4), timeliness="on_time")
    late_feedback = make_feedback(old, submitted=dt.date(2025, 6, 5), late=True)
    services.rollups_rebuild()
    f = selectors.commune_card(commune.code, commune.province_code, periods.month(2025, 6)).indicator("2.1")
    assert (f.numerator, f.denominator) == (1, 2)
    for who in ("leader", "province_home_affairs"):
        c = login(users[who])
        r = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&period=2025-06")
        assert r.status_code == 200 and late.code in r.content.decode(), who
        data = c.get(f"/api/v1/indices/records?commune={commune.code}&indicator=2.1&period=2025-06&all=true").json()
        assert data["count"] == f.denominator, who
        r = c.get(f"/chi-so/ho-so/?commune={commune.code}&indicator=5.2&period=2025-06")
        assert r.status_code == 200 and late_feedback.code in r.content.decode(), who
    # another commune's leader still sees nothing of them
    assert login(users["other_leader"]).get(f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&period=2025-06").status_code == 404


@pytest.mark.parametrize("bad", ["period=2026-13", "start=2026-11-30&end=2026-11-01", "period=0001"])
def test_another_units_caller_gets_404_whatever_the_period_or_the_indicator(built, users, login, commune, bad):
    """The drill-down (page and API) and the strength API checked the period and the indicator before the caller's scope:
    another commune's leader asking for this commune's records with a bad period got 400 bad-period (and a bad indicator
    400), where a good one gets 404; they now get 404 whatever they send, and the commune's own leader still the error."""
    from django.test import Client

    other, own = Client(), Client()
    other.force_login(users["other_leader"])
    own.force_login(users["leader"])
    for url in (f"/chi-so/ho-so/?commune={commune.code}&indicator=2.1&{bad}", f"/api/v1/indices/records?commune={commune.code}&indicator=2.1&{bad}",
                f"/api/v1/indices/strength?commune={commune.code}&{bad}"):
        assert other.get(url).status_code == 404, url
        assert own.get(url).status_code == 400, url
    for url in (f"/chi-so/ho-so/?commune={commune.code}&indicator=zzz&{NOV}", f"/api/v1/indices/records?commune={commune.code}&indicator=zzz&{NOV}"):
        assert other.get(url).status_code == 404, url
        assert own.get(url).status_code == 400, url
    assert login(users["province_home_affairs"]).get(f"/api/v1/indices/records?commune={commune.code}&indicator=2.1&{bad}").status_code == 400
