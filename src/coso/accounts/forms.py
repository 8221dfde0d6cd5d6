from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coso.accounts.models import Delegation
from coso.accounts.roles import Role
from coso.accounts.services import grantable_roles, manageable_units, profile_fields


class UnitChoiceField(forms.ChoiceField):
    """A unit chosen by code among those the administrator manages (no queryset: the list is the scope)."""

    def __init__(self, *, actor: Any, **kwargs: Any):
        self.units = {u.code: u for u in manageable_units(actor)}
        choices = [("", _("— Không gắn đơn vị (quản trị hệ thống) —"))] + [(code, u.name) for code, u in self.units.items()]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value: Any) -> Any:
        code = super().clean(value)
        return self.units.get(code) if code else None


class StaffForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               help_text=_("Chữ thường không dấu, số, dấu chấm; ví dụ: an.nv"))
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    role = forms.ChoiceField(label=_("Vai trò"))
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False,
                            help_text=_("Liên kết đặt mật khẩu được gửi qua thư điện tử và/hoặc tin nhắn."))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=12, required=False)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", "—")] + [(r, Role(r).label) for r in grantable_roles(actor)]
        self.fields["unit"] = UnitChoiceField(actor=actor, label=_("Đơn vị"), required=False)
        if editing:
            del self.fields["username"]


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OtpResetForm(forms.Form):
    reason = forms.CharField(label=_("Lý do đặt lại"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False)
    unit = forms.CharField(label=_("Mã đơn vị"), required=False, max_length=8)
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả")), ("active", _("Đang hoạt động")), ("inactive", _("Đã khoá"))])

    def __init__(self, *args: Any, actor: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("Tất cả"))] + [(r, Role(r).label) for r in grantable_roles(actor)]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class RegisterPickForm(forms.Form):
    commune = forms.ChoiceField(label=_("Xã, phường"))
    role = forms.ChoiceField(label=_("Vai trò"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["commune"]).choices = [(u.code, u.name) for u in manageable_units(actor) if u.level == "commune"]
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("Theo chức danh trong hồ sơ"))] + [
            (r, Role(r).label) for r in grantable_roles(actor) if r not in (Role.SYSTEM_ADMIN, Role.PROVINCE_ADMIN,
                                                                           Role.PROVINCE_FINANCE, Role.PROVINCE_HOME_AFFAIRS)]


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Mã xác thực"), max_length=16,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
                            help_text=_("6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục."))


# A box where a user name, phone or e-mail is typed: phones neither capitalise nor "correct" it.
NAME_BOX = {"autocapitalize": "none", "spellcheck": "false"}


class SignupStartForm(forms.Form):
    contact = forms.CharField(label=_("Số điện thoại hoặc thư điện tử"), max_length=254,
                              widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, **NAME_BOX}))


class SignupFinishForm(forms.Form):
    code = forms.CharField(label=_("Mã xác minh"), max_length=10, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


class ForgotForm(forms.Form):
    identifier = forms.CharField(label=_("Tên đăng nhập, thư điện tử hoặc số điện thoại"), max_length=254,
                                 widget=forms.TextInput(attrs={"autocomplete": "username", **NAME_BOX}))


class DelegationForm(forms.Form):
    delegate: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Người được ủy quyền"), queryset=None)  # type: ignore[type-arg,arg-type]
    kind = forms.ChoiceField(label=_("Hình thức"))
    actions = forms.MultipleChoiceField(label=_("Việc được ủy quyền"), widget=forms.CheckboxSelectMultiple)
    procedure_codes = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=2000,
                                      help_text=_("Cách nhau bằng dấu phẩy; để trống là mọi thủ tục."))
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    delegator_title = forms.CharField(label=_("Chức vụ của bạn"), max_length=100, initial="Chủ tịch")
    delegate_title = forms.CharField(label=_("Chức vụ người được ủy quyền"), max_length=100, required=False,
                                     help_text=_("Ví dụ: Phó Chủ tịch (KT.), Chánh Văn phòng (TUQ.)."))
    decision_number = forms.CharField(label=_("Số văn bản ủy quyền"), max_length=100, required=False,
                                      help_text=_("Bắt buộc với thừa ủy quyền (TUQ.)."))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=Delegation.NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("Ghi chú tối đa %(limit_value)s ký tự.")})

    def __init__(self, *args: Any, actor: Any, **kwargs: Any):
        from coso.accounts.selectors import delegate_choices

        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["delegate"]).queryset = delegate_choices(fetched_by=actor)
        cast(forms.ChoiceField, self.fields["kind"]).choices = Delegation.Kind.choices
        cast(forms.ChoiceField, self.fields["actions"]).choices = Delegation.Action.choices

    def clean_procedure_codes(self) -> list[str]:
        raw = self.cleaned_data.get("procedure_codes") or ""
        return [c.strip() for c in raw.replace(";", ",").replace("\n", ",").split(",") if c.strip()]


class DelegationEndForm(forms.Form):
    reason = forms.CharField(label=_("Lý do chấm dứt"), max_length=Delegation.REVOKE_REASON_MAX_LENGTH,
                             error_messages={"required": _("Ghi lý do chấm dứt."), "max_length": _("Lý do chấm dứt tối đa %(limit_value)s ký tự.")})


class ProfileForm(forms.Form):
    """My account: the fields the person changes themself (``services.profile_fields``); the others are only shown."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                            help_text=_("Liên kết đặt lại mật khẩu và thông báo được gửi tới đây."))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
                            help_text=_("10 chữ số, bắt đầu bằng 0."))
    current_password = forms.CharField(label=_("Mật khẩu hiện tại"), required=False, strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                                       help_text=_("Cần khi đổi thư điện tử hoặc số điện thoại."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        allowed = profile_fields(user)
        for name in list(self.fields):
            if name not in allowed and name != "current_password":
                del self.fields[name]


class MyPasswordForm(forms.Form):
    """Change one's own password while signed in (Django's PasswordChangeForm: the current one, the new one twice); the
    current password and the validators are checked by ``services.password_change``."""

    old_password = forms.CharField(label=_("Mật khẩu hiện tại"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password1 = forms.CharField(label=_("Mật khẩu mới"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password2") and data["new_password1"] != data["new_password2"]:
            self.add_error("new_password2", _("Hai mật khẩu không khớp."))
        return data
