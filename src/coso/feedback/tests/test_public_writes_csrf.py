"""Issue 13 item 1, public side: the feedback API's public writes (submit, rate, report) take the
caller from an API token without CSRF, and from a browser session only with the CSRF token."""

from __future__ import annotations

from django.test import Client

import pytest

from coso.accounts.models import ApiToken
from coso.feedback.models import Feedback

pytestmark = pytest.mark.django_db
API = "/api/v1/feedback/"


def _data(commune) -> dict:  # type: ignore[no-untyped-def]
    return {"category": "MT", "commune": commune.code, "text": "Rác thải ùn ứ nhiều ngày ở đầu hẻm 12.", "title": "Rác đầu hẻm"}


def test_submit_with_a_token_is_the_token_users_without_csrf(users, cats, commune, media):
    raw = ApiToken.issue(user=users["citizen"], name="app")[1]
    r = Client(enforce_csrf_checks=True).post(API, _data(commune), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201, r.content
    assert Feedback.objects.get(pk=r.json()["id"]).submitter == users["citizen"]


def test_session_submit_needs_the_csrf_token(users, cats, commune, media):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["citizen"])
    r = c.post(API, _data(commune))
    assert r.status_code == 403 and r.json()["code"] == "csrf-failed" and "CSRF" in r.json()["message"]
    assert not Feedback.objects.exists()
    c.get("/feedback/submit/")
    r = c.post(API, {**_data(commune), "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert r.status_code == 201, r.content
    assert Feedback.objects.get().submitter == users["citizen"]


def test_anonymous_submit_needs_no_csrf(cats, commune, media):
    r = Client(enforce_csrf_checks=True).post(API, {**_data(commune), "contact_name": "Trần Văn Ba", "contact_phone": "0909000111"})
    assert r.status_code == 201, r.content
    assert Feedback.objects.get().submitter is None


def test_session_rating_and_report_need_the_csrf_token(users, submit):
    from coso.feedback import services as svc

    fb = submit(actor=users["citizen"])
    svc.feedback_publish(feedback=fb, actor=users["onestop"])
    svc.feedback_answer(feedback=fb, actor=users["specialist"], text="Đã thu gom rác.")
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["citizen"])
    assert c.post(f"{API}{fb.pk}/rate", {"rating": "useful"}, content_type="application/json").status_code == 403
    assert c.post(f"{API}{fb.pk}/report", {"reason": "x"}, content_type="application/json").status_code == 403
    fb.refresh_from_db()
    assert fb.rating == "" and fb.report_count == 0
    raw = ApiToken.issue(user=users["citizen"], name="app")[1]
    r = Client(enforce_csrf_checks=True).post(f"{API}{fb.pk}/rate", {"rating": "useful"}, content_type="application/json",
                                              HTTP_X_API_KEY=raw)
    assert r.status_code == 200
    fb.refresh_from_db()
    assert fb.rating == "useful"
