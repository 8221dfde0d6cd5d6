"""The API's fixed refusals (422 validation, 401, 404, 403, 500) answered in Vietnamese whatever language the user chose:
their top-level messages are now translated, Vietnamese by default, English when chosen."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.utils import translation

import pytest

from coso.core import views

pytestmark = pytest.mark.django_db


def _client(language: str = "") -> Client:
    c = Client()
    if language:
        c.cookies["django_language"] = language
    return c


@pytest.mark.parametrize(("language", "message"), [("", "Dữ liệu gửi lên không hợp lệ."), ("en", "The data sent is not valid.")])
def test_a_422_speaks_the_user_language(login, users, english_catalogue, language, message):
    c = login(users["onestop"])
    if language:
        c.cookies["django_language"] = language
    r = c.get("/api/v1/dossiers/inbox?limit=abc")
    assert r.status_code == 422, r.content
    assert r.json()["code"] == "validation-error" and r.json()["message"] == message


@pytest.mark.parametrize(("language", "message"), [("", "Bạn cần đăng nhập hoặc gửi mã truy cập (token)."), ("en", "Sign in or send an access token.")])
def test_a_401_speaks_the_user_language(english_catalogue, language, message):
    r = _client(language).get("/api/v1/dossiers/inbox")
    assert r.status_code == 401 and r.json()["message"] == message


@pytest.mark.parametrize(("language", "message"), [("", "Không tìm thấy."), ("en", "Not found.")])
def test_an_unknown_api_path_speaks_the_user_language(english_catalogue, language, message):
    r = _client(language).get("/api/v1/no-such-thing/")
    assert r.status_code == 404 and r.json() == {"code": "not-found", "message": message, "details": {}}


def test_the_403_and_500_answers_of_the_api_in_english(english_catalogue):
    request = RequestFactory().get("/api/v1/anything")
    with translation.override("en"):
        assert views.permission_denied(request).content.decode().count("You do not have permission") == 1
        assert "System error. Nothing was done; please try again." in views.server_error(request).content.decode()
    with translation.override("vi"):
        assert "Lỗi hệ thống. Thao tác chưa được thực hiện" in views.server_error(request).content.decode()
