"""A province changes its feedback rules from a date: earlier items keep their deadlines, other provinces are untouched."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.feedback.tests.conftest import VN
from coso.rules.services import rule_change
from coso.workcalendar import services as cal

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.datetime(2026, 12, 2, 9, 0, tzinfo=VN)
NEXT_MONDAY = dt.date(2026, 12, 7)


def test_province_changes_the_answer_deadline_from_next_monday(submit, users, province, cats, foreign_commune):
    from coso.feedback.services import feedback_submit

    with time_machine.travel(WEDNESDAY, tick=False):
        result = rule_change(actor=users["province_admin"], key="feedback.deadline.answer_days", value=10, valid_from=NEXT_MONDAY,
                             province_code=province.code, reason="Nghị quyết HĐND tỉnh về cải cách hành chính",
                             source_document="Quyết định 99/2026/QĐ-UBND", source_article="Điều 3")
        before = submit(actor=users["citizen"])
    assert result.rule.valid_from == NEXT_MONDAY
    assert before.answer_due == cal.add_working_days(before.start_date, 15)
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN), tick=False):
        after = submit(actor=users["citizen"])
        elsewhere = feedback_submit(actor=users["citizen"], category=cats["MT"], commune=foreign_commune, title="Rác", text="Rác thải ùn ứ đầu hẻm.",
                                    contact_name="Nguyễn Văn An", contact_phone="0909123456")
    assert after.answer_due == cal.add_working_days(after.start_date, 10)
    assert elsewhere.answer_due == cal.add_working_days(elsewhere.start_date, 15)
    before.refresh_from_db()
    assert before.answer_due == cal.add_working_days(before.start_date, 15)  # kept


def test_a_change_from_today_says_what_it_does_not_touch(submit, users, province):
    with time_machine.travel(WEDNESDAY, tick=False):
        submit(actor=users["citizen"])
        result = rule_change(actor=users["province_admin"], key="feedback.deadline.answer_days", value=12, valid_from=WEDNESDAY.date(),
                             province_code=province.code, reason="Áp dụng ngay")
    assert result.warnings and "giữ nguyên" in result.warnings[0]


def test_province_extra_day_off_moves_feedback_deadlines_in_that_province_only(submit, users, province, cats, foreign_commune):
    from coso.feedback.services import feedback_submit
    from coso.workcalendar.services import override_create

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):  # announced before the day (the past is not rewritten)
        override_create(actor=users["province_admin"], date=dt.date(2026, 3, 4), kind="day_off", reason="Ngày hội của tỉnh")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        here = submit(actor=users["citizen"])
        there = feedback_submit(actor=users["citizen"], category=cats["MT"], commune=foreign_commune, title="Rác", text="Rác thải ùn ứ đầu hẻm.",
                                contact_name="Nguyễn Văn An", contact_phone="0909123456")
    assert here.reject_due == dt.date(2026, 3, 5)  # Mon 2 + 2 working days, Wed 4 off in the province
    assert there.reject_due == dt.date(2026, 3, 4)
