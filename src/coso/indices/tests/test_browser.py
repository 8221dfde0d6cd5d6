"""Browser journeys (phone size): the leader's dashboard to the late dossiers; the public ranking."""

from __future__ import annotations

import pytest

from coso.indices import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _errors(page):  # type: ignore[no-untyped-def]
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    return seen


def test_leader_clicks_on_time_figure_and_lands_on_late_dossiers(page, blogin, users, november, commune):
    services.rollups_rebuild()
    errors = _errors(page)
    blogin(page, "leader")
    # signing in opens the leader's home page: what waits for them today, and the commune's figures
    assert page.url == page.base + "/chi-so/" and page.is_visible("#todo") and page.is_visible("#scorecard")
    page.goto(page.base + "/chi-so/?period=2026-11")
    page.wait_for_selector("#scorecard")
    assert "75,0 %" in page.inner_text("#ind-21")  # Vietnamese number format
    assert page.locator("#ind-11").get_attribute("data-status") == "no_data"
    page.wait_for_function("document.getElementById('groups-chart').width > 0")
    page.click("#ind-21 a.drill")
    page.wait_for_selector("#records")
    late = [d for d in november if d.timeliness == "late"][0]
    assert late.code in page.inner_text("#records")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_anonymous_visitor_sees_the_public_ranking(page, november, commune, other_commune, province):
    services.rollups_rebuild()
    errors = _errors(page)
    page.goto(page.base + f"/chi-so/cong-khai/?period=2026-11&province={province.code}")
    page.wait_for_selector("#ranking")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 2 and other_commune.name in rows.nth(0).inner_text()
    page.wait_for_function("document.getElementById('ranking-chart').width > 0")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_clerk_opens_the_home_page_and_follows_the_overdue_number(page, blogin, users, commune, make_dossier):
    import datetime as dt

    d = make_dossier(commune, received=dt.date(2026, 11, 3))
    type(d).objects.filter(pk=d.pk).update(waiting_role="onestop_officer", due_date=dt.date(2020, 1, 2))
    errors = _errors(page)
    blogin(page, "onestop")  # signing in opens the clerk's home page
    page.wait_for_selector("#queue")
    assert page.url == page.base + "/chi-so/viec-cua-toi/"
    assert page.inner_text("#queue-overdue") == "1"
    page.click("#queue-overdue")
    page.wait_for_url("**/dossiers/inbox/?tab=overdue")
    assert d.code in page.content()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_the_dashboard_prints_its_figures_without_the_menu_and_controls(page, blogin, users, november, commune):
    services.rollups_rebuild()
    blogin(page, "province_home_affairs")
    page.goto(page.base + "/chi-so/?period=2026-11")
    page.wait_for_selector("#ranking")
    page.emulate_media(media="print")
    for hidden in ("#site-nav", "#period-form", "#index-xlsx", ".user-box", ".site-footer"):
        assert not page.is_visible(hidden), hidden
    for shown in ("h1", "#behind", "#scorecard", "#ranking", "#groups-chart"):
        assert page.is_visible(shown), shown
    # tables print whole: no scroll box cuts the ranking
    assert page.evaluate("getComputedStyle(document.querySelector('#ranking').closest('.table-wrap')).overflowX") == "visible"
    page.emulate_media(media="screen")
    assert page.is_visible("#period-form")


def test_province_officer_enters_par_figures_and_the_leader_sees_them_in_the_strength_index(page, blogin, users, commune, other_commune):
    from coso.indices.models import ProvinceFigure

    errors = _errors(page)
    blogin(page, "province_home_affairs")
    page.goto(page.base + "/chi-so/so-lieu-tinh/")
    page.select_option("#pf-key", "reform.par")
    page.select_option("#pf-year", "2026")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#figures-form")
    page.fill("#pf-document", "Quyết định 45/QĐ-UBND ngày 20/11/2026")
    page.fill(f"#v-{commune.code}", "88,5")
    page.fill(f"#v-{other_commune.code}", "abc")
    page.click("#figures-form button[type=submit]")
    assert page.inner_text(f"#err-{other_commune.code}") == "Giá trị phải là một số từ 0 đến 100."  # nothing saved
    assert page.input_value(f"#v-{commune.code}") == "88,5" and not ProvinceFigure.objects.exists()
    page.fill(f"#v-{other_commune.code}", "70")
    page.click("#figures-form button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert page.input_value(f"#v-{commune.code}") == "88.5"
    page.context.clear_cookies()
    blogin(page, "leader")
    page.goto(page.base + "/chi-so/?period=2026-11")
    row = page.locator("#strength tr", has_text="Chỉ số cải cách hành chính cấp xã của tỉnh")
    assert "88,5" in row.inner_text()
    # Against the province: two communes have a figure, so the averages would tell the other commune's: withheld.
    assert "cần ít nhất 3 xã để công bố bình quân" in page.inner_text("#csi-province")
    assert page.inner_text("[data-province-pillar=reform]") == "—" and "70" not in page.inner_text("#strength")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
