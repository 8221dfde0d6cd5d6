from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """An announced change to the calendar: an extra day off or a make-up working day.

    Overrides take precedence over the `holidays` package and over weekends.
    ``province_code`` empty means nationwide.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    province_code = models.CharField(_("tỉnh (để trống: toàn quốc)"), max_length=8, blank=True, default="")
    reason = models.CharField(_("lý do"), max_length=300)
    source = models.CharField(_("căn cứ"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("điều chỉnh lịch")
        verbose_name_plural = _("điều chỉnh lịch")
        constraints = [models.UniqueConstraint(fields=["date", "province_code"], name="calendar_override_unique_day")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.reason}"
