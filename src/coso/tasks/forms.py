from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coso.tasks import errors, periods
from coso.tasks import status as st
from coso.tasks.models import Directive, TaskReport

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Renders a multiple file input; the service checks the files (read from request.FILES)."""

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        return None


class DirectiveForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=80, help_text=_("Ví dụ: 125/UBND-VP"))
    issued_on = _date(_("Ngày ban hành"))
    received_on = _date(_("Ngày đến"), required=False)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    level = forms.ChoiceField(label=_("Cấp ban hành"), choices=Directive.Level.choices)
    summary = forms.CharField(label=_("Trích yếu"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "lang": "vi"}))
    file = forms.FileField(
        label=_("Tệp văn bản"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.odt,image/*"}),
        help_text=_("PDF, Word hoặc ảnh chụp; kiểm tra loại tệp theo nội dung."),
    )


class AssignForm(forms.Form):
    title = forms.CharField(label=_("Nội dung nhiệm vụ"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "lang": "vi"}))
    all_communes = forms.BooleanField(label=_("Giao cho tất cả xã, phường của tỉnh"), required=False)
    communes = forms.MultipleChoiceField(
        label=_("Xã, phường thực hiện (mỗi xã một nhiệm vụ)"), choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )
    lead_unit = forms.CharField(label=_("Đơn vị chủ trì"), max_length=200, required=False, help_text=_("Để trống: UBND xã, phường nhận nhiệm vụ."))
    coordinating_units = forms.CharField(label=_("Đơn vị phối hợp"), max_length=500, required=False)
    assigned_on = _date(_("Ngày giao"))
    due_on = _date(_("Thời hạn hoàn thành"))
    expected_product = forms.CharField(label=_("Sản phẩm dự kiến"), max_length=500, required=False)
    assignee = forms.ChoiceField(label=_("Cán bộ chủ trì"), required=False, help_text=_("Để trống: nhắc hạn gửi lãnh đạo xã."))

    def __init__(self, *args: Any, communes: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["communes"]
        field.choices = [(u.code, u.name) for u in communes]
        if not self.is_bound:
            self.initial.setdefault("assigned_on", timezone.localdate())
        if len(field.choices) <= 1:  # a commune assigns to itself only
            del self.fields["all_communes"]
        if len(field.choices) == 1:  # one commune: its officer in charge can be named now
            _assignee_choices(self.fields["assignee"], field.choices[0][0])
        else:
            del self.fields["assignee"]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("all_communes"):
            field: Any = self.fields["communes"]
            data["communes"] = [code for code, _name in field.choices]
        if not data.get("communes") and "communes" not in self.errors:
            self.add_error("communes", _("Chọn ít nhất một xã, phường nhận nhiệm vụ."))
        return data


def _assignee_choices(field: Any, commune_code: str) -> None:
    from coso.tasks.services import assignee_choices

    field.choices = [("", _("— Lãnh đạo xã (chưa giao cán bộ chủ trì)"))] + [
        (str(u.pk), f"{u.display_name} · {u.get_role_display()}") for u in assignee_choices(commune_code)
    ]
    field.error_messages["invalid_choice"] = errors.BAD_ASSIGNEE.message


class AssigneeForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Cán bộ chủ trì"), required=False, help_text=_("Để trống: nhắc hạn gửi lãnh đạo xã."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, commune_code: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _assignee_choices(self.fields["assignee"], commune_code)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=TaskReport.Kind.choices)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, required=False, help_text=_("Báo cáo kết quả: tự ghi 100 %."))
    content = forms.CharField(label=_("Nội dung báo cáo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, "lang": "vi"}))
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.odt,.ods"}),
        help_text=_("Tối đa 5 tệp: ảnh, PDF, Word, Excel."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExtensionForm(forms.Form):
    new_due = _date(_("Thời hạn đề nghị"))
    reason = forms.CharField(label=_("Lý do đề nghị gia hạn"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "lang": "vi"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"), choices=[("approve", _("Đồng ý gia hạn")), ("refuse", _("Không đồng ý"))])
    reason = forms.CharField(
        label=_("Ý kiến, lý do (bắt buộc khi không đồng ý)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2, "lang": "vi"})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do dừng, hủy"), max_length=500)


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *st.LABELS.items()])
    q = forms.CharField(label=_("Tìm theo nội dung, số văn bản"), required=False, max_length=100)
    pending = forms.BooleanField(label=_("Có đề nghị gia hạn chờ quyết định"), required=False)


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=list(periods.KINDS.items()))
    year = forms.IntegerField(label=_("Năm"), min_value=periods.FIRST_YEAR, max_value=periods.LAST_YEAR)
    number = forms.IntegerField(label=_("Số kỳ (tháng 1–12, quý 1–4, 6 tháng 1–2)"), min_value=1, max_value=12, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The API answers the same bounds (coso.tasks.periods.FIRST_YEAR, LAST_YEAR); one message for both ends.
        message = _("Năm báo cáo phải từ %(first)s đến %(last)s.") % {"first": periods.FIRST_YEAR, "last": periods.LAST_YEAR}
        self.fields["year"].error_messages.update(min_value=message, max_value=message)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        kind, number = data.get("kind"), data.get("number") or 1
        if kind and not 1 <= number <= periods.MAX_NUMBER[kind]:
            self.add_error("number", _("Số kỳ không hợp lệ với loại kỳ đã chọn."))
        data["number"] = number
        return data
