"""Issue 13 items 9–12: bad input answers 4xx with the error shape of the part of the site asked, never 500."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from coso.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

HUGE = "18446744073709551617"  # 2**64 + 1


def api_shape(r, *statuses):  # type: ignore[no-untyped-def]
    assert r.status_code in statuses, (r.status_code, r.content[:300])
    body = r.json()
    assert set(body) == {"code", "message", "details"} and body["message"], body
    return body


@pytest.fixture
def quiet():  # type: ignore[no-untyped-def]
    """Errors are asserted on the responses; keep the expected 4xx (and any traceback) out of the output."""
    import logging

    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "coso.api", "coso.feedback.open311")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    yield
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


@pytest.fixture
def tokens(users):  # type: ignore[no-untyped-def]
    return {role: ApiToken.issue(user=users[role], name="test")[1] for role in ("province_admin", "onestop", "citizen", "home_affairs", "sysadmin")}


@pytest.fixture
def feedback(users, commune):  # type: ignore[no-untyped-def]
    from coso.feedback.models import FeedbackCategory
    from coso.feedback.services import feedback_submit, load_defaults

    load_defaults()
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buf, format="PNG")
    png = buf.getvalue()
    return feedback_submit(actor=None, category=FeedbackCategory.objects.get(code="MT"), commune=commune, text="Rác thải ùn ứ nhiều ngày ở đầu hẻm.",
                           title="Rác ùn ứ", contact_name="Nguyễn Văn An", contact_phone="0909123456",
                           files=[SimpleUploadedFile("anh.png", png, content_type="image/png")])


# ---------------------------------------------------------------- item 9: numbers out of range
@pytest.mark.parametrize(("role", "url"), [
    (None, f"/api/v1/units/communes?offset={HUGE}"),
    (None, "/api/v1/units/communes?offset=2147483648"),
    ("onestop", f"/api/v1/units/villages?offset={HUGE}"),
    (None, f"/api/v1/procedures/?offset={HUGE}"),
    (None, f"/api/v1/feedback/public?offset={HUGE}"),
    ("onestop", f"/api/v1/dossiers/?offset={HUGE}"),
    ("citizen", f"/api/v1/dossiers/mine?offset={HUGE}"),
    ("onestop", f"/api/v1/feedback/?offset={HUGE}"),
    ("home_affairs", f"/api/v1/workforce/people?offset={HUGE}"),
    ("sysadmin", "/api/v1/calendar/overrides?year=0"),
    ("sysadmin", f"/api/v1/calendar/overrides?year={HUGE}"),
    ("onestop", "/api/v1/calendar/days?year=0&month=1"),
    ("onestop", "/api/v1/calendar/days?year=2026&month=13"),
    ("onestop", "/api/v1/dossiers/inbox?near_days=13796"),
    ("onestop", f"/api/v1/dossiers/inbox?limit={HUGE}"),
    ("home_affairs", "/api/v1/workforce/evaluations?year=0"),
    ("home_affairs", f"/api/v1/workforce/people?retiring_within={HUGE}"),
])
def test_out_of_range_numbers_are_refused_with_the_error_shape(tokens, role, url, quiet):
    c = Client(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"} if role else {}
    body = api_shape(c.get(url, **headers), 400, 422)
    assert body["code"] in ("validation-error", "invalid-value", "bad-request")


def test_the_largest_offset_allowed_answers_an_empty_page(tokens, commune):
    r = Client().get("/api/v1/units/communes?offset=2147483647")
    assert r.status_code == 200 and r.json()["items"] == []


# ---------------------------------------------------------------- item 10: multipart without boundary
def _post_operations() -> list[str]:
    from coso.api import api

    schema = api.get_openapi_schema()
    paths = []
    for path, ops in schema["paths"].items():
        for method in ops:
            if method == "post":
                paths.append((method, path.replace("{", "").replace("}", "").replace("int:", "")))
    return paths


def _fill(path: str) -> str:
    import re

    return re.sub(r"(\w*_?id|pk|action|fmt|code|kind)(?=/|$)", "1", path)


def test_multipart_without_boundary_is_400_on_every_api_write(tokens, feedback, quiet):
    ops = _post_operations()
    assert len(ops) > 20
    for who in (None, "onestop", "province_admin"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"} if who else {}
        for method, path in ops:
            c = Client(raise_request_exception=False)
            r = getattr(c, method)(_fill(path), b"a=1", content_type="multipart/form-data", **headers)
            assert r.status_code == 400, (who, method, path, r.status_code, r.content[:200])
            assert api_shape(r, 400)["code"] == "bad-request"


def test_multipart_without_boundary_is_400_on_pages_and_open311(users, feedback, quiet):
    c = Client(raise_request_exception=False)
    for url in ("/accounts/login/", "/feedback/submit/", "/dossiers/submit/", f"/feedback/{feedback.pk}/report/"):
        assert c.post(url, b"a=1", content_type="multipart/form-data").status_code == 400, url
    r = c.post("/open311/v2/requests.json", b"a=1", content_type="multipart/form-data")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    [err] = json.loads(r.content)
    assert set(err) == {"code", "description"} and err["code"] == 400
    r = c.post("/open311/v2/requests.xml", b"a=1", content_type="multipart/form-data")
    assert r.status_code == 400 and r["Content-Type"].startswith("text/xml") and b"<errors>" in r.content


# ---------------------------------------------------------------- item 11: NUL characters in form fields
def test_nul_in_api_form_fields_is_400(commune, feedback, quiet):
    from coso.feedback.models import Feedback

    before = Feedback.objects.count()
    c = Client(raise_request_exception=False)
    for data in ({"category": "M\x00T", "commune": commune.code, "text": "Đèn đường hỏng đã lâu."},
                 {"category": "MT", "commune": commune.code, "text": "Đèn đường\x00 hỏng đã lâu.", "contact_name": "An", "contact_phone": "0909123456"}):
        api_shape(c.post("/api/v1/feedback/", data), 400)  # multipart (the test client's default)
        from urllib.parse import urlencode

        api_shape(c.post("/api/v1/feedback/", urlencode(data), content_type="application/x-www-form-urlencoded"), 400)
    assert Feedback.objects.count() == before


def test_nul_in_open311_answers_in_open311_format(users, commune, feedback, quiet):
    from coso.feedback.models import Feedback

    _t, key = ApiToken.issue(user=users["onestop"], name="311")
    before = Feedback.objects.count()
    c = Client(raise_request_exception=False)
    for fmt in ("json", "xml"):
        for field, value in (("service_code", "M\x00T"), ("description", "Ổ gà\x00 lớn trước số 12 Lê Lợi."), ("api_key", key + "\x00")):
            data = {"api_key": key, "service_code": "GT", "description": "Ổ gà lớn trước số 12 Lê Lợi.", "attribute[COMMUNE]": commune.code}
            data[field] = value
            r = c.post(f"/open311/v2/requests.{fmt}", data)
            assert r.status_code == 400, (fmt, field, r.status_code, r.content[:200])
            if fmt == "json":
                [err] = json.loads(r.content)
                assert err["code"] == 400 and err["description"]
            else:
                assert r["Content-Type"].startswith("text/xml") and b"<errors>" in r.content
        r = c.get(f"/open311/v2/requests.{fmt}?service_code=M%00T")
        assert r.status_code == 400 and (r["Content-Type"].startswith("text/xml") if fmt == "xml" else json.loads(r.content)[0]["code"] == 400)
    assert Feedback.objects.count() == before


def test_open311_never_answers_an_html_500(users, commune, monkeypatch, quiet):
    from coso.feedback import open311

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(open311, "check_jurisdiction", boom)
    r = Client(raise_request_exception=False).get("/open311/v2/services.json")
    assert r.status_code == 500 and json.loads(r.content)[0]["code"] == 500
    r = Client(raise_request_exception=False).get("/open311/v2/no-such-thing.json")
    assert r.status_code == 404 and json.loads(r.content)[0]["code"] == 404


def test_nul_in_page_forms_is_400(users, quiet):
    c = Client(raise_request_exception=False)
    r = c.post("/accounts/login/", {"username": "onestop\x00", "password": "x"})
    assert r.status_code == 400


# ---------------------------------------------------------------- item 12: non-ASCII access keys
def test_non_ascii_access_keys_are_just_wrong_keys(feedback, quiet):
    att = feedback.attachments.first()
    assert att is not None
    c = Client(raise_request_exception=False)
    for key in ("é", "khoá-bí-mật", "\u202e", "😀"):
        r = c.post(f"/api/v1/feedback/{feedback.pk}/rate", json.dumps({"access_key": key, "rating": "useful"}), content_type="application/json")
        assert r.status_code in (403, 404), r.content
        api_shape(r, r.status_code)
        assert c.get(f"/feedback/{feedback.pk}/", {"key": key}).status_code == 404
        assert c.get(f"/feedback/attachments/{att.pk}/", {"key": key}).status_code == 404
        assert c.post(f"/feedback/{feedback.pk}/supplement/", {"key": key, "text": "Bổ sung"}).status_code in (403, 404)
    # The right key still works.
    assert c.get(f"/feedback/{feedback.pk}/", {"key": feedback.access_key}).status_code == 200


def test_lone_surrogates_in_json_bodies_are_400_and_change_nothing(users, feedback, quiet):
    """JSON may escape half of a UTF-16 pair (\\ud800) that no text can hold: the database driver cannot encode it (a
    500 on the public report door). Refused like NUL, before any view runs; a whole pair (an emoji) is text."""
    from coso.feedback import services as svc
    from coso.feedback.models import Feedback

    svc.feedback_publish(feedback=feedback, actor=users["onestop"])
    c = Client(raise_request_exception=False)
    for body in ('{"reason": "x\\ud800"}', '{"reason": "\\udc00 y"}', '{"reason": "\\ude00\\ud83d"}'):
        body_ = api_shape(c.post(f"/api/v1/feedback/{feedback.pk}/report", body, content_type="application/json"), 400)
        assert body_["code"] == "bad-request", body
    assert Feedback.objects.get(pk=feedback.pk).report_count == 0
    staff = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=users['onestop'], name='t')[1]}")
    api_shape(staff.post(f"/api/v1/feedback/{feedback.pk}/answer", '{"text": "Đã xử lý \\ud800"}', content_type="application/json"), 400)
    assert Feedback.objects.get(pk=feedback.pk).answer_text == ""
    r = c.post(f"/api/v1/feedback/{feedback.pk}/report", '{"reason": "Sai \\ud83d\\ude00"}', content_type="application/json")
    assert r.status_code == 200, r.content


def test_a_multipart_form_sent_where_json_is_expected_is_400_on_every_api_write(tokens, users, feedback, quiet):
    """A well-formed multipart form (``curl -F``) posted to an operation that reads a JSON body answered 500: the
    middleware's NUL check read the form from the stream, then the JSON parser asked for the raw body Django no longer
    had. Now 400 invalid-json there (the operations that take a form still read it), and nothing is changed: e.g. a
    feedback item's moderator posting the answer as a form."""
    from coso.core.models import AuditLog
    from coso.feedback.models import Feedback

    for who in (None, "onestop", "province_admin"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"} if who else {}
        for method, path in _post_operations():
            c = Client(raise_request_exception=False)
            r = getattr(c, method)(_fill(path), {"text": "Đã xử lý.", "action": "hide", "reason": "x"}, **headers)  # multipart
            assert r.status_code < 500, (who, method, path, r.status_code, r.content[:200])
            if r.status_code >= 400:
                api_shape(r, r.status_code)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens['onestop']}"}
    audit, version = AuditLog.objects.count(), feedback.version
    for path, data in ((f"/api/v1/feedback/{feedback.pk}/answer", {"text": "Đã xử lý."}),
                       (f"/api/v1/feedback/{feedback.pk}/moderate", {"action": "hide", "reason": "Trùng lặp."}),
                       (f"/api/v1/feedback/{feedback.pk}/dismiss-reports", {"reason": "Không vi phạm."})):
        r = Client(raise_request_exception=False).post(path, data, **headers)
        assert r.status_code == 400 and api_shape(r, 400)["code"] == "invalid-json", (path, r.content[:200])
    fresh = Feedback.objects.get(pk=feedback.pk)
    assert (fresh.version, fresh.status, fresh.hidden, fresh.answer_text) == (version, feedback.status, False, "")
    assert AuditLog.objects.count() == audit
