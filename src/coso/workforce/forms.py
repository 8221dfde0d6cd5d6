from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coso.core.params import validate_day
from coso.workforce import rules


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"), help_text=_("Dùng mẫu tải về; tối đa 10 MB."))

    def clean_file(self):  # type: ignore[no-untyped-def]
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn 10 MB."))
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx."))
        return f


class WorkItemForm(forms.Form):
    title = forms.CharField(label=_("Sản phẩm/công việc"), max_length=300)
    month = forms.TypedChoiceField(label=_("Tháng"), required=False, coerce=int, empty_value=None,
                                   choices=[("", "—")] + [(m, str(m)) for m in range(1, 13)])
    quarter = forms.TypedChoiceField(label=_("Quý"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + [(q, str(q)) for q in range(1, 5)])
    points = forms.DecimalField(label=_("Điểm quy đổi"), min_value=0.01, max_value=10000, initial=1, decimal_places=2,
                                error_messages={"max_decimal_places": _("Điểm quy đổi: tối đa %(max)s chữ số thập phân."),
                                                "max_value": _("Điểm quy đổi không quá %(limit_value)s.")})
    completed = forms.BooleanField(label=_("Đã hoàn thành"), required=False, initial=True)
    failed_reviews = forms.IntegerField(label=_("Số lần không đạt chất lượng"), min_value=0, max_value=10, initial=0)
    delays = forms.IntegerField(label=_("Số lần chậm tiến độ"), min_value=0, max_value=10, initial=0)
    excused = forms.BooleanField(label=_("Có nguyên nhân khách quan được xác nhận"), required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("month") and not data.get("quarter"):
            self.add_error("month", _("Cần chọn tháng hoặc quý."))
        return data


LEVEL_CHOICES = [("", "—")] + list(rules.LEVEL_NAMES.items())


class AssessForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # the maximum is the rule book's (``workforce.evaluation.points`` general_max, Decree 335/2025): set in __init__
    general_score = forms.DecimalField(label=_("Điểm tiêu chí chung"), min_value=0, decimal_places=2, required=False,
                                       error_messages={"max_decimal_places": _("Điểm tiêu chí chung: tối đa %(max)s chữ số thập phân.")})
    level = forms.ChoiceField(label=_("Xếp loại"), choices=LEVEL_CHOICES, required=False)
    comment = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    degradation = forms.BooleanField(label=_("Có kết luận suy thoái, “tự diễn biến”, “tự chuyển hóa”"), required=False)
    leader_corruption = forms.BooleanField(label=_("Để xảy ra tham nhũng, lãng phí trong đơn vị phụ trách"), required=False)

    def __init__(self, *args, regime: str = "nd335", leader: bool = False, general_max: int | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if regime == "nd335":
            del self.fields["level"]
            field = self.fields["general_score"]
            field.required = True
            if general_max is not None:
                field.label = gettext("Điểm tiêu chí chung (0–%(max)s)") % {"max": general_max}
                field.max_value = general_max  # type: ignore[attr-defined]  # a DecimalField
                field.validators.append(MaxValueValidator(general_max))
                field.widget.attrs["max"] = general_max
        else:
            del self.fields["general_score"]
            self.fields["level"].required = True
        if not leader:
            del self.fields["degradation"]
            del self.fields["leader_corruption"]


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _level_choices(key: str) -> list[tuple[str, str]]:
    return list(rules.LEVEL_LABELS[key].items())


class PersonEditForm(forms.Form):
    """Identity and qualifications of a register entry (the service checks the rules and names the field of each error)."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    birth_date = forms.DateField(label=_("Ngày sinh (dd/mm/yyyy)"), input_formats=DATE_FORMATS)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=[("male", _("Nam")), ("female", _("Nữ"))])
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=40, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD (12 chữ số)"), max_length=12, required=False)
    party_member = forms.BooleanField(label=_("Đảng viên"), required=False)
    party_joined_on = forms.DateField(label=_("Ngày vào Đảng (dd/mm/yyyy)"), input_formats=DATE_FORMATS, required=False)
    started_on = forms.DateField(label=_("Ngày bắt đầu công tác (dd/mm/yyyy)"), input_formats=DATE_FORMATS, required=False)
    general_education = forms.ChoiceField(label=_("Giáo dục phổ thông"), choices=_level_choices("general_education"))
    degree_level = forms.ChoiceField(label=_("Trình độ chuyên môn"), choices=_level_choices("degree_level"))
    degree_field = forms.ChoiceField(label=_("Chuyên ngành"), choices=[("", "—"), *rules.DEGREE_FIELDS.items()], required=False)
    political_theory = forms.ChoiceField(label=_("Lý luận chính trị"), choices=_level_choices("political_theory"))
    state_management = forms.ChoiceField(label=_("Quản lý nhà nước"), choices=_level_choices("state_management"))
    it = forms.ChoiceField(label=_("Tin học"), choices=_level_choices("it"))
    foreign_language = forms.ChoiceField(label=_("Ngoại ngữ"), choices=_level_choices("foreign_language"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class PositionAddForm(forms.Form):
    position_code = forms.ChoiceField(label=_("Chức vụ, chức danh"))
    started_on = forms.DateField(label=_("Từ ngày (dd/mm/yyyy)"), input_formats=DATE_FORMATS)
    ended_on = forms.DateField(label=_("Đến ngày (để trống nếu là chức vụ hiện tại)"), input_formats=DATE_FORMATS, required=False,
                               validators=[validate_day])
    decision = forms.CharField(label=_("Quyết định (số, ngày)"), max_length=100, required=False)
    unit_name = forms.CharField(label=_("Đơn vị"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, positions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["position_code"].choices = list(positions)
