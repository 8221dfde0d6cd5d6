"""Commune-strength index: parts, coverage, pillars without data left out, weights per province from a date."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.indices import periods, selectors, services

pytestmark = pytest.mark.django_db
NOV = periods.month(2026, 11)


def test_composite_from_its_parts_with_coverage(november, commune, users):
    services.rollups_rebuild()
    s = selectors.province_strengths(commune.province_code, NOV, users["leader"], [commune.code])[commune.code]
    pillars = {p.key: p for p in s.pillars}
    service = round((29.78 + 4 + 4) * 100 / 59, 2)  # with the catalogue's 1.3 (0/4) and 3.1 (4/4), and 3.2 (1/1: 4/4)
    assert pillars["service"].score == pytest.approx(service, abs=0.05)
    assert pillars["satisfaction"].score == pytest.approx(round((2.5 + 0 + 3.33) * 100 / 13, 2), abs=0.05)
    assert pillars["satisfaction"].coverage == 50.0  # the survey input has no data
    assert pillars["feedback"].score == 50.0
    # No task follow-up, no staff records, no provincial PAR score: left out of the weighting, not zero.
    assert pillars["tasks"].score is None and pillars["reform"].score is None and pillars["workforce"].score is None
    assert pillars["tasks"].coverage == 0.0
    expected = (30 * pillars["service"].score + 15 * pillars["satisfaction"].score + 10 * 50) / 55
    assert s.csi == pytest.approx(expected, abs=0.01)
    assert s.weight_covered == 55.0
    assert s.band == "D"


def test_province_weight_change_from_next_month_applies_to_that_month_only(november, commune, users, make_dossier):
    from coso.rules.testing import set_rule

    make_dossier(commune, received=dt.date(2026, 12, 1), finished=dt.date(2026, 12, 2), timeliness="on_time")
    services.rollups_rebuild()
    set_rule("indices.csi.weight.service", 0, valid_from=dt.date(2026, 12, 1), province_code=commune.province_code)
    nov = selectors.province_strengths(commune.province_code, NOV, users["leader"], [commune.code])[commune.code]
    dec = selectors.province_strengths(commune.province_code, periods.month(2026, 12), users["leader"], [commune.code])[commune.code]
    assert {p.key: p.weight for p in nov.pillars}["service"] == 30
    assert {p.key: p.weight for p in dec.pillars}["service"] == 0
    assert dec.weight_covered < nov.weight_covered


def test_capability_plugs_in_without_changing_the_index(november, commune, users):
    from coso.indices import strength

    services.rollups_rebuild()
    saved = dict(strength.INPUTS)
    try:
        strength.register_input(
            "tasks.on_time", pillar="tasks", label="Nhiệm vụ đúng hạn", source="Theo dõi nhiệm vụ", provider=lambda ctx: {c: 80.0 for c in ctx.codes}
        )
        s = selectors.province_strengths(commune.province_code, NOV, users["leader"], [commune.code])[commune.code]
        assert {p.key: p.score for p in s.pillars}["tasks"] == 80.0
        assert s.weight_covered == 75.0
    finally:
        strength.INPUTS.clear()
        strength.INPUTS.update(saved)


def test_dashboard_shows_strength_and_province_sorts_by_it(november, commune, other_commune, users, login):
    services.rollups_rebuild()
    html = login(users["leader"]).get("/chi-so/?period=2026-11").content.decode()
    assert 'id="strength"' in html and "Chưa phát sinh" in html  # inputs without data in the period
    r = login(users["province_home_affairs"]).get("/chi-so/?period=2026-11&sort=csi")
    assert r.status_code == 200 and 'id="sort-csi"' in r.content.decode()


def test_province_ranking_by_strength_shows_each_communes_strength_rank_and_chart(november, commune, other_commune, users, login):
    """Sorted by the strength index, the ranking showed only the 766 rank and the 766 chart."""
    import json
    import re

    services.rollups_rebuild()
    page = html = login(users["province_home_affairs"]).get("/chi-so/?period=2026-11&sort=csi").content.decode()
    expected = selectors.dashboard_strengths(commune.province_code, NOV, users["province_home_affairs"])
    scored = sorted(((s.csi, code) for code, s in expected.items() if s.csi is not None), key=lambda t: (-t[0], t[1]))
    assert scored, "the fixture's communes have a composite"
    html = html[html.index('<table id="ranking">'):]
    rows = re.findall(r'<tr data-code="(\w+)">.*?</tr>', html, flags=re.S)
    assert rows[: len(scored)] == [code for _csi, code in scored]
    ranks = dict(re.findall(r'<tr data-code="(\w+)">.*?class="csi-rank"[^>]*>#(\d+)<', html, flags=re.S))
    assert ranks[scored[0][1]] == "1"
    chart = json.loads(re.search(r'<script id="ranking-chart-data" type="application/json">(.*?)</script>', page, flags=re.S)[1])
    assert chart["scores"] == [csi for csi, _code in scored]


def test_strength_api_is_scoped(november, commune, users, login, client):
    services.rollups_rebuild()
    url = f"/api/v1/indices/strength?commune={commune.code}&period=2026-11"
    data = login(users["leader"]).get(url).json()
    assert data["csi"] is not None and {p["key"] for p in data["pillars"]} >= {"service", "tasks"}
    assert login(users["other_leader"]).get(url).status_code == 404
    assert client.logout() is None


# ---------------------------------------------------------------- against the province
def _only_tasks_weighted(province_code: str) -> None:
    """Every pillar but the task pillar weighs 0 in the province from November 2026: a composite is its task value."""
    from coso.indices.strength import PILLARS
    from coso.rules.testing import set_rule

    for p in PILLARS:
        if p.key != "tasks":
            set_rule(f"indices.csi.weight.{p.key}", 0, valid_from=dt.date(2026, 11, 1), province_code=province_code)


@pytest.fixture
def task_values():  # type: ignore[no-untyped-def]
    """task_values({commune code: value}): the task input reads these values (any viewer who sees the commune)."""
    from coso.indices import strength

    saved = dict(strength.INPUTS)
    values: dict[str, float | None] = {}

    def provider(ctx):  # type: ignore[no-untyped-def]
        from coso.core.scoping import can_see_unit

        return {c: values.get(c) for c in ctx.codes if can_see_unit(ctx.viewer, province_code=ctx.province_code, commune_code=c)}

    strength.register_input("tasks.on_time", pillar="tasks", label="Nhiệm vụ đúng hạn", source="Theo dõi nhiệm vụ", provider=provider)

    def set_values(v: dict[str, float | None]) -> None:
        values.clear()
        values.update(v)

    yield set_values
    strength.INPUTS.clear()
    strength.INPUTS.update(saved)


@pytest.fixture
def third_commune(province):  # type: ignore[no-untyped-def]
    from conftest import _commune

    return _commune(province, "26740", "Phường Bến Thành")


def test_leader_sees_the_province_average_and_rank_not_other_communes(november, commune, other_commune, third_commune, users, login, task_values):
    _only_tasks_weighted(commune.province_code)
    task_values({commune.code: 60.0, other_commune.code: 90.0, third_commune.code: 30.0})
    services.rollups_rebuild()
    c = selectors.strength_comparison(commune.province_code, NOV, commune.code)
    # Every commune scored as the province reads it, whoever asks; only averages and the commune's own rank come out.
    assert (c.communes, c.scored, c.csi, c.rank, c.withheld) == (3, 3, 60.0, 2, False)
    assert c.pillars["tasks"] == 60.0 and c.pillar_counts["tasks"] == 3
    # The 766 service pillar has figures for the two communes with dossiers only: its average is withheld too.
    assert c.pillars["service"] is None and c.pillar_counts["service"] == 2
    html = login(users["leader"]).get("/chi-so/?period=2026-11").content.decode()
    assert 'id="csi-province-value">60,0<' in html and 'id="csi-rank">2/3<' in html
    assert ">90,0<" not in html and ">30,0<" not in html  # the other communes' figures are not shown
    data = login(users["leader"]).get(f"/api/v1/indices/strength?commune={commune.code}&period=2026-11").json()
    assert data["csi"] == 60.0 and data["province"]["csi"] == 60.0 and data["province"]["rank"] == 2 and data["province"]["scored"] == 3
    # The other communes' leader sees the same average and their own rank.
    assert selectors.strength_comparison(commune.province_code, NOV, other_commune.code).rank == 1


def test_province_average_is_withheld_over_too_few_communes(november, commune, other_commune, users, login, task_values):
    _only_tasks_weighted(commune.province_code)
    task_values({commune.code: 60.0, other_commune.code: 90.0})  # the average would tell the other commune's 90
    services.rollups_rebuild()
    c = selectors.strength_comparison(commune.province_code, NOV, commune.code)
    assert (c.scored, c.csi, c.rank, c.withheld) == (2, None, 2, True)
    assert c.pillars["tasks"] is None and c.pillar_counts["tasks"] == 2
    html = login(users["leader"]).get("/chi-so/?period=2026-11").content.decode()
    assert "cần ít nhất 3 xã để công bố bình quân" in html and ">90,0<" not in html and ">75,0<" not in html


def test_equal_composites_share_a_rank(november, commune, other_commune, third_commune, task_values):
    _only_tasks_weighted(commune.province_code)
    task_values({commune.code: 70.0, other_commune.code: 70.0, third_commune.code: None})
    services.rollups_rebuild()
    third = selectors.strength_comparison(commune.province_code, NOV, third_commune.code)
    assert selectors.strength_comparison(commune.province_code, NOV, commune.code).rank == 1
    assert selectors.strength_comparison(commune.province_code, NOV, other_commune.code).rank == 1
    assert third.rank is None  # no composite: not ranked


def test_province_reader_cannot_sign_in_or_be_saved(province):
    from coso.accounts.selectors import province_reader

    reader = province_reader(province.code)
    assert reader.pk is None and not reader.has_usable_password() and reader.is_province_staff
    assert reader.province_code == province.code and not reader.is_system_admin
    with pytest.raises(RuntimeError):
        reader.save()


def test_rows_of_the_input_apps_bump_their_province_and_others_nothing():
    """The province a row of the tasks, workforce or planning app belongs to: its own, or that of the row it hangs from
    (an extension's task); every model of those apps is listened to."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from coso.indices.signals import STRENGTH_INPUT_APPS, _province_of

    Task, Extension = apps.get_model("tasks", "Task"), apps.get_model("tasks", "Extension")
    assert _province_of(Task(province_code="79")) == "79"
    assert _province_of(Extension(task=Task(pk=1, province_code="01"))) == "01"
    assert _province_of(Extension()) is None  # not attached to a task: nothing to bump
    for label in STRENGTH_INPUT_APPS:
        for model in apps.get_app_config(label).get_models():
            assert post_save.has_listeners(model) and post_delete.has_listeners(model), model


def test_inputs_bumped_once_per_province_and_transaction(monkeypatch, django_capture_on_commit_callbacks):
    """A service writing many rows of one province in a transaction renews its inputs' generation once, at the commit
    (before: twice per row); the transaction's own reads see a generation renewed after its writes; a write undone
    with its savepoint is noted again by the next write."""
    from django.db import transaction

    from coso.indices import cache

    calls: list[str] = []
    real = cache._renew
    monkeypatch.setattr(cache, "_renew", lambda key: (calls.append(key), real(key))[1])
    k79, k01, k48 = cache._inputs_key("79"), cache._inputs_key("01"), cache._inputs_key("48")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(3):
            cache.bump_inputs("79")
            cache.bump_inputs("01")
        assert calls == []
    assert calls == [k79, k01]
    before = cache.inputs_generation("79")
    assert calls == [k79, k01]  # committed: nothing to renew on reading

    calls.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        cache.bump_inputs("48")
        first = cache.inputs_generation("48")
        assert cache.inputs_generation("48") == first  # read again without a write in between: the same
        cache.bump_inputs("48")
        assert cache.inputs_generation("48") != first
        try:
            with transaction.atomic():
                cache.bump_inputs("48")
                raise RuntimeError
        except RuntimeError:
            pass
        cache.bump_inputs("48")
    assert calls == [k48, k48, k48]  # two reads after writes, one commit
    assert cache.inputs_generation("79") == before


def test_the_composite_is_the_same_for_every_viewer_who_may_see_it(november, commune, users, login):
    """An input that another app gives only to viewers who may open its register (planning's training and planning
    coverage: the province's home-affairs department, the commune's leader) was read with the viewer's rights: a
    province finance officer got it as "no data", and another composite and rank for the same commune and month."""
    from coso.accounts.roles import Role
    from coso.indices import strength

    services.rollups_rebuild()
    saved = dict(strength.INPUTS)

    def home_affairs_only(ctx):  # type: ignore[no-untyped-def]
        return {c: 40.0 for c in ctx.codes} if ctx.viewer is not None and ctx.viewer.role == Role.PROVINCE_HOME_AFFAIRS else {}

    try:
        strength.register_input("tasks.on_time", pillar="tasks", label="Nhiệm vụ đúng hạn", source="Theo dõi nhiệm vụ", provider=home_affairs_only)
        url = f"/api/v1/indices/strength?commune={commune.code}&period=2026-11"
        seen = {}
        for who in ("leader", "province_home_affairs", "province_finance"):
            data = login(users[who]).get(url).json()
            seen[who] = (data["csi"], {p["key"]: p["score"] for p in data["pillars"]})
        assert seen["leader"][1]["tasks"] == 40.0
        assert seen["province_finance"] == seen["province_home_affairs"] == seen["leader"]
    finally:
        strength.INPUTS.clear()
        strength.INPUTS.update(saved)


def test_province_home_affairs_changes_a_weight_of_their_province_from_next_month(november, commune, other_province, users, login):
    """The province's home-affairs officer ranks the communes, gives a pillar a new weight for the province from next month
    (API) and a band a new threshold (page); next month's composite uses it, November's keeps the old one."""
    import time_machine

    from coso.rules.models import Rule

    services.rollups_rebuild()
    api = "/api/v1/rules/changes"
    change = {"key": "indices.csi.weight.service", "value": 0, "valid_from": "2026-12-01", "reason": "Quyết định của UBND tỉnh về chỉ số cấp xã"}
    c = login(users["province_home_affairs"])
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        assert c.get("/chi-so/?period=2026-11&sort=csi").status_code == 200
        # Not another province, not the national value, not another module's rule.
        assert c.post(api, change | {"province_code": other_province.code}, content_type="application/json").status_code == 403
        assert c.post(api, change | {"province_code": ""}, content_type="application/json").status_code == 403
        r = c.post(api, change | {"key": "feedback.deadline.answer_days", "value": 10}, content_type="application/json")
        assert r.status_code == 403 and set(r.json()) == {"code", "message", "details"}
        assert c.post("/quy-dinh/feedback.deadline.answer_days/", {"value": "10", "valid_from": "2026-12-01", "reason": "x"}).status_code == 404
        r = c.post(api, change, content_type="application/json")
        assert r.status_code == 201, r.content
        assert r.json()["rule"]["province_code"] == commune.province_code and r.json()["rule"]["commune_code"] == ""
        page = c.get("/quy-dinh/indices.csi.band.a/")
        assert page.status_code == 200 and "Lưu giá trị mới" in page.content.decode()
        r = c.post("/quy-dinh/indices.csi.band.a/", {"value": "85", "valid_from": "2026-12-01", "reason": "Quyết định của UBND tỉnh"})
        assert r.status_code == 302
        # Commune roles still read only.
        c = login(users["home_affairs"])
        assert c.post(api, change | {"valid_from": "2027-01-01"}, content_type="application/json").status_code == 403
        assert c.post("/quy-dinh/indices.csi.band.a/", {"value": "80", "valid_from": "2027-01-01", "reason": "x"}).status_code == 404
    assert set(Rule.objects.filter(origin="edited").values_list("key", "province_code", "commune_code")) == {
        ("indices.csi.weight.service", commune.province_code, ""), ("indices.csi.band.a", commune.province_code, "")}
    c = login(users["province_home_affairs"])
    weights = {}
    for period in ("2026-11", "2026-12"):
        data = c.get(f"/api/v1/indices/strength?commune={commune.code}&period={period}").json()
        weights[period] = {p["key"]: p["weight"] for p in data["pillars"]}["service"]
    assert weights == {"2026-11": 30, "2026-12": 0}
    dec = selectors.province_strengths(commune.province_code, periods.month(2026, 12), users["province_home_affairs"], [commune.code])
    assert {p.key: p.weight for p in dec[commune.code].pillars}["service"] == 0


def test_a_weight_from_the_middle_of_a_month_says_it_applies_to_the_whole_month(november, commune, users, login):
    """A period is scored with the rules of its last day: a weight from 5/12 rewrote the whole of December, days already
    past included, and nothing said so. The change is still saved (a province may mean it); the answer says what it does."""
    import time_machine

    api = "/api/v1/rules/changes"
    c = login(users["province_home_affairs"])
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        r = c.post(api, {"key": "indices.csi.weight.service", "value": 40, "valid_from": "2026-12-05", "reason": "Quyết định của UBND tỉnh"},
                   content_type="application/json")
        assert r.status_code == 201, r.content
        assert any("cả tháng 12/2026" in w for w in r.json()["warnings"]), r.json()["warnings"]
        r = c.post(api, {"key": "indices.csi.weight.tasks", "value": 20, "valid_from": "2027-01-01", "reason": "Quyết định của UBND tỉnh"},
                   content_type="application/json")
        assert r.status_code == 201 and r.json()["warnings"] == []  # from the first day of a year: no period is split
        r = c.post("/quy-dinh/indices.csi.band.a/", {"value": "85", "valid_from": "2027-02-01", "reason": "Quyết định của UBND tỉnh"}, follow=True)
        assert "cả năm 2027 và cả quý 1" in r.content.decode()


def test_system_administrator_sorting_a_provinces_communes_by_strength_stays_in_that_province(november, commune, other_commune, users, login):
    """A system administrator who opened a province's communes (``?province=79``) and clicked the "Chỉ số năng lực"
    column was taken to the national ranking of the provinces, which has no such column: the link dropped the
    province."""
    import re

    from conftest import verify_session

    services.rollups_rebuild()
    admin = login(users["sysadmin"])
    verify_session(admin, users["sysadmin"])
    html = admin.get(f"/chi-so/?province={commune.province_code}&period=2026-11").content.decode()
    link = re.search(r'<a href="([^"]*)" id="sort-csi">', html)[1].replace("&amp;", "&")
    assert f"province={commune.province_code}" in link and "period=2026-11" in link and "sort=csi" in link
    r = admin.get("/chi-so/" + link)
    assert r.status_code == 200 and r.context["level"] == "province" and r.context["sorted_by_csi"]
    # a province officer's link has nothing to keep
    html = login(users["province_home_affairs"]).get("/chi-so/?start=2026-11-01&end=2026-11-20").content.decode()
    assert 'href="?start=2026-11-01&amp;end=2026-11-20&amp;sort=csi" id="sort-csi"' in html


@pytest.mark.parametrize("sort", ["&sort=csi", ""])
def test_ranking_exports_show_the_strength_index_the_page_shows(november, commune, other_commune, users, login, sort):
    """Sorted by the strength index, the Excel and PDF rankings had no strength column: rows in an order nobody could see."""
    import io

    from openpyxl import load_workbook

    from coso.dossiers.tests.pdftext import extract_text

    services.rollups_rebuild()
    c = login(users["province_home_affairs"])
    expected = selectors.dashboard_strengths(commune.province_code, NOV, users["province_home_affairs"])
    assert expected[commune.code].csi is not None and expected[other_commune.code].csi is not None
    r = c.get(f"/chi-so/?period=2026-11{sort}&format=xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Chỉ số", "Xếp hạng", "Định nghĩa", "Chỉ số năng lực"]
    rows = [[cell.value for cell in row] for row in wb["Xếp hạng"].iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Hạng")
    assert rows[header][7:10] == ["Chỉ số năng lực", "Loại", "Hạng theo chỉ số năng lực"]
    by_code = {code: s for code, s in expected.items()}
    names = {commune.name: commune.code, other_commune.name: other_commune.code}
    body = [row for row in rows[header + 1:] if row[1] in names]
    assert len(body) == 2
    for row in body:
        s = by_code[names[row[1]]]
        assert row[7] == pytest.approx(s.csi) and row[8] == s.band and row[8] in ("A", "B", "C", "D")
    if sort:
        values = [row[7] for row in rows[header + 1:] if isinstance(row[7], float)]
        assert values == sorted(values, reverse=True)
        assert "sắp xếp theo chỉ số năng lực" in " ".join(str(v) for v in rows[0] if v)
    defs = " ".join(str(v) for row in wb["Chỉ số năng lực"].iter_rows() for v in (c.value for c in row) if v)
    assert "Σ trọng số" in defs and "Loại A" in defs and "Quyết định 876/QĐ-BNV" in defs

    r = c.get(f"/chi-so/?period=2026-11{sort}&format=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = " ".join(extract_text(r.content).split())
    assert "Chỉ số năng lực" in text and "ĐỊNH NGHĨA CHỈ SỐ NĂNG LỰC XÃ" in text and "Loại A" in text
    s = expected[commune.code]
    shown = f"{s.csi:,.2f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")
    assert f"{shown} {s.band}" in text


def test_a_commune_ranking_without_strength_exports_as_before(november, commune, province, client):
    import io

    from openpyxl import load_workbook

    services.rollups_rebuild()
    r = client.get(f"/chi-so/cong-khai/?period=2026-11&province={province.code}&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Chỉ số", "Xếp hạng", "Định nghĩa"]
    assert all("Chỉ số năng lực" not in str(cell.value) for row in wb["Xếp hạng"].iter_rows() for cell in row)


def test_dashboard_strengths_translate_each_label_once_in_the_page_language(november, commune, other_commune, users, monkeypatch):
    """The composites of a province share their labels: each is translated once per computation (a province of 120
    communes made ~3,500 catalogue lookups on a cache miss), and in the language of the page."""
    from django.utils import translation

    from coso.indices import strength

    services.rollups_rebuild()
    calls: list[str] = []
    real = strength.plain

    def counting(s, memo=None):
        calls.append("x")
        return real(s, memo)

    monkeypatch.setattr(strength, "plain", counting)
    looked_up: list[str] = []
    real_gettext = translation._trans.gettext

    def counting_gettext(message):
        looked_up.append(message)
        return real_gettext(message)

    monkeypatch.setattr(translation._trans, "gettext", counting_gettext)
    with translation.override("en"):
        every = selectors.dashboard_strengths(commune.province_code, NOV, users["province_home_affairs"])
        # each label translated once for the whole province, not once per commune
        assert max(looked_up.count(m) for m in set(looked_up)) == 1, [m for m in set(looked_up) if looked_up.count(m) > 1]
        expected = {i.key: (str(i.label), str(i.source)) for i in strength.INPUTS.values()}

    assert len(every) >= 2 and len(calls) == len(every)
    first, second = every[commune.code], every[other_commune.code]
    for s in (first, second):
        labels = [p.label for p in s.pillars] + [i.label for p in s.pillars for i in p.inputs]
        assert all(type(x) is str for x in labels)
    assert [i.label for p in first.pillars for i in p.inputs] == [i.label for p in second.pillars for i in p.inputs]
    assert {i.key: (i.label, i.source) for p in first.pillars for i in p.inputs}.items() <= expected.items()
    assert any(label != str(i.label) for i in strength.INPUTS.values() for label, _ in [expected[i.key]])  # English differs


def test_the_leaders_dashboard_reads_the_inputs_generation_once_on_a_miss(november, commune, other_commune, users, login):
    """The dashboard scores this month and last month: the province's inputs generation is read once for the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coso.indices import cache as figures_cache

    services.rollups_rebuild()
    c = login(users["leader"])
    assert c.get("/chi-so/?period=2026-11").status_code == 200
    figures_cache.bump_catalogue()
    with CaptureQueriesContext(connection) as q:
        assert c.get("/chi-so/?period=2026-11").status_code == 200
    reads = [x["sql"] for x in q.captured_queries if "coso_cache" in x["sql"] and "gen:inputs" in x["sql"] and x["sql"].lstrip().startswith("SELECT")]
    assert len(reads) == 1, [x["sql"][:150] for x in q.captured_queries if "coso_cache" in x["sql"]]
