"""Models of the funding app: effective-dated norms, organisations, scenarios, distributions.

Every number of the funding rules is a :class:`Norm` row: (province, key, valid_from → valid_to, value,
unit, source, confidence). ``province_code == ""`` is the national default; a province row for the same
key overrides it on the dates it covers. The defaults ship in ``funding/data/norms.json`` and are loaded
by a data migration and by the idempotent command ``manage.py load_funding_norms``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel


class Confidence(models.TextChoices):
    CONFIRMED = "C", _("[C] đã xác nhận")
    THIRD_PARTY = "C-3p", _("[C-3p] nguồn thứ cấp")
    INFERRED = "I", _("[I] suy luận")
    RECALLED = "R", _("[R] chưa có nguồn, cần kiểm tra")
    PROVINCE = "P", _("[P] do tỉnh quy định")


class NormUnit(models.TextChoices):
    VND_MONTH = "vnd_month", _("đ/tháng")
    VND_YEAR = "vnd_year", _("đ/năm")
    VND = "vnd", _("đ")
    COEF = "coef", _("× lương cơ sở/tháng")
    COUNT = "count", _("số lượng")


class Norm(models.Model):
    """One effective-dated value of a funding rule (national default or province override)."""

    class Origin(models.TextChoices):
        DATA = "data", _("Dữ liệu mặc định")
        PROVINCE = "province", _("Tỉnh chỉnh sửa")
        SCENARIO = "scenario", _("Áp dụng từ kịch bản")

    province_code = models.CharField(_("mã tỉnh"), max_length=8, blank=True, default="", db_index=True, help_text=_("Để trống: mặc định toàn quốc."))
    key = models.CharField(_("mã định mức"), max_length=80)
    label = models.CharField(_("tên định mức"), max_length=300)
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("đơn vị"), max_length=12, choices=NormUnit.choices)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến (không gồm)"), null=True, blank=True)
    source = models.CharField(_("căn cứ / nguồn"), max_length=500)
    confidence = models.CharField(_("độ tin cậy"), max_length=4, choices=Confidence.choices)
    notes = models.TextField(_("ghi chú"), blank=True, default="")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.DATA)
    scenario = models.ForeignKey("Scenario", null=True, blank=True, on_delete=models.SET_NULL, related_name="adopted_norms")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["province_code", "key", "valid_from"]
        verbose_name = _("định mức")
        verbose_name_plural = _("định mức")
        constraints = [
            models.UniqueConstraint(fields=["province_code", "key", "valid_from"], name="funding_norm_unique_start"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")), name="funding_norm_valid_range"),
            models.CheckConstraint(condition=Q(value__gte=0), name="funding_norm_value_nonnegative"),
        ]
        indexes = [models.Index(fields=["province_code", "key", "valid_from"], name="funding_norm_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.province_code or 'QG'}, {self.valid_from})"

    def clean(self) -> None:
        if self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": _("Giá trị không được âm.")})


class Organisation(TenantModel):
    """A recipient organisation of a commune: the Front, a socio-political organisation or a special association."""

    class Kind(models.TextChoices):
        MTTQ = "mttq", _("Ủy ban MTTQ Việt Nam")
        DOAN = "doan", _("Đoàn Thanh niên CS Hồ Chí Minh")
        PHU_NU = "phu_nu", _("Hội Liên hiệp Phụ nữ")
        NONG_DAN = "nong_dan", _("Hội Nông dân")
        CCB = "ccb", _("Hội Cựu chiến binh")
        ASSOCIATION = "association", _("Hội có tính chất đặc thù")

    commune = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="funding_organisations")
    kind = models.CharField(_("loại tổ chức"), max_length=20, choices=Kind.choices)
    association_code = models.CharField(_("mã hội"), max_length=40, blank=True, default="", help_text=_("Mã định mức hỗ trợ: association.<mã>."))
    name = models.CharField(_("tên"), max_length=200)
    active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["commune_id", "kind", "name"]
        verbose_name = _("tổ chức nhận kinh phí")
        verbose_name_plural = _("tổ chức nhận kinh phí")
        constraints = [models.UniqueConstraint(fields=["commune", "kind", "association_code"], name="funding_org_unique_per_commune")]

    def __str__(self) -> str:
        return self.name


class CommuneProfile(TenantModel):
    """Funding attributes of a commune that the unit register does not hold."""

    commune = models.OneToOneField("units.AdministrativeUnit", on_delete=models.CASCADE, related_name="funding_profile")
    extra_pt_workers = models.PositiveSmallIntegerField(_("số người hoạt động không chuyên trách tăng thêm"), default=0)

    class Meta:
        verbose_name = _("hồ sơ kinh phí xã")


class Scenario(models.Model):
    """A named what-if: the rules in force for a province with some levels changed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ADOPTED = "adopted", _("Đã áp dụng")

    province_code = models.CharField(max_length=8, db_index=True)
    commune_code = models.CharField(max_length=8, blank=True, default="")
    name = models.CharField(_("tên kịch bản"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    adopted_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kịch bản")
        verbose_name_plural = _("kịch bản")
        constraints = [models.UniqueConstraint(fields=["province_code", "name"], name="funding_scenario_unique_name")]

    def __str__(self) -> str:
        return self.name


class ScenarioChange(models.Model):
    """One level change: ``key`` is a norm key or a pattern (``org.mttq.*``); mode set / percent / add."""

    class Mode(models.TextChoices):
        SET = "set", _("Đặt giá trị mới")
        PERCENT = "percent", _("Tăng/giảm theo %")
        ADD = "add", _("Cộng thêm")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    key = models.CharField(_("định mức"), max_length=80)
    mode = models.CharField(_("cách thay đổi"), max_length=10, choices=Mode.choices)
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["scenario_id", "id"]

    def __str__(self) -> str:
        return f"{self.key} {self.mode} {self.value}"

    def apply(self, value: Decimal) -> Decimal:
        if self.mode == self.Mode.SET:
            return Decimal(self.value)
        if self.mode == self.Mode.PERCENT:
            return value * (Decimal(100) + Decimal(self.value)) / Decimal(100)
        return value + Decimal(self.value)


class FundDistribution(TenantModel):
    """How a fund (a village's fund or the commune part-time fund) is split among positions or workers."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Quỹ phụ cấp thôn, tổ dân phố")
        COMMUNE_PT = "commune_pt", _("Quỹ phụ cấp người hoạt động không chuyên trách cấp xã")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    commune = models.ForeignKey("units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("units.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("tháng áp dụng"))
    fund = models.DecimalField(max_digits=18, decimal_places=0)
    total = models.DecimalField(max_digits=18, decimal_places=0)
    lines = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-id"]
