"""Links in QR codes and notifications follow the address the site is served at when COSO_PUBLIC_BASE_URL
is unset (issue 13, item 26), and the configured address when it is set."""

from __future__ import annotations

from django.test import RequestFactory

from coso.core.public_url import DEVELOPMENT_DEFAULT, absolute, base_url


def test_configured_address_wins(settings):
    settings.COSO_PUBLIC_BASE_URL = "https://coso.example.gov.vn/"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")
    assert base_url(request) == "https://coso.example.gov.vn"
    assert absolute("/dossiers/lookup/?code=X") == "https://coso.example.gov.vn/dossiers/lookup/?code=X"


def test_unset_follows_the_request(settings):
    settings.COSO_PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    assert base_url(RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")) == "http://127.0.0.1:8123"
    assert base_url(RequestFactory().get("/", HTTP_HOST="evil.example")) == DEVELOPMENT_DEFAULT  # not an allowed host
    assert base_url() == DEVELOPMENT_DEFAULT  # outside a request (a background job)
