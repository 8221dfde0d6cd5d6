from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from coso.core.audit import audit_log
from coso.core.models import AuditLog


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khoá."),
        "locked": _("Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau ít phút."),
    }
    username = forms.CharField(label=_("Tên đăng nhập"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):  # type: ignore[no-untyped-def]
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "coso_locked", False):
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            audit_log(actor=None, action=AuditLog.Action.LOGIN_FAILED, object_type="accounts.User", object_id="", object_repr=self.cleaned_data.get("username", "")[:100])
            raise


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
