"""Issue 13 item 5: the sender never sees an unpublished (draft) answer or the moderation fields —
not in the API item, the API list, the page, nor Open311."""

from __future__ import annotations

import json

import pytest

from coso.accounts.models import ApiToken
from coso.feedback import services as svc

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback"
DRAFT = "Bản nháp: sẽ thay bóng đèn trong tuần sau."
MODERATION = {"flag_words", "hidden_reason", "flagged", "hidden", "report_count", "escalated", "late", "version",
              "reject_due", "info_due", "publish_due"}


@pytest.fixture
def drafted(users, submit):  # type: ignore[no-untyped-def]
    fb = submit(actor=users["citizen"], text="Đèn chiếu sáng hẻm 5 bị hỏng nhiều tuần, đồ ngốc.")
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    svc.feedback_answer(feedback=fb, actor=users["specialist"], text=DRAFT, publish=False)
    fb.refresh_from_db()
    assert fb.status == "answered" and fb.answer_text == DRAFT
    return fb


def test_sender_api_item_has_no_draft_answer_and_no_moderation_fields(login, users, drafted):
    body = login(users["citizen"]).get(f"{API}/{drafted.pk}").json()
    assert body["id"] == drafted.pk and body["status"] == "answered"
    assert body["answer_text"] is None and DRAFT not in json.dumps(body, ensure_ascii=False)
    assert not MODERATION & set(body), MODERATION & set(body)
    assert body["contact_phone"] == "0909123456"  # their own data stays visible to them


def test_sender_with_a_token_sees_the_same(users, drafted, client):
    _t, raw = ApiToken.issue(user=users["citizen"], name="app")
    body = client.get(f"{API}/{drafted.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["answer_text"] is None and not MODERATION & set(body)
    listing = client.get(f"{API}/", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert listing["count"] == 1
    [item] = listing["items"]
    assert item["answer_text"] is None and not MODERATION & set(item) and DRAFT not in json.dumps(listing, ensure_ascii=False)


def test_staff_still_see_the_draft_and_the_moderation_fields(login, users, drafted):
    body = login(users["specialist"]).get(f"{API}/{drafted.pk}").json()
    assert body["answer_text"] == DRAFT and set(body) >= MODERATION
    [item] = login(users["specialist"]).get(f"{API}/", {"tab": "handling"}).json()["items"]
    assert item["answer_text"] == DRAFT and "flag_words" in item


def test_published_answer_reaches_the_sender(login, users, drafted):
    svc.feedback_publish_answer(feedback=drafted, actor=users["onestop"])
    body = login(users["citizen"]).get(f"{API}/{drafted.pk}").json()
    assert body["answer_text"] == DRAFT and body["status"] == "closed"


def test_sender_page_and_open311_do_not_show_the_draft(login, users, drafted, client):
    html = login(users["citizen"]).get(f"/feedback/{drafted.pk}/").content.decode()
    assert DRAFT not in html
    assert DRAFT not in client.get(f"/feedback/{drafted.pk}/", {"key": drafted.access_key}).content.decode()
    _t, raw = ApiToken.issue(user=users["citizen"], name="311")
    r = client.get(f"/open311/v2/requests/{drafted.pk}.json", {"api_key": raw, "extensions": "true"})
    assert DRAFT not in r.content.decode()
