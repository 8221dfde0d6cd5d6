from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coso.core.text import nfc
from coso.units.models import AdministrativeUnit, Village


class CommuneFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã (không cần dấu)"), required=False)
    kind = forms.ChoiceField(
        label=_("Loại hình"), required=False,
        choices=[("", _("Tất cả"))] + [(k, v) for k, v in AdministrativeUnit.Kind.choices if k in ("xa", "phuong", "dac_khu")],
    )
    classification = forms.ChoiceField(label=_("Phân loại"), required=False, choices=[("", _("Tất cả")), *AdministrativeUnit.Classification.choices])


class CommuneAttributesForm(forms.ModelForm):
    class Meta:
        model = AdministrativeUnit
        fields = ["classification", "population", "area_km2", "is_border_or_island", "is_difficult_area", "is_security_hotspot", "agency_code"]
        widgets = {"population": forms.NumberInput(attrs={"min": 0}), "area_km2": forms.NumberInput(attrs={"min": 0, "step": "0.01"})}

    def clean_area_km2(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data.get("area_km2")
        if value is not None and value < 0:
            raise forms.ValidationError(_("Diện tích không được âm."))
        return value

    def _post_clean(self) -> None:
        # Do not touch the instance: the service records before/after values itself.
        pass


class VillageForm(forms.ModelForm):
    commune = forms.ModelChoiceField(label=_("Xã, phường, đặc khu"), queryset=AdministrativeUnit.objects.none())

    class Meta:
        model = Village
        fields = ["commune", "name", "kind", "households", "population", "is_border_or_island", "is_security_hotspot", "converted_from_thon"]
        widgets = {"households": forms.NumberInput(attrs={"min": 0}), "population": forms.NumberInput(attrs={"min": 0})}

    def __init__(self, *args, communes=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if communes is not None:
            self.fields["commune"].queryset = communes
        if self.instance.pk:
            del self.fields["commune"]

    def clean_name(self) -> str:
        name = nfc(self.cleaned_data.get("name", ""))
        if not name:
            raise forms.ValidationError(_("Tên không được để trống."))
        return name

    def _post_clean(self) -> None:
        # Uniqueness and the other business rules are checked by the service (one place).
        pass


class VillageFilterForm(forms.Form):
    q = forms.CharField(label=_("Tên (không cần dấu)"), required=False)
    commune = forms.CharField(label=_("Mã xã"), required=False)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả")), *Village.Kind.choices])


class VillageImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"), help_text=_("Dùng đúng mẫu; tối đa 5 MB."))

    def clean_file(self):  # type: ignore[no-untyped-def]
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return f
