"""At 360 px the drill-down to a village or an organisation and a rule's history on the funding rules page scrolled
sideways: their tables of rules were not in a scrolling box, and a value such as Ho Chi Minh City's paid titles
(“Bí thư chi bộ khu phố, ấp: 2,0/1,5 ×; …”) stays on one line (1,239 px wide)."""

from __future__ import annotations

import pytest

from coso.funding import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drilldown_and_rule_history_fit_a_phone(page, users, blogin, hcmc_rules, old_commune, make_village):
    orgs = services.organisations_ensure(actor=None, commune=old_commune)
    village = make_village(old_commune, "Khu phố 1", 600, kind="khu_pho")
    blogin(page, "province_finance")
    for url in (f"/funding/?period=2026&village={village.pk}", f"/funding/?period=2026&org={orgs[0].pk}",
                "/funding/rules/?key=funding.org.mttq.I", "/funding/rules/?key=funding.village.titles"):
        response = page.goto(page.base + url)
        assert response is not None and response.status == 200, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
