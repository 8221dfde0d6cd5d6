"""Rollups of the Decision 766 facts: one row per current commune × local day, a column per count behind the indicators."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Indicator → (numerator column, denominator column) of the rollups: one column per count the record sources give
# (``dossiers.selectors`` / ``feedback.selectors.index_fact_queries``), shared by the indicators over the same records.
INDICATOR_COLUMNS: dict[str, tuple[str, str]] = {
    "3.3": ("received_online", "received"),
    "4.2": ("received_with_files", "received"),
    "2.1": ("finished_on_time", "finished"),
    "5.4": ("finished_satisfied", "finished"),
    "4.1": ("results_electronic", "results"),
    "5.2": ("feedback_on_time", "feedback"),
    "5.3": ("feedback_satisfied", "feedback"),
}
COUNT_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(column for pair in INDICATOR_COLUMNS.values() for column in pair))


def facts_of(counts: Any) -> dict[str, tuple[int, int]]:
    """{indicator: (numerator, denominator)} of a rollup row or of summed columns (a mapping); an indicator whose
    denominator is 0 is left out (not measured)."""
    out = {}
    for code, (num, den) in INDICATOR_COLUMNS.items():
        d = int(counts.get(den) or 0)
        if d:
            out[code] = (int(counts.get(num) or 0), d)
    return out


def _numerators_within_denominators(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=models.Q(**{f"{num}__lte": models.F(den)}), name=f"{prefix}_{num}_le_{den}")
        for num, den in dict(INDICATOR_COLUMNS.values()).items()
    ]


class RollupCounts(models.Model):
    """The counts behind the indicators for one unit and one day (see :data:`INDICATOR_COLUMNS`)."""

    # Dossiers on their local day of receipt.
    received = models.PositiveIntegerField(_("hồ sơ tiếp nhận"), default=0)
    received_online = models.PositiveIntegerField(_("tiếp nhận trực tuyến"), default=0)
    received_with_files = models.PositiveIntegerField(_("tiếp nhận có thành phần hồ sơ điện tử"), default=0)
    # Dossiers on the local day processing ended.
    finished = models.PositiveIntegerField(_("hồ sơ đã giải quyết"), default=0)
    finished_on_time = models.PositiveIntegerField(_("giải quyết đúng hạn, trước hạn"), default=0)
    finished_satisfied = models.PositiveIntegerField(_("không trễ hạn, không bị đánh giá không hài lòng"), default=0)
    results = models.PositiveIntegerField(_("hồ sơ có kết quả"), default=0)
    results_electronic = models.PositiveIntegerField(_("kết quả có tệp điện tử"), default=0)
    # Feedback on its local day of submission.
    feedback = models.PositiveIntegerField(_("phản ánh, kiến nghị"), default=0)
    feedback_on_time = models.PositiveIntegerField(_("phản ánh xử lý đúng hạn"), default=0)
    feedback_satisfied = models.PositiveIntegerField(_("phản ánh được hài lòng"), default=0)

    class Meta:
        abstract = True

    def facts(self) -> dict[str, tuple[int, int]]:
        return facts_of({c: getattr(self, c) for c in COUNT_COLUMNS})


class IndexRollup(RollupCounts):
    """The counts behind the indicators for one commune on one day (the day the record counts on): one row per
    commune and day with records, whatever the indicators (one row per indicator would write several times as many
    rows as there are records, the day grain being that fine), identified by the commune and the day (no other key to
    keep up to date on every write).

    Written only by ``coso.indices.services`` (rebuild, refresh); province and national figures are
    sums of these rows, never a scan of the dossier table.
    """

    pk = models.CompositePrimaryKey("commune_code", "day")
    commune_code = models.CharField(_("xã"), max_length=8)
    province_code = models.CharField(_("tỉnh"), max_length=8)
    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("số liệu chỉ số theo ngày")
        verbose_name_plural = _("số liệu chỉ số theo ngày")
        constraints = _numerators_within_denominators("index_rollup")
        indexes = [
            models.Index(fields=["province_code", "day"], name="index_rollup_prov_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.day}: {self.facts()}"


class RollupState(models.Model):
    """One row: when the rollups were last refreshed (records changed after this are re-counted)."""

    name = models.CharField(max_length=40, unique=True, default="d766")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.refreshed_at}"


class ProvinceRollup(RollupCounts):
    """The commune rollups summed per province × day (national figures and province rankings read these)."""

    pk = models.CompositePrimaryKey("province_code", "day")
    province_code = models.CharField(_("tỉnh"), max_length=8)
    day = models.DateField(_("ngày"))

    class Meta:
        verbose_name = _("số liệu chỉ số cấp tỉnh theo ngày")
        verbose_name_plural = _("số liệu chỉ số cấp tỉnh theo ngày")
        indexes = [models.Index(fields=["day", "province_code"], name="index_prov_rollup_day_idx")]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day}: {self.facts()}"


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


class MonthRollup(RollupCounts):
    """The commune rollups summed per commune × calendar month (``month``: its first day).

    A ranking of a province's communes over whole months reads these rows (one per commune and month) instead of every
    day row; a period that starts or ends inside a month adds the day rows of those edges. Written only by
    ``coso.indices.services``, from the day rows, in the same transactions.
    """

    pk = models.CompositePrimaryKey("commune_code", "month", "province_code")
    commune_code = models.CharField(_("xã"), max_length=8)
    province_code = models.CharField(_("tỉnh"), max_length=8)
    month = models.DateField(_("tháng"))

    class Meta:
        verbose_name = _("số liệu chỉ số theo tháng")
        verbose_name_plural = _("số liệu chỉ số theo tháng")
        constraints = _numerators_within_denominators("index_month")
        indexes = [models.Index(fields=["province_code", "month"], name="index_month_prov_month_idx")]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.month:%m/%Y}: {self.facts()}"


class UsageMonthRollup(models.Model):
    """The usage rollups of 3.2 summed per commune × calendar month × procedure (``month``: its first day), read like
    :class:`MonthRollup`."""

    pk = models.CompositePrimaryKey("commune_code", "month", "procedure_code", "province_code")
    commune_code = models.CharField(_("xã"), max_length=8)
    province_code = models.CharField(_("tỉnh"), max_length=8)
    month = models.DateField(_("tháng"))
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    dossiers = models.PositiveIntegerField(_("hồ sơ trực tuyến"), default=0)

    class Meta:
        verbose_name = _("hồ sơ trực tuyến theo thủ tục, tháng")
        verbose_name_plural = _("hồ sơ trực tuyến theo thủ tục, tháng")
        indexes = [models.Index(fields=["province_code", "month"], name="index_usage_month_prov_idx")]

    def __str__(self) -> str:
        return f"{self.commune_code} {self.month:%m/%Y} {self.procedure_code}: {self.dossiers}"


class ProvinceFigure(models.Model):
    """A yearly figure of a commune that the province measures outside Coso and enters with the document publishing it:
    an input of the commune-strength index (``strength.PROVINCE_FIGURES``: the SIPAS survey, the legal-access standard,
    the commune PAR index). One value per commune, input and year; a correction replaces it (audited)."""

    province_code = models.CharField(_("mã tỉnh"), max_length=8)
    commune_code = models.CharField(_("mã xã"), max_length=8)
    key = models.CharField(_("đầu vào"), max_length=40)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=5, decimal_places=2)
    document = models.CharField(_("văn bản công bố"), max_length=200)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu tỉnh nhập cho chỉ số năng lực")
        verbose_name_plural = _("số liệu tỉnh nhập cho chỉ số năng lực")
        constraints = [
            models.UniqueConstraint(fields=["commune_code", "key", "year"], name="index_province_figure_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=100), name="index_province_figure_0_100"),
        ]
        indexes = [models.Index(fields=["province_code", "key", "year"], name="index_province_figure_prov_idx")]

    def __str__(self) -> str:
        return f"{self.key} {self.commune_code} {self.year}: {self.value}"
