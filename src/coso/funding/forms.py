from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coso.core.params import validate_day
from coso.funding.errors import NOT_PLAIN_NUMBER
from coso.funding.models import ScenarioChange
from coso.funding.numbers import NotPlainNumberError, plain_decimal, written_otherwise

GROUP_PATTERNS = [
    ("funding.village.coef.*", _("Quỹ phụ cấp thôn/TDP (cả hai mức)")),
    ("funding.commune_pt.coef.*", _("Quỹ phụ cấp NHĐKCT cấp xã (mọi loại xã)")),
    ("funding.org.*", _("Khoán kinh phí MTTQ và mọi tổ chức CT-XH")),
    ("funding.org.mttq.*", _("Khoán kinh phí hoạt động UB MTTQ (mọi loại xã)")),
    ("funding.org.doan.*", _("Khoán kinh phí Đoàn TN")),
    ("funding.org.phu_nu.*", _("Khoán kinh phí Hội LHPN")),
    ("funding.org.nong_dan.*", _("Khoán kinh phí Hội Nông dân")),
    ("funding.org.ccb.*", _("Khoán kinh phí Hội CCB")),
    ("funding.mttq_campaign.*", _("Kinh phí Cuộc vận động (MTTQ xã)")),
    ("funding.association.*", _("Hỗ trợ mọi hội đặc thù")),
]
CHANGE_ROWS = 5


class PlainDecimalField(forms.DecimalField):
    """A DecimalField that takes a plain decimal only: not "1e5", "1E-10", "NaN", "Infinity" or "-0" (Django reads them)."""

    def to_python(self, value):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and written_otherwise(value):
            raise forms.ValidationError(str(NOT_PLAIN_NUMBER.message), code="invalid")
        return super().to_python(value)


def pattern_label(key: str) -> str:
    """The Vietnamese name of a scenario key or pattern (never the internal code)."""
    from coso.funding.rule_keys import label_for

    for k, label in GROUP_PATTERNS:
        if k == key:
            return str(label)
    return label_for(key)


def key_choices(refs) -> list[tuple[str, str | Promise]]:  # type: ignore[no-untyped-def]
    choices: list[tuple[str, str | Promise]] = [("", _("— chọn định mức —"))]
    choices += list(GROUP_PATTERNS)
    choices += [(r.key, r.label) for r in refs if not isinstance(r.value, list)]
    return choices


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Tên kịch bản"), max_length=200)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, keys=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for i in range(CHANGE_ROWS):
            self.fields[f"key_{i}"] = forms.ChoiceField(label=_("Định mức %(n)s") % {"n": i + 1}, choices=keys, required=False)
            self.fields[f"mode_{i}"] = forms.ChoiceField(label=_("Cách thay đổi %(n)s") % {"n": i + 1}, choices=ScenarioChange.Mode.choices, required=False)
            self.fields[f"value_{i}"] = PlainDecimalField(label=_("Giá trị %(n)s") % {"n": i + 1}, required=False, max_digits=18, decimal_places=4)

    def change_rows(self):  # type: ignore[no-untyped-def]
        return [(self[f"key_{i}"], self[f"mode_{i}"], self[f"value_{i}"]) for i in range(CHANGE_ROWS)]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        changes = []
        for i in range(CHANGE_ROWS):
            key = data.get(f"key_{i}")
            value = data.get(f"value_{i}")
            if key and value is None:
                self.add_error(f"value_{i}", _("Nhập giá trị mới."))
            elif value is not None and not key:
                self.add_error(f"key_{i}", _("Chọn định mức cần thay đổi."))
            elif key:
                changes.append({"key": key, "mode": data.get(f"mode_{i}") or "set", "value": value})
        if not changes and not self.errors:
            raise forms.ValidationError(_("Cần ít nhất một thay đổi định mức."))
        data["changes"] = changes
        return data


class AdoptForm(forms.Form):
    effective_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_day])
    source = forms.CharField(label=_("Căn cứ (số nghị quyết HĐND / quyết định)"), max_length=300)


class NormForm(forms.Form):
    key = forms.ChoiceField(label=_("Định mức"))
    value = PlainDecimalField(label=_("Giá trị mới"), min_value=0, max_digits=18, decimal_places=4)
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_day])
    valid_to = forms.DateField(
        label=_("Hết hiệu lực từ ngày (không bắt buộc)"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_day],
        help_text=_("Ví dụ: tỉnh kéo dài hoặc rút ngắn quỹ phụ cấp NHĐKCT cấp xã. Để trống: theo quy định chung."),
    )
    source = forms.CharField(label=_("Căn cứ (số, ngày nghị quyết HĐND tỉnh, điều khoản)"), max_length=300)
    reason = forms.CharField(label=_("Lý do thay đổi"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, keys=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = keys

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] <= data["valid_from"]:
            self.add_error("valid_to", _("Phải sau ngày bắt đầu hiệu lực."))
        return data


class VillageDistributionForm(forms.Form):
    month = forms.DateField(label=_("Tháng"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"],
                            validators=[validate_day])
    bi_thu = PlainDecimalField(label=_("Hệ số Bí thư chi bộ"), required=False, min_value=0, max_digits=6, decimal_places=3)
    truong_thon = PlainDecimalField(label=_("Hệ số Trưởng thôn/Tổ trưởng TDP"), required=False, min_value=0, max_digits=6, decimal_places=3)
    truong_ban_ctmt = PlainDecimalField(label=_("Hệ số Trưởng Ban công tác Mặt trận"), required=False, min_value=0, max_digits=6, decimal_places=3)

    @staticmethod
    def default_month() -> str:
        return timezone.localdate().strftime("%Y-%m")


class CommunePtDistributionForm(forms.Form):
    month = forms.DateField(label=_("Tháng"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"],
                            validators=[validate_day])
    workers = forms.CharField(
        label=_("Người hưởng (mỗi dòng: Họ tên | Chức danh | Hệ số)"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Để trống hệ số để dùng hệ số mặc định do tỉnh quy định."),
    )

    def clean_workers(self):  # type: ignore[no-untyped-def]
        out = []
        for n, line in enumerate(self.cleaned_data["workers"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                raise forms.ValidationError(_("Dòng %(n)s: thiếu họ tên.") % {"n": n})
            coef = parts[2].replace(",", ".") if len(parts) > 2 and parts[2] else None
            if coef is not None:
                try:
                    plain_decimal(coef)
                except NotPlainNumberError:
                    raise forms.ValidationError(_("Dòng %(n)s: %(message)s") % {"n": n, "message": NOT_PLAIN_NUMBER.message}) from None
                except ValueError:
                    raise forms.ValidationError(_("Dòng %(n)s: hệ số “%(v)s” không phải là số.") % {"n": n, "v": parts[2]}) from None
            out.append({"name": parts[0], "title": parts[1] if len(parts) > 1 else "", "coefficient": coef})
        if not out:
            raise forms.ValidationError(_("Nhập ít nhất một người."))
        return out


class CommuneProfileForm(forms.Form):
    extra_pt_workers = forms.IntegerField(label=_("Số người hoạt động không chuyên trách cấp xã tăng thêm"), min_value=0, max_value=50)
    # Left empty: from today. The months before keep the number in force then.
    valid_from = forms.DateField(label=_("Áp dụng từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_day])
