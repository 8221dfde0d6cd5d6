from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode


class CosoAdminSite(AdminSite):
    """Only system administrators, signed in with their second factor, reach Django admin. Sign-in goes
    through Coso's own two-step form (Django admin's password-only form is not used)."""

    site_header = "Coso"
    site_title = "Coso"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_authenticated and user.is_system_admin and user.is_verified())

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(reverse("accounts:login") + "?" + urlencode({"next": target}))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Django admin's own form changed the password with no audit entry. A password is set only
        through the one-time link ("Quên mật khẩu": `password_reset_request`, then `password_set`, both audited)."""
        return HttpResponseRedirect(reverse("accounts:forgot"))

    def password_change_done(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("accounts:forgot"))


class CosoAdminConfig(AdminConfig):
    """Django admin with Coso's admin site (system administrators with two-factor sign-in only)."""

    default_site = "coso.accounts.admin_apps.CosoAdminSite"
