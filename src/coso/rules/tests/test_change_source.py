"""The source recorded with a province's new value: kept in Vietnamese whoever writes it, and only a web address as its link."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

import pytest
import time_machine

from coso.rules.models import Rule

pytestmark = pytest.mark.django_db

KEY = "feedback.deadline.answer_days"
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
API = "/api/v1/rules"


def test_a_value_changed_in_english_without_a_document_records_the_vietnamese_source(english_catalogue, login, users, province):
    """An administrator reading in English who gave no document stored the source "Decision of the unit (given in the
    reason)" in English, shown so to every Vietnamese reader of the rule book."""
    c = login(users["province_admin"])
    c.cookies["django_language"] = "en"
    with time_machine.travel(NOW, tick=False):
        r = c.post(f"{API}/changes", {"key": KEY, "value": 12, "valid_from": "2026-12-14", "reason": "Nghị quyết của HĐND"},
                   content_type="application/json")
        assert r.status_code == 201, r.content
        r = c.post(reverse("rules:detail", args=[KEY]), {"value": "11", "valid_from": "2026-12-07", "valid_to": "2026-12-14", "reason": "Thử"})
        assert r.status_code == 302, r.content
    stored = set(Rule.objects.filter(origin="edited").values_list("source_document", flat=True))
    assert stored == {"Quyết định của đơn vị (ghi trong lý do)"}
    c.cookies["django_language"] = "vi"
    with time_machine.travel(NOW, tick=False):
        assert "Decision of the unit" not in c.get(reverse("rules:detail", args=[KEY])).content.decode()
