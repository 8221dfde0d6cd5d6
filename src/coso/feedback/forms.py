from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coso.feedback import errors
from coso.feedback import services as svc
from coso.feedback.models import Feedback, FeedbackCategory


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Renders a multiple file input; the service checks the files (read from request.FILES)."""

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        return None


def commune_queryset():  # type: ignore[no-untyped-def]
    from coso.feedback.open311 import _communes

    return _communes().order_by("name")


class SubmitForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=FeedbackCategory.objects.filter(is_active=True), empty_label=_("— Chọn lĩnh vực —"))
    commune: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Xã, phường"), queryset=None, empty_label=_("— Chọn xã, phường —"), to_field_name="code")
    village = forms.IntegerField(label=_("Thôn, tổ dân phố"), required=False, widget=forms.Select(choices=[("", "—")]))
    title = forms.CharField(label=_("Tiêu đề (không bắt buộc)"), max_length=svc.TITLE_MAX, required=False)
    text = forms.CharField(label=_("Nội dung phản ánh, kiến nghị"), max_length=svc.TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 6, "lang": "vi"}),
                           help_text=_("Vui lòng gõ tiếng Việt có dấu. Tối đa 4.000 ký tự."))
    address = forms.CharField(label=_("Địa chỉ, vị trí cụ thể"), max_length=300, required=False)
    # The range (a point in Vietnam) is checked by the service (coso.core.geo.point_in_vietnam), its message put on the field;
    # the service rounds to 6 places, so a point copied from a map with more decimals is taken, as the API and Open311 take it.
    lat = forms.DecimalField(label=_("Vĩ độ"), required=False, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    long = forms.DecimalField(label=_("Kinh độ"), required=False, widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    anonymous = forms.BooleanField(label=_("Gửi ẩn danh (không để lại thông tin liên hệ)"), required=False)
    contact_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False, widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    contact_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False, widget=MultipleFileInput(attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"}),
                                  help_text=_("Ảnh, PDF, Word, Excel; mỗi tệp không quá 10 MB, tối đa 5 tệp. Thông tin vị trí trong ảnh được xoá."))
    confirm_unaccented = forms.BooleanField(label=_("Tôi vẫn muốn gửi"), required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = commune_queryset()
        self.fields["commune"].widget.attrs.update({"hx-get": "villages/", "hx-target": "#id_village", "hx-trigger": "change"})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=svc.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class EditForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=svc.TITLE_MAX)
    text = forms.CharField(label=_("Nội dung"), max_length=svc.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    note = forms.CharField(label=_("Ghi chú biên tập"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RedactForm(forms.Form):
    phrases = forms.CharField(label=_("Cụm từ cần ẩn (mỗi dòng một cụm)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    patterns = forms.BooleanField(label=_("Tự động ẩn số điện thoại, thư điện tử, số CCCD"), required=False, initial=True)
    remove_contact = forms.BooleanField(label=_("Xoá thông tin liên hệ của người gửi"), required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Nội dung trả lời"), max_length=svc.ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    publish = forms.BooleanField(label=_("Công khai trả lời ngay"), required=False, initial=True)


class InfoForm(forms.Form):
    message = forms.CharField(label=_("Thông tin cần bổ sung"), max_length=svc.INFO_REQUEST_MAX, widget=forms.Textarea(attrs={"rows": 3}))


DEPARTMENT_SUGGESTIONS = [  # suggestions only: the officer types the competent department's name
    "Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Công Thương", "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp", "Thanh tra tỉnh", "Công an tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
]


class ForwardForm(forms.Form):
    """Forward an item outside the commune's competence to the competent body."""

    target = forms.ChoiceField(label=_("Chuyển đến"), choices=Feedback.ForwardTarget.choices, widget=forms.RadioSelect,
                               initial=Feedback.ForwardTarget.COMMUNE)
    target_commune = forms.ChoiceField(label=_("Xã, phường có thẩm quyền"), required=False)
    target_name = forms.CharField(label=_("Tên sở, ngành hoặc cơ quan có thẩm quyền"), max_length=250, required=False,
                                  widget=forms.TextInput(attrs={"list": "forward-body-names", "autocomplete": "off"}),
                                  help_text=_("Bắt buộc khi chuyển đến sở, ngành của tỉnh hoặc cơ quan khác."))
    reason = forms.CharField(label=_("Lý do không thuộc thẩm quyền (gửi cho người phản ánh)"), max_length=svc.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, province_code: str = "", exclude_commune: str = "", **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("auto_id", "id_forward_%s")  # unique ids on the moderation page
        super().__init__(*args, **kwargs)
        from coso.units.models import AdministrativeUnit

        communes = (AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.COMMUNE, province_code=province_code)
                    .exclude(code=exclude_commune).order_by("name").values_list("code", "name"))
        field = self.fields["target_commune"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— Chọn xã, phường —")), *communes]


class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("Trả lời này"), choices=Feedback.Rating.choices, widget=forms.RadioSelect)
    officer_rating = forms.TypedChoiceField(label=_("Đánh giá cán bộ xử lý"), required=False, coerce=int, empty_value=None,
                                            choices=[("", "—"), (5, "5 – Rất hài lòng"), (4, "4 – Hài lòng"), (3, "3 – Bình thường"),
                                                     (2, "2 – Chưa hài lòng"), (1, "1 – Không hài lòng")])
    comment = forms.CharField(label=_("Ý kiến thêm"), max_length=svc.RATE_COMMENT_MAX, required=False)


class SupplementForm(forms.Form):
    # The length is the service's to check (svc.SUPPLEMENT_MAX, with its own message); the browser is told it too.
    text = forms.CharField(label=_("Nội dung bổ sung"), widget=forms.Textarea(attrs={"rows": 3, "maxlength": svc.SUPPLEMENT_MAX}))


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm (không cần dấu)"), required=False)
    commune = forms.ChoiceField(label=_("Xã, phường"), required=False)
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False,
                               choices=[("", _("Tất cả")), ("processing", _("Đang xử lý")), ("answered", _("Đã trả lời")),
                                        ("forwarded", _("Đã chuyển cơ quan có thẩm quyền"))])
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Tất cả"))] + [(c.code, c.name) for c in commune_queryset().only("code", "name")]
        self.fields["category"].choices = [("", _("Tất cả"))] + [(c.code, c.name) for c in FeedbackCategory.objects.filter(is_active=True)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_from", str(errors.PERIOD_REVERSED.message))  # left out, as any invalid filter
        return data
