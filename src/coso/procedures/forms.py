from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coso.core.params import INT_MAX, validate_day

from .models import ProcedureVersion
from .services import CONFIDENCE_VALUES, documents_to_text, parse_documents, parse_steps, steps_to_text


class ProcedureFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: khai sinh"), "autocomplete": "off"}))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    online = forms.ChoiceField(label=_("Nộp trực tuyến"), required=False,
                               choices=[("", _("Tất cả"))] + [(k, v) for k, v in ProcedureVersion.Online.choices])

    def __init__(self, *args: Any, fields: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["field"]).choices = [("", _("Tất cả lĩnh vực"))] + [(f, f) for f in (fields or [])]


class CatalogueImportForm(forms.Form):
    FORMATS = (("coso", _("Danh mục Coso (.xlsx hoặc .json xuất ra ở trên)")),
               ("portal", _("Dữ liệu Cổng DVC quốc gia (.json hoặc .jsonl: mã, tên, cấp, lĩnh vực, thời hạn theo hình thức nộp, phí, hồ sơ, căn cứ pháp lý, quyết định công bố)")))
    source_format = forms.ChoiceField(label=_("Định dạng tệp"), choices=FORMATS, initial="coso", widget=forms.RadioSelect,
                                      required=False)
    file = forms.FileField(label=_("Tệp danh mục"), help_text=_("Tối đa 5 MB."))
    commune_only = forms.BooleanField(
        label=_("Chỉ nhập thủ tục cấp xã"), required=False, initial=True,
        help_text=_("Dữ liệu Cổng: bỏ qua bản ghi không có cấp Xã/Phường và thủ tục riêng của một tỉnh."),
    )
    effective_from = forms.DateField(label=_("Áp dụng thay đổi từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[validate_day],
                                     help_text=_("Thời hạn, phí, hồ sơ hoặc các bước thay đổi sẽ thành phiên bản mới từ ngày này (dd/mm/yyyy); hồ sơ đã nhận giữ phiên bản cũ."),
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Lý do, căn cứ thay đổi"), required=False, max_length=500)

    def clean_file(self):  # type: ignore[no-untyped-def]
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        if not f.name.lower().endswith((".xlsx", ".json", ".jsonl")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx, .json hoặc .jsonl."))
        return f

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        f, fmt = data.get("file"), data.get("source_format") or "coso"
        data["source_format"] = fmt
        if f is not None and fmt == "portal" and not f.name.lower().endswith((".json", ".jsonl")):
            self.add_error("file", _("Dữ liệu Cổng DVC quốc gia phải là tệp .json hoặc .jsonl."))
        if f is not None and fmt == "coso" and f.name.lower().endswith(".jsonl"):
            self.add_error("file", _("Danh mục Coso là tệp .xlsx hoặc .json."))
        return data


class VersionForm(forms.Form):
    """A new version of a procedure's rules, from a date."""

    valid_from = forms.DateField(label=_("Hiệu lực từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[validate_day],
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    province_code = forms.ChoiceField(label=_("Phạm vi"), required=False)
    time_limit = forms.DecimalField(label=_("Thời hạn giải quyết"), min_value=0, max_digits=6, decimal_places=1)
    time_unit = forms.ChoiceField(label=_("Đơn vị thời hạn"), choices=ProcedureVersion.TimeUnit.choices)
    cutoff_time = forms.TimeField(label=_("Giờ giới hạn tiếp nhận"), required=False, input_formats=["%H:%M"],
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                  help_text=_("Ví dụ 15:00: nhận sau giờ này tính từ ngày làm việc tiếp theo."))
    time_limit_note = forms.CharField(label=_("Ghi chú thời hạn"), required=False, max_length=500)
    fee = forms.IntegerField(label=_("Phí, lệ phí (đồng)"), min_value=0, max_value=2_000_000_000)
    fee_note = forms.CharField(label=_("Ghi chú phí"), required=False, max_length=500)
    required_documents = forms.CharField(label=_("Thành phần hồ sơ"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                                         help_text=_("Mỗi giấy tờ một dòng; thêm “[2 bản]” nếu nhiều bản, “(không bắt buộc)” nếu tùy trường hợp."))
    result_type = forms.CharField(label=_("Kết quả"), required=False, max_length=300)
    online = forms.ChoiceField(label=_("Dịch vụ công trực tuyến"), choices=ProcedureVersion.Online.choices)
    applicant = forms.CharField(label=_("Đối tượng thực hiện"), required=False, max_length=300)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Nguồn số liệu"), required=False, max_length=500)
    confidence = forms.ChoiceField(label=_("Độ tin cậy"), required=False, choices=[(c, c or "—") for c in CONFIDENCE_VALUES])
    steps = forms.CharField(label=_("Các bước xử lý"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("Mỗi bước một dòng: “Tên bước | vai trò | tỷ lệ %”; tổng tỷ lệ bằng 100."))
    reason = forms.CharField(label=_("Lý do thay đổi"), required=False, max_length=500)

    def __init__(self, *args: Any, province_choices: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["province_code"]).choices = province_choices or [("", _("Toàn quốc"))]

    @classmethod
    def initial_from(cls, version: ProcedureVersion | None) -> dict[str, Any]:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        if version is None:
            return {"valid_from": tomorrow, "time_unit": "working_days", "online": "partial", "fee": 0}
        return {
            "valid_from": tomorrow, "province_code": version.province_code, "time_limit": version.time_limit,
            "time_unit": version.time_unit, "cutoff_time": version.cutoff_time, "time_limit_note": version.time_limit_note,
            "fee": version.fee, "fee_note": version.fee_note, "required_documents": documents_to_text(version.required_documents),
            "result_type": version.result_type, "online": version.online, "applicant": version.applicant,
            "legal_basis": version.legal_basis, "source": version.source, "confidence": version.confidence,
            "steps": steps_to_text([{"name": s.name, "role": s.role, "share_percent": s.share_percent} for s in version.steps.order_by("order")]),
        }

    def clean_required_documents(self) -> list[dict[str, Any]]:
        try:
            return parse_documents(self.cleaned_data.get("required_documents"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_steps(self) -> list[dict[str, Any]]:
        try:
            return parse_steps(self.cleaned_data.get("steps")) or []
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ReactivateForm(forms.Form):
    """Apply an ended procedure again from a date (system administrators): its last versions' rules apply again from then."""

    valid_from = forms.DateField(label=_("Áp dụng lại từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[validate_day],
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=_("Quy định (thời hạn, phí, hồ sơ, các bước) của phiên bản cuối được áp dụng lại từ ngày này."))
    reason = forms.CharField(label=_("Lý do, căn cứ áp dụng lại"), required=False, max_length=500)


class StepsForm(forms.Form):
    steps = forms.CharField(label=_("Các bước xử lý"), widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("Mỗi bước một dòng: “Tên bước | vai trò | tỷ lệ %”; tổng tỷ lệ bằng 100."))

    def clean_steps(self) -> list[dict[str, Any]]:
        try:
            return parse_steps(self.cleaned_data.get("steps")) or []
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class DecentralisationForm(forms.Form):
    """Phân cấp: hand a provincial procedure's decision to the communes from a date."""

    province_code = forms.ChoiceField(label=_("Tỉnh"), choices=[])
    procedure = forms.ChoiceField(label=_("Thủ tục cấp tỉnh"), choices=[])
    valid_from = forms.DateField(label=_("Xã quyết định hồ sơ tiếp nhận từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Đến ngày (để trống: không thời hạn)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    decision_number = forms.CharField(label=_("Số quyết định phân cấp"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày ban hành"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, provinces=(), procedures=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["province_code"].choices = list(provinces)
        self.fields["procedure"].choices = [(p.code, f"{p.name} ({p.code})") for p in procedures]


class DecentralisationEndForm(forms.Form):
    """The row form that ends a decentralisation from a date (the list's "Đặt ngày kết thúc")."""

    pk = forms.IntegerField(min_value=1, max_value=INT_MAX)
    valid_to = forms.DateField(label=_("Kết thúc từ ngày"), validators=[validate_day],
                               error_messages={"required": _("Hãy chọn ngày."), "invalid": _("Ngày không hợp lệ.")})
    reason = forms.CharField(required=False)
