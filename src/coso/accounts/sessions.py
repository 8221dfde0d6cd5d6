"""The session engine (``SESSION_ENGINE``): Django's database engine with the sessions in ``SignInSession``, which keeps
who signed in, when and from which device beside the session's data. Everything else is Django's: the cookie, the
signing, the expiry, ``cycle_key`` (the columns follow the data to the new key), ``clearsessions``.

At sign-in (``user_logged_in``) ``remember_sign_in`` writes the time, the device and the address into the session's
data; ``SessionStore.create_model_instance`` copies them, with the user id Django's login stored, into the columns
whenever the session is saved."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from django_otp import DEVICE_ID_SESSION_KEY

SIGNED_IN_AT = "coso_signed_in_at"
DEVICE = "coso_device"
IP = "coso_ip"
DEVICE_MAX = 255


# The account read with the session this request loaded (``SessionStore.load``), for the authentication backend's
# ``get_user`` (``LockoutModelBackend``): one query instead of two on every signed-in request. Cleared when the request
# ends (``clear_loaded_account``), and set again, or to None, by every load.
_LOADED_ACCOUNT: contextvars.ContextVar[Any] = contextvars.ContextVar("coso_session_account", default=None)
# The same for the authenticator that verified the session (``SignInSession.otp_device``), for the two-factor middleware
# (``coso.accounts.middleware.OTPMiddleware``): (the column's device id, the device read, None when it no longer exists).
_LOADED_DEVICE: contextvars.ContextVar[tuple[int, Any] | None] = contextvars.ContextVar("coso_session_otp_device", default=None)


def loaded_account(user_id: Any) -> Any:
    """The account with this id read with the session of the current request, or None (not read that way: the backend
    reads it itself). Django still checks the session's hash against it (``django.contrib.auth.get_user``)."""
    account = _LOADED_ACCOUNT.get()
    if account is None or user_id is None or str(account.pk) != str(user_id):
        return None
    return account


def _totp_device_id(persistent_id: Any) -> int | None:
    """The id of the TOTP device django-otp's persistent id (``otp_totp.totpdevice/<id>``) names, None for another kind."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    label, _sep, pk = str(persistent_id or "").rpartition("/")
    if label != TOTPDevice.model_label() or not pk.isdigit():
        return None
    return int(pk)


def loaded_device(persistent_id: str) -> tuple[bool, Any]:
    """``(True, device)`` when the device this persistent id names was read with the current request's session (``device``
    None: it no longer exists); ``(False, None)`` when it was not read that way (another kind of device, a session saved
    before the column, a column that disagrees with the data): django-otp reads it itself. django-otp still checks the
    device's account and that it is confirmed (``OTPMiddleware._finalize_device``)."""
    loaded = _LOADED_DEVICE.get()
    if loaded is None or loaded[0] != _totp_device_id(persistent_id):
        return False, None
    return True, loaded[1]


def clear_loaded_account(**_: Any) -> None:
    _LOADED_ACCOUNT.set(None)
    _LOADED_DEVICE.set(None)


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from coso.accounts.models import SignInSession

        return SignInSession

    def _get_session_from_db(self) -> Any:
        """Django's read of the session (unexpired, by its key), with the account it belongs to and the authenticator that
        verified it in the same query."""
        _LOADED_ACCOUNT.set(None)
        _LOADED_DEVICE.set(None)
        model: Any = self.model  # SignInSession (get_model_class)
        try:
            s = model.objects.select_related("user", "otp_device").get(session_key=self.session_key, expire_date__gt=timezone.now())
        except (model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None
            return None
        _LOADED_ACCOUNT.set(s.user if s.user_id is not None else None)
        _LOADED_DEVICE.set((s.otp_device_id, s.otp_device) if s.otp_device_id is not None else None)
        return s

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        try:
            obj.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            obj.user_id = None
        try:
            obj.signed_in_at = dt.datetime.fromisoformat(str(data[SIGNED_IN_AT]))
        except (KeyError, TypeError, ValueError):
            obj.signed_in_at = None
        obj.otp_device_id = _totp_device_id(data.get(DEVICE_ID_SESSION_KEY))
        obj.device = str(data.get(DEVICE) or "")[:DEVICE_MAX]
        obj.ip = data.get(IP) or None
        return obj


def remember_sign_in(request: Any) -> None:
    """Called at every sign-in with a session (password, password + code, VNeID): the time, the browser's own description
    of itself (its User-Agent header) and the address, shown to the person in the list of their sessions."""
    from coso.core.security import audit_ip

    session = getattr(request, "session", None)
    if session is None:
        return
    session[SIGNED_IN_AT] = timezone.now().isoformat()
    session[DEVICE] = str(request.META.get("HTTP_USER_AGENT", ""))[:DEVICE_MAX]
    session[IP] = audit_ip(request) or ""


def session_id(session_key: str) -> str:
    """What pages and the API call a session: a digest of its key, never the key (which signs a browser in)."""
    import hashlib

    return hashlib.sha256(f"coso-session:{session_key}".encode()).hexdigest()[:20]


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("coc_coc_browser", "Cốc Cốc"), ("Zalo", "Zalo"), ("Firefox/", "Firefox"),
             ("SamsungBrowser", "Samsung Internet"), ("Chrome/", "Chrome"), ("CriOS", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_label(user_agent: str) -> tuple[str, str]:
    """The browser and the system a User-Agent names, as a person recognises them ("Chrome", "Windows"); "" when it names
    none (a script, an old browser). Only the common families: the full header is shown beside it."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return browser, system
