from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coso.workcalendar.models import CalendarOverride


class OverrideForm(forms.Form):
    date = forms.DateField(
        label=_("Ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Hãy chọn ngày."), "invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )
    kind = forms.ChoiceField(
        label=_("Loại điều chỉnh"),
        choices=CalendarOverride.Kind.choices,
        error_messages={"required": _("Hãy chọn loại điều chỉnh."), "invalid_choice": _("Loại điều chỉnh không hợp lệ.")},
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=300,
        help_text=_("Ví dụ: Nghỉ Tết Dương lịch theo Thông báo số …"),
        error_messages={"required": _("Hãy nhập lý do."), "max_length": _("Lý do dài quá 300 ký tự.")},
    )
    source = forms.CharField(
        label=_("Căn cứ (văn bản, đường dẫn)"),
        max_length=500,
        required=False,
        error_messages={"max_length": _("Căn cứ dài quá 500 ký tự.")},
    )


class MonthForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2015, max_value=2040)
    month = forms.IntegerField(label=_("Tháng"), min_value=1, max_value=12)
