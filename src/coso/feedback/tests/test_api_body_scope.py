"""The feedback actions' JSON bodies are read once the item is known to be the caller's. Before, django-ninja validated
the body first: another commune's item with a bad body answered 422 (or 400 invalid-json) where the 404 of an item one
may not act on was due; now it answers 404 whatever the body, and the commune's own officer still gets the body's
error."""

from __future__ import annotations

import pytest

from coso.core.models import AuditLog
from coso.feedback import services as svc
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db

API = "/api/v1/feedback"
BAD_JSON = [  # (body, content type): fields missing or of the wrong type, a body that is not an object, not JSON at all
    ('{"publish": "perhaps", "version": "x", "action": 5, "rating": [1], "officer_rating": "abc", "reason": {}}', "application/json"),
    ("[1, 2]", "application/json"),
    ("{not json", "application/json"),
]
ENDPOINTS = ["moderate", "answer", "dismiss-reports"]  # the rating: below (a published item is anyone's to see)


@pytest.fixture
def item(submit, users):  # type: ignore[no-untyped-def]
    fb = svc.feedback_publish(feedback=submit(actor=users["citizen"]), actor=users["onestop"])
    svc.feedback_report(feedback=fb, address="203.0.113.9", reason="Sai.")
    fb.refresh_from_db()
    return fb


def _state(fb: Feedback) -> tuple:  # type: ignore[type-arg]
    fb.refresh_from_db()
    return fb.status, fb.version, fb.report_count, fb.answer_text, fb.rating


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_communes_item_answers_404_whatever_the_body(item, users, login, endpoint):
    outsider = login(users["other_onestop"])
    before, audits = _state(item), AuditLog.objects.count()
    for body, content_type in BAD_JSON:
        r = outsider.post(f"{API}/{item.pk}/{endpoint}", body, content_type=content_type)
        assert r.status_code == 404, (endpoint, body, r.status_code, r.content)
        missing = outsider.post(f"{API}/987654321/{endpoint}", body, content_type=content_type)
        assert (missing.status_code, missing.json()["code"]) == (r.status_code, r.json()["code"])
    r = outsider.post(f"{API}/{item.pk}/{endpoint}", {"text": "x"})  # a multipart form
    assert r.status_code == 404
    assert _state(item) == before and AuditLog.objects.count() == audits


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_communes_own_officer_still_gets_the_bodys_error(item, users, login, endpoint):
    c = login(users["onestop"])
    before = _state(item)
    r = c.post(f"{API}/{item.pk}/{endpoint}", BAD_JSON[0][0], content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "validation-error"
    assert r.json()["details"]["fields"]
    r = c.post(f"{API}/{item.pk}/{endpoint}", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-json"
    assert _state(item) == before


def test_rate_a_bad_body_on_an_unpublished_item_is_404_for_a_stranger_and_422_for_its_sender(submit, users, client):
    fb = submit(actor=None, anonymous=True)  # pending: not public
    r = client.post(f"{API}/{fb.pk}/rate", {"rating": 5, "officer_rating": "abc"}, content_type="application/json")
    assert r.status_code == 404
    r = client.post(f"{API}/{fb.pk}/rate", {"rating": 5, "officer_rating": "abc", "access_key": fb.access_key}, content_type="application/json")
    assert r.status_code == 422 and set(r.json()["details"]["fields"]) == {"rating", "officer_rating"}


def test_valid_bodies_still_work(item, users, login):
    c = login(users["onestop"])
    r = c.post(f"{API}/{item.pk}/dismiss-reports", {"reason": "Không vi phạm."}, content_type="application/json")
    assert r.status_code == 200 and r.json()["report_count"] == 0
    r = c.post(f"{API}/{item.pk}/answer", {"text": "Đã thu gom."}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    r = c.post(f"{API}/{item.pk}/rate", {"rating": "useful", "access_key": item.access_key}, content_type="application/json")
    assert r.status_code == 200
    r = c.post(f"{API}/{item.pk}/moderate", {"action": "hide", "reason": "Kiểm tra."}, content_type="application/json")
    assert r.status_code == 200 and r.json()["hidden"] is True


def test_report_a_bad_body_on_an_unpublished_item_is_404_and_on_a_published_one_422(submit, item, client):
    """Only a published item may be reported: a pending one answers 404 whatever the body, as an id that does not exist
    (not 422, which told that it existed); a published one with a bad body still answers the body's error."""
    pending = submit(actor=None, anonymous=True)
    before, audits = _state(pending), AuditLog.objects.count()
    for body, content_type in BAD_JSON:
        r = client.post(f"{API}/{pending.pk}/report", body, content_type=content_type)
        assert r.status_code == 404, (body, r.status_code, r.content)
        missing = client.post(f"{API}/987654321/report", body, content_type=content_type)
        assert (missing.status_code, missing.json()["code"]) == (r.status_code, r.json()["code"])
    assert _state(pending) == before and AuditLog.objects.count() == audits
    before = _state(item)
    r = client.post(f"{API}/{item.pk}/report", BAD_JSON[0][0], content_type="application/json")
    assert r.status_code == 422 and set(r.json()["details"]["fields"]) == {"reason"}
    r = client.post(f"{API}/{item.pk}/report", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid-json"
    assert _state(item) == before
    r = client.post(f"{API}/{item.pk}/report", {"reason": "Nội dung sai."}, content_type="application/json")
    assert r.status_code == 200
