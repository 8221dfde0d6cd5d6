"""The sign-in step after the password: a user who must or chose to use two-factor sign-in is not
logged in until they type a code from their authenticator app (or a recovery code).

Between the two steps the session holds only a short-lived "pending" marker (user id, backend,
where to go next); nothing else is accessible. Administrators without an authenticator are sent to
enrol one before they get a session.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, login
from django.http import HttpRequest

from coso.accounts.models import User
from coso.core import ratelimit

PENDING_KEY = "coso_2fa_pending"
PENDING_SECONDS = 300
MAX_ATTEMPTS = 5
ATTEMPTS_SCOPE = "accounts.2fa"


def start(request: HttpRequest, user: User, *, backend: str, next_url: str = "") -> None:
    request.session[PENDING_KEY] = {"user": user.pk, "backend": backend, "next": next_url, "at": time.time(), "attempts": 0}


def pending_user(request: HttpRequest) -> User | None:
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    if ratelimit.count(ATTEMPTS_SCOPE, _attempts_subject(data)) >= MAX_ATTEMPTS:
        return None  # abandoned by another request of the same sign-in (see count_failure)
    return User.objects.filter(pk=data["user"], is_active=True).first()


def next_url(request: HttpRequest) -> str:
    return str((request.session.get(PENDING_KEY) or {}).get("next") or "")


def _attempts_subject(data: dict[str, Any]) -> str:
    """What the wrong codes of one pending sign-in are counted under (coso.core.ratelimit): its user and start."""
    return f"{data.get('user')}:{data.get('at')}"


def count_failure(request: HttpRequest) -> bool:
    """Record a wrong code; True when the pending sign-in is abandoned (too many wrong codes).

    Counted in the shared cache (coso.core.ratelimit), one atomic increment per wrong code, not in the session: requests of one
    session sent at once each read the session before the others save it, so a count kept there loses
    their failures (and a request that saves the session last brings an abandoned sign-in back)."""
    data = request.session.get(PENDING_KEY) or {}
    attempts = ratelimit.hit(ATTEMPTS_SCOPE, _attempts_subject(data), seconds=PENDING_SECONDS + 60)
    data["attempts"] = attempts
    if attempts >= MAX_ATTEMPTS:
        clear(request)
        return True
    request.session[PENDING_KEY] = data
    return False


def clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def complete(request: HttpRequest, user: User, device: Any) -> None:
    """Log the user in and mark the session as verified by ``device``."""
    from django_otp import login as otp_login

    data = request.session.get(PENDING_KEY) or {}
    backend = data.get("backend") or request.session.get(BACKEND_SESSION_KEY) or "coso.accounts.backends.LockoutModelBackend"
    clear(request)
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
