"""Browser journey: a province home-affairs officer fills a vacancy from the ranked candidates with every rule shown,
records the decision, and sees the register and the vacancy list reflect it."""

import datetime as dt

from django.utils import timezone

import pytest

from coso.assignments.models import Origin
from coso.assignments.tests.helpers import D, person, plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_a_vacancy_from_the_ranked_candidates(page, blogin, users, commune, other_commune):
    today = timezone.localdate()
    pha = users["province_home_affairs"]
    a = person(other_commune, full_name="Nguyễn Văn An", position="pct_ubnd", since=D(2018, 1, 1))
    b = person(commune, full_name="Trần Văn Bình", position="pct_ubnd", since=D(2018, 1, 1))
    for p in (a, b):
        plan(pha, commune, p, "ct_ubnd", entered=today - dt.timedelta(days=60))
    Origin.objects.create(person=a, birth_commune_code="99999", province_code=a.province_code, commune_code=a.commune_code)
    Origin.objects.create(person=b, birth_commune_code=commune.code, province_code=b.province_code, commune_code=b.commune_code)

    blogin(page, "province_home_affairs")
    page.goto(page.base + f"/bo-tri/?commune={commune.code}")
    page.click(f'tr[data-post="{commune.code}:ct_ubnd"] a[data-action="rank"]')
    page.wait_for_load_state()
    row_a = page.locator(f'tbody[data-person="{a.pk}"]')
    assert row_a.get_attribute("data-eligible") == "1"
    for rule in ("planning", "standards", "nonlocal", "retirement", "exemption", "time_in_post"):
        assert row_a.locator(f'[data-rule="{rule}"]').count() == 1
    assert row_a.locator('[data-rule="nonlocal"]').get_attribute("data-status") == "pass"
    row_b = page.locator(f'tbody[data-person="{b.pk}"]')
    assert row_b.get_attribute("data-eligible") == "0"
    assert row_b.locator('[data-rule="nonlocal"]').get_attribute("data-status") == "fail"
    assert "Sinh ra tại địa phương" in row_b.locator('[data-rule="nonlocal"]').inner_text()

    page.check(f"#p-{a.pk}")
    page.fill("#d-number", "125/QĐ-UBND")
    page.fill("#d-decided", (today - dt.timedelta(days=5)).strftime("%d/%m/%Y"))
    page.fill("#d-effective", today.strftime("%d/%m/%Y"))
    page.click('#decision-form button[type="submit"]')
    page.wait_for_load_state()
    decision = page.locator("#decisions-table tbody tr").first
    assert "125/QĐ-UBND" in decision.inner_text() and decision.locator('[data-status="applied"]').count() == 1

    page.goto(page.base + f"/workforce/nguoi/{a.pk}/")
    assert "Chủ tịch UBND" in page.content()
    page.goto(page.base + f"/bo-tri/?commune={commune.code}")
    assert page.locator(f'tr[data-post="{commune.code}:ct_ubnd"]').count() == 0
