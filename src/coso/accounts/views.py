from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from coso.accounts import backends
from coso.accounts.models import User
from coso.core import ratelimit
from coso.core.audit import audit_log
from coso.core.models import AuditLog
from coso.core.notify import notify
from coso.core.security import audit_ip, client_ip

UNLOCK_LINK_SECONDS = 3600
UNLOCK_REQUESTS_PER_ACCOUNT = 3  # links sent per account per hour (no SMS flooding)
UNLOCK_REQUESTS_PER_SOURCE = 10  # requests per client address per hour


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khoá."),
        "locked": _("Đăng nhập bị tạm khoá do nhập sai nhiều lần. Vui lòng thử lại sau ít phút, "
                    "hoặc nhận liên kết mở khoá qua e-mail/SMS."),
    }
    username = forms.CharField(label=_("Tên đăng nhập"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    locked = False

    def clean(self):  # type: ignore[no-untyped-def]
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "coso_locked", False):
                self.locked = True
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            audit_log(actor=None, action=AuditLog.Action.LOGIN_FAILED, object_type="accounts.User", object_id="", object_repr=self.cleaned_data.get("username", "")[:100])
            raise


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


# ---------------------------------------------------------------- one-time unlock link
class UnlockRequestForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))


def _link_key(token: str) -> str:
    return "login-unlock:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _find_user(username: str) -> User | None:
    user = User.objects.filter(username=username).first()
    if user is None:
        matches = list(User.objects.filter(username__iexact=username)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user if user is not None and user.is_active and (user.email or user.phone) else None


def send_unlock_link(*, username: str, request: HttpRequest) -> list[str]:
    """Send a one-time unlock link to the account's e-mail and phone. Returns the channels used
    (empty when the account does not exist, has no contact, or asked too often: the caller shows
    the same answer in every case)."""
    source = client_ip(request)
    account = backends.account_key(username)
    if (ratelimit.hit("unlock-source", source, seconds=3600) > UNLOCK_REQUESTS_PER_SOURCE
            or ratelimit.hit("unlock-account", account, seconds=3600) > UNLOCK_REQUESTS_PER_ACCOUNT):
        return []
    user = _find_user(username.strip())
    if user is None:
        return []
    token = secrets.token_urlsafe(32)
    cache.set(_link_key(token), {"user_id": user.pk, "username": user.username}, timeout=UNLOCK_LINK_SECONDS)
    link = request.build_absolute_uri(reverse("accounts:unlock_confirm", args=[token]))
    text = _t("Coso: mở khoá đăng nhập tài khoản %(username)s (dùng một lần, trong 60 phút): %(link)s — Nếu không phải bạn yêu cầu, hãy bỏ qua tin này.") % {
        "username": user.username, "link": link}
    used = notify(text=text, subject=_t("Mở khoá đăng nhập Coso"), email=user.email, phone=user.phone)
    audit_log(actor=None, action=AuditLog.Action.ACTION, verb="login_unlock_link", obj=user, object_repr=user.username,
              after={"channels": used}, ip=audit_ip(request))
    return used


@require_http_methods(["GET", "POST"])
def unlock_request(request: HttpRequest) -> HttpResponse:
    form = UnlockRequestForm(request.POST or None, initial={"username": request.GET.get("username", "")[:150]})
    sent = False
    if request.method == "POST" and form.is_valid():
        send_unlock_link(username=form.cleaned_data["username"], request=request)
        sent = True  # the same answer whether the account exists or not
    return render(request, "registration/unlock_request.html", {"form": form, "sent": sent})


@require_http_methods(["GET", "POST"])
def unlock_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links: only the POST uses the link up)."""
    key = _link_key(token)
    data: Any = cache.get(key)
    if request.method == "POST" and data and cache.delete(key):  # delete() is true for one request only
        backends.unlock(data["username"])
        user = User.objects.filter(pk=data["user_id"]).first()
        audit_log(actor=None, action=AuditLog.Action.ACTION, verb="login_unlock", obj=user, object_type="accounts.User",
                  object_id=data["user_id"], object_repr=data["username"], ip=audit_ip(request))
        return render(request, "registration/unlock_done.html", {"ok": True})
    if request.method == "POST" or not data:
        return render(request, "registration/unlock_done.html", {"ok": False}, status=400 if request.method == "POST" else 404)
    return render(request, "registration/unlock_confirm.html", {"token": token})
