"""Models of the workforce app: the register (people, positions, qualifications, training,
discipline), province-assigned staffing quotas, and the annual evaluation with its work log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coso.core.models import TenantModel
from coso.core.text import fold, name_sort_key, nfc
from coso.workforce import rules


def _choices(key: str) -> list[tuple[str, str]]:
    return list(rules.LEVEL_LABELS[key].items())


class Person(TenantModel):
    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class Kind(models.TextChoices):
        CADRE = "cadre", _("Cán bộ")
        CIVIL_SERVANT = "civil_servant", _("Công chức")
        COMMUNE_PART_TIME = "commune_part_time", _("Không chuyên trách cấp xã")
        VILLAGE_PART_TIME = "village_part_time", _("Không chuyên trách thôn, tổ dân phố")

    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, default="")
    name_sort_key = models.CharField(max_length=400, editable=False, default="", db_index=True)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=40, default="Kinh")
    is_ethnic_minority = models.BooleanField(_("dân tộc thiểu số"), default=False, editable=False)
    citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True, default="")
    party_member = models.BooleanField(_("đảng viên"), default=False)
    party_joined_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, db_index=True)
    position_code = models.CharField(_("chức vụ/chức danh hiện tại"), max_length=30, blank=True, default="")
    office_code = models.CharField(_("cơ quan/bộ phận"), max_length=30, blank=True, default="")
    started_on = models.DateField(_("ngày bắt đầu công tác"), null=True, blank=True)
    left_on = models.DateField(_("ngày thôi việc"), null=True, blank=True)
    left_to = models.CharField(_("chuyển công tác đến"), max_length=200, blank=True, default="",
                               help_text=_("Đơn vị nhận người này khi chuyển công tác ra khỏi cấp xã (ghi cùng ngày thôi việc)."))
    transition_end_date = models.DateField(_("ngày kết thúc chuyển tiếp"), null=True, blank=True,
                                           help_text=_("Người hoạt động không chuyên trách cấp xã: ngày thôi theo lộ trình (chậm nhất 31/5/2026)."))
    # Current highest qualifications (history in Training; the review reads these columns).
    general_education = models.CharField(_("giáo dục phổ thông"), max_length=20, choices=_choices("general_education"), default="thpt")
    degree_level = models.CharField(_("trình độ chuyên môn"), max_length=20, choices=_choices("degree_level"), default="none")
    degree_field = models.CharField(_("chuyên ngành"), max_length=30, blank=True, default="", choices=[("", "—"), *rules.DEGREE_FIELDS.items()])
    political_theory = models.CharField(_("lý luận chính trị"), max_length=20, choices=_choices("political_theory"), default="none")
    state_management = models.CharField(_("quản lý nhà nước"), max_length=30, choices=_choices("state_management"), default="none")
    it = models.CharField(_("tin học"), max_length=20, choices=_choices("it"), default="none")
    foreign_language = models.CharField(_("ngoại ngữ"), max_length=20, choices=_choices("foreign_language"), default="none")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="workforce_people",
                             verbose_name=_("tài khoản"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name_sort_key", "id"]
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("cán bộ, công chức")
        constraints = [
            models.UniqueConstraint(fields=["citizen_id"], condition=~Q(citizen_id=""), name="workforce_person_cccd_unique"),
        ]
        indexes = [models.Index(fields=["province_code", "commune_code", "kind"], name="wf_person_unit_kind_idx")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.full_name = nfc(self.full_name)
        self.name_folded = fold(self.full_name)
        self.name_sort_key = name_sort_key(self.full_name)
        self.ethnicity = nfc(self.ethnicity) or "Kinh"
        self.is_ethnic_minority = fold(self.ethnicity) != "kinh"
        if self.position_code and not self.office_code:
            from coso.workforce.policy import office_of

            self.office_code = office_of(self.position_code, self.province_code)
        super().save(*args, **kwargs)

    @property
    def position_name(self) -> str:
        from coso.workforce.policy import position_name

        return position_name(self.position_code, self.province_code)

    @property
    def retirement_date(self):  # type: ignore[no-untyped-def]
        from coso.workforce.policy import retirement_date

        return retirement_date(self.birth_date, self.gender)

    def qualification_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("birth_date", "general_education", "degree_level", "degree_field", "political_theory",
                                              "state_management", "it", "foreign_language")}


class PositionHolding(TenantModel):
    """A position held, with dates and unit (both regimes: Decree 33 titles and post-2025 offices)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    position_code = models.CharField(_("chức vụ/chức danh"), max_length=30)
    office_code = models.CharField(_("cơ quan/bộ phận"), max_length=30, blank=True, default="")
    unit_name = models.CharField(_("đơn vị"), max_length=200, blank=True, default="")
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True, default="")

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")), name="wf_holding_dates")]

    @property
    def position_name(self) -> str:
        from coso.workforce.policy import position_name

        return position_name(self.position_code, self.province_code)


class Training(TenantModel):
    class Kind(models.TextChoices):
        DEGREE = "degree", _("Bằng cấp chuyên môn")
        POLITICAL = "political", _("Lý luận chính trị")
        STATE_MANAGEMENT = "state_management", _("Quản lý nhà nước")
        IT = "it", _("Tin học")
        LANGUAGE = "language", _("Ngoại ngữ")
        REFRESHER = "refresher", _("Bồi dưỡng")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên khóa/bằng"), max_length=200)
    institution = models.CharField(_("cơ sở đào tạo"), max_length=200, blank=True, default="")
    started_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    certificate = models.CharField(_("văn bằng, chứng chỉ"), max_length=100, blank=True, default="")
    programme = models.CharField(_("chương trình bồi dưỡng bắt buộc"), max_length=40, blank=True, default="",
                                 help_text=_("Mã chương trình theo chức danh (ví dụ lãnh đạo, quản lý cấp phòng) khi khóa học là chương trình bắt buộc."))

    class Meta:
        ordering = ["-ended_on", "-id"]


class Discipline(TenantModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disciplines")
    form = models.CharField(_("hình thức"), max_length=20, choices=list(rules.DISCIPLINE_FORMS.items()))
    decided_on = models.DateField(_("ngày quyết định"))
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-decided_on"]


class StaffingQuota(TenantModel):
    """Quota assigned by the province to a commune office (post-2025 regime)."""

    office_code = models.CharField(_("cơ quan/bộ phận"), max_length=30)
    number = models.PositiveIntegerField(_("biên chế"))
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    decision = models.CharField(_("quyết định giao"), max_length=120, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["commune_code", "valid_from"], name="wf_quota_commune_idx")]


class Evaluation(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang lập")
        SELF_ASSESSED = "self_assessed", _("Đã tự đánh giá")
        LEADER_ASSESSED = "leader_assessed", _("Lãnh đạo đã đánh giá")
        APPROVED = "approved", _("Đã phê duyệt")

    class Level(models.TextChoices):
        XUAT_SAC = "xuat_sac", _("Hoàn thành xuất sắc nhiệm vụ")
        TOT = "tot", _("Hoàn thành tốt nhiệm vụ")
        HOAN_THANH = "hoan_thanh", _("Hoàn thành nhiệm vụ")
        KHONG_HOAN_THANH = "khong_hoan_thanh", _("Không hoàn thành nhiệm vụ")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveIntegerField(_("năm"))
    regime = models.CharField(_("căn cứ"), max_length=20, default="nd335")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    self_level = models.CharField(_("tự xếp loại"), max_length=20, choices=Level.choices, blank=True, default="")
    self_general_score = models.DecimalField(_("tự chấm tiêu chí chung"), max_digits=5, decimal_places=2, null=True, blank=True)
    self_comment = models.TextField(_("tự nhận xét"), blank=True, default="")
    general_score = models.DecimalField(_("điểm tiêu chí chung (≤30)"), max_digits=5, decimal_places=2, null=True, blank=True)
    task_score = models.DecimalField(_("điểm kết quả nhiệm vụ (≤70)"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(_("tổng điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    degradation = models.BooleanField(_("có kết luận suy thoái/tự diễn biến"), default=False)
    leader_corruption = models.BooleanField(_("để xảy ra tham nhũng, lãng phí (lãnh đạo)"), default=False)
    level = models.CharField(_("xếp loại"), max_length=20, choices=Level.choices, blank=True, default="")
    auto_reasons = models.JSONField(_("lý do không hoàn thành tự động"), default=list, blank=True)
    leader_comment = models.TextField(_("nhận xét của lãnh đạo"), blank=True, default="")
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "person__name_sort_key"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="wf_evaluation_person_year")]
        indexes = [models.Index(fields=["commune_code", "year", "status"], name="wf_eval_agency_idx")]

    def __str__(self) -> str:
        return f"{self.person} – {self.year}"


class EvaluationStep(models.Model):
    """Workflow history shown on the page (the audit log also records every change)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True, default="")
    step = models.CharField(max_length=30)
    level = models.CharField(max_length=20, blank=True, default="")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]

    STEP_LABELS = {"open": _("Lập phiếu"), "self_assessed": _("Tự đánh giá"), "leader_assessed": _("Lãnh đạo đánh giá"),
                   "approved": _("Phê duyệt")}

    def __str__(self) -> str:
        return f"{self.step} {self.actor_name}"

    @property
    def step_label(self) -> str:
        return str(self.STEP_LABELS.get(self.step, self.step))

    @property
    def level_label(self) -> str:
        return str(dict(Evaluation.Level.choices).get(self.level, self.level))


class WorkItem(TenantModel):
    """A monthly or quarterly work item of a civil servant (Decree 335/2025 task results)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Nhập tay")
        DOSSIERS = "dossiers", _("Một cửa (hồ sơ đã giải quyết)")
        TASKS = "tasks", _("Nhiệm vụ được giao (đã hoàn thành)")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="work_items")
    year = models.PositiveIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    title = models.CharField(_("sản phẩm/công việc"), max_length=300)
    points = models.DecimalField(_("điểm quy đổi"), max_digits=7, decimal_places=2, default=1)
    completed = models.BooleanField(_("đã hoàn thành"), default=True)
    failed_reviews = models.PositiveSmallIntegerField(_("số lần không đạt chất lượng"), default=0)
    delays = models.PositiveSmallIntegerField(_("số lần chậm tiến độ"), default=0)
    excused = models.BooleanField(_("có nguyên nhân khách quan được xác nhận"), default=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(max_length=100, blank=True, default="")
    # A task imported from the tasks module (source "tasks"): who assigned it, its deadline and the day it was completed.
    assigned_by = models.CharField(_("đơn vị giao"), max_length=200, blank=True, default="")
    due_on = models.DateField(_("thời hạn"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        ordering = ["year", "month", "quarter", "id"]
        indexes = [models.Index(fields=["person", "year"], name="wf_item_person_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="wf_item_month"),
            models.CheckConstraint(condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4), name="wf_item_quarter"),
        ]
