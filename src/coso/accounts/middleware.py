from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware

from coso.accounts import twofactor

EXEMPT_PREFIXES = ("/static/", "/accounts/logout/", "/accounts/2fa/", "/i18n/", "/favicon.ico", "/api/v1/core/health")


class OTPMiddleware(DjangoOTPMiddleware):
    """django-otp's (``request.user.otp_device``, ``is_verified()``), with the device that verified the session read with
    the session itself (``coso.accounts.sessions``: joined to the session's row) instead of a query on every request;
    read by django-otp as before when the session engine did not read it."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        from coso.accounts.sessions import loaded_device

        found, device = loaded_device(self._normalize_persistent_id(persistent_id))
        return device if found else super()._device_from_persistent_id(persistent_id)


class OtpRequiredMiddleware:
    """A session of a user who must use two-factor sign-in (administrators) counts only once a second
    factor verified it. The sign-in form already asks for it; this also catches sessions opened any
    other way (e.g. before two-factor sign-in was introduced, or through Django admin's own form).

    Pages: the session is turned back into a pending sign-in and the user is asked for the code (or
    to enrol). JSON API: 401 ``otp-required``. API tokens are not affected (they are issued to staff
    explicitly and carry no session)."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from coso.accounts.services import otp_enabled, otp_required_for

        user: Any = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and otp_required_for(user) and not user.is_verified()
                and not request.path.startswith(EXEMPT_PREFIXES)):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "otp-required", "message": "Cần xác thực hai bước: đăng nhập lại.", "details": {}}, status=401)
            backend = request.session.get(BACKEND_SESSION_KEY, "")
            target = request.get_full_path() if request.method == "GET" else ""
            logout(request)
            twofactor.start(request, user, backend=backend, next_url=target)
            return redirect("accounts:otp_verify" if otp_enabled(user) else "accounts:otp_enrol")
        return self.get_response(request)
