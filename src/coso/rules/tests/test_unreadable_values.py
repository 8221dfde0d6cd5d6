"""One stored value the rule book can no longer take as it is does not stop every lookup of every province.

A number outside bounds tightened after it was recorded is still applied as recorded; a value its key cannot read at all
(a text where a number is expected) is left out: that province's lookups use the national value, an error is logged,
pages keep working, and ``rules_check`` and the rule-book page say it is not applied."""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest

from coso.rules import lookup
from coso.rules.lookup import rule
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"  # an integer of at most 90 working days
DAY = dt.date(2026, 12, 2)


def _store(value, *, province_code: str = "79") -> Rule:
    """Written straight to the table (no service, no check), as a value recorded before its key's checks changed."""
    row = Rule.objects.create(key=KEY, scope="province", province_code=province_code, valid_from=dt.date(2026, 1, 1), value=value,
                              origin=Rule.Origin.EDITED, reason="trước khi kiểm tra thay đổi")
    lookup.invalidate()
    return row


def test_a_value_outside_bounds_tightened_later_is_applied_as_recorded(province):
    _store(120)
    assert rule(KEY, on=DAY, province_code="79") == 120
    assert rule(KEY, on=DAY, province_code="01") != 120  # other provinces: the national value


def test_an_unreadable_value_is_left_out_and_the_rest_of_the_book_still_answers(province, caplog):
    national = rule(KEY, on=DAY, province_code="01")
    _store("ba mươi")
    with caplog.at_level(logging.ERROR, logger="coso.rules.lookup"):
        assert rule(KEY, on=DAY, province_code="79") == national  # the wider scope
        assert rule("onestop.supplement.max_requests_on_time", on=DAY, province_code="79") is not None  # other keys unaffected
    assert any(KEY in r.getMessage() and "left out" in r.getMessage() for r in caplog.records)


def test_pages_keep_working_and_say_the_unreadable_value_is_not_applied(login, users, province):
    _store("ba mươi")
    page = login(users["province_admin"]).get(reverse("rules:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="rules-value-problems"' in text and "ba mươi" in text and "không được áp dụng" in text
    assert login(users["leader"]).get(reverse("rules:detail", args=[KEY])).status_code == 200
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rules_check", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if KEY in x)
    assert line.endswith("không đọc được: không áp dụng (dùng giá trị của phạm vi rộng hơn)")


def test_a_value_outside_bounds_is_listed_as_applied(province):
    _store(120)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("rules_check", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if KEY in x)
    assert line.split("\t")[-1] == "Giá trị không được vượt quá 90."
