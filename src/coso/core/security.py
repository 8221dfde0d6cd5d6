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
