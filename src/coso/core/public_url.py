"""The public address of this site, for QR codes and links sent by SMS, e-mail or Zalo.

``COSO_PUBLIC_BASE_URL`` when it is set (production: the address citizens use). When it is not set,
the address the current request came to (scheme and host, validated by ALLOWED_HOSTS; behind a proxy
per SECURE_PROXY_SSL_HEADER/USE_X_FORWARDED_HOST), so that a server started on another port or host
does not print links to port 8000. Outside a request (a background job) the development default.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost

DEVELOPMENT_DEFAULT = "http://127.0.0.1:8000"
_request: ContextVar[Any] = ContextVar("coso_public_url_request", default=None)


def base_url(request: Any = None) -> str:
    configured = (getattr(settings, "COSO_PUBLIC_BASE_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    request = request if request is not None else _request.get()
    if request is not None:
        try:
            return str(request.build_absolute_uri("/")).rstrip("/")
        except (DisallowedHost, KeyError):
            pass
    return DEVELOPMENT_DEFAULT


def absolute(path: str, request: Any = None) -> str:
    """``path`` (starting with "/") on the public address."""
    return base_url(request) + path


class PublicUrlMiddleware:
    """Remembers the current request so that services building links without one (notifications,
    printed receipts) use the address the site is being served at."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
