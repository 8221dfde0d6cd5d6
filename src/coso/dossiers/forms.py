"""Page forms. They only shape input; the services decide and raise ApplicationError."""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coso.core.attachments import size_validator
from coso.core.params import last_day_of_years, validate_day
from coso.dossiers.constants import CRITERION_SCORES, MAX_FREE_TEXT, RATING_CRITERIA, REGISTER_MAX_YEARS, Channel, Satisfaction
from coso.units.models import AdministrativeUnit


class ApplicantForm(forms.Form):
    doc_names: list[tuple[int, str, bool]]  # (index, document name, required), set by _doc_fields

    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200)
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_citizen_id = forms.CharField(label=_("Số CCCD"), max_length=12, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    zalo_opt_in = forms.BooleanField(label=_("Nhận thông báo qua Zalo"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=MAX_FREE_TEXT, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):  # type: ignore[no-untyped-def]
        """The service's checks of the applicant (phone, e-mail, CCCD) run here too, so that one submission
        reports them together with the other fields and the files, not one group per submission."""
        from coso.core.exceptions import ApplicationError
        from coso.dossiers import services

        data = super().clean()
        try:
            services.clean_applicant(services.Applicant(
                name=data.get("applicant_name") or "", phone=data.get("applicant_phone") or "", email=data.get("applicant_email") or "",
                citizen_id=data.get("applicant_citizen_id") or "", address=data.get("applicant_address") or "",
            ))
        except ApplicationError as exc:
            for name, errors in ((exc.details or {}).get("fields") or {}).items():
                if name in self.fields and name not in self.errors:
                    for e in errors if isinstance(errors, list) else [errors]:
                        self.add_error(name, e)
        return data


def _doc_fields(form: forms.Form, version: object, *, online: bool) -> None:
    form.doc_names = []  # type: ignore[attr-defined]
    for i, doc in enumerate(getattr(version, "required_documents", None) or []):
        if not isinstance(doc, dict) or not doc.get("name"):
            continue
        name = doc["name"]
        required = bool(doc.get("required", True))
        form.doc_names.append((i, name, required))  # type: ignore[attr-defined]
        if not online:
            form.fields[f"doc_{i}"] = forms.BooleanField(label=name, required=False, help_text=_("Bắt buộc — đánh dấu khi đã nhận bản giấy") if required else _("Không bắt buộc"))
            asked = doc.get("copies")
            copies = asked if isinstance(asked, int) and 1 <= asked <= 99 else 1
            form.fields[f"count_{i}"] = forms.IntegerField(label=_("Số bản đã nhận: %(name)s") % {"name": name}, required=False, min_value=1, max_value=99,
                                                           initial=copies, widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "count"}))
        form.fields[f"file_{i}"] = forms.FileField(
            label=name if online else _("Bản quét: %(name)s") % {"name": name}, required=False, validators=[size_validator],
            help_text=_("PDF, JPG, PNG, tối đa %(mb)s MB") % {"mb": int(settings.COSO_MAX_ATTACHMENT_BYTES) // 1048576},
            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp,.gif,.bmp,.tif,.tiff,.docx,.odt"}),
        )


class CounterIntakeForm(ApplicantForm):
    channel = forms.ChoiceField(label=_("Kênh nộp"), choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)])

    def __init__(self, *args, version=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _doc_fields(self, version, online=False)


class OnlineSubmitForm(ApplicantForm):
    commune = forms.ModelChoiceField(label=_("Nộp tới xã/phường"), queryset=AdministrativeUnit.objects.none())

    def __init__(self, *args, version=None, province_code: str = "", **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["commune"]).queryset = AdministrativeUnit.objects.filter(level="commune", province_code=province_code or settings.COSO_DEMO_PROVINCE).order_by("name")
        _doc_fields(self, version, online=True)
        self.order_fields(["commune"])


class StrictIntegerField(forms.IntegerField):
    """An integer written as one (digits, an optional minus): IntegerField also takes "1.0", " 1" and "+1"."""

    def to_python(self, value):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and value not in self.empty_values and re.fullmatch(r"-?[0-9]+", value) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ActionForm(forms.Form):
    # the dossier's version as the page read it (optimistic locking): an integer and nothing else, as the API's
    version = StrictIntegerField(label=_("Phiên bản hồ sơ"), widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do / ghi chú"), required=False, max_length=MAX_FREE_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    new_date = forms.DateField(label=_("Ngày hẹn trả mới"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    documents = forms.CharField(label=_("Giấy tờ cần bổ sung (mỗi dòng một loại)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    assignee_id = forms.IntegerField(label=_("Giao cho (không chọn: cả nhóm vai trò)"), required=False)
    to_step = forms.IntegerField(label=_("Trả về bước"), required=False)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=60)
    phone = forms.CharField(label=_("4 số cuối điện thoại"), max_length=4, min_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}))

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Nhập đúng 4 chữ số cuối của số điện thoại."))
        return value


class RatingForm(forms.Form):
    level = forms.ChoiceField(label=_("Mức độ hài lòng chung"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến khác"), required=False, max_length=MAX_FREE_TEXT, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria=None, **kwargs):  # type: ignore[no-untyped-def]
        """``criteria``: (key, label) of the dossier's regime (coso.dossiers.services.rating_criteria)."""
        super().__init__(*args, **kwargs)
        for key, label in criteria if criteria is not None else RATING_CRITERIA:
            self.fields[f"c_{key}"] = forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None,
                                                           choices=[("", "—")] + [(v, lab) for v, lab in CRITERION_SCORES])


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[validate_day],
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"], validators=[validate_day],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    group = forms.ChoiceField(label=_("Chi tiết theo"), required=False, choices=[("procedure", _("Thủ tục")), ("commune", _("Xã/phường"))])
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or (data["end"] - dt.timedelta(days=364))
        if data["start"] > data["end"]:
            self.add_error("start", _("Ngày bắt đầu phải trước ngày kết thúc."))
        elif data["end"] > last_day_of_years(data["start"], REGISTER_MAX_YEARS):
            self.add_error("start", _("Khoảng thời gian tối đa 3 năm."))
        return data
