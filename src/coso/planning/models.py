"""Models of the planning app: planning lists and candidates, yearly review proposals, courses and training plans.

People are workforce records (``workforce.Person``, referenced by key only); their facts are read
through ``coso.workforce.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel
from coso.planning.catalogue import COURSE_KINDS, TERMS


class PlanningList(TenantModel):
    """The candidates planned for one position of one unit in one term."""

    term = models.CharField(_("nhiệm kỳ"), max_length=9, choices=[(k, v["label"]) for k, v in TERMS.items()])
    position_code = models.CharField(_("chức danh quy hoạch"), max_length=30)
    level = models.CharField(_("cấp"), max_length=10, default="xa")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commune_code", "term", "position_code"]
        constraints = [models.UniqueConstraint(fields=["commune_code", "term", "position_code"], name="planning_list_unique")]

    def __str__(self) -> str:
        return f"{self.position_code} {self.term} ({self.commune_code})"


class Candidate(TenantModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Trong quy hoạch")
        REMOVED = "removed", _("Đã đưa ra khỏi quy hoạch")

    planning_list = models.ForeignKey(PlanningList, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    entered_on = models.DateField(_("ngày vào quy hoạch"))
    decision = models.CharField(_("quyết định phê duyệt"), max_length=120)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    removed_on = models.DateField(_("ngày đưa ra"), null=True, blank=True)
    removal_decision = models.CharField(_("quyết định đưa ra"), max_length=120, blank=True, default="")
    removal_reason = models.CharField(_("lý do đưa ra"), max_length=500, blank=True, default="")
    warnings = models.JSONField(_("lưu ý khi vào quy hoạch"), default=list, blank=True)

    class Meta:
        ordering = ["entered_on", "id"]
        constraints = [models.UniqueConstraint(fields=["planning_list", "person"], condition=Q(status="active"), name="planning_candidate_active_unique")]


class CandidateEvent(models.Model):
    """The history of a candidate (shown on the list; the audit log also records every change).

    A line the system writes keeps its Vietnamese source sentence (``message``, a msgid) and its parameters, and is
    shown in the reader's language (``display_text``); ``text`` is the line in Vietnamese as written (the only content of
    the lines written before messages were kept, shown as they are)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20)
    text = models.CharField(_("nội dung"), max_length=1000)
    message = models.CharField(_("mẫu nội dung"), max_length=300, blank=True, default="")
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    actor_name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """The line in the active language (a line written before messages were kept: as written)."""
        if not self.message:
            return self.text
        from coso.planning.services import event_text

        return event_text(self.message, self.params, translate=True) or self.text


class RemovalProposal(TenantModel):
    """A removal the yearly review proposes; a person decides (the review never removes anyone)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        ACCEPTED = "accepted", _("Đã đưa ra khỏi quy hoạch")
        REJECTED = "rejected", _("Giữ lại trong quy hoạch")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="proposals")
    review_on = models.DateField(_("ngày rà soát"))
    year = models.PositiveIntegerField(_("năm rà soát"))
    reasons = models.JSONField(_("lý do"), default=list)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("ghi chú quyết định"), max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-review_on", "id"]
        constraints = [models.UniqueConstraint(fields=["candidate", "year"], name="planning_proposal_year_unique")]


class Course(TenantModel):
    kind = models.CharField(_("loại khóa"), max_length=30, choices=[(k, _(v["name"])) for k, v in COURSE_KINDS.items()])
    name = models.CharField(_("tên khóa"), max_length=200)
    year = models.PositiveIntegerField(_("năm"))
    starts_on = models.DateField(_("ngày khai giảng"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("thời gian (ngày)"))
    seats = models.PositiveIntegerField(_("số chỗ"))
    cost_per_person = models.PositiveBigIntegerField(_("chi phí một người (đồng)"))

    class Meta:
        ordering = ["year", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingPlan(TenantModel):
    """A yearly plan built by the optimiser, with the greedy baseline's result on the same data."""

    year = models.PositiveIntegerField(_("năm"))
    budget = models.PositiveBigIntegerField(_("kinh phí (đồng)"))
    per_person_limit = models.PositiveIntegerField(_("số khóa tối đa một người"))
    result = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class PostgradRequest(TenantModel):
    """A request to send a civil servant to postgraduate training (Nghị định 171/2025/NĐ-CP from 1/7/2025, Nghị định 101/2017 before),
    with each condition checked, the service commitment and, if the person later repays, the amount."""

    class Level(models.TextChoices):
        MASTER = "thac_si", _("Thạc sĩ")
        DOCTOR = "tien_si", _("Tiến sĩ")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Đã lập, chờ quyết định")
        APPROVED = "approved", _("Đã cử đi học")
        REJECTED = "rejected", _("Không cử đi học")

    class RepayCase(models.TextChoices):
        DROPPED = "dropped", _("Tự ý bỏ học, thôi việc trong thời gian đào tạo")
        DISMISSED = "dismissed", _("Bị kỷ luật buộc thôi việc")
        NO_DEGREE = "no_degree", _("Không được cấp văn bằng")
        LEFT_EARLY = "left_early", _("Thôi việc khi chưa phục vụ đủ thời gian cam kết")

    class Exemption(models.TextChoices):
        NONE = "", _("Không")
        ILLNESS = "illness", _("Ốm đau, thiên tai, dịch bệnh (có xác nhận) nên không hoàn thành khóa học")
        TRANSFER = "transfer", _("Được điều động, luân chuyển, biệt phái sang cơ quan khác trong hệ thống chính trị")

    person = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("trình độ"), max_length=10, choices=Level.choices)
    field = models.CharField(_("chuyên ngành"), max_length=30)
    field_note = models.CharField(_("giải trình chuyên ngành phù hợp vị trí việc làm"), max_length=500, blank=True, default="")
    institution = models.CharField(_("cơ sở đào tạo"), max_length=200)
    starts_on = models.DateField(_("ngày bắt đầu khóa học"))
    ends_on = models.DateField(_("ngày kết thúc khóa học"))
    cost = models.PositiveBigIntegerField(_("kinh phí dự kiến (đồng)"))
    checks = models.JSONField(_("kết quả kiểm tra điều kiện"), default=list)
    eligible = models.BooleanField(_("đủ điều kiện"), default=False)
    rule_source = models.JSONField(default=dict)
    training_months = models.PositiveIntegerField(_("thời gian đào tạo (tháng)"))
    commitment_months = models.PositiveIntegerField(_("thời gian cam kết phục vụ (tháng)"))
    commitment_end = models.DateField(_("cam kết phục vụ đến ngày"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    decision = models.CharField(_("quyết định"), max_length=120, blank=True, default="")
    repay_case = models.CharField(_("trường hợp đền bù"), max_length=12, choices=RepayCase.choices, blank=True, default="")
    exemption = models.CharField(_("trường hợp không phải đền bù"), max_length=10, choices=Exemption.choices, blank=True, default="")
    actual_cost = models.PositiveBigIntegerField(_("chi phí thực tế F (đồng)"), null=True, blank=True)
    months_served = models.PositiveIntegerField(_("thời gian đã phục vụ T2 (tháng)"), null=True, blank=True)
    repay_amount = models.PositiveBigIntegerField(_("số tiền phải đền bù S (đồng)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="planning_postgrad_dates")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.field} ({self.person_id})"


class AppointmentProposal(TenantModel):
    """An appointment or election-nomination proposal for a person and a post. While it is open the person cannot be entered in
    the planning list of that post (Quy định 377-QĐ/TW: planning is not done at the same time as an appointment proposal)."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("Đề nghị bổ nhiệm")
        NOMINATION = "nomination", _("Giới thiệu ứng cử")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang xem xét")
        CLOSED = "closed", _("Đã kết thúc")

    person = models.ForeignKey("workforce.Person", on_delete=models.PROTECT, related_name="+")
    position_code = models.CharField(_("chức danh đề nghị"), max_length=30)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.APPOINTMENT)
    proposed_on = models.DateField(_("ngày đề nghị"))
    reference = models.CharField(_("văn bản đề nghị"), max_length=120)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-proposed_on", "-id"]
