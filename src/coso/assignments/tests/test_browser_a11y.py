"""The assignment pages at 360 px: no serious accessibility violation (axe) and no sideways scrolling."""

import datetime as dt

from django.utils import timezone

import pytest

from coso.assignments.tests.helpers import D, person, plan
from coso.core.tests.test_browser_ux import _context, axe_violations, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assignment_pages_are_accessible_at_360px(browser, live_server, users, commune, other_commune):
    today = timezone.localdate()
    a = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2018, 1, 1))
    b = person(commune, full_name="Trần Văn Bình", position="cv_kinh_te", since=D(2018, 1, 1))
    plan(users["province_home_affairs"], commune, a, "ct_ubnd", entered=today - dt.timedelta(days=60))
    urls = [f"/bo-tri/?commune={commune.code}", f"/bo-tri/ung-vien/?commune={commune.code}&position=ct_ubnd",
            f"/bo-tri/ghep/?key={commune.code}:ct_ubnd&key={commune.code}:cv_vp", f"/bo-tri/luan-chuyen/?year={today.year + 1}",
            "/bo-tri/quyet-dinh/", f"/bo-tri/nguoi/{b.pk}/"]
    problems = []
    context, page = _context(browser, live_server)
    try:
        browser_login(page, users["province_home_affairs"].username)
        for url in urls:
            response = page.goto(page.base + url)
            assert response is not None and response.status == 200, (url, response and response.status)
            for v in axe_violations(page):
                problems.append((url, v["id"], v["impact"], v["nodes"]))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                problems.append((url, "scrolls-sideways", width, []))
    finally:
        context.close()
    assert problems == []
