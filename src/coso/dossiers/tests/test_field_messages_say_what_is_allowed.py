"""A refused channel, assignee, step, criterion or rating channel answered the bare "Không hợp lệ." under its field, in
Vietnamese whatever the reader's language: each field message now says what the field accepts, in the reader's language,
with the same error code. Nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coso.core.exceptions import ApplicationError
from coso.dossiers import services
from coso.dossiers.models import DossierRating
from coso.dossiers.tests.conftest import act

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=7))


def _returned(receive, users):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2025, 8, 4, 9, tzinfo=TZ), tick=False):
        d = receive()
        d.owner = users["citizen"]
        d.save(update_fields=["owner"])
        act(d, users["onestop"], "forward")
        act(d, users["specialist"], "forward")
        act(d, users["leader"], "approve")
        act(d, users["onestop"], "result_ready")
        return act(d, users["onestop"], "return_result")


def _fields(exc: pytest.ExceptionInfo[ApplicationError]) -> dict:
    return exc.value.details["fields"]


def test_a_counter_channel_lists_the_paper_channels(receive):
    with pytest.raises(ApplicationError) as e:
        receive(channel="online")
    assert e.value.code == "invalid-channel"
    assert _fields(e) == {"channel": ["Kênh nộp tại Bộ phận Một cửa là một trong: counter (Trực tiếp); post (Bưu chính)."]}


def test_a_step_to_send_back_to_lists_the_earlier_steps(receive, users):
    d = receive()
    act(d, users["onestop"], "forward")
    act(d, users["specialist"], "forward")
    for target in (3, "abc"):  # the current step, and a value that is no number (a 500 before)
        with pytest.raises(ApplicationError) as e:
            act(d, users["leader"], "send_back", reason="Thiếu chữ ký", data={"to_step": target})
        assert e.value.code == "invalid-step"
        assert _fields(e) == {"to_step": ["Chọn một bước trước bước hiện tại: 1 (Tiếp nhận), 2 (Thẩm định)."]}


def test_an_assignee_of_another_role_names_the_role(receive, users):
    d = receive()
    with pytest.raises(ApplicationError) as e:
        act(d, users["onestop"], "forward", data={"assignee_id": users["onestop"].pk})
    assert e.value.code == "invalid-assignee"
    assert _fields(e) == {"assignee_id": ["Bước này do “Chuyên viên xử lý” xử lý: chọn người có vai trò đó hoặc lãnh đạo xã."]}


def test_a_rating_channel_lists_the_dossier_channels(receive, users):
    d = _returned(receive, users)
    with pytest.raises(ApplicationError) as e:
        services.rate(actor=users["onestop"], dossier_id=d.pk, level="satisfied", channel="survey")
    assert e.value.code == "invalid-rating-channel"
    assert _fields(e)["channel"][0].startswith("Kênh đánh giá của hồ sơ này là một trong: form (Phiếu đánh giá); ")
    assert not DossierRating.objects.exists()


def test_a_bad_criterion_in_english_through_the_api(receive, users, login, english_catalogue):
    d = _returned(receive, users)
    c = login(users["citizen"])
    c.cookies["django_language"] = "en"
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "criteria": {"time": 5}}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid-criteria"
    assert r.json()["details"] == {"fields": {"time": ["A criterion's score is 0, 1 or 2."]}}
    r = c.post(f"/api/v1/dossiers/{d.pk}/rating", {"level": "satisfied", "criteria": {"speed": 1}}, content_type="application/json")
    assert r.json()["code"] == "invalid-criteria"
    assert r.json()["details"]["fields"]["speed"][0].startswith("This dossier's rating form has no such criterion; its criteria are: ")
    assert not DossierRating.objects.exists()
