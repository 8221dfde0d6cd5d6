"""Rollups of the Decision 766 facts: one row per current commune × local day × indicator."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexRollup(models.Model):
    """Numerator and denominator of one indicator for one commune on one day (the day the record counts on).

    Written only by ``coso.indices.services`` (rebuild, refresh); province and national figures are
    sums of these rows, never a scan of the dossier table.
    """

    commune_code = models.CharField(_("xã"), max_length=8)
    province_code = models.CharField(_("tỉnh"), max_length=8)
    day = models.DateField(_("ngày"))
    indicator = models.CharField(_("chỉ số"), max_length=8)
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu chỉ số theo ngày")
        verbose_name_plural = _("số liệu chỉ số theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["commune_code", "day", "indicator"], name="index_rollup_unique"),
            models.CheckConstraint(condition=models.Q(numerator__lte=models.F("denominator")), name="index_rollup_num_le_den"),
        ]
        indexes = [
            models.Index(fields=["province_code", "day"], name="index_rollup_prov_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.day} {self.indicator}: {self.numerator}/{self.denominator}"


class RollupState(models.Model):
    """One row: when the rollups were last refreshed (records changed after this are re-counted)."""

    name = models.CharField(max_length=40, unique=True, default="d766")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.refreshed_at}"


class ProvinceRollup(models.Model):
    """The commune rollups summed per province × day × indicator (national figures and province rankings read these)."""

    province_code = models.CharField(_("tỉnh"), max_length=8)
    day = models.DateField(_("ngày"))
    indicator = models.CharField(_("chỉ số"), max_length=8)
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu chỉ số cấp tỉnh theo ngày")
        verbose_name_plural = _("số liệu chỉ số cấp tỉnh theo ngày")
        constraints = [models.UniqueConstraint(fields=["province_code", "day", "indicator"], name="index_prov_rollup_unique")]
        indexes = [models.Index(fields=["day", "province_code", "indicator"], name="index_prov_rollup_day_idx")]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day} {self.indicator}: {self.numerator}/{self.denominator}"


class UsageRollup(models.Model):
    """Dossiers received online for one procedure in one commune on one day (indicator 3.2).

    The numerator of 3.2 (online services that received at least one dossier in the period) is a count of
    distinct procedures, which does not add up over days or communes: it is counted at read time from these
    rows (a commune's) or from :class:`ProvinceUsageRollup` (a province's, the country's). Written only by
    ``coso.indices.services`` with the other rollups, in the same transactions.
    """

    commune_code = models.CharField(_("xã"), max_length=8)
    province_code = models.CharField(_("tỉnh"), max_length=8)
    day = models.DateField(_("ngày"))
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    dossiers = models.PositiveIntegerField(_("hồ sơ trực tuyến"), default=0)

    class Meta:
        verbose_name = _("hồ sơ trực tuyến theo thủ tục, ngày")
        verbose_name_plural = _("hồ sơ trực tuyến theo thủ tục, ngày")
        constraints = [models.UniqueConstraint(fields=["commune_code", "day", "procedure_code"], name="index_usage_unique")]
        indexes = [models.Index(fields=["province_code", "day"], name="index_usage_prov_day_idx")]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.day} {self.procedure_code}: {self.dossiers}"


class ProvinceUsageRollup(models.Model):
    """The usage rollups summed per province × day × procedure (a province's and the national 3.2 read these)."""

    province_code = models.CharField(_("tỉnh"), max_length=8)
    day = models.DateField(_("ngày"))
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    dossiers = models.PositiveIntegerField(_("hồ sơ trực tuyến"), default=0)

    class Meta:
        verbose_name = _("hồ sơ trực tuyến cấp tỉnh theo thủ tục, ngày")
        verbose_name_plural = _("hồ sơ trực tuyến cấp tỉnh theo thủ tục, ngày")
        constraints = [models.UniqueConstraint(fields=["province_code", "day", "procedure_code"], name="index_prov_usage_unique")]
        indexes = [models.Index(fields=["day", "province_code"], name="index_prov_usage_day_idx")]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day} {self.procedure_code}: {self.dossiers}"
