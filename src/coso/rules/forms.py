from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coso.core.params import validate_day
from coso.rules.registry import MAX_TEXT_LENGTH, RuleKey, ValueType

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateForm(forms.Form):
    on = forms.DateField(label=_("Xem quy định áp dụng ngày"), required=False, widget=DATE_WIDGET, validators=[validate_day],
                         error_messages={"invalid": _("Ngày không hợp lệ.")})
    province = forms.CharField(label=_("Mã tỉnh"), required=False, max_length=8)
    commune = forms.CharField(label=_("Mã xã"), required=False, max_length=8)


class DiffForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET, validators=[validate_day],
                                error_messages={"required": _("Hãy chọn ngày."), "invalid": _("Ngày không hợp lệ.")})
    date_to = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET, validators=[validate_day],
                              error_messages={"required": _("Hãy chọn ngày."), "invalid": _("Ngày không hợp lệ.")})
    province = forms.CharField(label=_("Mã tỉnh"), required=False, max_length=8)


class RuleChangeForm(forms.Form):
    """A new value of one rule for the user's unit from a date."""

    value = forms.CharField(label=_("Giá trị mới"), max_length=20000)
    valid_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=DATE_WIDGET, validators=[validate_day],
                                 error_messages={"required": _("Hãy chọn ngày bắt đầu áp dụng."), "invalid": _("Ngày không hợp lệ.")})
    valid_to = forms.DateField(label=_("Áp dụng đến hết ngày trước ngày (không bắt buộc)"), required=False, widget=DATE_WIDGET, validators=[validate_day],
                               help_text=_("Để trống nếu áp dụng cho đến khi có quy định khác."), error_messages={"invalid": _("Ngày không hợp lệ.")})
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Hãy ghi lý do thay đổi.")})
    source_document = forms.CharField(label=_("Văn bản căn cứ"), max_length=300, required=False,
                                      help_text=_("Ví dụ: Nghị quyết số 12/2026/NQ-HĐND của HĐND tỉnh."))
    source_article = forms.CharField(label=_("Điều, khoản"), max_length=300, required=False)
    source_url = forms.URLField(label=_("Đường dẫn văn bản"), max_length=500, required=False, assume_scheme="https", error_messages={"invalid": _("Đường dẫn không hợp lệ.")})

    def __init__(self, *args: Any, declaration: RuleKey, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        t = declaration.type
        field = self.fields["value"]
        field.help_text = declaration.unit_label if declaration.unit else ""
        if t == ValueType.TABLE:
            field.widget = forms.Textarea(attrs={"rows": 10, "spellcheck": "false"})
            field.help_text = _("Bảng giá trị dạng JSON; sửa trên nội dung hiện hành.")
        elif t == ValueType.BOOLEAN:
            self.fields["value"] = forms.ChoiceField(label=field.label, choices=[("true", _("Có")), ("false", _("Không"))])
        elif t == ValueType.CHOICE:
            self.fields["value"] = forms.ChoiceField(label=field.label, choices=[(c, lbl) for c, lbl in declaration.choices])
        elif t == ValueType.TIME:
            field.widget = forms.TimeInput(attrs={"type": "time"})
        elif t == ValueType.DATE:
            field.widget = DATE_WIDGET
        elif t == ValueType.TEXT:  # words or codes: the ordinary keyboard, not the numeric one
            field.widget = forms.TextInput(attrs={"maxlength": MAX_TEXT_LENGTH, "spellcheck": "false", "autocapitalize": "none"})
        else:
            field.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def clean_value(self) -> Any:
        raw = self.cleaned_data["value"]
        t = self.declaration.type
        if t == ValueType.TABLE:
            try:
                return json.loads(raw)
            except (ValueError, RecursionError):  # also a number of more than 4,300 digits, and nesting deeper than Python recurses
                raise forms.ValidationError(_("Bảng giá trị không phải JSON hợp lệ.")) from None
        if t == ValueType.BOOLEAN:
            return raw == "true"
        text = raw.strip().replace(" ", "").replace("\u00a0", "")
        if t in (ValueType.INTEGER, ValueType.MONEY):
            return text.replace(".", "")  # 2.530.000 (Vietnamese thousands) → 2530000
        if t in (ValueType.DECIMAL, ValueType.PERCENT):
            return text.replace(".", "").replace(",", ".") if "," in text else text  # 4,5 → 4.5; 1.234,5 → 1234.5
        return raw.strip()

    def initial_text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, indent=2)
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
