"""Small security helpers shared by every app: comparing secrets, the client's address."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings


def same_secret(given: Any, expected: str) -> bool:
    """Constant-time comparison of a secret a client sent (access key, token) with the stored one.

    ``hmac.compare_digest`` refuses ``str`` with non-ASCII characters (TypeError, a 500); compare
    the UTF-8 bytes instead, so that any text a client sends is simply a wrong key.
    """
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def client_ip(request: Any) -> str:
    """The address of the client that sent the request.

    Behind the reverse proxy (settings.BEHIND_PROXY), the client's address is the one the proxy
    appended last to X-Forwarded-For (anything before it was sent by the client and can be forged);
    REMOTE_ADDR is then the proxy itself. Without a proxy, X-Forwarded-For is ignored: a client
    could write anything there.
    """
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if parts:
            return parts[-1][:64]
    return (request.META.get("REMOTE_ADDR", "") or "?")[:64]


def audit_ip(request: Any) -> str | None:
    """``client_ip`` when it is a valid IP address (what the audit log's column stores), else None."""
    import ipaddress

    if request is None:
        return None
    value = client_ip(request)
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def public_api_caller(request: Any) -> Any:
    """Who calls a public (``auth=None``) API operation that writes.

    The user of a valid API token (Authorization: Bearer … or X-API-Key) first; else the user of
    the browser session, whose write must carry the CSRF token like every session write (otherwise a
    page on another site could submit in the user's name); else an anonymous visitor.
    Raises PermissionDenied (403) when a session write has no valid CSRF token.
    """
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from coso.accounts.models import ApiToken

    auth = request.headers.get("Authorization", "")
    raw = auth[7:].strip() if auth[:7].lower() == "bearer " else request.headers.get("X-API-Key", "")
    if raw:
        token_user = ApiToken.resolve(raw)
        if token_user is not None:
            request.user = token_user
            return token_user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from ninja.utils import check_csrf

        if check_csrf(request) is not None:
            raise PermissionDenied("CSRF")
        return user
    return AnonymousUser()
