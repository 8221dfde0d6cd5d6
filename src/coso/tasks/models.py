"""Directives (văn bản chỉ đạo) registered under Decree 30/2020, the tasks they give, progress reports and extensions.

A task's *base* state is stored (open, completed, cancelled); its official status (completed on time / late,
not completed within term / overdue, stopped) depends on the date it is looked at and on the rule deciding
whether an approved extension counts as "on time": see ``coso.tasks.status``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils.translation import gettext_lazy as _

from coso.core.dbfunctions import DayNumber
from coso.core.models import TenantModel


class Directive(TenantModel):
    """An incoming directive registered by a province (commune_code "") or a commune."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("Trung ương (Chính phủ, Thủ tướng, bộ, ngành)")
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")
        PARTY = "party", _("Cấp ủy Đảng")

    number = models.CharField(_("số, ký hiệu"), max_length=80)
    issued_on = models.DateField(_("ngày ban hành"))
    received_on = models.DateField(_("ngày đến"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    level = models.CharField(_("cấp ban hành"), max_length=20, choices=Level.choices)
    summary = models.TextField(_("trích yếu"), max_length=2000)
    file = models.CharField(_("tệp văn bản"), max_length=200, blank=True, default="")
    file_name = models.CharField(max_length=200, blank=True, default="")
    file_content_type = models.CharField(max_length=100, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class Task(TenantModel):
    """One task for one commune (province_code, commune_code = the unit that carries it out)."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        COMPLETED = "completed", _("Đã hoàn thành")
        CANCELLED = "cancelled", _("Dừng/hủy")

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("văn bản chỉ đạo"))
    batch = models.CharField(max_length=32, blank=True, default="", db_index=True)
    title = models.CharField(_("nội dung nhiệm vụ"), max_length=500)
    lead_unit = models.CharField(_("đơn vị chủ trì"), max_length=200)
    coordinating_units = models.CharField(_("đơn vị phối hợp"), max_length=500, blank=True, default="")
    assigned_on = models.DateField(_("ngày giao"))
    due_on = models.DateField(_("thời hạn"))
    effective_due = models.DateField(_("thời hạn sau gia hạn"))
    expected_product = models.CharField(_("sản phẩm dự kiến"), max_length=500, blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks_assigned", verbose_name=_("người được giao")
    )
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.OPEN, db_index=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    result = models.TextField(_("kết quả"), blank=True, default="", max_length=4000)
    cancelled_on = models.DateField(_("ngày dừng/hủy"), null=True, blank=True)
    cancel_reason = models.CharField(_("lý do dừng/hủy"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # The dates the periodic report compares, as whole days since 1/1/2000, kept by the database (coso.tasks.selectors):
    # a grouped scan of a province's year compares numbers, not ISO date text. closed_day is the day the task was
    # completed (state completed) or stopped (state cancelled), empty while it is open.
    assigned_day = models.GeneratedField(expression=DayNumber("assigned_on"), output_field=models.IntegerField(), db_persist=True)
    due_day = models.GeneratedField(expression=DayNumber("due_on"), output_field=models.IntegerField(), db_persist=True)
    effective_due_day = models.GeneratedField(expression=DayNumber("effective_due"), output_field=models.IntegerField(), db_persist=True)
    closed_day = models.GeneratedField(
        expression=DayNumber(
            Case(
                When(state="completed", then=F("completed_on")),
                When(state="cancelled", then=F("cancelled_on")),
                output_field=models.DateField(),
            )
        ),
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )

    class Meta:
        ordering = ["effective_due", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        indexes = [
            # The periodic report reads only these indexes (index-only scans): a short period by its range of assignment
            # days; a long one (or one commune's) in commune order, so that grouping by commune needs no sort.
            models.Index(
                fields=["province_code", "assigned_day", "commune_code", "state", "closed_day", "effective_due_day", "due_day"],
                name="task_report_period_idx",
            ),
            models.Index(
                fields=["province_code", "commune_code", "assigned_day", "state", "closed_day", "effective_due_day", "due_day"],
                name="task_report_commune_idx",
            ),
            models.Index(fields=["state", "effective_due"], name="task_state_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("assigned_on")), name="task_due_after_assigned"),
            models.CheckConstraint(condition=Q(effective_due__gte=F("due_on")), name="task_effective_due_after_due"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title[:120]


class TaskReport(models.Model):
    """A progress or result report by the commune (kept as history)."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Báo cáo tiến độ")
        RESULT = "result", _("Báo cáo kết quả (hoàn thành)")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=Kind.choices)
    reported_on = models.DateField(_("ngày báo cáo"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    content = models.TextField(_("nội dung báo cáo"), max_length=4000)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reported_on:%d/%m/%Y}"


class TaskAttachment(models.Model):
    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.file


class Extension(models.Model):
    """A request to extend a task's deadline and its decision (history is kept: one row per request)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        APPROVED = "approved", _("Đã đồng ý")
        REFUSED = "refused", _("Không đồng ý")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    current_due = models.DateField(_("thời hạn hiện tại"))
    new_due = models.DateField(_("thời hạn đề nghị"))
    reason = models.TextField(_("lý do đề nghị gia hạn"), max_length=2000)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_on = models.DateField(_("ngày đề nghị"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_reason = models.TextField(_("ý kiến/lý do"), blank=True, default="", max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_due__gt=F("current_due")), name="task_ext_new_due_later"),
            models.UniqueConstraint(fields=["task"], condition=Q(status="pending"), name="task_ext_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.current_due:%d/%m/%Y} → {self.new_due:%d/%m/%Y} ({self.get_status_display()})"
