"""Models of the assignments app: appointment decisions, rotation exemptions (Decree 59/2019 Art. 38) and the
origin of a person (for the non-local rule).

People are workforce records (``workforce.Person``, referenced by key only); their positions, standards and
retirement dates are read through ``coso.workforce.selectors``; planning entries through ``coso.planning.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel


class Decision(TenantModel):
    """An appointment or transfer decision filling a post of a commune (the commune is the tenant)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ đến ngày có hiệu lực")
        APPLIED = "applied", _("Đã cập nhật hồ sơ")
        # A reorganisation moved it to a commune whose catalogue lacks its post (``reorg.py``): it cannot be applied there.
        RETURNED = "returned", _("Trả lại, cần quyết định mới")

    person = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    position_code = models.CharField(_("chức vụ/chức danh bổ nhiệm"), max_length=30)
    from_position_code = models.CharField(_("chức vụ trước khi bổ nhiệm"), max_length=30, blank=True, default="")
    from_commune_code = models.CharField(_("xã/phường trước khi bổ nhiệm"), max_length=10, blank=True, default="")
    number = models.CharField(_("số quyết định"), max_length=60)
    decided_on = models.DateField(_("ngày ký"))
    effective_on = models.DateField(_("ngày có hiệu lực"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    checks = models.JSONField(_("kết quả kiểm tra điều kiện"), default=list, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True, default="")
    return_reason = models.CharField(_("lý do trả lại"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(effective_on__gte=models.F("decided_on")), name="assign_decision_dates"),
            models.UniqueConstraint(fields=["province_code", "number"], name="assign_decision_number_unique"),
        ]
        indexes = [models.Index(fields=["status", "effective_on"], name="assign_decision_due_idx")]

    def __str__(self) -> str:
        return self.number


class RotationExemption(TenantModel):
    """A reason not to rotate a person for now (Decree 59/2019/NĐ-CP Art. 38), with its period."""

    class Reason(models.TextChoices):
        DISCIPLINE_REVIEW = "discipline_review", _("Đang bị xem xét xử lý kỷ luật")
        INVESTIGATION = "investigation", _("Đang bị kiểm tra, xác minh, thanh tra, điều tra, truy tố, xét xử")
        ILLNESS = "illness", _("Đang điều trị bệnh hiểm nghèo, bệnh phải điều trị dài ngày")
        STUDY = "study", _("Đang đi học tập trung từ 12 tháng trở lên")
        SECONDED = "seconded", _("Đang biệt phái")
        CHILD = "child", _("Đang mang thai hoặc nuôi con dưới 36 tháng tuổi")

    person = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("lý do"), max_length=30, choices=Reason.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                              name="assign_exemption_dates")]

    def covers(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Origin(TenantModel):
    """Where a person comes from, for the non-local rule: birthplace commune and years lived, studied or worked in
    a commune outside the register's position history."""

    person = models.OneToOneField("workforce.Person", on_delete=models.CASCADE, related_name="+")
    birth_commune_code = models.CharField(_("nơi sinh (mã xã/phường)"), max_length=10, blank=True, default="")
    other_years = models.JSONField(_("số năm sinh sống, học tập, công tác khác theo xã"), default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, default="")
