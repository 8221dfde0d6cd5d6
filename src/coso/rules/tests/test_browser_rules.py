"""Issue acceptance in a browser: a province administrator changes the feedback answer deadline for the province from
next Monday with a reason; feedback before keeps 15 working days, after gets the new value, another province is unaffected,
and the history shows both periods with their sources."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
import time_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "feedback.deadline.answer_days"


def test_province_admin_changes_the_answer_deadline_in_a_browser(desktop_page, users, province, foreign_commune, blogin):
    from coso.feedback.models import FeedbackCategory
    from coso.feedback.services import feedback_submit
    from coso.workcalendar import services as cal

    page = desktop_page
    blogin(page, "province_admin")
    page.goto(page.base + f"/quy-dinh/{KEY}/")
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    page.fill("#id_value", "10")
    page.fill("#id_valid_from", monday.isoformat())
    page.fill("#id_reason", "Nghị quyết của HĐND tỉnh về rút ngắn thời hạn")
    page.fill("#id_source_document", "Nghị quyết 12/2026/NQ-HĐND")
    page.click("form button.primary")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Đã lưu giá trị mới" in text
    history = page.locator("#history-title ~ div table").inner_text()
    assert "Nghị quyết 12/2026/NQ-HĐND" in history and "Quyết định 766/QĐ-TTg" in history and monday.strftime("%d/%m/%Y") in history

    cat = FeedbackCategory.objects.get(code="MT")
    commune = users["onestop"].unit
    args = {"category": cat, "title": "Rác", "text": "Rác thải ùn ứ đầu hẻm nhiều ngày.", "contact_name": "Nguyễn Văn An", "contact_phone": "0909123456"}
    with time_machine.travel(dt.datetime.combine(monday - dt.timedelta(days=3), dt.time(9)).astimezone(), tick=False):
        before = feedback_submit(actor=None, commune=commune, **args)
    with time_machine.travel(dt.datetime.combine(monday, dt.time(9)).astimezone(), tick=False):
        after = feedback_submit(actor=None, commune=commune, **args)
        elsewhere = feedback_submit(actor=None, commune=foreign_commune, **args)
    assert before.answer_due == cal.add_working_days(before.start_date, 15, province_code=province.code)
    assert after.answer_due == cal.add_working_days(after.start_date, 10, province_code=province.code)
    assert elsewhere.answer_due == cal.add_working_days(elsewhere.start_date, 15)
