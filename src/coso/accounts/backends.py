"""Login with throttling by account and client address together, and a one-time unlock link.

Failures are counted in the shared cache (coso.core.ratelimit), so every web process sees them:

- per (account, client address): LOGIN_MAX_FAILURES in LOGIN_LOCKOUT_MINUTES locks that address out
  of that account. Someone else cannot lock a user out: their failures lock only their own address.
- per account, all addresses together: LOGIN_MAX_FAILURES_PER_ACCOUNT (guessing from many
  addresses) locks the account; its owner unlocks it with the link sent by e-mail/SMS.
- per client address, all accounts: LOGIN_MAX_FAILURES_PER_SOURCE (password spraying).

An attempt is counted *before* the password is checked (atomically), so parallel attempts can never
check more passwords than the limit; a successful login takes its count back. User names that do not
exist are counted and locked exactly like real ones, so the lock message tells nothing about which
accounts exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from coso.core import ratelimit
from coso.core.security import client_ip

PAIR, ACCOUNT, SOURCE = "login-pair", "login-account", "login-source"


def account_key(username: str) -> str:
    """User names compare case-insensitively here, so that case variants share one counter."""
    return (username or "").strip().casefold()[:150]


def _epoch_key(account: str) -> str:
    return ratelimit.cache_key("login-epoch", account)


def _epoch(account: str) -> int:
    """Bumped by the unlock link: starts every address's count for the account afresh."""
    return int(cache.get(_epoch_key(account), 0) or 0)


def _pair(account: str, source: str) -> str:
    return f"{account}\n{_epoch(account)}\n{source}"


def _window() -> int:
    return int(settings.LOGIN_LOCKOUT_MINUTES) * 60


def is_locked(username: str, source: str) -> bool:
    account = account_key(username)
    return (
        ratelimit.count(PAIR, _pair(account, source)) >= settings.LOGIN_MAX_FAILURES
        or ratelimit.count(ACCOUNT, account) >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
        or ratelimit.count(SOURCE, source) >= settings.LOGIN_MAX_FAILURES_PER_SOURCE
    )


def lock_seconds(username: str, source: str) -> int:
    """Seconds until every counter that locks this (account, address) is below its limit again: the login page's
    Retry-After. At least 1 (asked about a lock that has just ended, the next attempt is simply let through)."""
    account = account_key(username)
    window = _window()
    counters = (
        (PAIR, _pair(account, source), settings.LOGIN_MAX_FAILURES),
        (ACCOUNT, account, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        (SOURCE, source, settings.LOGIN_MAX_FAILURES_PER_SOURCE),
    )
    waits = [ratelimit.remaining(scope, subject, seconds=window) for scope, subject, limit in counters
             if ratelimit.count(scope, subject) >= limit]
    return max([1, *waits])


def unlock(username: str) -> None:
    """Lift every lock on the account (the owner proved they read its e-mail or phone)."""
    account = account_key(username)
    cache.set(_epoch_key(account), _epoch(account) + 1, timeout=None)
    ratelimit.reset(ACCOUNT, account)


def sign_in_name(typed: str) -> str:
    """The user name a person typed, as accounts store it where that is certain: without the spaces around it, and a phone
    number (a citizen's user name) as its 10 digits from 0 however it was written ("0933 444 555", "0933.444.555",
    "+84 933 444 555"). Letter case is kept here; the look-up settles it (``LockoutModelBackend._account``)."""
    from coso.accounts.services import PHONE_RE, normalize_phone

    name = (typed or "").strip()
    phone = normalize_phone(name)
    return phone if PHONE_RE.match(phone) else name


class LockoutModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """Django's (the account by id, None when it may not sign in), without a query when the session engine read the
        account with this request's session (``coso.accounts.sessions``)."""
        from coso.accounts.sessions import loaded_account

        account = loaded_account(user_id)
        if account is None:
            return super().get_user(user_id)
        return account if self.user_can_authenticate(account) else None

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any) -> Any:
        if username is None or password is None:
            return None
        username = sign_in_name(username)  # every way of writing a name counts on its one account below
        account = account_key(username)
        source = client_ip(request) if request is not None else "-"
        pair = _pair(account, source)
        window = _window()
        if is_locked(username, source):
            return self._locked(request, username, source)
        # Reserve this attempt in every counter first: of N parallel attempts only the first ones
        # within the limits reach the password check.
        n_pair = ratelimit.hit(PAIR, pair, seconds=window)
        n_account = ratelimit.hit(ACCOUNT, account, seconds=window)
        n_source = ratelimit.hit(SOURCE, source, seconds=window)
        if (n_pair > settings.LOGIN_MAX_FAILURES or n_account > settings.LOGIN_MAX_FAILURES_PER_ACCOUNT
                or n_source > settings.LOGIN_MAX_FAILURES_PER_SOURCE):
            return self._locked(request, username, source)
        user = self._password_user(username, password)
        if user is not None:
            # Not a failure: take the reservation back, and forget this address's failures.
            ratelimit.reset(PAIR, pair)
            ratelimit.undo(ACCOUNT, account)
            ratelimit.undo(SOURCE, source)
        return user

    @staticmethod
    def _account(username: str) -> Any:
        """The account a typed user name names: the one with exactly that name, else the one with that name in lower case
        (Coso writes every user name in lower case: staff names, citizens' e-mails; a phone keyboard types "Congdan").
        One indexed query."""
        from coso.accounts.models import User

        candidates = {username, username.lower()}
        found = {u.username: u for u in User._default_manager.filter(username__in=candidates)}
        return found.get(username) or found.get(username.lower())

    def _password_user(self, username: str, password: str) -> Any:
        """ModelBackend's check on the account found by ``_account``: the right password of an account that may sign in.
        With no account the password is hashed anyway, as Django does, so the answer takes as long either way."""
        from coso.accounts.models import User

        user = self._account(username)
        if user is None:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def _locked(request: Any, username: str, source: str) -> None:
        """Tell the login page that the attempt was refused by a lock, and for how long (its Retry-After)."""
        if request is not None:
            request.coso_locked = True
            request.coso_locked_seconds = lock_seconds(username, source)
        return None


def public_api_caller(request: Any) -> Any:
    """Who calls a public (``auth=None``) API operation that writes.

    The user of a valid API token (Authorization: Bearer … or X-API-Key) first; else the user of
    the browser session, whose write must carry the CSRF token like every session write (otherwise a
    page on another site could submit in the user's name); else an anonymous visitor.
    Raises the API's CSRF error (403 "csrf-failed") when a session write has no valid CSRF token.
    """
    from django.contrib.auth.models import AnonymousUser

    from coso.accounts.models import ApiToken
    from coso.core import errors as core_errors

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
            raise core_errors.CSRF_FAILED()
        return user
    return AnonymousUser()
