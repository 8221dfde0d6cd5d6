from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode


def _refuse_signed_in_non_admin(request: HttpRequest) -> None:
    user: Any = request.user
    if user.is_authenticated and not user.is_system_admin:
        raise Http404


class CosoAdminSite(AdminSite):
    """Only system administrators, signed in with their second factor, reach Django admin. Sign-in goes
    through Coso's own two-step form (Django admin's password-only form is not used)."""

    site_header = "Coso"
    site_title = "Coso"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_authenticated and user.is_system_admin and user.is_verified())

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Callable[..., Any]:  # type: ignore[override]
        """Someone signed in who is not a system administrator gets a 404, like any page their role may not
        open. Sending them to the sign-in page (Django's way) looped: the sign-in page sends a signed-in
        user straight back to ``next``."""
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            _refuse_signed_in_non_admin(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        _refuse_signed_in_non_admin(request)
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": target}))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # type: ignore[override]
        """Django admin's own form changed the password with no audit entry. A password is set only
        through the one-time link ("Quên mật khẩu": `password_reset_request`, then `password_set`, both audited)."""
        return HttpResponseRedirect(reverse("accounts:forgot"))

    def password_change_done(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:  # type: ignore[override]
        return HttpResponseRedirect(reverse("accounts:forgot"))


class CosoAdminConfig(AdminConfig):
    """Django admin with Coso's admin site (system administrators with two-factor sign-in only)."""

    default_site = "coso.accounts.admin_apps.CosoAdminSite"
