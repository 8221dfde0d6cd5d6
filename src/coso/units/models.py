"""Administrative units (province, commune, legacy district) and villages / residential groups."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel

TWO_LEVEL_START = dt.date(2025, 7, 1)


class CurrentUnitManager(models.Manager["AdministrativeUnit"]):
    """Units in force now: the 34 provinces and 3,321 communes (and any unit created later).

    Units that ended (the 63 provinces, their districts and 10,035 communes before 1/7/2025, or a
    unit later merged or split) keep their rows for history and lineage; they are reached through
    ``AdministrativeUnit.all_objects``, through ``coso.units.lineage`` or through a foreign key.
    """

    def get_queryset(self) -> models.QuerySet[AdministrativeUnit]:
        return super().get_queryset().filter(valid_to__isnull=True)


class AdministrativeUnit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Quận/huyện (trước 1/7/2025)")
        COMMUNE = "commune", _("Xã/phường/đặc khu")

    class Kind(models.TextChoices):
        TINH = "tinh", _("Tỉnh")
        THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
        QUAN = "quan", _("Quận")
        HUYEN = "huyen", _("Huyện")
        THI_XA = "thi_xa", _("Thị xã")
        THANH_PHO = "thanh_pho", _("Thành phố thuộc tỉnh")
        XA = "xa", _("Xã")
        PHUONG = "phuong", _("Phường")
        THI_TRAN = "thi_tran", _("Thị trấn")
        DAC_KHU = "dac_khu", _("Đặc khu")

    class Classification(models.TextChoices):
        SPECIAL = "special", _("Loại đặc biệt")
        I = "I", _("Loại I")  # noqa: E741
        II = "II", _("Loại II")
        III = "III", _("Loại III")

    # Unique among units in force (see Meta); an ended unit may share its code with the unit that
    # kept it (e.g. Phường Sài Gòn kept the code of one of the wards merged into it on 1/7/2025).
    code = models.CharField(_("mã"), max_length=8, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    codename = models.CharField(max_length=120, blank=True, default="")
    name_folded = models.CharField(max_length=200, db_index=True, editable=False, default="")
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("loại hình"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("trực thuộc"))
    legacy_district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="legacy_communes", verbose_name=_("quận/huyện cũ (trước 1/7/2025)")
    )
    province_code = models.CharField(max_length=8, db_index=True, blank=True, default="")
    # Null when the start is not recorded (units in force before 1/7/2025).
    valid_from = models.DateField(_("hiệu lực từ"), default=TWO_LEVEL_START, null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Attributes used by later rules (staffing quotas, funding, standards).
    classification = models.CharField(_("phân loại"), max_length=8, choices=Classification.choices, blank=True, default="")
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    area_km2 = models.DecimalField(_("diện tích tự nhiên (km²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    is_border_or_island = models.BooleanField(_("biên giới/hải đảo"), default=False)
    is_difficult_area = models.BooleanField(_("vùng khó khăn"), default=False)
    is_security_hotspot = models.BooleanField(_("trọng điểm an ninh trật tự"), default=False)
    agency_code = models.CharField(
        _("mã định danh cơ quan"), max_length=40, blank=True, default="", help_text=_("Mã dùng làm tiền tố mã hồ sơ (V1V2V3.Z1Z2.Y1Y2.MX1X2).")
    )

    objects = CurrentUnitManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gt=models.F("valid_from")), name="unit_valid_range"
            ),
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True), name="unit_current_code_unique"),
            models.UniqueConstraint(fields=["code", "level", "valid_to"], name="unit_code_level_end_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def commune_code(self) -> str:
        return self.code if self.level == self.Level.COMMUNE else ""

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class UnitParentLink(models.Model):
    """Dated parent links, so a commune's history across merges and splits is kept."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="child_links")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.parent_id} ({self.valid_from})"


class UnitSuccession(models.Model):
    """A merge or split: predecessor became (part of) successor on a date.

    One row per (old unit, new unit) pair. An old unit divided between several new units has one
    row per new unit; exactly one of them is ``is_primary``: the unit its past records are counted
    under in reports that cross the effective date (see ``coso.units.lineage``).
    """

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        KEEP = "keep", _("Giữ nguyên")

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="successions_in")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    effective_on = models.DateField()
    legal_basis = models.CharField(max_length=200, blank=True, default="")
    decision_number = models.CharField(_("số văn bản"), max_length=60, blank=True, default="")
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    is_primary = models.BooleanField(
        _("đơn vị kế thừa chính"), default=True, help_text=_("Đơn vị mới được tính số liệu cũ khi đơn vị cũ được chia cho nhiều đơn vị mới.")
    )
    source = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["effective_on", "predecessor_id", "-is_primary", "successor_id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor", "effective_on"], name="succession_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind}, {self.effective_on})"


class Village(TenantModel):
    """Thôn, ấp, bản, tổ dân phố, khu phố under a commune."""

    class Kind(models.TextChoices):
        THON = "thon", _("Thôn")
        AP = "ap", _("Ấp")
        BAN = "ban", _("Bản")
        TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
        KHU_PHO = "khu_pho", _("Khu phố")

    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="villages", limit_choices_to={"level": "commune"})
    name = models.CharField(_("tên"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False, default="")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    households = models.PositiveIntegerField(_("số hộ"), default=0)
    population = models.PositiveIntegerField(_("số dân"), default=0)
    is_border_or_island = models.BooleanField(_("biên giới/hải đảo"), default=False)
    is_security_hotspot = models.BooleanField(_("trọng điểm an ninh trật tự"), default=False)
    converted_from_thon = models.BooleanField(_("chuyển từ thôn (≥350 hộ) thành tổ dân phố"), default=False)
    valid_from = models.DateField(_("hiệu lực từ"), default=TWO_LEVEL_START)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        ordering = ["commune_id", "name"]
        verbose_name = _("thôn, tổ dân phố")
        verbose_name_plural = _("thôn, tổ dân phố")
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="village_unique_name_per_commune")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}" if not self.name.lower().startswith(str(self.get_kind_display()).lower()) else self.name

    @property
    def is_urban_group(self) -> bool:
        return self.kind in (self.Kind.TO_DAN_PHO, self.Kind.KHU_PHO)


class Reorganisation(models.Model):
    """A decided future reorganisation of a province's units (village merge, commune merge or split).

    Entered by the province administrator with the decision; previewed, scheduled, applied on the effective
    date by the job ``reorganisations_apply`` (each app moves its own records: ``coso.units.reorg``), or
    cancelled before then. ``spec`` holds what the decision says, ``preview`` the counts shown when it was
    scheduled, ``result`` what was moved.
    """

    class Kind(models.TextChoices):
        VILLAGE_MERGE = "village_merge", _("Sáp nhập thôn, tổ dân phố")
        COMMUNE_MERGE = "commune_merge", _("Sáp nhập xã, phường")
        COMMUNE_SPLIT = "commune_split", _("Chia tách xã, phường")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Chờ đến ngày hiệu lực")
        APPLIED = "applied", _("Đã thực hiện")
        CANCELLED = "cancelled", _("Đã hủy")
        FAILED = "failed", _("Lỗi khi thực hiện")

    province_code = models.CharField(_("mã tỉnh"), max_length=8, db_index=True)
    kind = models.CharField(_("loại sắp xếp"), max_length=20, choices=Kind.choices)
    decision_number = models.CharField(_("số quyết định, nghị quyết"), max_length=60)
    decision_date = models.DateField(_("ngày ban hành"))
    effective_on = models.DateField(_("ngày có hiệu lực"), db_index=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True, default="")
    title = models.CharField(_("nội dung"), max_length=300)
    spec = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("sắp xếp đơn vị")
        verbose_name_plural = _("sắp xếp đơn vị")

    def __str__(self) -> str:
        return f"{self.decision_number}: {self.title}"
