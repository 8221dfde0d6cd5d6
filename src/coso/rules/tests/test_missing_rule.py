"""What a lookup that finds no rule says: the date's fault (before the rule's first day, 400) or the rule book's
(no row at all, 503)."""

from __future__ import annotations

import datetime as dt

import pytest

from coso.rules import lookup
from coso.rules.lookup import RuleMissingError, rule
from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"


def test_a_date_before_the_rules_first_day_is_a_bad_date():
    first = Rule.objects.filter(key=KEY, province_code="").order_by("valid_from").first()
    assert first is not None
    with pytest.raises(RuleMissingError) as exc:
        rule(KEY, on=first.valid_from - dt.timedelta(days=1))
    assert exc.value.status == 400 and exc.value.code == "rule-missing"
    assert exc.value.details["first_from"] == first.valid_from.isoformat()
    assert f"áp dụng từ ngày {first.valid_from:%d/%m/%Y}" in exc.value.message


def test_no_row_at_all_is_the_rule_books_gap():
    Rule.objects.filter(key=KEY).delete()
    lookup.invalidate()
    with pytest.raises(RuleMissingError) as exc:
        rule(KEY, on=dt.date(2026, 1, 1))
    assert exc.value.status == 503 and "first_from" not in exc.value.details
    assert "load_rules" in exc.value.message
