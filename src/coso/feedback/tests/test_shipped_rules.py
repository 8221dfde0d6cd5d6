"""The shipped feedback deadlines: value, source and confidence on the day before and the day of each change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coso.rules.lookup import RuleMissingError
from coso.rules.testing import shipped_book

RULES = Path(__file__).resolve().parent.parent / "data" / "rules.json"
PORTAL_KEYS = {
    "feedback.deadline.reject_days": 2,
    "feedback.deadline.info_days": 5,
    "feedback.deadline.answer_days": 15,
    "feedback.deadline.publish_days": 2,
}
DECISION_766 = dt.date(2022, 6, 23)
DECISION_29_2026 = dt.date(2026, 7, 20)  # replaces Decision 31/2021 on the national portal
DECREE_92_2017 = dt.date(2017, 9, 25)


@pytest.fixture(scope="module")
def book():
    return shipped_book([RULES])


@pytest.mark.parametrize("key", sorted(PORTAL_KEYS))
def test_portal_766_deadlines_start_with_decision_766(book, key):
    with pytest.raises(RuleMissingError):
        book.ref(key, DECISION_766 - dt.timedelta(days=1))
    ref = book.ref(key, DECISION_766)
    assert ref.value == PORTAL_KEYS[key] and ref.confidence == "C-3p"
    assert ref.source_document.startswith("Quyết định 766/QĐ-TTg") and "Chỉ số 5.2" in ref.source_article
    assert "Cổng Dịch vụ công quốc gia" in ref.source_article and "Quyết định 31/2021/QĐ-TTg" in ref.source_article
    assert "không phải thời hạn do luật" in ref.note  # a portal measurement rule, not a legal article
    assert "Nghị định" not in ref.source_document


@pytest.mark.parametrize("key", sorted(PORTAL_KEYS))
def test_portal_766_deadlines_across_decision_29_2026(book, key):
    before = book.ref(key, DECISION_29_2026 - dt.timedelta(days=1))
    after = book.ref(key, DECISION_29_2026)
    assert before.value == after.value == PORTAL_KEYS[key]
    assert before.valid_to == DECISION_29_2026 and after.valid_from == DECISION_29_2026 and after.valid_to is None
    assert "Quyết định 29/2026/QĐ-TTg" not in before.source_document
    assert "Quyết định 29/2026/QĐ-TTg" in after.source_document and "Quyết định 766/QĐ-TTg" in after.source_document
    assert "Chỉ số 5.2" in after.source_article
    assert (before.confidence, after.confidence) == ("C-3p", "R")  # Decision 29/2026's feedback articles not yet read
    assert "Chưa đối chiếu" in after.note


def test_forwarding_deadline_is_the_decree_20_2008_legal_one(book):
    key = "feedback.deadline.forward_days"
    before = book.ref(key, DECREE_92_2017 - dt.timedelta(days=1))
    after = book.ref(key, DECREE_92_2017)
    assert before.value == after.value == 5
    assert before.source_document.startswith("Nghị định 20/2008/NĐ-CP") and "92/2017" not in before.source_document
    assert "Nghị định 92/2017/NĐ-CP" in after.source_document
    assert before.source_article == after.source_article == "Điều 9 khoản 1 điểm d"
    assert book.ref(key, DECISION_29_2026).value == 5  # Decision 29/2026 does not touch the decree


@pytest.mark.django_db
def test_the_loaded_rule_book_gives_the_same_values_on_both_sides(commune):
    from coso.feedback.services import rule_for

    for day in (DECISION_29_2026 - dt.timedelta(days=1), DECISION_29_2026):
        r = rule_for(commune.province_code, day, commune.code)
        assert (r.reject_days, r.info_days, r.answer_days, r.publish_days, r.forward_days) == (2, 5, 15, 2, 5)
