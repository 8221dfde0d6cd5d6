"""Django admin for system administrators: the user list (read-only; accounts are created, changed and
disabled through the audited staff-account pages, which enforce the role/unit rules)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coso.accounts.models import ApiToken, User
from coso.core.masking import log_personal_read, mask_citizen_id


class SystemAdminOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_system_admin", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(getattr(request.user, "is_system_admin", False))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        """Filter a list only through its own filters. Django admin otherwise takes any lookup on the
        model's fields from the query string: ``?password__startswith=`` read password hashes out of
        excluded fields, and ``?name__regex=(``, ``?last_login__year=1`` or ``?unit_id=<20 digits>``
        answered 500. Any other lookup is refused with a 400 (DisallowedModelAdminLookup)."""
        return lookup in self.filter_parameters(request)

    def filter_parameters(self, request: HttpRequest | None) -> set[str]:
        """The query-string parameters the list filters of this admin read (see Django's FieldListFilter
        subclasses: the field itself, ``__exact``/``__isnull``, a relation by its target field, a date range)."""
        model_admin: Any = self
        list_filter = model_admin.get_list_filter(request) if request is not None else model_admin.list_filter
        params: set[str] = set()
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                params.add(str(item.parameter_name))
                continue
            path = item[0] if isinstance(item, (list, tuple)) else item
            field = get_fields_from_path(model_admin.model, path)[-1]
            params |= {path, f"{path}__exact", f"{path}__isnull"}
            if field.is_relation:
                params.add(f"{path}__{field.target_field.name}__exact")  # type: ignore[attr-defined]
            if isinstance(field, models.DateField):
                params |= {f"{path}__gte", f"{path}__lt"}
        return params


@admin.register(User)
class UserAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ("username", "full_name", "role", "unit", "province_code", "commune_code", "is_active", "last_login", "manage")
    list_filter = ("role", "is_active", "province_code")
    search_fields = ("username", "full_name", "email", "phone")
    list_select_related = ("unit",)
    ordering = ("username",)
    # The CCCD is shown masked unless the reader's role sees personal data, and a full one is a logged read
    # (Decree 13/2023), as on the staff-account pages.
    exclude = ("password", "groups", "user_permissions", "citizen_id")
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        def citizen_id(user: User) -> str:
            return mask_citizen_id(user.citizen_id, request.user) or "—"

        citizen_id.short_description = _("số CCCD")  # type: ignore[attr-defined]
        return (*super().get_readonly_fields(request, obj), citizen_id)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and getattr(request.user, "sees_personal_data", False):
            target = self.get_object(request, object_id)
            if target is not None and target.citizen_id:
                log_personal_read(user=request.user, obj=target, reason="admin")
        return response

    @admin.display(description=_("Quản lý"))
    def manage(self, obj: User) -> str:
        if obj.role == "citizen":
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("accounts:staff_detail", args=[obj.pk]), _("Trang tài khoản"))


@admin.register(ApiToken)
class ApiTokenAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    exclude = ("token_hash",)


# Coso grants nothing through Django's groups and permissions (roles do: coso.accounts.roles), and
# Django's Group admin created, renamed and deleted groups without an audit entry: it is not offered.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# django-otp registers its device models; device changes go through the audited 2FA pages instead.
for _model_path in ("django_otp.plugins.otp_totp.models.TOTPDevice", "django_otp.plugins.otp_static.models.StaticDevice"):
    from django.utils.module_loading import import_string

    _model = import_string(_model_path)
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
