"""The rule book's rows: one dated value of a declared rule key for one scope."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    CONFIRMED = "C", _("Đã đối chiếu văn bản")
    THIRD_PARTY = "C-3p", _("Theo nguồn thứ cấp")
    INFERRED = "I", _("Suy luận từ văn bản")
    RECALLED = "R", _("Chưa có nguồn, cần kiểm tra")
    PROVINCE = "P", _("Do tỉnh quy định")


class Scope(models.TextChoices):
    NATIONAL = "national", _("Toàn quốc")
    PROVINCE = "province", _("Tỉnh, thành phố")
    COMMUNE = "commune", _("Xã, phường, đặc khu")


class Rule(models.Model):
    """One value of a rule key, valid from ``valid_from`` until the day before ``valid_to`` (open when empty).

    Scope: national (no codes), a province (province_code) or a commune (both codes). For one key
    and one scope, periods never overlap (checked by the services under a lock). Lookup precedence:
    commune > province > national, then the row whose period covers the date.
    """

    class Origin(models.TextChoices):
        DATA = "data", _("Dữ liệu phát hành kèm phần mềm")
        EDITED = "edited", _("Đơn vị chỉnh sửa")
        SCENARIO = "scenario", _("Áp dụng từ kịch bản")

    key = models.CharField(_("mã quy định"), max_length=120)
    scope = models.CharField(_("phạm vi"), max_length=10, choices=Scope.choices, default=Scope.NATIONAL)
    province_code = models.CharField(_("mã tỉnh"), max_length=8, blank=True, default="")
    commune_code = models.CharField(_("mã xã"), max_length=8, blank=True, default="")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến (không gồm ngày này)"), null=True, blank=True)
    value = models.JSONField(_("giá trị"))
    source_document = models.CharField(_("văn bản căn cứ"), max_length=300, blank=True, default="")
    source_article = models.CharField(_("điều, khoản"), max_length=300, blank=True, default="")
    source_url = models.URLField(_("đường dẫn văn bản"), max_length=500, blank=True, default="")
    confidence = models.CharField(_("độ tin cậy"), max_length=4, choices=Confidence.choices, default=Confidence.CONFIRMED)
    note = models.TextField(_("ghi chú"), blank=True, default="")
    origin = models.CharField(_("nguồn gốc"), max_length=10, choices=Origin.choices, default=Origin.DATA)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("lý do thay đổi"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "province_code", "commune_code", "valid_from"]
        verbose_name = _("quy định")
        verbose_name_plural = _("quy định")
        constraints = [
            models.UniqueConstraint(fields=["key", "province_code", "commune_code", "valid_from"], name="rules_rule_unique_start"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")), name="rules_rule_valid_range"),
            models.CheckConstraint(
                condition=(Q(scope="national", province_code="", commune_code="")
                           | (Q(scope="province", commune_code="") & ~Q(province_code=""))
                           | (Q(scope="commune") & ~Q(province_code="") & ~Q(commune_code=""))),
                name="rules_rule_scope_codes",
            ),
        ]
        indexes = [models.Index(fields=["key", "province_code", "commune_code", "valid_from"], name="rules_rule_lookup_idx")]

    def __str__(self) -> str:
        where = self.commune_code or self.province_code or "QG"
        return f"{self.key} = {self.value} ({where}, {self.valid_from:%d/%m/%Y})"

    @property
    def source_text(self) -> str:
        return ", ".join(p for p in (self.source_document, self.source_article) if p)


class RuleBookState(models.Model):
    """A single row whose ``stamp`` changes with every change of the rule book (cache invalidation)."""

    stamp = models.CharField(max_length=32, default="initial")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.stamp

    @staticmethod
    def new_stamp() -> str:
        return uuid.uuid4().hex
