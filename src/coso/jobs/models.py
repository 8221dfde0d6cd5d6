"""Run log of periodic jobs, the ledger of reminders sent, and export jobs with their files."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel

# A run of a job no longer registered that holds its lock longer than this is taken to have died (machine lost, process
# killed); a registered job has its own time limit (``coso.jobs.registry.time_limit``): past it its lock is taken over by
# the next run, and the run is shown, then recorded by that next run, as interrupted. Also how long an export may wait.
STALE_AFTER = dt.timedelta(hours=6)


class JobRun(models.Model):
    """One run of a periodic job: when, triggered how and by whom, what it did, or why it failed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        OK = "ok", _("Thành công")
        FAILED = "failed", _("Lỗi")
        SKIPPED = "skipped", _("Bỏ qua (đang chạy ở nơi khác)")
        ABANDONED = "abandoned", _("Bị gián đoạn")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Theo lịch")
        MANUAL = "manual", _("Chạy thủ công")
        COMMAND = "command", _("Lệnh quản trị")

    name = models.CharField(_("tác vụ"), max_length=80)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(_("khởi chạy"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("người khởi chạy"))
    host = models.CharField(_("máy chạy"), max_length=120, blank=True, default="")
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    # The same counts per province, so that a province administrator sees only their own.
    by_province = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started_idx")]
        verbose_name = _("lần chạy tác vụ")
        verbose_name_plural = _("lần chạy tác vụ")

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def current_status(self) -> str:
        """The status to show: a run still "running" past its job's time limit has died (``registry.time_limit``), whether
        or not the next run has recorded it yet."""
        from coso.jobs.registry import time_limit

        if self.status == self.Status.RUNNING and self.started_at < timezone.now() - time_limit(self.name):
            return self.Status.ABANDONED
        return self.status

    @property
    def current_status_label(self) -> str:
        return str(self.Status(self.current_status).label)


class JobLock(models.Model):
    """One row per periodic job: taken while a run is in progress (shared by every machine)."""

    name = models.CharField(max_length=80, primary_key=True)
    running_since = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.name


class Reminder(TenantModel):
    """A reminder that was sent: the key says what it was about, so the same one is never sent twice."""

    key = models.CharField(_("khoá"), max_length=200)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người nhận"))
    kind = models.CharField(_("loại"), max_length=40)
    object_type = models.CharField(max_length=80, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    text = models.TextField(_("nội dung"))
    channels = models.JSONField(_("kênh đã gửi"), default=list, blank=True)
    run = models.ForeignKey(JobRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders")
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="reminder_once_per_recipient")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="reminder_object_idx")]
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient_id}"


class ExportJob(TenantModel):
    """A long export run as a job: who asked for what, its progress, and the file while it is kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")
        EXPIRED = "expired", _("Đã hết hạn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại"), max_length=60)
    title = models.CharField(_("tên"), max_length=300)
    # What the kind's ``title(args)`` needs to name the export again in the reader's language (``display_title``).
    title_args = models.JSONField(_("thông tin tên"), default=dict, blank=True)
    params = models.JSONField(_("tham số"), default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("người yêu cầu"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file_name = models.CharField(_("tệp lưu trữ"), max_length=500, blank=True, default="")
    filename = models.CharField(_("tên tệp tải về"), max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=120, blank=True, default="")
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    error = models.TextField(_("lỗi"), blank=True, default="")
    # The error's code (coso.core.errors), so that its message is shown in the reader's language (``display_error``).
    error_code = models.CharField(_("mã lỗi"), max_length=60, blank=True, default="")
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("giữ tệp đến"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=100), name="exportjob_progress_0_100")]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_user_idx"),
            models.Index(fields=["status", "expires_at"], name="exportjob_expiry_idx"),
        ]
        verbose_name = _("yêu cầu xuất tệp")
        verbose_name_plural = _("yêu cầu xuất tệp")

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def current_status(self) -> str:
        """The status as its reader sees it now: a file past its keeping time is expired (it is no longer served) even
        before the periodic clean-up (``exports_expire``, every 15 minutes) deletes it and records the status."""
        from django.utils import timezone

        if self.status == self.Status.DONE and self.expires_at is not None and self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.status

    @property
    def current_status_label(self) -> str:
        return str(self.Status(self.current_status).label)

    @property
    def display_title(self) -> str:
        """The export's name in the reader's language (made again by its kind from ``title_args``); the name stored
        when it was asked for when the kind cannot (an older job, a kind no longer registered)."""
        from coso.jobs.registry import EXPORTS

        entry = EXPORTS.get(self.kind)
        make = getattr(entry.impl, "title", None) if entry is not None else None
        if make is not None and self.title_args:
            try:
                return str(make(dict(self.title_args)))
            except (KeyError, TypeError, ValueError):
                pass
        return self.title

    @property
    def display_error(self) -> str:
        """Why the export failed, in the reader's language when the error's message takes no parameters; else
        the message as it was recorded."""
        from coso.core.errors import message_for

        return (message_for(self.error_code) if self.error_code else "") or self.error
