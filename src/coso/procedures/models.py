"""Procedure catalogue (thủ tục hành chính): effective-dated versions with their processing steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.accounts.roles import Role


class Procedure(models.Model):
    """A procedure as published in the national database (CSDL quốc gia về TTHC)."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("Cấp xã")
        PROVINCE = "province", _("Cấp tỉnh")

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_folded = models.CharField(max_length=500, db_index=True, editable=False, default="")
    field = models.CharField(_("lĩnh vực"), max_length=200, db_index=True)
    decision_level = models.CharField(_("cấp thực hiện"), max_length=20, choices=Level.choices, default=Level.COMMUNE)
    # False once an end is decided (``services.procedures_end``), also one from a future date: no new version or phân cấp.
    # Whether the procedure can be used on a day is ``selectors.is_offered`` (a version in force that day, before ``ends_on``).
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    ends_on = models.DateField(
        _("ngừng áp dụng từ ngày"), null=True, blank=True,
        help_text=_("Ngày thủ tục ngừng áp dụng (không kể): đến hết ngày trước đó thủ tục vẫn nhận hồ sơ."),
    )
    code_verified = models.BooleanField(_("mã đã đối chiếu CSDL quốc gia"), default=True)
    code_note = models.CharField(_("ghi chú về mã"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["field", "name"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return self.name

    def version_on(self, day: dt.date, province_code: str = "") -> ProcedureVersion | None:
        """The version in force on ``day``: a province's own version wins over the national one (the rule book's precedence)."""
        from coso.rules.lookup import select_in_force

        # unordered: the precedence does not depend on the rows' order (and the default order joins the procedure)
        return select_in_force(self.versions.filter(province_code__in={"", province_code}).order_by(), day, province_code)


class ProcedureVersion(models.Model):
    """The rules of a procedure valid from a date. A dossier keeps the version it was received under."""

    class TimeUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("ngày làm việc")
        WORKING_HOURS = "working_hours", _("giờ làm việc")
        CALENDAR_DAYS = "calendar_days", _("ngày")
        SAME_DAY = "same_day", _("trong ngày (sau giờ giới hạn: ngày làm việc tiếp theo)")

    class Online(models.TextChoices):
        NONE = "none", _("Không trực tuyến")
        PARTIAL = "partial", _("Trực tuyến một phần")
        FULL = "full", _("Trực tuyến toàn trình")

    # Not a column: the steps (order, name, role, share_percent) in order, read with the version by
    # ``selectors.offered_version_of`` (absent on a version read otherwise).
    ordered_steps: list[tuple[Any, ...]]

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    province_code = models.CharField(_("tỉnh (để trống: toàn quốc)"), max_length=8, blank=True, default="")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    time_limit = models.DecimalField(_("thời hạn giải quyết"), max_digits=6, decimal_places=1)
    time_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS)
    time_limit_note = models.CharField(_("ghi chú thời hạn"), max_length=500, blank=True, default="")
    cutoff_time = models.TimeField(_("giờ giới hạn tiếp nhận trong ngày"), null=True, blank=True, help_text=_("Ví dụ 15:00: nhận sau giờ này tính từ ngày làm việc tiếp theo."))
    fee = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_note = models.CharField(_("ghi chú phí"), max_length=500, blank=True, default="")
    required_documents = models.JSONField(_("thành phần hồ sơ"), default=list, blank=True, help_text=_('Danh sách {"name": ..., "copies": 1, "required": true}'))
    result_type = models.CharField(_("kết quả"), max_length=300, blank=True, default="")
    online = models.CharField(_("dịch vụ công trực tuyến"), max_length=10, choices=Online.choices, default=Online.PARTIAL)
    applicant = models.CharField(_("đối tượng thực hiện"), max_length=300, blank=True, default="")
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True, default="")
    source = models.CharField(_("nguồn"), max_length=500, blank=True, default="")
    confidence = models.CharField(
        _("độ tin cậy của số liệu"), max_length=8, blank=True, default="",
        help_text=_("C: đã đối chiếu văn bản; C-3p: nguồn thứ cấp; I: suy luận; R: ghi nhớ, cần kiểm tra."),
    )

    class Meta:
        ordering = ["procedure", "-valid_from"]
        constraints = [
            # valid_to == valid_from: an empty period, a version withdrawn before it took effect (procedures_end), kept as history
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="procversion_valid_range"),
            models.CheckConstraint(condition=Q(time_limit__gte=0), name="procversion_time_limit_nonneg"),
            models.UniqueConstraint(fields=["procedure", "province_code", "valid_from"], name="procversion_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} từ {self.valid_from:%d/%m/%Y}"

    @property
    def public_source(self) -> str:
        """The source as the public sees it: the document or portal page, without confidence marks or crawl paths."""
        import re

        text = re.sub(r"\s*\[(?:C-3p|C|I|R)\b[^\]]*\]", "", self.source or "")
        text = re.sub(r"\s*\((?:bản thu thập|Database/|scripts/)[^)]*\)", "", text)
        text = re.sub(r"[;,]?\s*bản thu thập[^;]*", "", text)
        return re.sub(r"\s{2,}", " ", text).strip(" ;,")

    @property
    def withdrawn(self) -> bool:
        """Withdrawn before it took effect (``procedures_end``): an empty period, never in force, kept as history."""
        return self.valid_to is not None and self.valid_to == self.valid_from

    def status_on(self, day: dt.date) -> str:
        """"withdrawn" (never in force), "upcoming", "in_force" or "ended" on ``day``."""
        if self.withdrawn:
            return "withdrawn"
        if self.valid_from > day:
            return "upcoming"
        if self.valid_to is not None and self.valid_to <= day:
            return "ended"
        return "in_force"

    @property
    def needs_confirmation(self) -> bool:
        return self.confidence in ("I", "R")

    @property
    def time_limit_label(self) -> str:
        """Human text of the legal time limit: "5 ngày làm việc", "Trong ngày (nhận sau 15:00: …)"."""
        if self.time_unit == self.TimeUnit.SAME_DAY:
            if self.cutoff_time:
                return str(_("Trong ngày (nhận sau %(t)s: ngày làm việc tiếp theo)")) % {"t": self.cutoff_time.strftime("%H:%M")}
            return str(_("Trong ngày"))
        number = f"{self.time_limit:f}".rstrip("0").rstrip(".").replace(".", ",")
        return f"{number} {self.get_time_unit_display()}"


class ProcedureStep(models.Model):
    """An internal processing step: who performs it and its share of the time limit."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=200)
    role = models.CharField(_("vai trò thực hiện"), max_length=32, choices=Role.choices)
    share_percent = models.DecimalField(_("tỷ lệ thời hạn (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="procstep_unique_order"),
            models.CheckConstraint(condition=Q(share_percent__gte=0) & Q(share_percent__lte=100), name="procstep_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Decentralisation(models.Model):
    """Phân cấp: a province hands the decision of one of its procedures to the communes from a date, by its own decision.

    Dossiers received from ``valid_from`` (until ``valid_to``, exclusive) are decided by the commune that receives them;
    dossiers received before keep the province as deciding body. The past is never rewritten: a period starts in the future
    and is ended from a future date."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="decentralisations", verbose_name=_("thủ tục"))
    province_code = models.CharField(_("mã tỉnh"), max_length=8, db_index=True)
    level = models.CharField(_("cấp quyết định"), max_length=20, choices=Procedure.Level.choices, default=Procedure.Level.COMMUNE)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("đến ngày (không kể)"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định phân cấp"), max_length=60)
    decision_date = models.DateField(_("ngày ban hành"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["province_code", "procedure_id", "valid_from"]
        verbose_name = _("phân cấp thẩm quyền giải quyết")
        verbose_name_plural = _("phân cấp thẩm quyền giải quyết")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")), name="decentralisation_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} → {self.level} ({self.province_code}, {self.valid_from})"
