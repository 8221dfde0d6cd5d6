"""Browser checks of the shell (issue 13, items 17, 18, 28, 29 and the axe-core check):

- the API docs render their operations from same-origin assets under the CSP;
- every menu item of every role opens (no 404, 403 or 500);
- the main pages have no serious or critical accessibility violation (axe-core, vendored in
  tests/assets) and do not scroll sideways at 360 px;
- after a failed submit the focus is on the error summary, whose links focus the fields.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "assets" / "axe-4.14.1.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Serious and critical axe-core violations of the page as loaded (script evaluated through the
    DevTools protocol, so the page's CSP does not need to allow it)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in found if v["impact"] in BLOCKING]


def _seed(users, commune):  # type: ignore[no-untyped-def]
    """A little of everything the main pages list: a dossier, a village with its organisations, a scenario."""
    from coso.dossiers import services as dossiers
    from coso.dossiers.tests.conftest import make_procedure
    from coso.funding import services as funding
    from coso.units.models import Village

    commune.valid_from = dt.date(2019, 1, 1)
    commune.classification = "I"
    commune.save()
    funding.organisations_ensure(actor=None, commune=commune)
    Village.objects.create(
        commune=commune,
        province_code=commune.province_code,
        commune_code=commune.code,
        name="Thôn Bình An",
        name_folded="thon binh an",
        kind="thon",
        households=400,
        valid_from=dt.date(2019, 1, 1),
    )
    scenario = funding.scenario_create(
        actor=users["province_finance"], name="Nâng quỹ thôn", changes=[{"key": "funding.village.coef.low", "mode": "set", "value": "5.0"}]
    )
    version = make_procedure()
    dossier = dossiers.receive_at_counter(
        actor=users["onestop"],
        commune=commune,
        applicant=dossiers.Applicant(name="Lê Văn An", phone="0909000111"),
        procedure_version=version,
        documents=["Tờ khai đăng ký khai sinh"],
    )
    return {"scenario": scenario.pk, "dossier": dossier.pk}


def _pages(ids: dict) -> dict[str | None, list[str]]:
    return {
        None: ["/", "/procedures/", "/dossiers/lookup/", "/feedback/", "/feedback/submit/", "/accounts/login/", "/units/convert/"],
        "citizen": ["/dossiers/my/", "/accounts/me/"],
        "onestop": ["/dossiers/inbox/", "/dossiers/stats/", "/dossiers/intake/", f"/dossiers/{ids['dossier']}/"],
        "leader": ["/workforce/", "/workforce/ra-soat/", "/workforce/danh-gia/", "/accounts/delegations/"],
        "province_finance": [
            "/funding/?period=2025",
            "/funding/scenarios/",
            f"/funding/scenarios/{ids['scenario']}/",
            f"/funding/scenarios/compare/?s={ids['scenario']}&period=2025",
        ],
        "province_admin": ["/audit/", "/accounts/staff/", "/calendar/", "/quy-dinh/", "/units/", "/accounts/security/", "/accounts/me/",
                           "/accounts/me/password/"],
    }


def _context(browser, live_server, width: int = 360):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.base = live_server.url  # type: ignore[attr-defined]
    page.set_default_timeout(15_000)
    return context, page


def test_api_docs_render_operations_from_same_origin_assets(page):
    requests: list[str] = []
    csp_errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(page.base + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert "Coso API" in page.inner_text(".info")
    foreign = [u for u in requests if not u.startswith(page.base) and not u.startswith(("data:", "blob:"))]
    assert foreign == []
    assert csp_errors == []


def test_every_menu_item_opens_for_every_role(browser, live_server, users):
    failures = []
    for username in [None, *users]:
        context, page = _context(browser, live_server, width=1280)
        try:
            if username:
                browser_login(page, username)
            else:
                page.goto(page.base + "/")
            hrefs = page.eval_on_selector_all("#site-nav a", "els => els.map(e => e.getAttribute('href'))")
            assert hrefs, username
            for href in hrefs:
                response = page.goto(page.base + href)
                status = response.status if response is not None else 0
                if status >= 400 or "/accounts/login/" in page.url:
                    failures.append((username, href, status, page.url))
        finally:
            context.close()
    assert failures == []


def test_main_pages_have_no_serious_accessibility_violation_at_360px(browser, live_server, users, commune):
    ids = _seed(users, commune)
    problems = []
    for username, urls in _pages(ids).items():
        context, page = _context(browser, live_server)
        try:
            if username:
                browser_login(page, users[username].username)
            for url in urls:
                response = page.goto(page.base + url)
                assert response is not None and response.status == 200, (username, url, response and response.status)
                for v in axe_violations(page):
                    problems.append((username, url, v["id"], v["impact"], v["nodes"]))
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 360:
                    problems.append((username, url, "scrolls-sideways", width, []))
        finally:
            context.close()
    assert problems == []


def test_focus_goes_to_the_first_error_after_a_failed_submit(page):
    page.goto(page.base + "/feedback/submit/")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    focused = page.evaluate("document.activeElement && document.activeElement.classList.contains('error-summary')")
    assert focused
    assert axe_violations(page) == []
    first = page.locator(".error-summary a").first
    target = first.get_attribute("href")[1:]
    first.click()
    assert page.evaluate("document.activeElement.id") == target
