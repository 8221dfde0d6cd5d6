"""Forms of the planning pages (services check the rules; the forms check the shape of the input)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coso.core.params import validate_day
from coso.planning.models import PostgradRequest

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PostgradForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Cán bộ, công chức"), coerce=int)
    level = forms.ChoiceField(label=_("Trình độ"), choices=PostgradRequest.Level.choices)
    field = forms.ChoiceField(label=_("Chuyên ngành"))
    field_note = forms.CharField(label=_("Giải trình chuyên ngành phù hợp vị trí việc làm (khi vị trí không quy định chuyên ngành)"), required=False,
                                 max_length=500)
    institution = forms.CharField(label=_("Cơ sở đào tạo"), max_length=200)
    starts_on = forms.DateField(label=_("Ngày bắt đầu khóa học (dd/mm/yyyy)"), input_formats=DATE_FORMATS)
    ends_on = forms.DateField(label=_("Ngày kết thúc khóa học (dd/mm/yyyy)"), input_formats=DATE_FORMATS)
    cost = forms.IntegerField(label=_("Kinh phí dự kiến (đồng)"), min_value=0, max_value=10**13)

    def __init__(self, *args, people=(), fields=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p["id"], f"{p['full_name']} – {p.get('position_name') or '—'}") for p in people]
        self.fields["field"].choices = list(fields)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Quyết định"), coerce=lambda v: v == "1", choices=[("1", _("Cử đi học")), ("0", _("Không cử đi học"))])
    decision = forms.CharField(label=_("Số, ngày quyết định"), max_length=120)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RepaymentForm(forms.Form):
    case = forms.ChoiceField(label=_("Trường hợp"), choices=PostgradRequest.RepayCase.choices)
    exemption = forms.ChoiceField(label=_("Trường hợp không phải đền bù"), choices=PostgradRequest.Exemption.choices, required=False)
    actual_cost = forms.IntegerField(label=_("Chi phí thực tế F (đồng)"), min_value=0, max_value=10**13)
    months_served = forms.IntegerField(label=_("Thời gian đã phục vụ T2 (tháng)"), min_value=0, max_value=1200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class LeavingForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Cán bộ, công chức"), coerce=int)
    salary = forms.IntegerField(label=_("Tiền lương tháng hiện hưởng (đồng)"), min_value=1, max_value=10**10)
    si_months = forms.IntegerField(label=_("Thời gian đóng bảo hiểm xã hội bắt buộc (tháng)"), min_value=0, max_value=600)
    leave_on = forms.DateField(label=_("Ngày nghỉ (dd/mm/yyyy)"), input_formats=DATE_FORMATS)
    decision_on = forms.DateField(label=_("Ngày quyết định sắp xếp tổ chức bộ máy (dd/mm/yyyy)"), input_formats=DATE_FORMATS, required=False)

    def __init__(self, *args, people=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p["id"], f"{p['full_name']} – {p.get('position_name') or '—'}") for p in people]


class SurplusForm(forms.Form):
    commune = forms.ChoiceField(label=_("Xã, phường"))
    on = forms.DateField(label=_("Ngày nghỉ dự kiến (dd/mm/yyyy)"), input_formats=DATE_FORMATS, validators=[validate_day])
    salary = forms.IntegerField(label=_("Tiền lương tháng giả định (đồng)"), min_value=1, max_value=10**10, required=False)

    def __init__(self, *args, communes=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, c.name) for c in communes]
