"""Citizen feedback (phản ánh, kiến nghị, PAKN): categories, deadline rules, items, history, attachments."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.models import ChangeSignallingQuerySet, TenantModel


class FeedbackCategory(models.Model):
    """A category (Open311 service). National classification plus local categories, as data."""

    class Classification(models.TextChoices):
        REGULATION = "regulation", _("Quy định, chính sách, thủ tục hành chính")
        CONDUCT = "conduct", _("Hành vi, thái độ của cán bộ, công chức")
        LOCAL = "local", _("Đời sống, hạ tầng tại địa phương")

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True, default="")
    classification = models.CharField(_("phân loại"), max_length=20, choices=Classification.choices)
    group = models.CharField(_("nhóm"), max_length=60, blank=True, default="")
    keywords = models.CharField(_("từ khoá"), max_length=300, blank=True, default="")
    # Routing: which role in the commune of the place handles it.
    handler_role = models.CharField(_("vai trò xử lý"), max_length=32, default="specialist")
    allow_anonymous = models.BooleanField(_("cho phép ẩn danh"), default=True)
    citizen_may_reraise = models.BooleanField(_("công dân được phản ánh lại"), default=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("lĩnh vực phản ánh")

    def __str__(self) -> str:
        return self.name


class ResponseTemplate(models.Model):
    """A standard answer text for a category (FixMyStreet's response templates)."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Trả lời")
        REJECT = "reject", _("Từ chối")
        INFO = "info", _("Đề nghị bổ sung thông tin")

    category = models.ForeignKey(FeedbackCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="templates")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.ANSWER)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))

    class Meta:
        ordering = ["category_id", "kind", "title"]

    def __str__(self) -> str:
        return self.title


class Feedback(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ kiểm duyệt")
        PROCESSING = "processing", _("Đang xử lý")
        INFO_REQUESTED = "info_requested", _("Chờ bổ sung thông tin")
        ANSWERED = "answered", _("Đã trả lời, chờ công khai")
        CLOSED = "closed", _("Đã trả lời, đã công khai")
        REJECTED = "rejected", _("Từ chối tiếp nhận")
        FORWARDED = "forwarded", _("Đã chuyển cơ quan có thẩm quyền")

    class ForwardTarget(models.TextChoices):
        COMMUNE = "commune", _("Xã, phường khác trong tỉnh")
        PROVINCE = "province", _("Sở, ngành của tỉnh")
        EXTERNAL = "external", _("Cơ quan khác (ngoài Coso)")

    class Channel(models.TextChoices):
        WEB = "web", _("Cổng thông tin")
        API = "api", _("API")
        OPEN311 = "open311", _("Open311")
        COUNTER = "counter", _("Trực tiếp")

    class Rating(models.TextChoices):
        USEFUL = "useful", _("Hữu ích")
        NOT_USEFUL = "not_useful", _("Chưa hữu ích")
        RERAISED = "reraised", _("Phản ánh lại")

    OPEN_STATUSES = (Status.PENDING, Status.PROCESSING, Status.INFO_REQUESTED)

    code = models.CharField(_("mã phản ánh"), max_length=24, unique=True)
    access_key = models.CharField(max_length=24, default="", editable=False)
    category = models.ForeignKey(FeedbackCategory, on_delete=models.PROTECT, related_name="items", verbose_name=_("lĩnh vực"))
    village = models.ForeignKey("units.Village", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("thôn, tổ dân phố"))
    title = models.CharField(_("tiêu đề"), max_length=200)
    text = models.TextField(_("nội dung"), max_length=4000)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True, default="")
    lat = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    long = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    anonymous = models.BooleanField(_("ẩn danh"), default=False)
    contact_name = models.CharField(_("họ và tên"), max_length=200, blank=True, default="")
    contact_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, default="")
    contact_email = models.EmailField(_("thư điện tử"), blank=True, default="")
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    media_url = models.URLField(blank=True, default="")

    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    is_public = models.BooleanField(_("đã công khai"), default=False)
    hidden = models.BooleanField(_("đã ẩn"), default=False)
    hidden_reason = models.CharField(max_length=300, blank=True, default="")
    flagged = models.BooleanField(_("có từ ngữ cần xem"), default=False)
    flag_words = models.JSONField(default=list, blank=True)
    report_count = models.PositiveIntegerField(default=0)

    submitted_at = models.DateTimeField(_("gửi lúc"), db_index=True)
    start_date = models.DateField(_("ngày bắt đầu tính hạn"))
    reject_due = models.DateField()
    info_due = models.DateField()
    answer_due = models.DateField(_("hạn xử lý"))
    publish_due = models.DateField(null=True, blank=True)
    # Outside the commune's competence: forwarded to the competent body (Decree 20/2008 Art. 9(1)(d)).
    forward_due = models.DateField(_("hạn chuyển cơ quan có thẩm quyền"), null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forward_target = models.CharField(_("nơi chuyển đến"), max_length=10, choices=ForwardTarget.choices, blank=True, default="")
    forward_target_code = models.CharField(max_length=12, blank=True, default="")
    forward_target_name = models.CharField(_("cơ quan có thẩm quyền"), max_length=300, blank=True, default="")
    forward_reason = models.TextField(_("lý do chuyển"), blank=True, default="")
    forward_escalated_at = models.DateTimeField(null=True, blank=True)
    # The item a commune received by forwarding points to the one it came from.
    forwarded_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="forwarded_copies",
                                       verbose_name=_("chuyển đến từ"))
    published_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    late = models.BooleanField(_("quá hạn"), default=False)
    escalated = models.BooleanField(_("đã báo lãnh đạo"), default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The deadline the leader was last told about (the answer's, or the publication's once answered): once per deadline.
    escalated_due = models.DateField(_("hạn đã báo lãnh đạo"), null=True, blank=True)

    handler_role = models.CharField(max_length=32, blank=True, default="")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answer_text = models.TextField(_("nội dung trả lời"), blank=True, default="")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_answered")
    reject_reason = models.TextField(blank=True, default="")
    info_request = models.TextField(blank=True, default="")

    rating = models.CharField(_("đánh giá trả lời"), max_length=12, choices=Rating.choices, blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)
    officer_rating = models.PositiveSmallIntegerField(_("đánh giá cán bộ (1–5)"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = ChangeSignallingQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            models.Index(fields=["is_public", "hidden", "published_at"], name="fb_public_idx"),
            models.Index(fields=["is_public", "hidden", "submitted_at"], name="fb_public_submitted_idx"),  # Open311 queries
            models.Index(fields=["commune_code", "is_public", "published_at"], name="fb_commune_public_idx"),
            models.Index(fields=["province_code", "status", "submitted_at"], name="fb_province_status_idx"),
            models.Index(fields=["commune_code", "status", "answer_due"], name="fb_commune_due_idx"),
            models.Index(fields=["answered_by", "answered_at"], name="fb_officer_idx"),
            models.Index(fields=["status", "forward_due"], name="fb_status_forward_due_idx"),  # forwarding escalation
        ]
        constraints = [
            models.CheckConstraint(condition=Q(officer_rating__isnull=True) | Q(officer_rating__gte=1, officer_rating__lte=5), name="fb_officer_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def hidden_reason_display(self) -> str:
        """Why it is hidden, in the reader's language (the automatic hiding's reason is the system's; a moderator's, as typed)."""
        from coso.feedback.notes import display

        return display(self.hidden_reason)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.late or (self.is_open and self.answer_due < today)


class FeedbackEvent(models.Model):
    """History: every moderation step and edit (with the text), status change, report, rating.

    ``public`` events make the public history (Open311 notes); the others are for moderators only.
    """

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Bản gốc")
        EDIT = "edit", _("Biên tập")
        REDACT = "redact", _("Ẩn thông tin cá nhân")
        PUBLISH = "publish", _("Công khai")
        HIDE = "hide", _("Ẩn")
        UNHIDE = "unhide", _("Bỏ ẩn")
        UNHIDE_ATTACHMENTS = "unhide_attachments", _("Hiện lại tệp")
        AUTO_HIDE = "auto_hide", _("Tự động ẩn")
        REJECT = "reject", _("Từ chối")
        INFO = "info", _("Đề nghị bổ sung")
        SUPPLEMENT = "supplement", _("Công dân bổ sung")
        ANSWER = "answer", _("Trả lời")
        PUBLISH_ANSWER = "publish_answer", _("Công khai trả lời")
        REPORT = "report", _("Báo vi phạm")
        DISMISS_REPORTS = "dismiss_reports", _("Bỏ qua báo cáo vi phạm")
        FLAG = "flag", _("Gắn cờ tự động")
        UNFLAG = "unflag", _("Bỏ cờ từ ngữ")
        RATE = "rate", _("Đánh giá")
        ESCALATE = "escalate", _("Báo lãnh đạo (quá hạn)")
        SUBMIT = "submit", _("Tiếp nhận")
        FORWARD = "forward", _("Chuyển cơ quan có thẩm quyền")
        RECEIVE_FORWARD = "receive_forward", _("Nhận chuyển đến")
        FORWARD_ESCALATE = "forward_escalate", _("Báo lãnh đạo (quá hạn chuyển)")

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    public = models.BooleanField(default=False)
    note = models.TextField(blank=True, default="")
    title = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField(blank=True, default="")

    @property
    def display_note(self) -> str:
        """The note in the reader's language: one the system wrote is translated, words a person typed are shown as typed."""
        from coso.feedback.notes import display

        return display(self.note)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.kind}"


class FeedbackReport(models.Model):
    """A public "report this" click: one per reporter (the signed-in user, else the client's address) and item.

    ``address_hash`` is a keyed hash of the client's address (never the address itself): automatic hiding counts
    distinct addresses, which a visitor cannot renew for free the way a new browser session is.
    """

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reports")
    reporter_key = models.CharField(max_length=64)
    address_hash = models.CharField(max_length=64, blank=True, default="")
    reason = models.CharField(max_length=300, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)
    # Set when a moderator found the item fine (reports dismissed, or the item unhidden): the report no longer counts,
    # and its reporter cannot report the same item again (one report per reporter and item).
    dismissed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("bỏ qua lúc"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feedback", "reporter_key"], name="fb_report_once")]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.reporter_key}"


def attachment_path(instance: FeedbackAttachment, filename: str) -> str:
    return filename  # the service generates the name


class FeedbackAttachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True, default="")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    hidden = models.BooleanField(_("đã ẩn"), default=False)
    # The item whose hiding hid this file here: the item it was forwarded from (or one before it) when the hiding came down
    # the chain of forwarded copies, empty when this item's own moderator hid it. Showing the file again on that item shows
    # it again here; a file hidden here by this item's moderator stays hidden.
    hidden_by = models.ForeignKey(Feedback, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("ẩn theo phản ánh"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name or ""
