from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coso.core.params import INT_MAX
from coso.core.text import nfc
from coso.units.models import AdministrativeUnit, Village

# Households and inhabitants of a unit: the API's bound (a PostgreSQL integer column holds up to 2,147,483,647). These
# forms leave the model's own checks to the service, so they state the bound themselves.
MAX_COUNT = 2_000_000_000


class CommuneFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên hoặc mã (không cần dấu)"), required=False)
    kind = forms.ChoiceField(
        label=_("Loại hình"), required=False,
        choices=[("", _("Tất cả"))] + [(k, v) for k, v in AdministrativeUnit.Kind.choices if k in ("xa", "phuong", "dac_khu")],
    )
    classification = forms.ChoiceField(label=_("Phân loại"), required=False, choices=[("", _("Tất cả")), *AdministrativeUnit.Classification.choices])


class CommuneAttributesForm(forms.ModelForm):
    population = forms.IntegerField(label=capfirst(AdministrativeUnit._meta.get_field("population").verbose_name), min_value=0, max_value=MAX_COUNT,
                                    required=False)

    class Meta:
        model = AdministrativeUnit
        fields = ["classification", "population", "area_km2", "is_border_or_island", "is_difficult_area", "is_security_hotspot", "agency_code"]
        widgets = {"area_km2": forms.NumberInput(attrs={"min": 0, "step": "0.01"})}

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
    households = forms.IntegerField(label=capfirst(Village._meta.get_field("households").verbose_name), min_value=0, max_value=MAX_COUNT)
    population = forms.IntegerField(label=capfirst(Village._meta.get_field("population").verbose_name), min_value=0, max_value=MAX_COUNT)

    class Meta:
        model = Village
        fields = ["commune", "name", "kind", "households", "population", "is_border_or_island", "is_security_hotspot", "converted_from_thon"]

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


# ---------------------------------------------------------------- reorganisation wizard
class ReorganisationForm(forms.Form):
    """The decision and what it changes; the fields shown depend on the kind (village merge, commune merge, split)."""

    kind = forms.ChoiceField(label=_("Loại sắp xếp"), choices=[])
    decision_number = forms.CharField(label=_("Số quyết định, nghị quyết"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày ban hành"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_on = forms.DateField(label=_("Ngày có hiệu lực"), widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("Hệ thống tự thực hiện việc sắp xếp vào ngày này; có thể hủy trước ngày này."))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    title = forms.CharField(label=_("Nội dung"), max_length=300)
    # Village merge
    commune = forms.ChoiceField(label=_("Xã, phường"), choices=[], required=False)
    sources = forms.MultipleChoiceField(label=_("Thôn, tổ dân phố sáp nhập"), choices=[], required=False, widget=forms.CheckboxSelectMultiple)
    target_village = forms.ChoiceField(label=_("Sáp nhập vào thôn, tổ dân phố (để trống: lập thôn mới)"), choices=[], required=False)
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=200, required=False)
    new_kind = forms.ChoiceField(label=_("Loại thôn, tổ dân phố mới"), choices=[("", _("Như đơn vị sáp nhập đầu tiên")), *Village.Kind.choices],
                                 required=False)
    # Commune merge
    source_communes = forms.MultipleChoiceField(label=_("Các xã, phường sáp nhập"), choices=[], required=False, widget=forms.CheckboxSelectMultiple)
    target = forms.ChoiceField(label=_("Xã, phường nhận (giữ mã)"), choices=[], required=False)
    category = forms.ChoiceField(label=_("Nhóm tiêu chuẩn"), required=False, choices=[
        ("other", _("Xã khác")), ("mountain", _("Xã miền núi, vùng cao")), ("island", _("Xã hải đảo")),
        ("red_river_delta", _("Xã vùng đồng bằng sông Hồng")), ("coastal_difficult", _("Xã ven biển, bãi ngang đặc biệt khó khăn"))])
    # Commune split
    source = forms.ChoiceField(label=_("Xã, phường chia tách"), choices=[], required=False)
    targets = forms.CharField(label=_("Đơn vị sau chia tách"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Mỗi dòng: mã; tên; loại (xa/phuong); dân số; diện tích km²; nhóm (other/mountain/island/red_river_delta/coastal_difficult). "
                                          "Dòng đầu là đơn vị kế thừa chính. Giữ mã xã cũ nếu xã cũ tiếp tục tồn tại."))
    village_targets = forms.CharField(label=_("Thôn, tổ dân phố chuyển sang đơn vị mới"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("Mỗi dòng: tên thôn; mã đơn vị nhận. Thôn không ghi ở đây thuộc đơn vị kế thừa chính."))

    def __init__(self, *args, communes=None, villages=None, **kwargs):  # type: ignore[no-untyped-def]
        from coso.units.models import Reorganisation

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Reorganisation.Kind.choices
        commune_choices = [(c.code, f"{c.name} ({c.code})") for c in (communes or [])]
        self.fields["commune"].choices = [("", "—"), *commune_choices]
        self.fields["source_communes"].choices = commune_choices
        self.fields["target"].choices = [("", "—"), *commune_choices]
        self.fields["source"].choices = [("", "—"), *commune_choices]
        village_choices = [(str(v.pk), f"{v.name} ({v.households} hộ)") for v in (villages or [])]
        self.fields["sources"].choices = village_choices
        self.fields["target_village"].choices = [("", _("— Lập thôn, tổ dân phố mới —")), *village_choices]
        self.villages = list(villages or [])

    def spec(self) -> dict:  # type: ignore[type-arg]
        from coso.core.text import fold

        d = self.cleaned_data
        kind = d.get("kind")
        if kind == "village_merge":
            return {"commune": d.get("commune") or "", "sources": d.get("sources") or [], "target_village": d.get("target_village") or None,
                    "new_name": d.get("new_name") or "", "new_kind": d.get("new_kind") or ""}
        if kind == "commune_merge":
            return {"sources": d.get("source_communes") or [], "target": d.get("target") or "", "new_name": d.get("new_name") or "",
                    "category": d.get("category") or "other"}
        targets = []
        for line in (d.get("targets") or "").splitlines():
            parts = [p.strip() for p in line.split(";")]
            if not any(parts):
                continue
            parts += [""] * (6 - len(parts))
            targets.append({"code": parts[0], "name": parts[1], "kind": parts[2], "population": parts[3], "area_km2": parts[4], "category": parts[5]})
        by_name = {fold(v.name): v.pk for v in self.villages}
        villages = {}
        for line in (d.get("village_targets") or "").splitlines():
            name, _sep, code = line.rpartition(";")
            if name.strip() and fold(name.strip()) in by_name:
                villages[str(by_name[fold(name.strip())])] = code.strip()
        return {"source": d.get("source") or "", "primary": targets[0]["code"] if targets else "", "targets": targets, "villages": villages}


class ReorganisationCancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    # The version the page showed (optimistic concurrency); a value that is not one is refused here, not at int().
    version = forms.IntegerField(required=False, min_value=0, max_value=INT_MAX, widget=forms.HiddenInput,
                                 error_messages={k: _("Phương án vừa được người khác thay đổi. Tải lại trang.") for k in ("invalid", "min_value", "max_value")})
