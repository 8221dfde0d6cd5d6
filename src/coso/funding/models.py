"""Models of the funding app: organisations, commune profiles, scenarios, distributions.

Every number of the funding rules lives in the rule book (``coso.rules``): keys declared in
``funding/rule_keys.py``, dated values shipped in ``funding/data/rules.json`` and edited per province from a date.
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel


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


class ExtraWorkers(TenantModel):
    """The number of extra part-time workers of a commune, each adding to its fund (Decree 33/2023/NĐ-CP, Art. 34),
    from a date: each row is in force from ``valid_from`` until the next row of the commune. A month reads the number in
    force on its first day, as it reads the rules, so a change from a date leaves the months before it as they were."""

    commune = models.ForeignKey("units.AdministrativeUnit", on_delete=models.CASCADE, related_name="funding_extra_workers")
    valid_from = models.DateField(_("áp dụng từ ngày"))
    extra_pt_workers = models.PositiveSmallIntegerField(_("số người hoạt động không chuyên trách tăng thêm"), default=0)
    # The part of ``extra_pt_workers`` a commune merger added (the merged communes' numbers, ``coso.funding.reorg``), so
    # that the mover does not add it twice; 0 for a number entered by an officer.
    merged_workers = models.PositiveSmallIntegerField(_("trong đó của các xã sáp nhập"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("người cập nhật"))
    created_at = models.DateTimeField(_("thời điểm cập nhật"), auto_now_add=True)

    class Meta:
        ordering = ["commune_id", "valid_from"]
        verbose_name = _("số người hoạt động không chuyên trách tăng thêm của xã")
        verbose_name_plural = _("số người hoạt động không chuyên trách tăng thêm của xã")
        constraints = [models.UniqueConstraint(fields=["commune", "valid_from"], name="funding_extra_workers_unique_day")]


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

    # Set by the selectors that fetch scenarios (coso.funding.selectors.scenario_bound_problems): one line per change
    # taking a rule outside its declared bounds ([] for a sound scenario).
    bound_problems: list[str]

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kịch bản")
        verbose_name_plural = _("kịch bản")
        constraints = [models.UniqueConstraint(fields=["province_code", "name"], name="funding_scenario_unique_name")]

    def __str__(self) -> str:
        return self.name


class ScenarioChangeManager(models.Manager):
    """Reads ``value`` as stored, whatever it is.

    SQLite keeps decimals as floating point: a value past the column's 18 digits (10^14, saved before the scenario pages
    checked the rules' bounds) reads back with 19, and Django's reading of the column (rounded to 4 places within 18
    digits) raised InvalidOperation, so that every page listing the scenario answered 500. The column is read through
    an expression instead (never rounded by Django) and rounded here to its 4 places without a limit on the digits;
    ``coso.funding.selectors.scenario_bound_problems`` then flags the value.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().defer("value").annotate(
            stored_value=models.ExpressionWrapper(models.F("value"), output_field=models.DecimalField()))


class ScenarioChange(models.Model):
    """One level change: ``key`` is a rule key or a pattern (``funding.org.mttq.*``); mode set / percent / add."""

    class Mode(models.TextChoices):
        SET = "set", _("Đặt giá trị mới")
        PERCENT = "percent", _("Tăng/giảm theo %")
        ADD = "add", _("Cộng thêm")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    key = models.CharField(_("định mức"), max_length=80)
    mode = models.CharField(_("cách thay đổi"), max_length=10, choices=Mode.choices)
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4)

    objects = ScenarioChangeManager()

    class Meta:
        ordering = ["scenario_id", "id"]

    @property
    def stored_value(self) -> Decimal:
        return self.value

    @stored_value.setter
    def stored_value(self, raw: Any) -> None:
        """The manager's reading of the column (see ScenarioChangeManager): the value, to the column's decimal places."""
        if raw is None:
            return
        places = Decimal(1).scaleb(-self._meta.get_field("value").decimal_places)  # type: ignore[union-attr]
        self.value = Decimal(raw).quantize(places, context=Context(prec=60))

    def __str__(self) -> str:
        return f"{self.key} {self.mode} {self.value}"

    @property
    def label(self) -> str:
        """For people: “Khoán kinh phí hoạt động UB MTTQ (mọi loại xã): tăng 20 %”."""
        from coso.funding.rules import change_label

        return change_label(self.key, self.mode, self.value)

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
