from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from coso.accounts import backends, services, twofactor
from coso.accounts.forms import (
    NAME_BOX,
    DeactivateForm,
    DelegationEndForm,
    DelegationForm,
    ForgotForm,
    ImportForm,
    MyPasswordForm,
    OtpResetForm,
    ProfileForm,
    RegisterPickForm,
    SignupFinishForm,
    SignupStartForm,
    StaffFilterForm,
    StaffForm,
    TokenForm,
)
from coso.accounts.models import User
from coso.accounts.roles import STAFF_ROLES, Role
from coso.accounts.selectors import delegation_get, delegation_list, sessions_of, staff_get, staff_list
from coso.core import ratelimit
from coso.core.audit import audit_log
from coso.core.errors import apply_to_form
from coso.core.exceptions import ApplicationError
from coso.core.models import AuditLog
from coso.core.notify import notify
from coso.core.public_url import absolute
from coso.core.security import audit_ip, client_ip

UNLOCK_LINK_SECONDS = 3600
UNLOCK_REQUESTS_PER_ACCOUNT = 3  # links sent per account per hour (no SMS flooding)
UNLOCK_REQUESTS_PER_SOURCE = 10  # requests per client address per hour

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ip(request: HttpRequest) -> str:
    """The client's address (the one the reverse proxy reports when BEHIND_PROXY), for rate limits and the audit log."""
    return audit_ip(request) or ""



def _apply_error(form: Any, exc: ApplicationError) -> None:
    apply_to_form(form, exc, summary=False)


# ------------------------------------------------------------------ sign-in
class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": gettext_lazy("Tài khoản đã bị khoá."),
        "locked": gettext_lazy("Đăng nhập bị tạm khoá do nhập sai nhiều lần. Vui lòng thử lại sau ít phút, "
                               "hoặc nhận liên kết mở khoá qua e-mail/SMS."),
    }
    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), widget=forms.TextInput(
        attrs={"autofocus": True, "autocomplete": "username", **NAME_BOX}))
    password = forms.CharField(label=gettext_lazy("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    locked = False

    def clean(self):  # type: ignore[no-untyped-def]
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "coso_locked", False):
                self.locked = True
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            audit_log(actor=None, action=AuditLog.Action.LOGIN_FAILED, object_type="accounts.User", object_id="", object_repr=self.cleaned_data.get("username", "")[:100],
                      verb="login_failed")
            raise


class LoginView(auth_views.LoginView):
    """Password first; then, for a user with two-factor sign-in (or an administrator, who must have it),
    the code step before any session exists."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = form.get_user()
        if services.otp_enabled(user) or services.otp_required_for(user):
            twofactor.start(self.request, user, backend=user.backend, next_url=self.get_redirect_url())
            return redirect("accounts:otp_verify" if services.otp_enabled(user) else "accounts:otp_enrol")
        return super().form_valid(form)

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        """A locked sign-in answers 429 Too Many Requests with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3): the
        seconds until the lock ends, the form and its message still shown."""
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
            response["Retry-After"] = str(getattr(self.request, "coso_locked_seconds", 1))
        return response


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return str(reverse_lazy("core:home"))


def otp_verify(request: HttpRequest) -> HttpResponse:
    user = twofactor.pending_user(request)
    if user is None:
        messages.info(request, _("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại."))
        return redirect("accounts:login")
    if not services.otp_enabled(user):
        return redirect("accounts:otp_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            target = _safe_next(request, twofactor.next_url(request))
            twofactor.complete(request, user, device)
            if device.__class__.__name__ == "StaticDevice":
                left = device.token_set.count()
                messages.warning(request, _("Bạn vừa dùng một mã khôi phục; còn %(n)s mã.") % {"n": left})
            return redirect(target)
        audit_log(actor=None, action=AuditLog.Action.LOGIN_FAILED, obj=user, object_repr=user.username, verb="otp_failed", ip=_ip(request) or None)
        if twofactor.count_failure(request):
            messages.error(request, _("Nhập sai mã quá nhiều lần; vui lòng đăng nhập lại."))
            return redirect("accounts:login")
        form.add_error("token", _("Mã xác thực không đúng hoặc đã được dùng. Đợi mã mới rồi thử lại."))
    return render(request, "accounts/otp_verify.html", {"form": form, "pending": user})


def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: during sign-in (an administrator without one) or from the security page."""
    pending = None if request.user.is_authenticated else twofactor.pending_user(request)
    user: Any = request.user if request.user.is_authenticated else pending
    if user is None:
        return redirect("accounts:login")
    if not services.otp_allowed_for(user):
        raise Http404
    if services.otp_enabled(user):
        return redirect("accounts:security" if pending is None else "accounts:otp_verify")
    device = services.totp_begin(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_confirm(user=user, token=form.cleaned_data["token"], ip=_ip(request))
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            device.refresh_from_db()
            target = _safe_next(request, twofactor.next_url(request)) if pending is not None else str(reverse_lazy("accounts:security"))
            if pending is not None:
                twofactor.complete(request, pending, device)
            else:
                from django_otp import login as otp_login

                otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target})
    return render(request, "accounts/otp_enrol.html", {
        "form": form, "qr": services.totp_qr_data_uri(device), "secret": services.totp_secret(device), "pending": pending,
        "required": services.otp_required_for(user),
    })


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not services.otp_allowed_for(user):
        raise Http404
    form = TokenForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        try:
            if action == "codes":
                codes = services.recovery_codes_regenerate(user=user, token=form.cleaned_data["token"])
                return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": str(reverse_lazy("accounts:security"))})
            if action == "disable":
                services.otp_disable(user=user, token=form.cleaned_data["token"])
                messages.success(request, _("Đã tắt xác thực hai bước."))
                return redirect("accounts:security")
        except ApplicationError as exc:
            _apply_error(form, exc)
    static_left = None
    if services.otp_enabled(user):
        from django_otp.plugins.otp_static.models import StaticToken

        static_left = StaticToken.objects.filter(device__user=user).count()
    return render(request, "accounts/security.html", {
        "form": form, "enabled": services.otp_enabled(user), "required": services.otp_required_for(user), "codes_left": static_left,
    })


# ------------------------------------------------------------------ my account
@login_required
def me(request: HttpRequest) -> HttpResponse:
    """“Tài khoản của tôi”: the signed-in person's own account, and the fields they change themself."""
    from coso.core.masking import mask_citizen_id

    user: Any = request.user
    allowed = services.profile_fields(user)
    form = ProfileForm(request.POST or None, user=user, initial={f: getattr(user, f) for f in allowed})
    if request.method == "POST" and form.is_valid():
        old_username = user.username
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "current_password"}
            services.profile_update(user=user, data=data, current_password=form.cleaned_data["current_password"], ip=_ip(request))
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            if user.username != old_username:
                messages.success(request, _("Đã lưu thông tin tài khoản. Từ nay bạn đăng nhập bằng %(username)s.") % {"username": user.username})
            else:
                messages.success(request, _("Đã lưu thông tin tài khoản."))
            return redirect("accounts:me")
    return render(request, "accounts/me.html", {
        "form": form, "account": user, "citizen_id": mask_citizen_id(user.citizen_id, None), "is_citizen": "full_name" in allowed,
        "otp_allowed": services.otp_allowed_for(user), "otp_enabled": services.otp_enabled(user),
        "sessions": sessions_of(user=user, current_session_key=request.session.session_key or ""),
    })


@login_required
@require_POST
def me_sessions_end_others(request: HttpRequest) -> HttpResponse:
    """"Đăng xuất khỏi các thiết bị khác": this session stays, every other session of the account ends."""
    from django.contrib.auth import update_session_auth_hash

    user: Any = request.user
    services.sessions_end_others(user=user, ip=_ip(request))
    update_session_auth_hash(request, user)
    messages.success(request, _("Đã đăng xuất tài khoản khỏi mọi thiết bị khác. Phiên này vẫn đăng nhập."))
    return redirect("accounts:me")


@login_required
@require_POST
def me_session_end(request: HttpRequest, sid: str) -> HttpResponse:
    """"Đăng xuất thiết bị này": one other session of the account ends at once; this one stays."""
    user: Any = request.user
    try:
        ended = services.session_end(user=user, session_id=sid, current_session_key=request.session.session_key or "", ip=_ip(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        device = " · ".join(p for p in (ended["browser"], ended["system"]) if p) or _("thiết bị không rõ")
        messages.success(request, _("Đã đăng xuất tài khoản trên %(device)s.") % {"device": device})
    return redirect("accounts:me")


@login_required
def me_password(request: HttpRequest) -> HttpResponse:
    """Change one's own password while signed in: this session stays, the account's other sessions end."""
    from django.contrib.auth import update_session_auth_hash

    user: Any = request.user
    form = MyPasswordForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=user, old=form.cleaned_data["old_password"], new=form.cleaned_data["new_password1"], ip=_ip(request))
        except ApplicationError as exc:
            new_password_errors = (exc.details.get("fields") or {}).get("new_password") or []
            for message in new_password_errors:  # the validators' messages, under the first new-password box
                form.add_error("new_password1", message)
            if not new_password_errors:
                _apply_error(form, exc)
            if exc.status == 429:
                status, retry_after = 429, exc.details.get("retry_after")
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."))
            return redirect("accounts:me")
    response = render(request, "accounts/me_password.html", {"form": form, "has_password": user.has_usable_password()}, status=status)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


# ------------------------------------------------------------------ passwords
class PasswordSetForm(SetPasswordForm):
    new_password1 = forms.CharField(label=gettext_lazy("Mật khẩu mới"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=gettext_lazy("Nhập lại mật khẩu mới"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    error_messages = {"password_mismatch": gettext_lazy("Hai mật khẩu không khớp.")}


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link sent at account creation or reset (Django's token generator)."""

    form_class = PasswordSetForm
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_set_done")

    def get_user(self, uidb64):  # type: ignore[no-untyped-def]
        # A link sent before the account was deactivated dies with it: Django's token does not cover the active flag, and
        # a password set meanwhile would be the one a later reactivation lets in.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.password_set_done(user=form.user, ip=_ip(self.request))
        return response


def password_set_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_set_done.html")


def forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(identifier=form.cleaned_data["identifier"], ip=_ip(request))
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Nếu thông tin khớp với một tài khoản, liên kết đặt lại mật khẩu đã được gửi qua thư điện tử hoặc tin nhắn."))
            return redirect("accounts:login")
    return render(request, "accounts/forgot.html", {"form": form})


# ------------------------------------------------------------------ citizens' registration
SIGNUP_KEY = "coso_signup_contact"


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignupStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.signup_send_code(contact=form.cleaned_data["contact"], ip=_ip(request))
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            request.session[SIGNUP_KEY] = record.destination
            return redirect("accounts:signup_verify")
    return render(request, "accounts/signup.html", {"form": form})


def signup_verify(request: HttpRequest) -> HttpResponse:
    contact = request.session.get(SIGNUP_KEY)
    if not contact:
        return redirect("accounts:signup")
    form = SignupFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.signup_complete(contact=contact, code=form.cleaned_data["code"], full_name=form.cleaned_data["full_name"],
                                            password=form.cleaned_data["password1"], ip=_ip(request))
        except ApplicationError as exc:
            if "password" in (exc.details.get("fields") or {}):
                for m in exc.details["fields"]["password"]:
                    form.add_error("password1", m)
            else:
                _apply_error(form, exc)
        else:
            request.session.pop(SIGNUP_KEY, None)
            from django.contrib.auth import login

            login(request, user, backend="coso.accounts.backends.LockoutModelBackend")
            messages.success(request, _("Đăng ký thành công. Tên đăng nhập của bạn là %(u)s.") % {"u": user.username})
            return redirect("core:home")
    return render(request, "accounts/signup_verify.html", {"form": form, "contact": contact})


# ------------------------------------------------------------------ staff accounts (administrators)
def _manager_only(request: HttpRequest) -> None:
    if not services.can_manage_accounts(request.user):
        raise Http404


def _handover(request: HttpRequest, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Links that no channel could deliver: shown once to the administrator to hand over."""
    return [{"username": r["user"].username, "full_name": r["user"].full_name, "link": r["link"]} for r in results if r.get("link")]


@login_required
def staff_list_view(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    form = StaffFilterForm(request.GET or None, actor=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = staff_list(fetched_by=request.user, q=filters.get("q", ""), role=filters.get("role", ""), unit=filters.get("unit", ""),
                    status=filters.get("status", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/staff_list.html", {"page": page, "form": form})


@login_required
def staff_create_view(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    form = StaffForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, sent = services.staff_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            if sent["link"]:
                return render(request, "accounts/handover.html", {"rows": _handover(request, [{"user": user, **sent}])})
            messages.success(request, _("Đã tạo tài khoản %(u)s; liên kết đặt mật khẩu đã gửi qua %(c)s.") % {
                "u": user.username, "c": ", ".join(sent["channels"])})
            return redirect("accounts:staff_detail", pk=user.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "target": None})


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_only(request)
    target = staff_get(fetched_by=request.user, pk=pk)
    from coso.core.selectors import audit_list

    history = audit_list(fetched_by=request.user, object_type="accounts.User").filter(object_id=str(target.pk))[:30]
    return render(request, "accounts/staff_detail.html", {
        "target": target, "otp_enabled": services.otp_enabled(target), "otp_required": services.otp_required_for(target),
        "deactivate_form": DeactivateForm(), "otp_form": OtpResetForm(), "history": history,
        # a peer or higher administrator's account (or their own, as a province administrator) is shown, not managed
        "manageable": services.outranks(request.user, target),
    })


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_only(request)
    target = staff_get(fetched_by=request.user, pk=pk)
    try:
        services.require_outranks(request.user, target)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:staff_detail", pk=target.pk)
    initial = {"full_name": target.full_name, "role": target.role, "unit": target.unit.code if target.unit else "", "email": target.email,
               "phone": target.phone, "citizen_id": target.citizen_id}
    form = StaffForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=request.user, user=target, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Đã lưu tài khoản %(u)s.") % {"u": target.username})
            return redirect("accounts:staff_detail", pk=target.pk)
    return render(request, "accounts/staff_form.html", {"form": form, "target": target})


def _staff_action(request: HttpRequest, pk: int, action: Any, done: str, form_class: Any = None) -> HttpResponse:
    _manager_only(request)
    target = staff_get(fetched_by=request.user, pk=pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("accounts:staff_detail", pk=target.pk)
    try:
        result = action(actor=request.user, user=target, **(form.cleaned_data if form is not None else {}))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if isinstance(result, dict) and result.get("link"):
            return render(request, "accounts/handover.html", {"rows": _handover(request, [{"user": target, **result}])})
        messages.success(request, done % {"u": target.username})
    return redirect("accounts:staff_detail", pk=target.pk)


@login_required
@require_POST
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.staff_deactivate, _("Đã khoá tài khoản %(u)s."), DeactivateForm)


@login_required
@require_POST
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.staff_reactivate, _("Đã mở khoá tài khoản %(u)s."), DeactivateForm)


@login_required
@require_POST
def staff_password(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.password_reset_send, _("Đã gửi liên kết đặt lại mật khẩu cho %(u)s."))


@login_required
@require_POST
def staff_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_action(request, pk, services.otp_reset, _("Đã đặt lại xác thực hai bước của %(u)s."), OtpResetForm)


@login_required
def staff_import_view(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            results = services.staff_import(actor=request.user, data=form.cleaned_data["file"].read())
        except ApplicationError as exc:
            error = exc
        else:
            return render(request, "accounts/handover.html", {"rows": _handover(request, results), "created": results})
    return render(request, "accounts/staff_import.html", {"form": form, "error": error})


@login_required
def staff_import_template(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    response = HttpResponse(services.import_template_bytes(request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-tai-khoan-can-bo.xlsx"'
    return response


@login_required
def staff_from_register(request: HttpRequest) -> HttpResponse:
    from coso.workforce.selectors import people_for_accounts

    _manager_only(request)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = RegisterPickForm(data, actor=request.user)
    people: list[Any] = []
    if form.is_bound and form.is_valid():
        commune = form.cleaned_data["commune"]
        people = list(people_for_accounts(fetched_by=request.user, commune_code=commune)[:500])
        for p in people:
            p.suggested_role = Role(services.suggest_role(p.position_code)).label
        if request.method == "POST":
            try:
                results = services.staff_bulk_from_register(actor=request.user, commune_code=commune, person_ids=request.POST.getlist("person"),
                                                            role=form.cleaned_data.get("role", ""))
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            except ValueError:
                form.add_error(None, _("Lựa chọn không hợp lệ."))
            else:
                return render(request, "accounts/handover.html", {"rows": _handover(request, results), "created": results})
    return render(request, "accounts/staff_from_register.html", {"form": form, "people": people})


# ------------------------------------------------------------------ delegation of authority
def _staff_only(request: HttpRequest) -> None:
    user: Any = request.user
    if not (user.is_superuser or user.role in STAFF_ROLES):
        raise Http404


@login_required
def delegation_list_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    state = request.GET.get("state", "")
    page = Paginator(delegation_list(fetched_by=request.user, state=state), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    user: Any = request.user
    for d in page:
        d.can_end = (d.delegator_id == user.pk or user.is_system_admin) and d.revoked_on is None and d.ends_on >= today  # type: ignore[attr-defined]
        d.is_current = d.in_force(today)  # type: ignore[attr-defined]
    return render(request, "accounts/delegations.html", {
        "page": page, "state": state, "can_delegate": services.can_delegate(request.user), "end_form": DelegationEndForm(),
    })


@login_required
def delegation_create_view(request: HttpRequest) -> HttpResponse:
    if not services.can_delegate(request.user):
        raise Http404
    today = timezone.localdate()
    form = DelegationForm(request.POST or None, actor=request.user,
                          initial={"starts_on": today, "ends_on": today + dt.timedelta(days=6), "kind": "kt"})
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Đã ủy quyền cho %(n)s.") % {"n": form.cleaned_data["delegate"].display_name})
            return redirect("accounts:delegations")
    return render(request, "accounts/delegation_form.html", {"form": form})


@login_required
@require_POST
def delegation_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    delegation = delegation_get(fetched_by=request.user, pk=pk)
    form = DelegationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["reason"][0]))  # the reason missing, or longer than the limit (which it names)
    else:
        try:
            services.delegation_end(actor=request.user, delegation=delegation, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã chấm dứt ủy quyền cho %(n)s.") % {"n": delegation.delegate.display_name})
    return redirect("accounts:delegations")


# ---------------------------------------------------------------- one-time unlock link
class UnlockRequestForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))


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
    # the public address, as the password links: a Host header (any name ALLOWED_HOSTS lets through, e.g. a wildcard
    # behind a proxy) never chooses where the link sent to the account's phone and e-mail points
    link = absolute(reverse("accounts:unlock_confirm", args=[token]), request)
    text = _("Coso: mở khoá đăng nhập tài khoản %(username)s (dùng một lần, trong 60 phút): %(link)s — Nếu không phải bạn yêu cầu, hãy bỏ qua tin này.") % {
        "username": user.username, "link": link}
    used = notify(text=text, subject=_("Mở khoá đăng nhập Coso"), email=user.email, phone=user.phone)
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
