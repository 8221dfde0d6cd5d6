"""The funding pages showed the rules' units and where their values are set in Vietnamese on English pages: the unit
column of the rules page ("× lương cơ sở/tháng", "hộ", "người", "đ/năm"), the values ("350 hộ", "12.000.000 đ/năm") and
the scope ("toàn quốc", "tỉnh 79") there and under each formula. They now go through the translation catalogue; what an
adoption records in the rule book stays Vietnamese."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import time_machine

import coso
from coso.funding import services
from coso.funding.rules import RuleRef
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db


def _english(c):  # type: ignore[no-untyped-def]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return c


def test_the_rules_page_in_english_shows_english_units(login, users, commune):
    page = html.unescape(_english(login(users["province_finance"])).get("/funding/rules/", {"date": "2026-03-01"}).content.decode())
    assert "× base salary/month" in page and "× lương cơ sở/tháng" not in page
    assert re.search(r"\d+ households", page) and not re.search(r"\d+ hộ\b", page)
    assert re.search(r"\d+ people", page) and not re.search(r"\d+ người\b", page)


def test_the_rules_page_in_vietnamese_is_as_before(login, users, commune):
    page = html.unescape(login(users["province_finance"]).get("/funding/rules/", {"date": "2026-03-01"}).content.decode())
    assert "× lương cơ sở/tháng" in page and re.search(r"\d+ hộ\b", page) and "toàn quốc" in page
    assert RuleRef.format_value(2340000, "vnd_month") == "2.340.000 đ/tháng"
    assert RuleRef.format_value(12000000, "vnd_year") == "12.000.000 đ/năm"


def test_money_units_and_scopes_go_through_the_catalogue(monkeypatch):
    from coso.funding import rules

    monkeypatch.setattr(rules, "gettext", lambda text: f"«{text}»")
    ref = RuleRef(key="funding.org.mttq.I", value=1, valid_from=dt.date(2026, 1, 1), valid_to=None, unit="vnd_year", source="", confidence="C")
    assert ref.scope_label == "«toàn quốc»"
    assert RuleRef(**{**ref.__dict__, "province_code": "79"}).scope_label == "«tỉnh 79»"
    from django.utils import translation

    with translation.override("en"):
        assert str(rules.UNIT_LABELS["people"]) == "people"


@time_machine.travel("2026-12-01 09:00", tick=False)
def test_an_adoption_by_an_english_reader_records_vietnamese(login, users, commune):
    sc = services.scenario_create(actor=users["province_finance"], name="Hộ", changes=[{"key": "funding.village.threshold.thon", "value": "400"}])
    c = _english(login(users["province_finance"]))
    r = c.post(f"/api/v1/funding/scenarios/{sc.pk}/adopt", {"effective_from": "2027-01-01", "source": "NQ 1/2026"}, content_type="application/json")
    assert r.status_code == 200, r.content
    rule = Rule.objects.get(origin=Rule.Origin.SCENARIO)
    assert "hộ)" in rule.reason and "households" not in rule.reason


def test_the_units_have_english_entries():
    po = (Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    english = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, flags=re.M))
    for text in ("đ/tháng", "đ/năm", "đ", "× lương cơ sở/tháng", "số lượng", "hộ", "người", "bảng", "xã %(code)s", "tỉnh %(code)s", "toàn quốc"):
        assert english.get(text), text
